"""The unit tier: requests, file names, tokens, reading from strings, the cache, escaping. No PDF is made.

Run alone with `make test-fast` (pytest -m "not pdf"): a few seconds.
"""

import itertools
import json
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
import tinycss2

from leafletpress.booklet import saddle_order
from leafletpress.cache import decode, encode, load_cached
from leafletpress.errors import LeafletError, SourceError, UnknownName
from leafletpress.model import Leaflet, fill_url
from leafletpress.read import Fields, load_yaml, read_leaflet
from leafletpress.request import ENGINES, BuildRequest, Options, describe
from leafletpress.style import PAPERS, STYLES, Style
from leafletpress.templating import css_string, isolate_runs

from .helpers import ASSETS, FIXTURES, leaflet

# --- File names and their inverse ------------------------------------------------------------------

OPTION_GRID = [
    Options(lang, large, sections, paper, engine, notes=notes, booklet=booklet)
    for lang, large, sections, paper, engine, notes, booklet in itertools.product(
        ["en", "zh-Hans"], [False, True], [(), ("treatment",), ("causes", "risk-factors")], list(PAPERS),
        ENGINES, [False, True], [False, True])
    if not (booklet and paper == "a5")]


@pytest.mark.parametrize("options", OPTION_GRID, ids=lambda o: o.filename("x"))
def test_file_name_reads_back_as_its_options(options):
    assert describe(options.filename("focal-dystonia")) == ("focal-dystonia", options)


@pytest.mark.parametrize("name", ["javascript:alert(1).en.pdf", "notes.txt", "x.pdf", "Focal.en.pdf",
                                  "x.en.notes.a5.pdf", "x.en.a5.booklet.pdf", "x.en.Treatment.pdf",
                                  "x.en..pdf", "../x.en.pdf"])
def test_names_the_tool_does_not_write_are_not_read_as_its_own(name):
    assert describe(name) is None


# --- The build request ----------------------------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    ({"engine": "latex"}, "unknown engine 'latex'; valid: weasyprint, reportlab"),
    ({"paper": "leter"}, "unknown paper 'leter'; valid: a4, letter, a5; did you mean 'letter'?"),
    ({"paper": "a5", "booklet": True}, "--booklet folds a4 or letter sheets in half; not 'a5'"),
    ({"jobs": 0}, "--jobs must be 1 or more, not 0"),
    ({"jobs": -3}, "--jobs must be 1 or more, not -3"),
    ({"note": "x" * 1001}, "the note has 1001 characters; at most 1000 fit the notes box"),
    ({"note": "ring \x1b[31m"}, "the note holds a control character (U+001B)"),
    ({"output": Path("a.pdf"), "out_dir": Path("b")}, "--output and --out-dir can't be used together"),
])
def test_a_bad_request_is_refused_when_made(change, message):
    with pytest.raises(LeafletError) as caught:
        BuildRequest(**change)
    assert message in str(caught.value)


def test_request_defaults_live_in_one_place():
    request = BuildRequest()
    assert (request.paper, request.engine, request.print_sizes) == ("a4", "weasyprint", [False, True])
    assert BuildRequest(output=Path("x.pdf")).print_sizes == [False]
    assert BuildRequest(large_print=True).print_sizes == [True]
    assert BuildRequest(note="Line one\nline two").note == "Line one\nline two"
    assert all(field.name in BuildRequest.__dataclass_fields__ for field in fields(BuildRequest))


# --- Style tokens ---------------------------------------------------------------------------------

def test_every_token_says_what_it_is_for_and_reaches_the_css():
    style = STYLES["standard"]
    properties = style.css_properties()
    for token in fields(Style):
        assert len(token.metadata["doc"]) > 10, token.name
        assert f"--{token.name.replace('_', '-')}: " in properties
    assert "--paragraph-gap: 9.75pt;" in properties and "--figure-width: 46%;" in properties


def test_large_print_tokens_follow_the_type_size():
    standard, large = STYLES["standard"], STYLES["large"]
    assert (standard.body, large.body, standard.smallest, large.smallest) == (13, 18, 12, 16)
    assert large.paragraph_gap == 0.75 * 18 and large.write_in_height == 2.2 * 18


def test_the_stylesheet_uses_only_tokens_for_lengths_and_colours():
    """templates/leaflet.css restates no number: every length and colour is a var(--token)."""
    from leafletpress.project import TEMPLATES

    css = (TEMPLATES / "leaflet.css").read_text()
    names = {f"--{token.name.replace('_', '-')}" for token in fields(Style)}
    used = set(__import__("re").findall(r"var\((--[a-z-]+)\)", css))
    assert used <= names, used - names
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                          skip_whitespace=True):
            for token in declaration.value if declaration.type == "declaration" else []:
                if token.type == "hash" or token.type == "dimension" and token.unit in ("pt", "mm", "em", "px", "cm"):
                    pytest.fail(f"{declaration.name}: {tinycss2.serialize(declaration.value)}")


