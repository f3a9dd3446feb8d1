"""Every language of the focal dystonia leaflet, read back from its PDF."""

import pdfplumber
import pikepdf
import pytest

from .helpers import leaflet as read_default
from .pdf import char_sizes, embedded_fonts, font_names, text, text_by

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

LEAFLET = read_default()
LANGS = ["en", "es", "ar", "zh-Hans"]
PAGE_ONE = {"en": "Page 1 of", "es": "Página 1 de", "ar": "صفحة 1 من", "zh-Hans": "第 1 页，共"}
PUBLISHED = {"en": "24 November 2026", "es": "24 de noviembre de 2026", "ar": "24 نوفمبر 2026",
             "zh-Hans": "2026年11月24日"}
FONTS = {"en": {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"},
         "es": {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"},
         "ar": {"IBM-Plex-Sans-Arabic", "IBM-Plex-Sans-Arabic-Bold"},
         "zh-Hans": {"Noto-Sans-CJK-SC-Subset", "Noto-Sans-CJK-SC-Subset-Bold"}}
#: 11 sections, 18 sources. Arabic carries invisible glyphs that make every reader read it in order
#: (leafletpress/engines/rtl.py): 2.3 KB more in large print (91.7 KB).
MAX_KB = {"en": 70, "es": 70, "ar": 93, "zh-Hans": 400}
DRAFT_NOTICE = {"es": "Borrador de traducción: todavía no revisado por un profesional sanitario.",
                "ar": "مسودة ترجمة: لم يراجعها طبيب بعد.",
                "zh-Hans": "翻译草稿：尚未经临床医生审核。"}


def pdf_for(built, lang, large=False):
    return built / f"focal-dystonia.{lang}{'.large-print' if large else ''}.pdf"


def squeeze(words: str) -> str:
    return "".join(words.split())


def read(pdf, lang: str, pages: list[int] | None = None) -> str:
    """The PDF's text in the order it is stored. Arabic is stored in logical order (engines/rtl.py);
    pypdf turns right-to-left lines round and so reads it reversed: MuPDF reads it as stored."""
    if lang != "ar":
        return text(pdf, pages)
    if pages is None:
        return text_by("mutool", pdf)
    import subprocess

    return subprocess.run(["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(pdf),
                           ",".join(str(page + 1) for page in pages)], capture_output=True, text=True).stdout


@pytest.mark.parametrize("lang", LANGS)
def test_every_heading_in_its_language(built, lang):
    translation = LEAFLET.translations[lang]
    words = squeeze(read(pdf_for(built, lang), lang))
    assert squeeze(translation.title) in words
    positions = [words.index(squeeze(section.heading)) for section in translation.sections]
    assert positions == sorted(positions)


@pytest.mark.parametrize("lang", LANGS)
def test_same_sections_as_the_source(lang):
    assert LEAFLET.translations[lang].section_ids == LEAFLET.translations["en"].section_ids


@pytest.mark.parametrize("lang", LANGS)
def test_fixed_wording_and_dates_in_the_language(built, lang):
    page_one = read(pdf_for(built, lang), lang, pages=[0])
    assert squeeze(PAGE_ONE[lang]) in squeeze(page_one)
    assert squeeze(PUBLISHED[lang]) in squeeze(page_one)


@pytest.mark.parametrize("lang", LANGS)
def test_document_language_and_title(built, lang):
    with pikepdf.open(pdf_for(built, lang)) as pdf:
        assert str(pdf.Root.Lang) == lang
        assert str(pdf.docinfo.Title) == LEAFLET.translations[lang].title


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("large", [False, True])
def test_pinned_fonts_embedded_and_sizes_kept(built, lang, large):
    pdf = pdf_for(built, lang, large)
    fonts = embedded_fonts(pdf)
    assert all(fonts.values()), fonts
    assert font_names(pdf) == FONTS[lang]
    assert min(size for size, _ in char_sizes(pdf)) >= (16 if large else 12)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("large", [False, True])
def test_pdf_size(built, lang, large):
    assert pdf_for(built, lang, large).stat().st_size <= MAX_KB[lang] * 1000


@pytest.mark.parametrize("lang", ["es", "ar", "zh-Hans"])
def test_unreviewed_translation_says_so(built, lang):
    assert squeeze(DRAFT_NOTICE[lang]) in squeeze(read(pdf_for(built, lang), lang))


def test_source_language_has_no_translation_notice(built):
    words = text(pdf_for(built, "en"))
    assert "Draft translation" not in words and "Translated by" not in words


def test_arabic_reads_right_to_left(built):
    pdf = pdf_for(built, "ar")
    heading = LEAFLET.translations["ar"].sections[0].heading
    assert heading in read(pdf, "ar")
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        title = [c for c in page.chars if round(c["size"]) == 28]
        margin_right = page.width - max(c["x1"] for c in title)
        margin_left = min(c["x0"] for c in title)
        assert margin_right < 60 < margin_left  # the title hangs from the right margin
        bullets = [c for c in page.chars if c["text"] == "•"]
        assert bullets and min(c["x0"] for c in bullets) > page.width / 2  # markers on the right
        footer = [c for c in page.chars if c["top"] > page.height - 70]
        numbers = [c for c in footer if c["text"] == "1" and "Bold" in c["fontname"]]
        assert numbers and max(c["x1"] for c in numbers) < page.width / 2  # page number on the left


def test_arabic_keeps_latin_words_in_their_order(built):
    words = read(pdf_for(built, "ar"), "ar")
    assert "EMG" in words and "MRI" in words
    assert "https://www.ninds.nih.gov/health-information/disorders/dystonia" in squeeze(words)


def test_chinese_breaks_lines_between_characters(built):
    with pdfplumber.open(pdf_for(built, "zh-Hans")) as document:
        for page in document.pages:
            right = max(c["x1"] for c in page.chars)
            assert right <= page.width - 18 * 72 / 25.4 + 1  # nothing runs past the margin
        lines = {round(c["top"]) for c in document.pages[0].chars if round(c["size"]) == 13}
        assert len(lines) > 10


def test_chinese_font_subset_is_reproducible(built, tmp_path, monkeypatch):
    import leafletpress.fonts

    from .helpers import main

    (tmp_path / "fonts").mkdir()
    monkeypatch.setattr(leafletpress.fonts, "subset_folder", lambda cache: tmp_path / "fonts")  # made afresh
    again = tmp_path / "zh.pdf"
    assert main(["build", "focal-dystonia", "--lang", "zh-Hans", "--output", str(again)]) == 0
    assert len(list((tmp_path / "fonts").glob("*.otf"))) == 2
    assert again.read_bytes() == pdf_for(built, "zh-Hans").read_bytes()


def test_phone_number_inside_arabic_keeps_its_order(build_one):
    from .helpers import PROJECT

    pdf = build_one("focal-dystonia", "--lang", "ar", "--clinic", str(PROJECT / "clinic.example.yaml"))
    with pdfplumber.open(pdf) as document:
        page = next(page for page in document.pages if "0161" in (page.extract_text() or ""))
        words = page.extract_words()
    groups = sorted((w["x0"], w["text"]) for w in words if w["text"] in ("0161", "496", "0000"))
    assert [text for _, text in groups] == ["0161", "496", "0000"]  # left to right, as written
