"""Broken sources are refused when read, on one line with their file and line, before any PDF is made.

The unit tier: every case is refused before an engine is loaded, so no PDF is
rendered; the picture cases run on both engines all the same.
"""

import os
from pathlib import Path

import pytest

from . import SVG, assert_one_line, edit, make_project, run

YAML = "leaflets/tiny/leaflet.yaml"
TEXT = "leaflets/tiny/en.md"
PICTURE = "assets/pic.svg"
SECRET = "secret/s.svg"


def in_yaml(old: str, new: str):
    return lambda root: edit(root / YAML, lambda text: text.replace(old, new, 1))


def add_yaml(extra: str):
    return lambda root: edit(root / YAML, lambda text: text + extra)


def in_text(old: str, new: str):
    return lambda root: edit(root / TEXT, lambda text: text.replace(old, new, 1))


def section(body: str):
    return in_text("A short **first** section.", body)


def picture(svg: str):
    return lambda root: (root / PICTURE).write_text(svg)


def svg(inside: str, head: str = "") -> str:
    return (f'{head}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="100" height="60">{inside}</svg>')


def replaced_by(make):
    """The file replaced by something else (a link, a pipe, a folder)."""
    def setup(root, relative):
        path = root / relative
        path.unlink()
        make(root, path)
    return setup


def link_to(target: str):
    return replaced_by(lambda root, path: path.symlink_to(root / target if not target.startswith("/") else target))


def fifo(root, path):
    os.mkfifo(path)