# --- Reading from strings -------------------------------------------------------------------------

def test_yaml_aliases_are_refused_with_their_line(tmp_path):
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    with pytest.raises(SourceError) as caught:
        load_yaml(tmp_path / "leaflet.yaml", bomb)
    assert caught.value.line == 1 and "anchors and aliases" in caught.value.message  # at the anchor


@pytest.mark.parametrize("text, message", [
    ("1: x\n", "a key must be text, not '1': quote it"),
    ("name: [x\n", "malformed YAML"),
    ("- a\n- b\n", "metadata must be a mapping"),
])
def test_yaml_that_is_not_plain_metadata(tmp_path, text, message):
    with pytest.raises(SourceError, match=message.replace("[", r"\[")):
        load_yaml(tmp_path / "x.yaml", text)


def test_dates_stay_text_until_read_with_their_line(tmp_path):
    data, lines = load_yaml(tmp_path / "x.yaml", "title: x\npublished: 2026-02-30\n")
    assert data["published"] == "2026-02-30"
    with pytest.raises(SourceError) as caught:
        Fields(tmp_path / "x.yaml", data, lines).date("published")
    assert caught.value.line == 2 and "not a day of the calendar" in caught.value.message


@pytest.mark.parametrize("value, message", [
    ("Focal dystonia\f} .warning { display: none }", "control character (U+000C)"),
    ("Title\rwith a carriage return", "control character (U+000D)"),
    ("x" * 2001, "at most 2000 are allowed"),
])
def test_text_fields_hold_plain_bounded_text(tmp_path, value, message):
    fields_ = Fields(tmp_path / "x.yaml", {"title": value}, {("title",): 3})
    with pytest.raises(SourceError) as caught:
        fields_.text("title")
    assert message in caught.value.message and caught.value.line == 3


def test_an_address_holds_only_its_two_placeholders(tmp_path):
    from leafletpress.read import web_address

    for url in ("https://x.org/{leaflet.__class__}", "https://x.org/{leaflet:>300000000}", "https://x.org/{0}"):
        with pytest.raises(SourceError, match="only {leaflet} and {lang}"):
            web_address(Fields(tmp_path / "x.yaml", {"online_url": url}, {}), "online_url")
    assert fill_url("https://x.org/{leaflet}/{lang}/{lang}", "a", "en") == "https://x.org/a/en/en"


def test_a_leaflet_folder_name_is_its_id(tmp_path):
    folder = tmp_path / "javascript:alert(1)"
    folder.mkdir()
    with pytest.raises(SourceError, match="lowercase letters, digits and hyphens"):
        read_leaflet(folder, ASSETS)


# --- The model cache ------------------------------------------------------------------------------

def test_the_model_cache_reads_back_the_same_model():
    model = leaflet()
    assert decode(json.loads(json.dumps(encode(model)))) == model


@pytest.mark.parametrize("crafted", [
    {"type": "Popen", "args": ["touch", "/tmp/pwned"]},
    {"type": "Leaflet", "id": "x"},
    {"type": "path"},
    [1, 2, 3],
    {"type": "tuple", "items": {"a": 1}},
])
def test_a_crafted_cache_entry_is_refused(crafted):
    with pytest.raises((ValueError, KeyError, TypeError)):
        decode(crafted)


def test_a_cached_model_naming_a_file_outside_assets_is_ignored(tmp_path):
    model = leaflet()
    data = json.dumps({"format": 2, "version": __import__("leafletpress").__version__,
                       "leaflet": encode(model)}).replace(str(ASSETS), "/etc")
    cached = tmp_path / "x.json"
    cached.write_text(data)
    assert load_cached(cached, ASSETS, model.folder) is None
    cached.write_text(data.replace("/etc", str(ASSETS)))
    assert isinstance(load_cached(cached, ASSETS, model.folder), Leaflet)


# --- Escaping for CSS and for direction -----------------------------------------------------------

@pytest.mark.parametrize("text", ['Focal dystonia', 'a "quoted" \\ back', "form\ffeed } .x { display: none }",
                                  "new\nline\r", "Distonía · Versión\u00a01.0", "خلل التوتر", "局部肌张力障碍"])
def test_css_strings_hold_any_text(text):
    tokens = tinycss2.parse_component_value_list(css_string(text))
    assert [token.type for token in tokens] == ["string"] and tokens[0].value == text


