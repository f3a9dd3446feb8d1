"""Pages that fill: no page before the last less than two thirds full, no list's last item alone.

Checked on every language × standard and large print × A4, Letter and A5, as
`generate.py check` checks a built PDF.
"""

import itertools

import pytest

from leafletpress.document import build_document
from leafletpress.pages import FILL_TARGET, PageFill, page_fills, stranded_items, underfilled
from leafletpress.request import Options

from .helpers import leaflet, main

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

LEAFLET = leaflet()
MATRIX = list(itertools.product(["en", "es", "ar", "zh-Hans"], [False, True], ["a4", "letter", "a5"]))


@pytest.mark.parametrize("lang, large, paper", MATRIX,
                         ids=[f"{lang}-{'large' if large else 'standard'}-{paper}" for lang, large, paper in MATRIX])
def test_pages_fill_and_no_list_loses_its_last_item(build_one, lang, large, paper):
    pdf = build_one("focal-dystonia", "--lang", lang, "--paper", paper, *(["--large-print"] if large else []))
    document = build_document(LEAFLET, Options(lang, large, paper=paper))
    fills = page_fills(pdf, document)
    assert len(fills) >= 8
    assert underfilled(fills) == [], [(fill.page, round(fill.fill, 2)) for fill in fills]
    assert stranded_items(fills, document) == []


def test_a_page_opening_with_a_lists_last_item_alone_is_found():
    document = build_document(LEAFLET, Options("en"))
    causes = next(section for section in document.sections if section.id == "causes")
    last = "".join(run.text for run in causes.blocks[3].items[-1])
    fills = [PageFill(1, 0.9, "What causes focal dystonia?"), PageFill(2, 0.9, f"• {last}"),
             PageFill(3, 0.9, "• Infection")]
    assert stranded_items(fills, document) == [(2, last)]
    assert underfilled([PageFill(1, 0.64, ""), PageFill(2, 0.1, "")]) == [PageFill(1, 0.64, "")]
    assert FILL_TARGET == 0.65


def test_a_remembered_layout_gives_the_same_bytes_in_one_layout(tmp_path, monkeypatch):
    """The second build of a document whose holes were mended lays its pages out once, to the same bytes."""
    import leafletpress.engines.weasyprint as engine
    from leafletpress.build import render_pdf

    from .helpers import project

    layouts = []
    lay_out = engine.lay_out
    monkeypatch.setattr(engine, "lay_out", lambda *args: layouts.append(1) or lay_out(*args))
    monkeypatch.setattr(type(project()), "cache_folder", lambda self, name: tmp_path / name
                        if (tmp_path / name).mkdir(exist_ok=True) is None else None)
    options = Options("en", large_print=True)
    first = render_pdf(LEAFLET, options, project())
    searched = len(layouts)
    second = render_pdf(LEAFLET, options, project())
    assert searched > 1 and len(layouts) == searched + 1
    assert first == second
    assert len(list((tmp_path / "layouts").glob("*.json"))) == 1


def test_check_reports_a_half_empty_page_of_a_built_pdf(tmp_path, capsys, monkeypatch):
    """Laid out without the engine's mending, the large print leaves a hole check finds."""
    import leafletpress.cache
    import leafletpress.engines.weasyprint as engine

    monkeypatch.setattr(engine, "MOVES", 0)
    monkeypatch.setattr(leafletpress.cache, "remembered_layout", lambda project, key: None)
    monkeypatch.setattr(leafletpress.cache, "remember_layout", lambda project, key, moves: None)
    target = tmp_path / "focal-dystonia.en.large-print.pdf"
    assert main(["build", "focal-dystonia", "--large-print", "--output", str(target)]) == 0
    capsys.readouterr()
    assert main(["check", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"{target}: warning: page 2 of " in out
    assert "% full; pages before the last should be at least 65% full" in out