# (case, setup, file:line the message names, fragment of the message)
SOURCE_CASES = [
    # YAML: only plain data, written once, as text
    ("yaml-python-tag", add_yaml("x: !!python/object/apply:os.system ['true']\n"), f"{YAML}:17",
     "could not determine a constructor"),
    ("yaml-custom-tag", add_yaml("x: !include /etc/passwd\n"), f"{YAML}:17", "could not determine a constructor"),
    ("yaml-alias-bomb", in_yaml("sources:", "a: &a [x, x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a]\nsources:"),
     f"{YAML}:", "YAML anchors and aliases (& and *) are not supported"),
    ("yaml-merge-key", add_yaml("base: {x: 1}\nmore:\n  <<: {y: 2}\n"), f"{YAML}:19", "a key must be text, not '<<'"),
    ("yaml-deep-nesting", add_yaml("deep: " + "[" * 20000 + "]" * 20000 + "\n"), f"{YAML}:17",
     "malformed YAML: exceeded maximum nesting depth"),
    ("yaml-two-documents", add_yaml("---\nx: 1\n"), f"{YAML}:17", "malformed YAML"),
    ("yaml-tab", add_yaml("x:\n\t- 1\n"), f"{YAML}:18", "malformed YAML"),
    ("yaml-a-list", lambda root: (root / YAML).write_text("- a\n- b\n"), f"{YAML}:1", "must be a mapping"),
    ("yaml-empty", lambda root: (root / YAML).write_text(""), YAML, "missing 'published'"),
    ("yaml-number-key", add_yaml("1: x\n"), f"{YAML}:17", "a key must be text, not '1': quote it"),
    ("yaml-null-key", add_yaml("~: x\n"), f"{YAML}:17", "a key must be text"),
    ("yaml-list-key", add_yaml("? [a, b]\n: x\n"), f"{YAML}:17", "a key must be text, not a list or a mapping"),
    ("yaml-repeated-key", add_yaml("clinical_reviewer: Someone else\n"), f"{YAML}:17",
     "'clinical_reviewer' is given twice: keep one"),
    ("yaml-misspelt-key", add_yaml("clinical_reviwer: Dr Typo\n"), f"{YAML}:17",
     "unknown key 'clinical_reviwer'; valid: "),
    ("yaml-misspelt-nested-key", in_yaml("publisher: Test publisher", "publisher: Test publisher\n    urll: x"),
     f"{YAML}:11", "unknown key 'urll'"),
    ("yaml-yes-as-text", in_yaml("produced_by: Test clinic", "produced_by: yes"), f"{YAML}:7",
     "'produced_by' must be text, but YAML reads it as a yes/no value (True): put it in quotes"),
    ("yaml-octal-as-text", in_yaml("produced_by: Test clinic", "produced_by: 0123"), f"{YAML}:7",
     "YAML reads it as a number (83)"),
    ("yaml-binary", in_yaml("produced_by: Test clinic", "produced_by: !!binary aGVsbG8="), f"{YAML}:7",
     "binary value"),
    ("yaml-infinity", in_yaml("produced_by: Test clinic", "produced_by: .inf"), f"{YAML}:7", "number (inf)"),
    ("yaml-nul", add_yaml("x: \0\n"), f"{YAML}:17", "holds a NUL character"),
    ("yaml-not-utf8", lambda root: (root / YAML).write_bytes("produced_by: Cl\xednica\n".encode("latin-1")),
     YAML, "not UTF-8 text (byte 15)"),
    ("yaml-too-large", add_yaml("#" * 300_000 + "\n"), YAML, "is larger than 256 KB"),
    ("value-too-long", in_yaml("produced_by: Test clinic", "produced_by: " + "x" * 2001), f"{YAML}:7",
     "'produced_by' is 2001 characters long; at most 2000 are allowed"),
    ("value-form-feed", in_yaml("produced_by: Test clinic", 'produced_by: "Test\\f} .warning {display: none}"'),
     f"{YAML}:7", "'produced_by' holds a control character (U+000C)"),
    ("value-carriage-return", in_yaml("Test clinic", '"Test\\r} main {display: none}"'), f"{YAML}:7", "U+000D"),
    ("value-bidi-override", in_yaml("Test clinic", '"Test \\u202e clinic"'), f"{YAML}:7", "U+202E"),
    ("version-not-quoted", in_yaml('version: "2.1"', "version: 2.10"), f"{YAML}:2", "must be quoted"),
    # Dates
    ("date-not-in-calendar", in_yaml("published: 2026-01-15", "published: 2026-02-30"), f"{YAML}:3",
     "'published' is not a day of the calendar: 2026-02-30"),
    ("date-year-0", in_yaml("published: 2026-01-15", "published: 0000-01-15"), f"{YAML}:3", "year 0 is out of range"),
    ("date-written-otherwise", in_yaml("published: 2026-01-15", "published: 15/01/2026"), f"{YAML}:3",
     "must be a date written YYYY-MM-DD"),
    ("date-list", in_yaml("published: 2026-01-15", "published: [2026]"), f"{YAML}:3", "YYYY-MM-DD"),
    ("review-too-late", in_yaml("next_review: 2029-01-15", "next_review: 2030-01-15"), f"{YAML}:4",
     "at most 3 years after"),
    # Addresses: https only, no format strings, bounded for a QR code
    ("url-format-attribute", add_yaml('online_url: "https://example.org/{leaflet.__class__.__mro__}"\n'),
     f"{YAML}:17", "may hold only {leaflet} and {lang} in braces"),
    ("url-format-width", add_yaml('online_url: "https://example.org/{leaflet:>300000000}"\n'), f"{YAML}:17",
     "may hold only {leaflet} and {lang}"),
    ("url-javascript", add_yaml('online_url: "javascript:alert(1)"\n'), f"{YAML}:17", "must be an https:// address"),
    ("url-http", in_yaml("url: https://example.org/source", "url: http://example.org/source"), f"{YAML}:11",
     "must be an https:// address"),
    ("url-space", add_yaml('online_url: "https://example.org/a b"\n'), f"{YAML}:17", "must not hold spaces"),
    ("url-bytes-overflow-qr", add_yaml('online_url: "https://example.org/' + "é" * 600 + '"\n'), f"{YAML}:17",
     "bytes long; a QR code holds at most 1000"),
    # Front matter
    ("front-matter-missing", lambda root: edit(root / TEXT, lambda t: t[t.index("## "):]), f"{TEXT}:1",
     "must start with YAML front matter"),
    ("front-matter-unclosed", in_text("\n---\n", "\n--\n"), f"{TEXT}:1", "front matter is not closed"),
    ("front-matter-list", lambda root: edit(root / TEXT, lambda t: "---\n- a\n---\n" + t[t.index("## "):]),
     f"{TEXT}:2", "must be a mapping"),
    ("front-matter-number-key", in_text("title:", "1: x\ntitle:"), f"{TEXT}:2", "a key must be text"),
    ("front-matter-title-list", in_text("title: Tiny leaflet", "title: [a, b]"), f"{TEXT}:2",
     "'title' must be non-empty text"),
    ("front-matter-title-no", in_text("title: Tiny leaflet", "title: no"), f"{TEXT}:2", "yes/no value"),
    ("front-matter-misspelt", in_text("subtitle:", "subtitel: x\nsubtitle:"), f"{TEXT}:3",
     "unknown key 'subtitel'; valid: figures, locale, subtitle, title; did you mean 'subtitle'?"),
    ("front-matter-repeated", in_text("title: Tiny leaflet", "title: Tiny leaflet\ntitle: Other"), f"{TEXT}:3",
     "'title' is given twice"),
    ("front-matter-unknown-figure", in_text("  pic:", "  pik:"), f"{TEXT}:5", "unknown figure 'pik'; valid: pic"),
    ("front-matter-no-alt", in_text("    alt: A blue box\n", ""), f"{TEXT}:", "has no alt text"),
    # Markdown: what clear print forbids, and what would print as something else
    ("md-table", section("| a | b |\n|---|---|\n| 1 | 2 |"), f"{TEXT}:12", "tables are not supported"),
    ("md-strikethrough", section("~~gone~~"), f"{TEXT}:12", "strikethrough is not supported"),
    ("md-raw-html", section("<div>x</div>"), f"{TEXT}:12", "raw HTML is not allowed"),
    ("md-script", section("a <script>alert(1)</script>"), f"{TEXT}:12", "raw HTML is not allowed"),
    ("md-html-comment", section("<!-- hidden -->"), f"{TEXT}:12", "raw HTML is not allowed"),
    ("md-image", section("![x](../../secret/s.png)"), f"{TEXT}:12", "images in the text are not allowed"),
    ("md-link-javascript", section("[x](javascript:alert(1))"), f"{TEXT}:12", "links must be https:, mailto: or tel:"),
    ("md-autolink-javascript", section("<javascript:alert(1)>"), f"{TEXT}:12", "not 'javascript:alert(1)'"),
    ("md-reference-link-file", section("[x][r]\n\n[r]: file:///etc/passwd"), f"{TEXT}:12", "not 'file:///etc/passwd'"),
    ("md-link-without-words", section("Call [](https://example.org/x) now."), f"{TEXT}:12",
     "a link needs words to print"),
    ("md-entity-bidi-override", section("a &#x202E; b"), f"{TEXT}:12", "control character (U+202E)"),
    ("md-entity-form-feed", section("a &#12; b"), f"{TEXT}:12", "control character (U+000C)"),
    ("md-line-separator", section("a \u2028 b"), f"{TEXT}:12", "U+2028"),
    ("md-nul", section("a \0 b"), f"{TEXT}:12", "holds a NUL character"),
    ("md-italics", section("*it*"), f"{TEXT}:12", "italics are hard to read"),
    ("md-h1", section("# Big"), f"{TEXT}:12", "headings must not skip a level"),
    ("md-setext-heading", section("Big\n==="), f"{TEXT}:12", "not '='"),
    ("md-nested-list", section("- a\n  - b"), f"{TEXT}:13", "lists inside lists are not supported"),
    ("md-code", section("```\ncode\n```"), f"{TEXT}:12", "code blocks are not supported"),
    ("md-block-quote-deep", section(">" * 50000 + " q"), f"{TEXT}:12", "block quotes are not supported"),
    ("md-rule", section("***"), f"{TEXT}:12", "horizontal rules are not supported"),
    ("md-section-twice", in_text("{#treatment}", "{#overview}"), f"{TEXT}:", "section id 'overview' is used twice"),
    ("md-section-named-for-an-option", in_text("{#treatment}", "{#large-print}"), f"{TEXT}:",
     "'large-print' can't be a section id"),
    ("md-heading-without-id", in_text(" {#treatment}", ""), f"{TEXT}:", "section heading needs a stable id"),
    ("md-emoji", section("smile 🙂"), TEXT, "can print '🙂'"),
    ("md-windows-1252", lambda root: (root / TEXT).write_bytes((root / TEXT).read_bytes().replace(
        b"short", "sh\xf6rt".encode("cp1252"))), TEXT, "not UTF-8 text"),
    # Figures in leaflet.yaml
    ("figure-section-typo", in_yaml("section: overview", "section: overveiw"), f"{YAML}:", "did you mean 'overview'?"),
    ("figure-outside-assets", in_yaml("file: pic.svg", "file: ../leaflets/tiny/en.md"), f"{YAML}:",
     "must be a file name inside"),
    ("figure-absolute", in_yaml("file: pic.svg", "file: /etc/passwd"), f"{YAML}:", "must be a file name inside"),
    ("figure-backslash", in_yaml("file: pic.svg", 'file: "..\\\\x.svg"'), f"{YAML}:", "must be a file name inside"),
    ("figure-missing", in_yaml("file: pic.svg", "file: nope.svg"), f"{YAML}:", "illustration 'nope.svg' not found"),
    ("figure-no-credit", in_yaml('    credit: "Drawn for the tests"\n', ""), f"{YAML}:", "has no credit"),
    # Names and files of the leaflet
    ("language-file-misnamed", lambda root: (root / "leaflets/tiny/es_ES.md").write_text("x"),
     "leaflets/tiny/es_ES.md", "named with its language code"),
]