def test_left_to_right_runs_in_right_to_left_text_are_isolated():
    out = str(isolate_runs("هاتف: 0161 496 0000 (Riverside)", "rtl"))
    assert '<span dir="ltr">0161 496 0000 (Riverside)</span>' in out
    assert str(isolate_runs("Phone: 0161", "ltr")) == "Phone: 0161"


# --- Booklet order --------------------------------------------------------------------------------

def test_saddle_stitch_order():
    assert saddle_order(4) == [(3, 0), (1, 2)]
    assert saddle_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]


def test_right_to_left_saddle_order_is_mirrored():
    assert saddle_order(4, right_to_left=True) == [(0, 3), (2, 1)]
    assert saddle_order(8, right_to_left=True) == [(0, 7), (6, 1), (2, 5), (4, 3)]


def test_unknown_name_suggests_the_closest():
    assert str(UnknownName("section", "treatmnt", ["overview", "treatment"])) == \
        "unknown section 'treatmnt'; valid: overview, treatment; did you mean 'treatment'?"


def test_fixture_leaflet_reads(tmp_path):
    tiny = leaflet(FIXTURES / "leaflets" / "tiny")
    assert tiny.provenance.published == date(2026, 1, 15) and tiny.languages == ["en"]


# --- The command's own documentation ---------------------------------------------------------------

def test_the_command_reference_is_up_to_date(monkeypatch):
    """docs/cli.md is every --help as the tool prints it; `make docs` remakes it."""
    import importlib.util

    from .helpers import PROJECT

    spec = importlib.util.spec_from_file_location("cli_docs", PROJECT / "scripts" / "cli_docs.py")
    cli_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli_docs)
    monkeypatch.setenv("COLUMNS", "100")
    assert (PROJECT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_docs.reference()


def test_a_published_site_gives_each_pdf_its_page_address(tmp_path):
    from leafletpress.formats.site import page_path
    from leafletpress.model import Clinic

    clinic = Clinic("Riverside", tmp_path / "clinic.yaml", site_url="https://riverside.example.org/leaflets/")
    url = clinic.url_for("focal-dystonia", "es")
    assert url == "https://riverside.example.org/leaflets/focal-dystonia/es/"
    assert url + "index.html" == "https://riverside.example.org/leaflets/" + page_path("focal-dystonia", "es")
    assert Clinic("R", tmp_path, leaflet_url="https://x.org/{leaflet}", site_url="https://y.org/").url_for(
        "a", "en") == "https://x.org/a"


def test_a_truncated_png_is_refused_even_after_weasyprint_is_imported():
    from io import BytesIO

    import weasyprint  # noqa: F401  (it tells Pillow to accept truncated pictures)
    from PIL import Image, ImageFile

    from leafletpress.assets import BadPicture, check_raster

    buffer = BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "PNG")
    whole = buffer.getvalue()
    check_raster(whole, "PNG")
    with pytest.raises(BadPicture, match="is not a whole PNG picture"):
        check_raster(whole[:60], "PNG")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's own setting is left as it was


def test_pdfs_of_one_language_share_one_font_subset_unless_a_note_adds_characters():
    from leafletpress.document import build_document

    focal = leaflet()
    whole = build_document(focal, Options("zh-Hans"))
    assert set(whole.printed_text()) <= set(whole.glyphs)
    for other in (Options("zh-Hans", sections=("treatment",)), Options("zh-Hans", True, paper="a5"),
                  Options("zh-Hans", notes=True), Options("zh-Hans", sections=("diagnosis",), booklet=True)):
        assert build_document(focal, other).glyphs == whole.glyphs, other
    noted = build_document(focal, Options("zh-Hans", note="请带上您的药物清单。"))
    assert set("请带上您的药物清单。") <= set(noted.glyphs) and noted.glyphs != whole.glyphs


def test_an_interrupt_during_a_write_waits_for_the_file_to_be_whole(tmp_path):
    """Ctrl-C arriving between writing and renaming; in a process of its own, where Python handles signals."""
    import subprocess
    import sys

    script = """
import os, signal, sys
from pathlib import Path
from leafletpress import files
rename = os.replace
def interrupted(source, target):
    os.kill(os.getpid(), signal.SIGINT)
    rename(source, target)
os.replace = interrupted
try:
    files.write_atomic(Path(sys.argv[1]), b"whole")
except KeyboardInterrupt:
    print("interrupted once the file was written")
"""
    target = tmp_path / "record.json"
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout == "interrupted once the file was written\n", done.stderr
    assert target.read_bytes() == b"whole"
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]  # no temporary file left
