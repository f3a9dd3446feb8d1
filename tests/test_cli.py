"""The command: bad input of every kind is one line on stderr, exit code 2, and no file left."""

import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import PROJECT, main

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def build_tiny(capsys, leaflets_dir: Path, out: Path, *args: str):
    return run_cli(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir),
                   "--out-dir", str(out), *args)


def test_list_shows_languages_and_sections(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    assert "focal-dystonia: Focal dystonia" in out
    assert "languages: en, ar, es, zh-Hans" in out
    assert ("sections:  overview, get-help-urgently, causes, risk-factors, symptoms, diagnosis, treatment, "
            "worsening-factors, prevention, living-with, support") in out


def test_check_reads_without_writing(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "check", "--quiet")
    assert code == 0
    assert out.startswith("0 errors, ") and out.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["build", "focal-dystonai"],
     "unknown leaflet 'focal-dystonai'; valid: focal-dystonia; did you mean 'focal-dystonia'?"),
    (["build", "focal-dystonia", "--lang", "sp"],
     "leaflets/focal-dystonia: unknown language 'sp'; valid: en, ar, es, zh-Hans; did you mean 'es'?"),
    (["build", "focal-dystonia", "--section", "treatmnt"],
     "leaflets/focal-dystonia/en.md: unknown section 'treatmnt'; valid: overview, get-help-urgently, causes, "
     "risk-factors, symptoms, diagnosis, treatment, worsening-factors, prevention, living-with, support; "
     "did you mean 'treatment'?"),
    (["build", "focal-dystonia", "--paper", "leter"],
     "unknown paper 'leter'; valid: a4, letter, a5; did you mean 'letter'?"),
    (["build", "focal-dystonia", "--engine", "latex"],
     "unknown engine 'latex'; valid: weasyprint, reportlab"),
])
def test_unknown_names(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(PROJECT)
    code, out, err = run_cli(capsys, *args, "--out-dir", str(tmp_path))
    assert code == 2
    assert err.count("\n") == 1 and message in err
    assert list(tmp_path.iterdir()) == []


def test_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["build", "--papr", "a4"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err == "generate.py: error: unrecognized arguments: --papr (see --help)\n"


BROKEN = {
    "malformed metadata YAML": (
        "leaflet.yaml", lambda s: s.replace("version: \"2.1\"", "version: [2.1"),
        "tiny/leaflet.yaml:3: malformed YAML"),
    "missing metadata field": (
        "leaflet.yaml", lambda s: s.replace("produced_by: Test clinic\n", ""),
        "tiny/leaflet.yaml: missing 'produced_by'"),
    "version read as a number": (
        "leaflet.yaml", lambda s: s.replace('version: "2.1"', "version: 2.10"),
        "tiny/leaflet.yaml:2: 'version' must be quoted, like version: \"2.1\", so YAML keeps it as written"),
    "bad date": (
        "leaflet.yaml", lambda s: s.replace("published: 2026-01-15", "published: 15/01/2026"),
        "tiny/leaflet.yaml:3: 'published' must be a date written YYYY-MM-DD, not '15/01/2026'"),
    "malformed front matter": (
        "en.md", lambda s: s.replace("title: Tiny leaflet", "title: [Tiny"),
        "tiny/en.md:3: malformed YAML"),
    "no front matter": (
        "en.md", lambda s: s.split("---\n", 2)[2],
        "tiny/en.md:1: must start with YAML front matter"),
    "section without id": (
        "en.md", lambda s: s.replace("## What it is {#overview}", "## What it is"),
        "tiny/en.md:6: section heading needs a stable id, like '## What it is {#overview}'"),
    "raw HTML": (
        "en.md", lambda s: s.replace("Treatment words here.", "Treatment <b>words</b> here."),
        "tiny/en.md:17: raw HTML is not allowed in leaflet text"),
    "image in text": (
        "en.md", lambda s: s.replace("Treatment words here.", "![x](file:///etc/passwd)"),
        "tiny/en.md:17: images in the text are not allowed; add figures in leaflet.yaml"),
    "italics": (
        "en.md", lambda s: s.replace("A short **first** section.", "A short *first* section."),
        "tiny/en.md:8: italics are hard to read in clear print; use **bold** for emphasis"),
    "empty section": (
        "en.md", lambda s: s.replace("### Medicines\n\nTreatment words here.\n", ""),
        "tiny/en.md:13: section 'treatment' is empty"),
    "list introduced but dropped by a nested list": (
        "en.md", lambda s: s.replace("- Two", "- Two\n  - Nested"),
        "tiny/en.md:12: lists inside lists are not supported"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_sources(capsys, leaflets_dir, tmp_path, case):
    name, change, message = BROKEN[case]
    path = leaflets_dir / "tiny" / name
    path.write_text(change(path.read_text()))
    out = tmp_path / "out"
    code, _, err = build_tiny(capsys, leaflets_dir, out)
    assert code == 2
    assert err.count("\n") == 1 and message in err, err
    assert not out.exists()


FIGURE = """figures:
  co:
    file: {file}
    section: overview
    credit: {credit}
"""
FIGURE_WORDS = """figures:
  co:
    caption: A caption
    alt: {alt}
"""


@pytest.mark.parametrize("file, credit, alt, message", [
    ("missing.svg", "Us", "Alt", "tiny/leaflet.yaml:14: illustration 'missing.svg' not found in assets/"),
    ("../pyproject.toml", "Us", "Alt",
     "tiny/leaflet.yaml:14: 'file' must be a file name inside assets/, not '../pyproject.toml'"),
    ("/etc/passwd", "Us", "Alt", "'file' must be a file name inside assets/, not '/etc/passwd'"),
    ("carbon-monoxide-oxygen.svg", "''", "Alt",
     "tiny/leaflet.yaml:16: figure 'co' has no credit: a figure without a credit is refused"),
    ("carbon-monoxide-oxygen.svg", "Us", "''",
     "tiny/en.md:7: figure 'co' has no alt text: a figure without alt text is refused"),
])
def test_broken_figures(capsys, leaflets_dir, tmp_path, monkeypatch, file, credit, alt, message):
    monkeypatch.chdir(PROJECT)
    meta = leaflets_dir / "tiny" / "leaflet.yaml"
    meta.write_text(meta.read_text() + FIGURE.format(file=file, credit=credit))
    text = leaflets_dir / "tiny" / "en.md"
    text.write_text(text.read_text().replace("subtitle: For tests\n",
                                             "subtitle: For tests\n" + FIGURE_WORDS.format(alt=alt)))
    code, _, err = build_tiny(capsys, leaflets_dir, tmp_path / "out")
    assert code == 2
    assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "out").exists()


def test_failed_build_leaves_earlier_pdf_intact(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    assert build_tiny(capsys, leaflets_dir, out)[0] == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    text = leaflets_dir / "tiny" / "en.md"
    text.write_text(text.read_text() + "\n<script>x</script>\n")
    code, _, err = build_tiny(capsys, leaflets_dir, out)
    assert code == 2 and "raw HTML is not allowed" in err
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == before
    assert sorted(p.name for p in out.iterdir()) == [".leafletpress.json", *sorted(before)]


def test_unwritable_output(capsys, leaflets_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _, err = run_cli(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir),
                           "--output", str(blocker / "tiny.pdf"))
    assert code == 2
    assert err.count("\n") == 1
    assert f"{blocker / 'tiny.pdf'}: cannot write here: {blocker} is not a folder" in err
    assert blocker.read_text() == "not a folder"


def test_output_writes_exactly_that_file(capsys, leaflets_dir, tmp_path):
    target = tmp_path / "handouts" / "handout.pdf"
    code, out, _ = run_cli(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir),
                           "--output", str(target))
    assert code == 0
    assert [p.name for p in target.parent.iterdir()] == ["handout.pdf"]
    assert target.read_bytes().startswith(b"%PDF-")


def test_second_build_rewrites_nothing(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = build_tiny(capsys, leaflets_dir, out)
    assert code == 0 and "2 built, 0 unchanged, 0 failed" in stdout
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    code, stdout, _ = build_tiny(capsys, leaflets_dir, out)
    assert code == 0 and "0 built, 2 unchanged, 0 failed" in stdout
    assert {p: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == stamps


def test_an_edit_rebuilds_what_it_touches(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    build_tiny(capsys, leaflets_dir, out)
    text = leaflets_dir / "tiny" / "en.md"
    text.write_text(text.read_text().replace("Treatment words", "Changed words"))
    code, stdout, _ = build_tiny(capsys, leaflets_dir, out)
    assert code == 0 and "2 built, 0 unchanged" in stdout


def test_generate_py_as_a_process(tmp_path):
    result = subprocess.run([sys.executable, str(PROJECT / "generate.py"), "build", "nope"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "unknown leaflet 'nope'; valid: focal-dystonia" in result.stderr


def test_help_names_every_option():
    result = subprocess.run([sys.executable, str(PROJECT / "generate.py"), "build", "--help"],
                            capture_output=True, text=True)
    for option in ("--lang", "--large-print", "--section", "--paper", "--output", "--out-dir", "--engine"):
        assert option in result.stdout


def test_forced_build_still_records_what_it_built(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    assert build_tiny(capsys, leaflets_dir, out, "--force")[1].endswith("2 built, 0 unchanged, 0 failed\n")
    assert build_tiny(capsys, leaflets_dir, out)[1] == "0 built, 2 unchanged, 0 failed\n"


def test_output_that_is_a_folder(capsys, tmp_path):
    code, _, err = run_cli(capsys, "build", "focal-dystonia", "--output", str(tmp_path))
    assert code == 2
    assert err == f"error: {tmp_path}: is a folder; --output needs a file name (or use --out-dir FOLDER)\n"
    assert list(tmp_path.iterdir()) == []


def test_check_a_leaflet_by_its_folder_or_metadata_file(capsys):
    for target in (PROJECT / "leaflets" / "focal-dystonia", PROJECT / "leaflets" / "focal-dystonia" / "leaflet.yaml"):
        code, out, _ = run_cli(capsys, "check", "--quiet", str(target))
        assert code == 0 and out.startswith("0 errors, ")


@pytest.mark.parametrize("command", ["build", "list", "check", "preview", "clean"])
def test_every_command_has_help_naming_each_option(command):
    from leafletpress.cli import parser

    result = subprocess.run([sys.executable, str(PROJECT / "generate.py"), command, "--help"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(f"usage: generate.py {command} ")
    sub = parser()._subparsers._group_actions[0].choices[command]
    for action in sub._actions:
        for option in action.option_strings:
            assert option in result.stdout, option