@pytest.mark.parametrize("setup, where, fragment", [case[1:] for case in SOURCE_CASES],
                         ids=[case[0] for case in SOURCE_CASES])
def test_a_broken_source_is_one_line_naming_its_file(capsys, tmp_path, monkeypatch, setup, where, fragment):
    root = make_project(tmp_path / "project")
    setup(root)
    monkeypatch.chdir(root)
    target = tmp_path / "out.pdf"
    code, _, err = run(capsys, "build", "tiny", "--engine", "reportlab", "--output", target)
    assert_one_line(code, err, f"error: {where}", fragment)
    assert not target.exists()


SECRET_SVG = svg('<rect width="9" height="9" fill="#f00"/>')
PICTURE_CASES = [
    ("image-relative", svg('<image xlink:href="../secret/s.png" width="9" height="9"/>'),
     "refers to '../secret/s.png'"),
    ("image-href", svg('<image href="../secret/s.png" width="9" height="9"/>'), "refers to '../secret/s.png'"),
    ("image-file-url", svg('<image href="file:///etc/hostname" width="9" height="9"/>'), "refers to 'file:///"),
    ("image-network", svg('<image href="http://127.0.0.1:9/x.png" width="9" height="9"/>'), "refers to 'http:"),
    ("use-other-file", svg(f'<use href="../{SECRET}#a"/>'), f"refers to '../{SECRET}#a'"),
    ("use-other-asset", svg('<use xlink:href="logo.svg#a"/>'), "refers to 'logo.svg#a'"),
    ("css-url-in-style", svg('<style>rect { fill: url(../secret/s.svg#g) }</style><rect width="9" height="9"/>'),
     "refers to '../secret/s.svg#g'"),
    ("css-url-in-attribute", svg('<rect style="fill: url(\'file:///etc/x.svg#g\')" width="9" height="9"/>'),
     "refers to 'file:///etc/x.svg#g'"),
    ("css-url-as-fill", svg('<rect fill="url(other.svg#g)" width="9" height="9"/>'), "refers to 'other.svg#g'"),
    ("css-import", svg("<style>@import url(#x);</style>"), "@import is not allowed"),
    ("nested-svg-as-data", svg('<image href="data:image/svg+xml;utf8,&lt;svg/&gt;" width="9" height="9"/>'),
     "refers to 'data:image/svg+xml"),
    ("link-javascript", svg('<a href="javascript:alert(1)"><rect width="9" height="9"/></a>'),
     "refers to 'javascript:alert(1)'"),
    ("xinclude", svg('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/hostname" parse="text"/>'),
     "<include> is not allowed"),
    ("script", svg("<script>alert(1)</script>"), "<script> is not allowed"),
    ("foreign-object", svg('<foreignObject width="9" height="9"><img xmlns="http://www.w3.org/1999/xhtml" '
                           'src="../secret/s.png"/></foreignObject>'), "<foreignObject> is not allowed"),
    ("external-entity", svg("<text>&x;</text>", '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM '
                            '"file:///etc/hostname">]>'), "an SVG may not have a <!DOCTYPE>"),
    ("billion-laughs", svg("<text>&c;</text>", '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "' + "&a;" * 10
                           + '"><!ENTITY c "' + "&b;" * 10 + '">]>'), "an SVG may not have a <!DOCTYPE>"),
    ("malformed", '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60"><rect', "not a well-formed SVG"),
    ("not-svg", "hello", "not a well-formed SVG"),
    ("html-root", '<html xmlns="http://www.w3.org/1999/xhtml"/>', "its root element must be <svg>"),
    ("too-deep", '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">' + "<g>" * 3000 + "</g>" * 3000
     + "</svg>", "not a well-formed SVG"),
    ("zero-size", svg("").replace('width="100"', 'width="0"'), "needs a positive width and height"),
    ("negative-view-box", SVG.replace("0 0 100 60", "0 0 -100 60"), "needs a positive width and height"),
]


