"""The Chinese fonts as MuPDF and Ghostscript read them.

A Chinese leaflet that Poppler drew well drew blank in MuPDF and as boxes
through Ghostscript, because the CJK font's CIDs were not its glyph numbers.
"""

import io

import pikepdf
import pytest
from fontTools.ttLib import TTFont

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

LEAFLET = "focal-dystonia"


@pytest.mark.parametrize("name", [f"{LEAFLET}.zh-Hans.pdf", f"{LEAFLET}.zh-Hans.large-print.pdf"])
def test_chinese_font_cids_are_its_glyph_numbers(built, name):
    """The content writes glyph numbers as CIDs (Identity): the embedded CID-keyed CFF must say the same."""
    with pikepdf.open(built / name) as document:
        programs = [descriptor.FontFile3.read_bytes() for descriptor in document.objects
                    if isinstance(descriptor, pikepdf.Dictionary) and descriptor.get("/Type") == "/FontDescriptor"
                    and "Noto" in str(descriptor.FontName) and "/FontFile3" in descriptor]
    assert len(programs) == 2  # regular and bold
    for program in programs:
        with TTFont(io.BytesIO(program)) as font:
            charset = font["CFF "].cff.topDictIndex[0].charset
        assert charset == [".notdef"] + [f"cid{glyph:05d}" for glyph in range(1, len(charset))]
