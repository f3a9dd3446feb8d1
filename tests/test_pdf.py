"""The focal dystonia PDFs, read back: text, paper, type sizes, tags, fonts and bytes."""

from collections import Counter

import pytest

from leafletpress.model import ListBlock, Paragraph

from .helpers import leaflet as read_default
from .pdf import char_sizes, embedded_fonts, figure_alts, font_names, page_sizes_mm, structure, text

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

LEAFLET = read_default()
EN = LEAFLET.translations["en"]
HEADINGS = {section.id: section.heading for section in EN.sections}


@pytest.fixture(scope="module")
def standard(built):
    return built / "focal-dystonia.en.pdf"


@pytest.fixture(scope="module")
def large(built):
    return built / "focal-dystonia.en.large-print.pdf"


def test_make_builds_every_language_in_both_print_sizes(built):
    assert sorted(p.name for p in built.glob("*.pdf")) == sorted(
        f"focal-dystonia.{lang}{size}.pdf" for lang in ("en", "es", "ar", "zh-Hans")
        for size in ("", ".large-print"))


def test_text_has_every_section_in_order(standard):
    words = text(standard)
    positions = [words.index(heading) for heading in HEADINGS.values()]
    assert positions == sorted(positions)
    assert words.startswith(EN.title)


def test_no_debris_or_blank_lists(standard):
    """No export debris, and every sentence that introduces a list is followed, on paper, by its first item."""
    words = text(standard)
    assert "]]>" not in words and "Nucleus" not in words
    squeezed = "".join(words.split())
    lead_ins = 0
    for section in EN.sections:
        for block, after in zip(section.blocks, section.blocks[1:]):
            if isinstance(block, Paragraph) and block.introduces_list:
                assert isinstance(after, ListBlock), (section.id, block)
                printed = "".join(run.text for run in block.runs) + "".join(run.text for run in after.items[0])
                assert "".join(printed.split()) in squeezed, printed
                lead_ins += 1
    assert lead_ins >= 5


def test_footer_and_provenance(standard):
    words = text(standard)
    assert "Page 1 of " in words
    assert f"{EN.title} · Version {LEAFLET.provenance.version}" in words
    assert "Published: 24 November 2026" in words and "Next review: 24 November 2029" in words
    for source in LEAFLET.provenance.sources:
        assert source.publisher in words


def test_page_count_in_footer_matches(standard):
    from pypdf import PdfReader
    count = len(PdfReader(standard).pages)
    assert count >= 2
    assert f"Page {count} of {count}" in text(standard)


def test_figure_caption_credit_and_alt(standard):
    figure = next(section for section in EN.sections if section.id == "causes").blocks[0]
    words = text(standard)
    assert " ".join(figure.caption.split()) in words
    assert " ".join(figure.credit.split()) in words
    assert figure_alts(standard) == [figure.alt]


def test_a4_by_default_and_letter_on_request(standard, build_one):
    assert page_sizes_mm(standard) == {(210, 297)}
    assert page_sizes_mm(build_one("focal-dystonia", "--paper", "letter")) == {(216, 279)}


def test_clear_print_sizes(standard):
    sizes = char_sizes(standard)
    assert min(size for size, _ in sizes) >= 12
    assert Counter(size for size, _ in sizes).most_common(1)[0][0] == 13


def test_large_print_sizes(large, standard):
    sizes = char_sizes(large)
    assert min(size for size, _ in sizes) >= 16
    assert Counter(size for size, _ in sizes).most_common(1)[0][0] == 18
    # Reflowed on the same paper, not scaled: same page size, more pages.
    assert page_sizes_mm(large) == {(210, 297)}
    from pypdf import PdfReader
    assert len(PdfReader(large).pages) > len(PdfReader(standard).pages)


def test_letter_large_print_keeps_sizes(build_one):
    pdf = build_one("focal-dystonia", "--paper", "letter", "--large-print")
    assert page_sizes_mm(pdf) == {(216, 279)}
    assert min(size for size, _ in char_sizes(pdf)) >= 16


def test_single_section_is_a_complete_handout(build_one):
    pdf = build_one("focal-dystonia", "--section", "treatment")
    words = text(pdf)
    assert words.startswith(EN.title)
    assert HEADINGS["treatment"] in words
    # The urgent advice goes with every part of the leaflet.
    assert words.index(HEADINGS["get-help-urgently"]) < words.index(HEADINGS["treatment"])
    for section_id, heading in HEADINGS.items():
        if section_id not in ("treatment", "get-help-urgently"):
            assert heading not in words, section_id
    assert "This handout has only part of the leaflet:" in words
    assert "Your care team" in words and "About this leaflet" in words


def test_sections_keep_the_leaflets_order(build_one):
    words = text(build_one("focal-dystonia", "--section", "treatment", "--section", "causes"))
    assert words.index(HEADINGS["causes"]) < words.index(HEADINGS["treatment"])
    assert HEADINGS["symptoms"] not in words


def test_tagged_pdf_ua(standard):
    import pikepdf
    with pikepdf.open(standard) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.MarkInfo.Marked)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title) == EN.title
        assert "pdfuaid:part" in str(pdf.Root.Metadata.read_bytes())


def test_headings_in_order_never_skipping(standard):
    levels = [int(tag[2]) for _, tag in structure(standard) if tag in ("/H1", "/H2", "/H3")]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1
    assert levels.count(2) >= len(HEADINGS)


def test_fonts_embedded_and_pinned(standard, large):
    for pdf in (standard, large):
        fonts = embedded_fonts(pdf)
        assert fonts and all(fonts.values()), fonts
        assert font_names(pdf) <= {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"}


def test_identical_bytes_on_rebuild(tmp_path, standard):
    from .helpers import main
    again = tmp_path / "again.pdf"
    assert main(["build", "focal-dystonia", "--output", str(again)]) == 0
    assert again.read_bytes() == standard.read_bytes()