@pytest.mark.parametrize("engine", ["weasyprint", "reportlab"])
@pytest.mark.parametrize("text, fragment", [case[1:] for case in PICTURE_CASES], ids=[c[0] for c in PICTURE_CASES])
def test_a_picture_that_refers_to_another_file_is_refused_when_read(capsys, tmp_path, monkeypatch, engine, text,
                                                                    fragment):
    root = make_project(tmp_path / "project")
    (root / "secret").mkdir()
    (root / SECRET).write_text(SECRET_SVG)
    (root / PICTURE).write_text(text)
    monkeypatch.chdir(root)
    target = tmp_path / "out.pdf"
    code, _, err = run(capsys, "build", "tiny", "--engine", engine, "--output", target)
    assert_one_line(code, err, f"error: {YAML}:14: 'pic.svg': ", fragment)
    assert not target.exists()


def png(root: Path, name: str, size=(40, 30), mode="RGB") -> Path:
    from PIL import Image

    path = root / "assets" / name
    Image.new(mode, size, "white").save(path, format="PNG" if name.endswith(".png") else "JPEG")
    return path


RASTER_CASES = [
    ("truncated-png", "pic.png", lambda path: path.write_bytes(path.read_bytes()[:60]), "is not a whole PNG picture"),
    ("svg-named-png", "pic.png", lambda path: path.write_text(SVG), "is not a whole PNG picture"),
    ("jpeg-named-png", "pic.png", lambda path: path.write_bytes(path.with_suffix(".jpg").read_bytes()),
     "is named as a PNG file but holds JPEG"),
    ("decompression-bomb", "bomb.png", (20000, 20000), "has far too many pixels to print"),
    ("too-many-pixels", "big.png", (8000, 8000), "is 8000 × 8000 pixels; at most 50 million are allowed"),
    ("html-file", "pic.html", lambda path: path.write_text("<h1>x</h1>"), "must be an SVG, PNG or JPEG file"),
    ("pdf-file", "pic.pdf", lambda path: path.write_bytes(b"%PDF-1.4\n"), "must be an SVG, PNG or JPEG file"),
]


