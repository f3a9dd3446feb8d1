"""The ReportLab engine, read back and held against the WeasyPrint engine: words, paper, sizes, outline."""

import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from leafletpress.cli import main
from leafletpress.document import build_document
from leafletpress.engines import reportlab as engine
from leafletpress.errors import RenderError
from leafletpress.fonts import script_of
from leafletpress.i18n import translations
from leafletpress.model import Figure, Leaflet, Paragraph, Run
from leafletpress.request import ENGINES, Options

from .helpers import PROJECT, project
from .helpers import leaflet as read_default
from .pdf import char_sizes, embedded_fonts, font_names, page_sizes_mm

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

LEAFLET = read_default()
LATIN = [lang for lang in LEAFLET.languages if script_of(lang) == "Latin"]
CAUSES = next(section for section in LEAFLET.translations["en"].sections if section.id == "causes")
VARIANTS = {
    "standard": (),
    "large-print": ("--large-print",),
    "section": ("--section", "treatment"),
    "letter": ("--paper", "letter"),
    "a5": ("--paper", "a5"),
    "clinic-notes": ("--clinic", str(PROJECT / "clinic.example.yaml"), "--notes"),
}
ATKINSON = {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"}


@pytest.fixture(scope="module")
def pair(build_one):
    """The same leaflet, language and options built by both engines: (weasyprint, reportlab)."""
    def build(lang: str, variant: str, *extra: str) -> tuple[Path, Path]:
        args = ("focal-dystonia", "--lang", lang, *VARIANTS[variant], *extra)
        return build_one(*args), build_one(*args, "--engine", "reportlab")
    return build


def body_words(path: Path, title: str, lang: str, version: str) -> list[str]:
    """The PDF's words in reading order, without the running footer or list markers.

    Each engine breaks lines in its own places, so a word is cut after a slash or
    hyphen whether or not a line ended there ("https://" + "www.nhs.uk/" ...).
    """
    gettext = translations(lang).gettext
    footer = f"{title} · {gettext('Version')} {version}"
    reader = PdfReader(path)
    pages = []
    for number, page in enumerate(reader.pages, 1):
        text = " ".join(page.extract_text().split())
        label = gettext("Page %(page)s of %(pages)s") % {"page": number, "pages": len(reader.pages)}
        assert text.count(label) == 1 and footer in text, f"page {number} has no footer: {text[-120:]}"
        pages.append(text.replace(label, " ").replace(footer, " "))
    return tokens(" ".join(pages).replace("•", " "))


def tokens(text: str) -> list[str]:
    """Words, each also cut after a slash or hyphen."""
    return re.findall(r"[^\s/\-]*[/\-]+|[^\s/\-]+", text)


def leaflet_words(path: Path, lang: str) -> list[str]:
    """The words, with the figure's caption and credit taken out and counted.

    WeasyPrint may move a figure past a paragraph or two of its section so as
    not to leave a page half empty; ReportLab keeps it at its place. The words
    around it must still be the same, in the same order.
    """
    words = body_words(path, LEAFLET.translations[lang].title, lang, LEAFLET.provenance.version)
    gettext = translations(lang).gettext
    for section in LEAFLET.translations[lang].sections:
        for figure in (block for block in section.blocks if isinstance(block, Figure)):
            for said in (f"{gettext('Picture')}: {figure.caption}", f"{gettext('Credit')}: {figure.credit}"):
                words = cut(words, tokens(said))
    return words


def cut(words: list[str], part: list[str]) -> list[str]:
    """words without the run of part in them, if it is there (once at most)."""
    starts = [i for i in range(len(words)) if words[i:i + len(part)] == part]
    assert len(starts) <= 1, part[:6]
    return words[:starts[0]] + words[starts[0] + len(part):] if starts else words


def same_text(one: list[str], other: list[str]) -> bool:
    """The same characters in the same order, wherever each engine broke its lines (in a long address,
    one may break after 'http', the other after 'https://')."""
    return "".join(one) == "".join(other) and abs(len(one) - len(other)) <= len(one) // 50


def outline(path: Path) -> list[tuple[int, str]]:
    """The PDF's bookmarks as (depth, title) in order."""
    found: list[tuple[int, str]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))
    walk(PdfReader(path).outline, 0)
    return found


