"""`build --format`: braille files beside the PDFs and the web site in site/, built, kept, cleaned, refused."""

import json
from pathlib import Path

from leafletpress.formats.braille import BRF_CHARACTERS

from .helpers import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def build_tiny(capsys, leaflets_dir: Path, out: Path, *args: str):
    return run(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir), "--out-dir", str(out), *args)


def test_braille_and_site_built_then_left_alone_then_cleaned(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    code, stdout, err = build_tiny(capsys, leaflets_dir, out, "--format", "brf,html")
    assert code == 0 and err == ""
    brf = out / "tiny.en.brf"
    assert set(brf.read_text(encoding="ascii")) <= BRF_CHARACTERS
    page = out / "site" / "tiny" / "en" / "index.html"
    assert 'lang="en"' in page.read_text(encoding="utf-8")
    assert '<a href="../../pdf/tiny.en.brf">Braille file (BRF), for an embosser or a braille display</a>' \
        in page.read_text(encoding="utf-8")
    assert (out / "site" / "pdf" / "tiny.en.brf").read_bytes() == brf.read_bytes()
    assert not list(out.glob("*.pdf"))  # only what was asked for
    built = stdout.splitlines()[-1]
    assert built.endswith("built, 0 unchanged, 0 failed") and not built.startswith("0 ")
    dates = {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()}

    code, stdout, _ = build_tiny(capsys, leaflets_dir, out, "--format", "html", "--format", "brf")
    assert code == 0 and stdout.startswith("0 built, ")  # nothing rewritten
    assert {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()} == dates

    record = json.loads((out / ".leafletpress.json").read_text())
    assert "tiny.en.brf" in record["pdfs"] and "tiny/en/index.html" in record["site"]
    code, stdout, _ = run(capsys, "clean", "--out-dir", str(out))
    assert code == 0 and not out.exists()  # every file it wrote, then the folders it made


def test_a_changed_source_rebuilds_its_braille(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    assert build_tiny(capsys, leaflets_dir, out, "--format", "brf")[0] == 0
    before = (out / "tiny.en.brf").read_bytes()
    source = leaflets_dir / "tiny" / "en.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new closing sentence.\n", encoding="utf-8")
    code, stdout, _ = build_tiny(capsys, leaflets_dir, out, "--format", "brf")
    assert code == 0 and stdout.endswith("1 built, 0 unchanged, 0 failed\n")
    assert (out / "tiny.en.brf").read_bytes() != before


def test_files_the_tool_did_not_write_are_kept(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    theirs = out / "site" / "index.html"
    theirs.write_text("someone's own page")
    (out / "tiny.en.brf").write_text("HAND MADE")
    code, stdout, err = build_tiny(capsys, leaflets_dir, out, "--format", "brf,html")
    assert code == 2
    assert f"error: {theirs}: already exists and was not written by leafletpress" in err
    assert f"error: {out / 'tiny.en.brf'}: already exists and is not a PDF made by leafletpress" in err
    assert theirs.read_text() == "someone's own page" and (out / "tiny.en.brf").read_text() == "HAND MADE"
    run(capsys, "clean", "--out-dir", str(out))
    assert theirs.exists() and (out / "tiny.en.brf").exists()


def test_bad_formats_are_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "build", "--format", "pdf,brl", "--out-dir", str(tmp_path / "x"))
    assert (code, out) == (2, "")
    assert err == "error: unknown format 'brl'; valid: pdf, html, brf; did you mean 'brf'?\n"
    code, out, err = run(capsys, "build", "focal-dystonia", "--format", "brf", "--output", str(tmp_path / "a.pdf"))
    assert (code, err) == (2, "error: --output writes one PDF; --format html and brf write into --out-dir\n")
    assert list(tmp_path.iterdir()) == []


def test_every_language_of_the_leaflet_in_braille(capsys, tmp_path):
    code, stdout, _ = run(capsys, "build", "focal-dystonia", "--format", "brf", "--out-dir", str(tmp_path))
    assert code == 0
    assert sorted(path.name for path in tmp_path.glob("*.brf")) == [
        "focal-dystonia.ar.brf", "focal-dystonia.en.brf", "focal-dystonia.es.brf", "focal-dystonia.zh-Hans.brf"]


def test_check_warns_where_braille_cannot_say_what_the_pdf_says(capsys, leaflets_dir):
    source = leaflets_dir / "tiny" / "en.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Treatment words", "Treatment words 0.5\u2030"),
                      encoding="utf-8")
    code, out, _ = run(capsys, "check", "tiny", "--leaflets-dir", str(leaflets_dir))
    assert code == 0  # a warning: the PDF can still be made
    assert (f"{source}: warning: braille: Unified English Braille, grade 2 (en-ueb-g2.ctb) has no braille for "
            "'\u2030' (U+2030 PER MILLE SIGN): no braille file can be made until it is written another way") in out
    code, _, err = run(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir), "--format", "brf",
                       "--out-dir", str(leaflets_dir.parent / "out"))
    assert code == 2 and "has no braille for '\u2030' (U+2030 PER MILLE SIGN)" in err and err.count("\n") == 1
    line = next(number for number, text in enumerate(source.read_text(encoding="utf-8").splitlines(), 1)
                if "\u2030" in text)
    assert err.startswith(f"error: {source}:{line}: ")  # the file and line to change, as for a PDF


def test_check_warns_when_bold_is_lost(capsys, leaflets_dir, monkeypatch):
    from leafletpress.formats import braille

    monkeypatch.setattr(braille, "carries_bold", lambda lang: False)
    code, out, _ = run(capsys, "check", "tiny", "--leaflets-dir", str(leaflets_dir))
    assert "warning: braille: Unified English Braille, grade 2 (en-ueb-g2.ctb) does not mark bold text" in out


def test_check_says_chinese_braille_spells_sounds(capsys):
    code, out, _ = run(capsys, "check", "focal-dystonia", "--format", "json")
    codes = {(Path(f["file"]).name, f["code"]) for f in json.loads(out)["findings"] if f["code"].startswith("braille")}
    assert codes == {("zh-Hans.md", "braille-caveat")}


def test_gallery_links_web_pages_and_braille(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    assert build_tiny(capsys, leaflets_dir, out, "--format", "brf,html")[0] == 0
    assert run(capsys, "preview", "--out-dir", str(out), "--leaflets-dir", str(leaflets_dir))[0] == 0
    gallery = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="site/tiny/en/index.html">Web page</a>' in gallery
    assert '<a href="tiny.en.brf">Braille (BRF) · 1 KB</a>' in gallery
    assert '<a href="site/index.html">the leaflets\' web site</a>' in gallery


def test_the_engine_applies_to_pdfs_only(capsys, tmp_path):
    code, out, err = run(capsys, "build", "focal-dystonia", "--lang", "ar", "--engine", "reportlab",
                         "--format", "brf,html", "--out-dir", str(tmp_path))
    assert (code, err) == (0, "") and out.endswith(" built, 0 unchanged, 0 failed\n")
    assert (tmp_path / "focal-dystonia.ar.brf").is_file() and not list(tmp_path.glob("*.pdf"))