@pytest.mark.parametrize("engine", ["weasyprint", "reportlab"])
@pytest.mark.parametrize("name, spoil, fragment", [case[1:] for case in RASTER_CASES], ids=[c[0] for c in RASTER_CASES])
def test_a_broken_picture_is_refused_when_read(capsys, tmp_path, monkeypatch, engine, name, spoil, fragment):
    root = make_project(tmp_path / "project")
    edit(root / YAML, lambda text: text.replace("file: pic.svg", f"file: {name}"))
    png(root, "pic.jpg")
    if isinstance(spoil, tuple):
        png(root, name, spoil, mode="1")
    else:
        path = png(root, "pic.png") if name.endswith(".png") else root / "assets" / name
        spoil(path)
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", "tiny", "--engine", engine, "--output", tmp_path / "out.pdf")
    assert_one_line(code, err, f"error: {YAML}:14: '{name}': ", fragment)


@pytest.mark.parametrize("name, make, fragment", [
    ("link-outside", link_to("secret/s.svg"), "is a link to a file outside"),
    ("link-to-a-device", link_to("/dev/zero"), "not found in assets/ (or not a plain file)"),
    ("pipe", replaced_by(fifo), "not found in assets/ (or not a plain file)"),
    ("folder", replaced_by(lambda root, path: path.mkdir()), "not found in assets/ (or not a plain file)"),
])
@pytest.mark.parametrize("engine", ["weasyprint", "reportlab"])
def test_a_picture_that_is_not_a_plain_file_in_assets_is_refused(capsys, tmp_path, monkeypatch, engine, name, make,
                                                                  fragment):
    root = make_project(tmp_path / "project")
    (root / "secret").mkdir()
    (root / SECRET).write_text(SECRET_SVG)
    make(root, PICTURE)
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", "tiny", "--engine", engine, "--output", tmp_path / "out.pdf")
    assert_one_line(code, err, f"error: {YAML}:14: ", fragment)