def metadata(path: Path) -> tuple[str, str, str, bool]:
    with pikepdf.open(path) as pdf:
        return (str(pdf.docinfo.Title), str(pdf.docinfo.Author), str(pdf.Root.Lang),
                bool(pdf.Root.ViewerPreferences.DisplayDocTitle))


def smallest_size(path: Path) -> float:
    return min(size for size, _ in char_sizes(path))


# Parity: both engines print the same leaflet


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("lang", LATIN)
def test_same_words_in_the_same_order(pair, lang, variant):
    weasy, reportlab = pair(lang, variant)
    assert same_text(leaflet_words(reportlab, lang), leaflet_words(weasy, lang))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("lang", LATIN)
def test_same_paper_type_sizes_and_metadata(pair, lang, variant):
    weasy, reportlab = pair(lang, variant)
    assert page_sizes_mm(reportlab) == page_sizes_mm(weasy)
    assert smallest_size(reportlab) == smallest_size(weasy)
    assert metadata(reportlab) == metadata(weasy)
    assert metadata(reportlab)[:3] == (LEAFLET.translations[lang].title,
                                       LEAFLET.provenance.produced_by, lang)


def test_review_overdue_notice_as_in_the_html_engine(pair):
    weasy, reportlab = pair("en", "standard", "--as-of", "2030-01-01")
    words = leaflet_words(reportlab, "en")
    assert same_text(words, leaflet_words(weasy, "en"))
    assert " ".join(words).startswith("Focal dystonia Information for patients and their families "
                                      "Review overdue: this leaflet was due for review on 24 November 2029.")


def test_clinically_reviewed_leaflet_with_links_and_numbered_list(build_one, leaflets_dir):
    """No draft notice once a clinician has reviewed it; links print their address; 1. 2. 3."""
    page = leaflets_dir / "tiny" / "en.md"
    page.write_text(page.read_text() + (
        "\n## Contact {#contact}\n\nSee [the NHS page](https://www.nhs.uk/conditions/dystonia/) or "
        "**[email us](mailto:care@example.org)** & ask if 1 < 3 holds.\n\n"
        "1. First step\n2. Second step\n"), encoding="utf-8")
    args = ("tiny", "--leaflets-dir", str(leaflets_dir))
    weasy, reportlab = build_one(*args), build_one(*args, "--engine", "reportlab")
    tiny = read_default(leaflets_dir / "tiny")

    def words(path):
        found = body_words(path, tiny.translations["en"].title, "en", tiny.provenance.version)
        return [word for word in found if not re.fullmatch(r"\d+\.", word)]  # list numbers
    assert words(reportlab) == words(weasy)
    text = " ".join(words(reportlab))
    assert "Draft" not in text and "Clinically reviewed by Dr Test, neurologist on January 15, 2026" in text
    for printed in ("the NHS page (https://www.nhs.uk/conditions/dystonia/) or",
                    "email us (care@example.org) & ask if 1 < 3 holds. First step Second step"):
        assert " ".join(tokens(printed)) in text


# The PDF's own qualities


def test_outline_has_one_entry_per_printed_section(pair):
    for variant, sections in (("standard", LEAFLET.translations["en"].sections),
                              ("section", [s for s in LEAFLET.translations["en"].sections
                                           if s.id in ("get-help-urgently", "treatment")])):
        weasy, reportlab = pair("en", variant)
        entries = outline(reportlab)
        assert entries[0] == (0, LEAFLET.translations["en"].title)
        assert [title for depth, title in entries if depth == 1] == [
            *(section.heading for section in sections), "Questions to ask your care team", "Your care team",
            "About this leaflet"]
        assert entries == outline(weasy)  # subheadings and Sources nested as WeasyPrint nests them


