"""The tag tree of every kind of PDF, as a screen reader meets it: whole, in the leaflet's order, checked twice.

Once by the PyPI package `pdfua` (a part of PDF/UA-1 and WCAG, on pikepdf), once
by our own reading (tests/tagtree.py) for what it does not look at.
"""

import pikepdf
import pytest

from leafletpress.document import build_document
from leafletpress.model import ListBlock
from leafletpress.request import Options

from .helpers import PROJECT
from .helpers import leaflet as read_default
from .tagtree import artifact_text_pages, element_texts, elements, lists, roles, sections, tag_problems

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

LEAFLET = read_default()
CLINIC = str(PROJECT / "clinic.example.yaml")
LANGS = ("en", "es", "ar", "zh-Hans")

# Every kind of tagged PDF the options make, beyond `make`'s 4 languages x 2 print sizes.
KINDS = {
    "letter": ("--paper", "letter"),
    "letter large print (ar)": ("--lang", "ar", "--paper", "letter", "--large-print"),
    "a5": ("--paper", "a5"),
    "a5 large print": ("--paper", "a5", "--large-print"),
    "a5 large print (zh)": ("--lang", "zh-Hans", "--paper", "a5", "--large-print"),
    "clinic and notes": ("--clinic", CLINIC, "--notes", "--note", "Take 2 tablets."),
    "notes (ar)": ("--lang", "ar", "--notes"),
    "section handout (es)": ("--lang", "es", "--section", "treatment"),
}


def made(built, lang: str, large: bool):
    return built / f"focal-dystonia.{lang}{'.large-print' if large else ''}.pdf"


def every_pdf(built, build_one):
    yield from (made(built, lang, large) for lang in LANGS for large in (False, True))
    yield from (build_one("focal-dystonia", *options) for options in KINDS.values())


def test_our_checks_find_nothing_in_any_pdf(built, build_one):
    found = {pdf.name: tag_problems(pdf) for pdf in every_pdf(built, build_one)}
    assert found == {name: [] for name in found}


def test_pdfua_finds_nothing_in_any_pdf(built, build_one):
    from pdfua import Validator

    for pdf in every_pdf(built, build_one):
        report = Validator().validate(str(pdf))
        assert [(finding.rule_id, finding.message) for finding in report.findings] == [], pdf.name
        # pdfua 0.1.3 cannot evaluate UA-14-001 (empty headings) at all: see the next test.
        assert [outcome.rule_id for outcome in report.skipped] == ["UA-14-001"], pdf.name


def test_pdfua_cannot_evaluate_empty_headings():
    """pdfua 0.1.3's as_integer() probes /K with getattr(value, "is_integer", False); on a pikepdf Array
    that raises ValueError, not AttributeError, so UA-14-001 is skipped on every heading whose /K is an
    array, as in every PDF WeasyPrint writes. tag_problems finds empty headings instead."""
    from pdfua.document import as_integer

    assert as_integer(3) == 3
    with pytest.raises(ValueError, match="is_integer"):
        as_integer(pikepdf.Array([3]))


def test_footers_and_page_numbers_are_pagination_artifacts(built):
    pdf = made(built, "en", False)
    footers = artifact_text_pages(pdf)
    for number, footer in enumerate(footers, start=1):
        expected = f"{LEAFLET.translations['en'].title} · Version 1.0Page {number} of {len(footers)}"
        assert footer.split() == expected.split()
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            artifacts = [operands[1] for operands, operator in pikepdf.parse_content_stream(page)
                         if str(operator) == "BDC" and operands[0] == pikepdf.Name("/Artifact")]
            assert [dict(artifact) for artifact in artifacts] == [{"/Type": pikepdf.Name("/Pagination")}] * 2
    assert not any("Page 1 of" in text for text in element_texts(pdf, "P") + element_texts(pdf, "Span"))


def list_sizes(lang: str, **options) -> list[int]:
    """How many items each list of the document has, in order: the sections' lists, then the sources."""
    document = build_document(LEAFLET, Options(lang, **options))
    return [len(block.items) for section in document.sections for block in section.blocks
            if isinstance(block, ListBlock)] + [len(document.about.sources)]


@pytest.mark.parametrize("lang", LANGS)
def test_one_list_per_source_list_however_the_pages_fall(built, build_one, lang):
    expected = [("Disc", size) for size in list_sizes(lang)]
    assert lists(made(built, lang, False)) == expected
    assert lists(made(built, lang, True)) == expected
    assert lists(build_one("focal-dystonia", "--lang", lang, "--paper", "a5", "--large-print")) == expected


def test_one_sect_per_section_each_opening_with_its_heading(built, build_one):
    for pdf in (made(built, "en", True), build_one("focal-dystonia", "--paper", "a5", "--large-print")):
        document = build_document(LEAFLET, Options("en", large_print=True))
        boxes = [document.questions.heading, document.contact.heading, document.about.heading]
        assert [shape[0] for shape in sections(pdf)] == ["H2"] * (len(document.sections) + len(boxes))
        headings = [section.heading for section in document.sections] + boxes
        assert unspaced(element_texts(pdf, "H2")) == unspaced(headings)


