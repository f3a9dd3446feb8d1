"""Batch builds: the whole matrix, in a pool, incremental, and never a half-written PDF."""

import json
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from leafletpress.build import Job, render_job
from leafletpress.files import write_atomic
from leafletpress.request import Options

from .helpers import FIXTURES, PROJECT, main, project
from .helpers import leaflet as read

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

NO_OP = """
import sys
from leafletpress.cli import main
code = main(["build", "--out-dir", sys.argv[1]])
print("imported:", sorted({"weasyprint", "reportlab", "jinja2", "markdown_it", "yaml"} & set(sys.modules)))
raise SystemExit(code)
"""


def test_no_op_build_loads_no_engine_and_parses_nothing(built):
    result = subprocess.run([sys.executable, "-c", NO_OP, str(built)], capture_output=True,
                            text=True, cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    assert "0 built, 8 unchanged, 0 failed" in result.stdout
    assert "imported: []" in result.stdout  # the leaflets' model comes from .cache/leaflets


def test_an_edited_leaflet_is_read_afresh(leaflets_dir, tmp_path, capsys):
    args = ["build", "tiny", "--leaflets-dir", str(leaflets_dir), "--out-dir", str(tmp_path / "out")]
    assert main(args) == 0
    text = leaflets_dir / "tiny" / "en.md"
    text.write_text(text.read_text().replace("Treatment words here.", "Treatment <b>words</b> here."))
    assert main(args) == 2
    assert "tiny/en.md:17: raw HTML is not allowed in leaflet text" in capsys.readouterr().err


def test_pool_and_single_worker_give_the_same_bytes(tmp_path, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    args = ["build", "--lang", "en", "--lang", "ar", "--section", "treatment"]
    assert main([*args, "--jobs", "1", "--out-dir", str(one)]) == 0
    assert main([*args, "--jobs", "2", "--out-dir", str(two)]) == 0
    names = sorted(p.name for p in one.glob("*.pdf"))
    assert len(names) == 4
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes()
    assert "4 built, 0 unchanged, 0 failed" in capsys.readouterr().out


def test_manifest_records_every_pdf(built):
    manifest = json.loads((built / ".leafletpress.json").read_text())
    assert manifest["format"] == 2
    assert sorted(manifest["pdfs"]) == sorted(p.name for p in built.glob("*.pdf"))


def test_one_broken_language_does_not_stop_the_others(leaflets_dir, tmp_path, capsys):
    tiny = leaflets_dir / "tiny"
    (tiny / "fr.md").write_text((tiny / "en.md").read_text().replace(
        "subtitle: For tests\n", "subtitle: Pour les tests\ntranslation:\n  translated_by: Us\n"
        "  source_hash: \"abc\"\n").replace("Treatment words here.", "<b>oops</b>"))
    code = main(["build", "tiny", "--leaflets-dir", str(leaflets_dir), "--out-dir", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 2
    assert "2 built, 0 unchanged, 1 failed" in out
    assert "tiny/fr.md:20: raw HTML is not allowed in leaflet text" in err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "tiny.en.large-print.pdf", "tiny.en.pdf"]


def test_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    target = tmp_path / "leaflet.pdf"
    target.write_bytes(b"%PDF-1.7 earlier\n%%EOF")

    def interrupted(source, destination):
        raise KeyboardInterrupt
    monkeypatch.setattr("os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"%PDF-1.7 new\n%%EOF")
    assert target.read_bytes() == b"%PDF-1.7 earlier\n%%EOF"
    assert [p.name for p in tmp_path.iterdir()] == ["leaflet.pdf"]


def test_incomplete_pdf_is_never_written(tmp_path, monkeypatch):
    leaflet = read(FIXTURES / "leaflets" / "tiny")
    monkeypatch.setattr("leafletpress.engines.render", lambda document, engine, project: b"%PDF-1.7 cut short")
    error = render_job(Job(leaflet, Options("en"), tmp_path / "x.pdf", project()))
    assert str(error) == f"{tmp_path / 'x.pdf'}: the engine produced no complete PDF; nothing written"
    assert list(tmp_path.iterdir()) == []


def test_missing_glyph_is_named_before_printing(leaflets_dir, tmp_path):
    tiny = leaflets_dir / "tiny"
    text = tiny / "en.md"
    text.write_text(text.read_text().replace("Treatment words here.", "Treatment words नमस्ते here."))
    error = str(render_job(Job(read(tiny), Options("en"), tmp_path / "x.pdf", project())))
    assert error.startswith(f"{text}:17: no font for 'en' (Atkinson Hyperlegible) can print "
                            "'न' (U+0928 DEVANAGARI LETTER NA)")
    assert "it would print as an empty box" in error
    assert not (tmp_path / "x.pdf").exists()


def test_progress_is_plain_lines_when_not_a_terminal(tmp_path, capsys):
    assert main(["build", "--lang", "es", "--out-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(lines[:2]) == [f"built {tmp_path}/focal-dystonia.es.large-print.pdf",
                                 f"built {tmp_path}/focal-dystonia.es.pdf"]
    assert lines[2] == "2 built, 0 unchanged, 0 failed"


def test_language_codes_people_type(tmp_path):
    from leafletpress.build import resolve_language

    assert {resolve_language(read(), asked) for asked in ("zh", "ZH-HANS", "zh-Hans", "ZH")} == {"zh-Hans"}
    assert main(["build", "focal-dystonia", "--lang", "zh", "--section", "treatment",
                 "--large-print", "--out-dir", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.glob("*.pdf")] == ["focal-dystonia.zh-Hans.treatment.large-print.pdf"]


def test_pip_install_outside_the_checkout_builds_a_pdf(tmp_path):
    """`pip install .` into a fresh venv, then `leafletpress` in a folder of leaflets elsewhere makes a PDF.

    The fresh venv borrows this one's dependencies (a .pth file), so nothing but the
    package itself is installed: templates, stylesheet and catalogs must come with it.
    """
    import sysconfig
    import venv

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    site = next((env / "lib").glob("python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([env / "bin" / "pip", "install", "--quiet", "--no-deps", str(PROJECT)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    shipped = site / "leafletpress" / "templates"
    modules = {p.relative_to(PROJECT).as_posix() for p in (PROJECT / "leafletpress").rglob("*.py")}
    assert modules == {p.relative_to(site).as_posix() for p in (site / "leafletpress").rglob("*.py")}
    templates = {p.relative_to(PROJECT / "templates").as_posix() for p in (PROJECT / "templates").rglob("*")
                 if p.is_file() and p.suffix in (".html", ".css", ".pot", ".po", ".mo")}
    assert templates == {p.relative_to(shipped).as_posix() for p in shipped.rglob("*") if p.is_file()}
    assert (shipped / "locale" / "es" / "LC_MESSAGES" / "messages.po").is_file()
    project_folder = tmp_path / "clinic-leaflets"
    shutil.copytree(FIXTURES / "leaflets", project_folder / "leaflets")
    (project_folder / "leaflets" / "tiny" / "es.md").write_text(
        (FIXTURES / "leaflets" / "tiny" / "en.md").read_text().replace(
            "subtitle: For tests\n", 'subtitle: Para pruebas\ntranslation:\n  translated_by: Equipo\n'
            '  source_hash: "x"\n'))
    run = subprocess.run([env / "bin" / "leafletpress", "build", "tiny", "--lang", "es", "--output", "tiny.pdf"],
                         cwd=project_folder, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    words = " ".join(PdfReader(project_folder / "tiny.pdf").pages[0].extract_text().split())
    assert words.startswith("Tiny leaflet Para pruebas") and "Página 1 de 2" in words
    where = subprocess.run([env / "bin" / "python", "-c", "import leafletpress; print(leafletpress.__file__)"],
                           cwd=project_folder, capture_output=True, text=True).stdout
    assert where.startswith(str(site))