def test_outline_points_at_the_pages_of_the_headings(pair):
    _, reportlab = pair("en", "standard")
    reader = PdfReader(reportlab)
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    for item in reader.outline[1]:
        if not isinstance(item, list):
            assert item.title in pages[reader.get_destination_page_number(item)], item.title


@pytest.mark.parametrize("variant", ["standard", "large-print"])
def test_clear_print_sizes(pair, variant):
    _, reportlab = pair("en", variant)
    size = Options("en", large_print=variant == "large-print").print_size
    sizes = Counter(size for size, _ in char_sizes(reportlab))
    assert min(sizes) >= size.smallest
    assert sizes.most_common(1)[0][0] == size.body
    assert max(sizes) == size.title


@pytest.mark.parametrize("variant", ["standard", "large-print"])
def test_only_atkinson_hyperlegible_embedded(pair, variant):
    _, reportlab = pair("en", variant)
    fonts = embedded_fonts(reportlab)
    assert set(fonts) == ATKINSON and all(fonts.values()), fonts
    assert font_names(reportlab) == ATKINSON


def test_figure_is_drawn_with_caption_and_credit(pair):
    _, reportlab = pair("en", "standard")
    figure, heading = CAUSES.blocks[0], CAUSES.heading
    pages = [" ".join(tokens(page.extract_text())) for page in PdfReader(reportlab).pages]
    number = next(number for number, words in enumerate(pages) if heading in words)
    with pdfplumber.open(reportlab) as pdf:
        assert len(pdf.pages[number].curves) >= 20  # the SVG's circles and outlines, as vector paths
    words = pages[number]
    assert "Picture: " + " ".join(tokens(figure.caption)) in words
    assert "Credit: " + " ".join(tokens(figure.credit)) in words


def test_dates_from_the_metadata_never_the_clock(pair):
    _, reportlab = pair("en", "standard")
    with pikepdf.open(reportlab) as pdf:
        assert str(pdf.docinfo.CreationDate) == LEAFLET.provenance.published.strftime("D:%Y%m%d")
        assert str(pdf.docinfo.ModDate) == LEAFLET.provenance.published.strftime("D:%Y%m%d")  # no review yet
        assert str(pdf.docinfo.Subject) == LEAFLET.translations["en"].subtitle
        assert str(pdf.docinfo.Keywords) == LEAFLET.id