@pytest.mark.parametrize("name, make, fragment", [
    ("text-links-outside", link_to("/etc/hostname"), "en.md: is a link to a file outside leaflets/tiny/"),
    ("text-is-a-pipe", replaced_by(fifo), "en.md: cannot be read: not a regular file"),
    ("text-is-a-device", replaced_by(lambda root, path: path.symlink_to("/dev/zero")), "is a link to a file outside"),
    ("text-is-a-folder", replaced_by(lambda root, path: path.mkdir()), "en.md: cannot be read: Is a directory"),
])
def test_a_leaflet_file_that_is_not_its_own_plain_file_is_refused(capsys, tmp_path, monkeypatch, name, make, fragment):
    root = make_project(tmp_path / "project")
    make(root, TEXT)
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", "tiny", "--engine", "reportlab", "--output", tmp_path / "out.pdf")
    assert_one_line(code, err, fragment)


CLINIC_CASES = [
    ("device", "/dev/zero", "error: /dev/zero: cannot be read: not a regular file"),
    ("folder", ".", "cannot be read: Is a directory"),
    ("missing", "nope.yaml", "nope.yaml: file not found"),
    ("number-key", "name: X\n1: y\n", "clinic.yaml:2: a key must be text"),
    ("misspelt", "name: X\nfone: 1\n", "clinic.yaml:2: unknown clinic field 'fone'"),
    ("phone-read-as-octal", "name: X\nphone: 01234567\n", "clinic.yaml:2: 'phone' must be text, but YAML reads it"),
    ("name-read-as-yes", "name: yes\n", "clinic.yaml:1: 'name' must be text"),
    ("logo-without-alt", "name: X\nlogo: pic.svg\n", "clinic.yaml:2: a logo needs logo_alt"),
    ("logo-outside", "name: X\nlogo: ../leaflets/tiny/en.md\nlogo_alt: x\n", "'logo' must be a file name inside"),
    ("logo-refers-outside", "name: X\nlogo: logo.svg\nlogo_alt: x\n", "'logo.svg': line 1: refers to '../x.png'"),
    ("address-format", "name: X\nleaflet_url: https://x.org/{0}\n", "may hold only {leaflet} and {lang}"),
    ("email-line-break", 'name: X\nemail: "a@b\\nc"\n', "'email' holds a control character (U+000A)"),
    ("alias", "name: &n X\nphone: *n\n", "YAML anchors and aliases"),
]


