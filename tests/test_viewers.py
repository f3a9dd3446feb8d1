"""Every kind of PDF the tool writes draws the same in Poppler, MuPDF, Ghostscript and pdfium.

Patients open leaflets in whatever they have and clinics print them through
whatever their print server runs: a Chinese leaflet that Poppler drew well
drew blank in MuPDF and as boxes through Ghostscript, because the CJK font's
CIDs were not its glyph numbers. Each PDF's first page and one from its
middle are drawn by all four; the drawings must carry ink, alike in amount
and in shape, and no renderer may complain of a glyph or a font.
"""

import io

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from .helpers import PROJECT
from .viewers import draw_everywhere, ink, least_alike

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

CLINIC = str(PROJECT / "clinic.example.yaml")
LEAFLET = "focal-dystonia"
LANGS = ["en", "es", "ar", "zh-Hans"]

#: Every kind of PDF that `make` and the options write: (id, build options or None for `make`'s own file name).
KINDS = [
    *((f"{lang}-{size}", f"{LEAFLET}.{lang}{'.large-print' if size == 'large' else ''}.pdf")
      for lang in LANGS for size in ("standard", "large")),
    *((f"{lang}-{size}-{paper}", (LEAFLET, "--lang", lang, "--paper", paper, *(["--large-print"] if large else [])))
      for lang, paper, large, size in [("en", "letter", False, "standard"), ("zh-Hans", "letter", True, "large"),
                                       ("ar", "letter", False, "standard"), ("es", "a5", True, "large"),
                                       ("ar", "a5", True, "large"), ("zh-Hans", "a5", False, "standard")]),
    *((f"{lang}-clinic-notes", (LEAFLET, "--lang", lang, "--clinic", CLINIC, "--notes"))
      for lang in ("en", "ar", "zh-Hans")),
    *((f"{lang}-section", (LEAFLET, "--lang", lang, "--section", "treatment")) for lang in ("en", "zh-Hans")),
    *((f"{lang}-booklet", (LEAFLET, "--lang", lang, "--booklet")) for lang in ("en", "ar", "zh-Hans")),
    *((f"{lang}-reportlab{'-large' if large else ''}",
       (LEAFLET, "--lang", lang, "--engine", "reportlab", *(["--large-print"] if large else [])))
      for lang, large in [("en", False), ("es", True)]),
]
ALIKE = 0.95  # correct pages score 0.98-0.995 between any two renderers; Chinese drawn as boxes about 0.8
INK_SPREAD = 1.5  # the darkest renderer's ink at most this many times the lightest's


@pytest.fixture
def pdf(request, built, build_one):
    kind = request.param
    return built / kind if isinstance(kind, str) else build_one(*kind)


def pages_to_draw(path) -> list[int]:
    """The first page and the middle one (1-based)."""
    with pikepdf.open(path) as document:
        count = len(document.pages)
    return sorted({1, count // 2 + 1})


@pytest.mark.parametrize("pdf", [kind for _, kind in KINDS], ids=[name for name, _ in KINDS], indirect=True)
def test_four_renderers_draw_the_same_page(pdf):
    for page in pages_to_draw(pdf):
        images, said = draw_everywhere(pdf, page)
        inks = {name: round(ink(image), 4) for name, image in images.items()}
        score, pair = least_alike(images)
        found = {name: f"{len(lines)} warnings, the first: {lines[0]}" for name, lines in said.items() if lines}
        assert not found, f"page {page}: {found} (ink {inks}, {pair} alike {score:.3f})"
        assert min(inks.values()) > 0.01, f"page {page} drawn (nearly) blank: ink {inks}"
        assert max(inks.values()) <= INK_SPREAD * min(inks.values()), f"page {page}: ink differs: {inks}"
        assert score >= ALIKE, f"page {page}: {pair} draw it differently (alike {score:.3f}, ink {inks})"


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