def test_identical_bytes_on_rebuild(pair, tmp_path):
    _, reportlab = pair("en", "standard")
    again = tmp_path / "again.pdf"
    assert main(["build", "focal-dystonia", "--engine", "reportlab", "--output", str(again)]) == 0
    assert again.read_bytes() == reportlab.read_bytes()
    # A fresh process, with another hash seed, writes the same bytes too.
    other = tmp_path / "other.pdf"
    result = subprocess.run([sys.executable, "generate.py", "build", "focal-dystonia", "--engine",
                             "reportlab", "--output", str(other)], cwd=PROJECT, capture_output=True,
                            text=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert result.returncode == 0, result.stderr
    assert other.read_bytes() == reportlab.read_bytes()


# One engine at a time

IMPORTS = """
import sys
from leafletpress.cli import main
code = main(["build", "focal-dystonia", "--lang", "en", "--engine", sys.argv[1], "--output", sys.argv[2]])
loaded = sorted({name.split(".")[0] for name in sys.modules} & {"weasyprint", "reportlab", "svglib"})
print("loaded:", " ".join(loaded))
raise SystemExit(code)
"""


@pytest.mark.parametrize("engine, absent", [("reportlab", "weasyprint"), ("weasyprint", "reportlab")])
def test_a_build_imports_only_its_engine(tmp_path, engine, absent):
    result = subprocess.run([sys.executable, "-c", IMPORTS, engine, str(tmp_path / "out.pdf")],
                            capture_output=True, text=True, cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    loaded = next(line for line in result.stdout.splitlines() if line.startswith("loaded:")).split()[1:]
    assert engine in loaded and absent not in loaded, loaded


# Languages the engine can't print


def test_refuses_a_script_it_cannot_print(capsys, tmp_path):
    code = main(["build", "focal-dystonia", "--engine", "reportlab", "--lang", "ar",
                 "--out-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "--engine weasyprint" in err, err
    assert not list(tmp_path.iterdir())


def test_every_language_means_every_latin_language(capsys, tmp_path):
    assert main(["build", "focal-dystonia", "--engine", "reportlab", "--out-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(
        f"focal-dystonia.{lang}.reportlab{size}.pdf" for lang in LATIN for size in ("", ".large-print"))
    assert "4 built" in out
    skipped = [line for line in err.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 2 and "(ar)" in skipped[0] and "(zh-Hans)" in skipped[1], err
    assert all("--engine weasyprint" in line for line in skipped)


def test_render_refuses_non_latin_directly():
    with pytest.raises(RenderError, match="weasyprint"):
        engine.render(build_document(LEAFLET, Options("ar", engine="reportlab")), project())


# Failures are one line, never a traceback


def with_causes(blocks) -> Leaflet:
    """The English leaflet with other blocks in the section that has the figure."""
    english = LEAFLET.translations["en"]
    sections = tuple(replace(s, blocks=tuple(blocks)) if s.id == "causes" else s for s in english.sections)
    return replace(LEAFLET, translations={"en": replace(english, sections=sections)})


def test_unreadable_svg_is_one_line_render_error(tmp_path):
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg this is not xml", encoding="utf-8")
    blocks = CAUSES.blocks
    leaflet = with_causes([replace(blocks[0], path=broken), *blocks[1:]])
    with pytest.raises(RenderError) as caught:
        engine.render(build_document(leaflet, Options("en", engine="reportlab")), project())
    message = str(caught.value)
    assert "broken.svg" in message and "\n" not in message


def test_figure_beside_text_taller_than_a_page_is_stacked_instead():
    """Side by side, the section's opening would not fit a page: the figure goes above the text."""
    blocks = CAUSES.blocks
    beside = [Paragraph((Run(f"Paragraph number {i} of a very long opening, beside the figure."),))
              for i in range(45)]
    leaflet = with_causes([blocks[0], *beside, *blocks[1:]])
    pdf = engine.render(build_document(leaflet, Options("en", engine="reportlab")), project())
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert text.index("Picture:") < text.index("Paragraph number 0") < text.index("Paragraph number 44")


# One source of layout values

def first_char(path: Path, text: str) -> dict:
    with pdfplumber.open(path) as pdf:
        return next(char for char in pdf.pages[0].chars if char["text"] == text[0])


def test_changing_one_token_moves_both_engines(monkeypatch, tmp_path, leaflets_dir):
    """A wider margin and another accent colour in style.py, and nothing else: both engines follow."""
    from dataclasses import replace as changed

    import leafletpress.style

    def build(name: str) -> tuple[dict, dict]:
        found = []
        for which in ENGINES:
            target = tmp_path / f"{name}-{which}.pdf"
            assert main(["build", "tiny", "--leaflets-dir", str(leaflets_dir), "--engine", which,
                         "--output", str(target)]) == 0
            found.append(first_char(target, "Tiny leaflet"))
        return found

    before = build("before")
    standard = leafletpress.style.STYLES["standard"]
    monkeypatch.setitem(leafletpress.style.STYLES, "standard",
                        changed(standard, margin=standard.margin + 34, accent="#8b0000"))
    after = build("after")
    for old, new in zip(before, after):
        assert round(new["x0"] - old["x0"]) == 34 and round(new["top"] - old["top"]) == 34
        assert new["non_stroking_color"] != old["non_stroking_color"]
    assert {tuple(round(c, 2) for c in char["non_stroking_color"]) for char in after} == {(0.55, 0.0, 0.0)}