@pytest.mark.parametrize("engine", ["weasyprint", "reportlab"])
@pytest.mark.parametrize("clinic, fragment", [case[1:] for case in CLINIC_CASES], ids=[c[0] for c in CLINIC_CASES])
def test_a_broken_clinic_file_is_one_line(capsys, tmp_path, monkeypatch, engine, clinic, fragment):
    root = make_project(tmp_path / "project")
    (root / "assets/logo.svg").write_text(svg('<image href="../x.png" width="9" height="9"/>'))
    path = Path(clinic)
    if "\n" in clinic:
        path = root / "clinic.yaml"
        path.write_text(clinic)
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", "tiny", "--engine", engine, "--clinic", path, "--output", tmp_path / "o.pdf")
    assert_one_line(code, err, fragment)


@pytest.mark.parametrize("name", ["javascript:alert(1)", "Focal", "bad\nname", "x" * 65])
def test_a_leaflet_folder_not_named_as_an_id_is_refused_and_the_others_are_read(capsys, tmp_path, monkeypatch, name):
    root = make_project(tmp_path / "project")
    (root / "leaflets" / name).mkdir()
    (root / "leaflets" / name / "leaflet.yaml").write_text((root / YAML).read_text())
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "list")
    assert_one_line(code, err, "a leaflet's folder name is its id")
    assert "\\n" in err if "\n" in name else True


def test_a_leaflet_folder_name_that_is_not_utf8_is_one_line(capsys, tmp_path, monkeypatch):
    root = make_project(tmp_path / "project")
    folder = os.fsencode(root / "leaflets") + b"/bad\xff"
    os.mkdir(folder)
    with open(folder + b"/leaflet.yaml", "wb") as stream:
        stream.write((root / YAML).read_bytes())
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", "--engine", "reportlab", "--out-dir", tmp_path / "out", "--lang", "en",
                       "--section", "overview", "tiny", "--large-print")
    assert code == 0, err
    code, _, err = run(capsys, "list")
    assert_one_line(code, err, "leaflets/bad\\xff: a leaflet's folder name is its id")


@pytest.mark.parametrize("text", ["\ufeff", "crlf", "cr"])
def test_a_file_saved_on_windows_is_read_as_written(capsys, tmp_path, monkeypatch, text):
    root = make_project(tmp_path / "project")
    for relative in (YAML, TEXT):
        content = (root / relative).read_text()
        content = "\ufeff" + content if text == "\ufeff" else content.replace("\n", "\r\n" if text == "crlf" else "\r")
        (root / relative).write_bytes(content.encode())
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == ["tiny: Tiny leaflet", "  languages: en", "  sections:  overview, treatment"]


@pytest.mark.parametrize("option", ["--output", "--out-dir", "--clinic", "--root", "--leaflets-dir"])
def test_an_empty_path_is_refused(capsys, option):
    with pytest.raises(SystemExit) as exit:
        run(capsys, "build", option, "")
    err = capsys.readouterr().err
    assert exit.value.code == 2
    assert err.endswith(f"error: argument {option}{'/-o' if option == '--output' else ''}: an empty name; give a "
                        "file or folder (see --help)\n")


def test_a_year_9999_leaflet_is_read(capsys, tmp_path, monkeypatch):
    root = make_project(tmp_path / "project")
    edit(root / YAML, lambda text: text.replace("2026-01-15", "9998-01-15").replace("2029-01-15", "9999-12-31"))
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "list")
    assert (code, err) == (0, "")