def test_a_paragraph_split_by_a_page_is_one_paragraph(built, build_one):
    a5_large = build_one("focal-dystonia", "--paper", "a5", "--large-print")
    with pikepdf.open(a5_large) as pdf:  # the case that needs mending: some P runs on to the next page
        assert any(len({str(kid.Pg.objgen) for kid in elements(element)}) == 2
                   for element in elements(pdf.Root.StructTreeRoot) if element.S == "/P")
    assert unspaced(element_texts(a5_large, "P")) == unspaced(element_texts(made(built, "en", False), "P"))


def unspaced(texts: list[str]) -> list[str]:
    """Texts without spaces: the tag tree holds no space where a line ends, which readers infer."""
    return ["".join(text.split()) for text in texts]


def test_every_list_item_has_its_label_and_body(built):
    pdf = made(built, "en", False)
    assert roles(pdf)["LI"] == roles(pdf)["Lbl"] == roles(pdf)["LBody"] > 0
    assert set(element_texts(pdf, "Lbl")) == {"•"}


def test_care_team_box_is_a_heading_and_labels_to_write_beside(built):
    pdf = made(built, "en", False)
    contact = build_document(LEAFLET, Options("en")).contact
    shape = sections(pdf)[-2]
    assert shape == ["H2", "P", "Div"]  # no list, no empty item: the lines are drawn, not tagged
    assert contact.heading in element_texts(pdf, "H2")
    assert [text for text in element_texts(pdf, "P") if text in contact.write_in] == list(contact.write_in)


def test_clinic_details_are_label_and_value_pairs(build_one):
    pdf = build_one("focal-dystonia", *KINDS["clinic and notes"])
    numbered = dict.fromkeys(numbering for numbering, _ in lists(pdf))
    assert list(numbered) == ["Disc", "None"]
    assert "Phone0161 496 0000" in element_texts(pdf, "LI")
    assert "Phone" in element_texts(pdf, "Lbl")


def test_a_link_over_several_lines_is_one_link_element(tmp_path):
    from leafletpress.engines.weasyprint import render_document
    from leafletpress.fetch import LocalFetcher
    from leafletpress.fonts import font_folders
    from leafletpress.project import TEMPLATES

    url = "https://example.org/" + "/".join(["a-rather-long-address-segment"] * 8)
    html = (f'<html lang="en"><head><title>Links</title></head><body><p>Read <a href="{url}">{url}</a> '
            'and <a href="https://example.org/">example.org</a>.</p></body></html>')
    css = "@page { size: A6; } body { font-family: 'Atkinson Hyperlegible'; } a { overflow-wrap: anywhere; }"
    pdf = tmp_path / "links.pdf"
    pdf.write_bytes(render_document(html, css, LocalFetcher([TEMPLATES, *font_folders(None)])))
    with pikepdf.open(pdf) as document:
        annotations = [annotation for page in document.pages for annotation in page.obj.get("/Annots", [])]
    assert len(annotations) > 2  # the long address is broken over lines, an annotation for each
    assert roles(pdf)["Link"] == 2
    assert element_texts(pdf, "Link") == [url, "example.org"]
    assert tag_problems(pdf) == []


def test_no_structure_element_is_left_outside_the_tree(tmp_path):
    """WeasyPrint writes the footer's elements and leaves them out of the tree; ours has none such, and no
    half of a joined element is left behind."""
    from weasyprint import CSS, HTML

    from leafletpress.engines.weasyprint import render_document
    from leafletpress.fetch import LocalFetcher
    from leafletpress.fonts import font_folders
    from leafletpress.project import TEMPLATES

    html = ('<html lang="en"><head><title>Footer</title></head><body><p>A first paragraph.</p><p>'
            + "A paragraph long enough to run on over the foot of a page. " * 12 + "</p><p>The last.</p></body></html>")
    css = ("@page { size: A7; @bottom-center { content: 'Page ' counter(page) } } "
           "body { font-family: 'Atkinson Hyperlegible'; }")
    bare, ours = tmp_path / "bare.pdf", tmp_path / "ours.pdf"
    bare.write_bytes(HTML(string=html).write_pdf(stylesheets=[CSS(string=css)], pdf_variant="pdf/ua-1"))
    ours.write_bytes(render_document(html, css, LocalFetcher([TEMPLATES, *font_folders(None)])))
    assert [problem for problem in tag_problems(bare) if "outside the tree" in problem]
    assert tag_problems(ours) == []
    with pikepdf.open(ours) as pdf:  # the long paragraph runs over pages: the case to mend
        assert any(len({kid.Pg.objgen for kid in elements(element)}) > 1
                   for element in elements(pdf.Root.StructTreeRoot) if element.S == "/P")
    footers = artifact_text_pages(ours)
    assert len(footers) > 1
    assert footers == [f"Page {number}" for number in range(1, len(footers) + 1)]
    assert len(element_texts(ours, "P")) == 3
