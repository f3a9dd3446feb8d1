"""Web addresses in the About box are links, and their lines never break right after "https://"."""

import re

import pikepdf
import pytest

from leafletpress.document import build_document
from leafletpress.read import read_clinic
from leafletpress.request import Options

from .helpers import ASSETS, PROJECT, leaflet
from .pdf import text_by

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

CLINIC = str(PROJECT / "clinic.example.yaml")


def link_targets(path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(annotation.A.URI) for page in pdf.pages for annotation in page.get("/Annots", [])
                if annotation.get("/Subtype") == "/Link" and "/URI" in annotation.get("/A", {})]


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("large", [False, True])
def test_every_source_and_the_online_copy_is_a_link_never_broken_after_its_scheme(build_one, lang, large):
    pdf = build_one("focal-dystonia", "--lang", lang, "--clinic", CLINIC, *(["--large-print"] if large else []))
    clinic = read_clinic(PROJECT / "clinic.example.yaml", ASSETS)
    document = build_document(leaflet(), Options(lang, large, clinic=clinic))
    addresses = [source.url for source in document.about.sources if source.url] + [document.about.online.url]
    assert len(addresses) > 10 and set(addresses) <= set(link_targets(pdf))
    for reader in ("pdftotext", "mutool"):
        lines = text_by(reader, pdf).splitlines()
        assert not [line for line in lines if re.search(r"https?://\W*$", line)], reader


def test_reportlab_gives_each_embedded_font_its_own_subset_tag(build_one):
    pdf = build_one("focal-dystonia", "--lang", "en", "--engine", "reportlab")
    with pikepdf.open(pdf) as document:
        fonts = {str(font.BaseFont): str(font.FontDescriptor.FontName)
                 for page in document.pages for font in page.Resources.Font.values()}
    tags = [name[1:].split("+")[0] for name in fonts]
    assert len(fonts) == 2 and all(base == described for base, described in fonts.items())
    assert len(set(tags)) == len(tags) and "AAAAAA" not in tags and all(re.fullmatch("[A-Z]{6}", t) for t in tags)
