"""Careless and hostile input: nothing lost, nothing read that should not be, nothing hidden.

Each case is built from small fixtures made at test time. The promise being
held: one line on stderr, exit code 2, no traceback, no partial file, and no
file the user owns (a source, a device, someone else's PDF) ever replaced.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import PROJECT, clone_project, main

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- The output never overwrites an input ---------------------------------------------------------

@pytest.mark.parametrize("name", ["en.md", "leaflet.yaml", "new.pdf"])
def test_output_into_a_leaflet_folder_is_refused(capsys, leaflets_dir, name):
    before = snapshot(leaflets_dir)
    target = leaflets_dir / "tiny" / name
    code, _, err = run_cli(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir), "--output", str(target))
    assert code == 2 and err.count("\n") == 1
    assert "refusing to write inside" in err and "leaflets/" in err
    assert snapshot(leaflets_dir) == before


@pytest.mark.parametrize("target", ["assets/new.pdf", "templates/base.html", "leafletpress/cli.py",
                                    "leaflets/focal-dystonia/en.md"])
def test_output_over_the_projects_own_files_is_refused(capsys, target):
    path = PROJECT / target
    before = path.read_bytes() if path.exists() else None
    code, _, err = run_cli(capsys, "build", "focal-dystonia", "--output", str(path))
    assert code == 2 and err.count("\n") == 1 and "refusing to write inside" in err
    assert (path.read_bytes() if path.exists() else None) == before


def test_output_over_a_file_the_tool_did_not_make_is_refused(capsys, leaflets_dir, tmp_path):
    theirs = tmp_path / "report.pdf"
    theirs.write_bytes(b"%PDF-1.4 someone else's report\n%%EOF\n")
    for extra in ([], ["--force"]):
        code, _, err = run_cli(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir),
                               "--output", str(theirs), *extra)
        assert code == 2
        assert err == (f"error: {theirs}: already exists and is not a PDF made by leafletpress; refusing to "
                       "replace it (move it away or choose another name)\n")
    assert theirs.read_bytes() == b"%PDF-1.4 someone else's report\n%%EOF\n"


def test_output_over_its_own_pdf_is_allowed(capsys, leaflets_dir, tmp_path):
    target = tmp_path / "handout.pdf"
    args = ("build", "tiny", "--leaflets-dir", str(leaflets_dir), "--output", str(target))
    assert run_cli(capsys, *args)[0] == 0
    assert run_cli(capsys, *args, "--large-print")[0] == 0


def test_output_onto_a_device_or_a_link_is_refused(capsys, leaflets_dir, tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "elsewhere.pdf")
    for target, message in ((Path("/dev/null"), "is not a regular file"), (fifo, "is not a regular file"),
                            (link, "is a link")):
        code, _, err = run_cli(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir),
                               "--output", str(target))
        assert code == 2 and message in err and err.count("\n") == 1
    assert fifo.is_fifo() and link.is_symlink() and not (tmp_path / "elsewhere.pdf").exists()
    assert Path("/dev/null").is_char_device()


def test_out_dir_inside_the_sources_is_refused(capsys, leaflets_dir):
    before = snapshot(leaflets_dir)
    code, _, err = run_cli(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir),
                           "--out-dir", str(leaflets_dir / "tiny"))
    assert code == 2 and "refusing to write PDFs inside" in err
    assert snapshot(leaflets_dir) == before


def test_batch_leaves_someone_elses_pdf_of_the_same_name(capsys, leaflets_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / "tiny.en.pdf"
    theirs.write_bytes(b"%PDF-1.4 mine\n%%EOF\n")
    code, stdout, err = run_cli(capsys, "build", "tiny", "--leaflets-dir", str(leaflets_dir), "--out-dir", str(out))
    assert code == 2
    assert "1 built, 0 unchanged, 1 failed" in stdout
    assert "tiny.en.pdf: already exists and is not a PDF made by leafletpress" in err
    assert theirs.read_bytes() == b"%PDF-1.4 mine\n%%EOF\n"


# --- make clean removes only what the tool wrote --------------------------------------------------

@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A clone of the project to run `make` in: `make clean` empties the caches of the project it runs in,
    which would pull them from under every other test running at the same time."""
    return clone_project(tmp_path_factory.mktemp("checkout") / "leafletpress", venv=True)


@pytest.fixture
def make(checkout):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "--no-print-directory", *args], cwd=checkout, capture_output=True,
                              text=True)
    return run


def test_make_clean_removes_only_what_the_tool_wrote(make, tmp_path):
    out = tmp_path / "My leaflets"
    result = make("build", "preview", f"OUT={out}", "LANGS=en")
    assert result.returncode == 0, result.stderr
    (out / "my-notes.txt").write_text("mine")
    (out / "mine.pdf").write_bytes(b"%PDF-1.4 mine\n%%EOF\n")
    (tmp_path / "My").mkdir()
    (tmp_path / "My" / "keep.txt").write_text("keep")
    result = make("clean", f"OUT={out}")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["mine.pdf", "my-notes.txt"]
    assert (tmp_path / "My" / "keep.txt").read_text() == "keep"


def test_make_clean_removes_a_folder_it_created_once_empty(make, tmp_path):
    out = tmp_path / "a b"
    assert make("build", f"OUT={out}", "LANGS=en").returncode == 0
    assert make("clean", f"OUT={out}").returncode == 0
    assert not out.exists()


@pytest.mark.parametrize("folder", ["leaflets", "assets", "."])
def test_make_clean_never_touches_a_folder_it_did_not_build(make, checkout, folder):
    root = checkout / folder
    before = {p for p in root.rglob("*") if ".cache" not in p.parts and "build" not in p.parts
              and ".venv" not in p.parts and ".git" not in p.parts}
    result = make("clean", f"OUT={root}")
    assert result.returncode == 0
    assert "nothing to clean" in result.stdout
    after = {p for p in root.rglob("*") if ".cache" not in p.parts and "build" not in p.parts
             and ".venv" not in p.parts and ".git" not in p.parts}
    assert after == before


def test_clean_ignores_a_crafted_record(capsys, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"%PDF-1.4 victim\n%%EOF\n")
    (out / ".leafletpress.json").write_text(
        '{"format": 2, "created_folder": true, "pdfs": {"../victim.pdf": "x", "/etc/passwd": "x"}}')
    code, _, _ = run_cli(capsys, "clean", "--out-dir", str(out))
    assert code == 0
    assert victim.exists()


def test_make_with_a_quote_in_the_folder_name(make, tmp_path):
    out = tmp_path / "it's here"
    result = make("build", f"OUT={out}", "LANGS=en")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.pdf")) == ["focal-dystonia.en.large-print.pdf",
                                                         "focal-dystonia.en.pdf"]
    shutil.rmtree(out)
