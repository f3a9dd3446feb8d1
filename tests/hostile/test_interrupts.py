"""Fault injection: a batch interrupted mid-way (SIGINT or SIGTERM to its process group, SIGKILL to the parent
alone), then edits partly reverted: the record never vouches for a PDF with old words, and the next build
rebuilds exactly the PDFs it can't vouch for."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from ..helpers import PROJECT
from . import edit, make_project

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

LEAFLETS = [f"leaflet-{n}" for n in range(8)]
OLD, NEW = "Treatment words here.", "Treatment words, second version."
FILLER = "\n\n".join(f"Paragraph {n} of words that fill the page, so that each PDF takes a moment." for n in range(60))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """Eight leaflets, every PDF built and recorded with the old words."""
    root = make_project(tmp_path_factory.mktemp("baseline") / "project", figure=False)
    tiny = root / "leaflets" / "tiny"
    edit(tiny / "en.md", lambda text: text + "\n" + FILLER + "\n")
    for name in LEAFLETS:
        shutil.copytree(tiny, root / "leaflets" / name)
    shutil.rmtree(tiny)
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root


def build(root: Path, **popen) -> subprocess.CompletedProcess:
    return subprocess.run(command(root), capture_output=True, text=True, timeout=120, **popen)


def command(root: Path) -> list[str]:
    return [sys.executable, str(PROJECT / "generate.py"), "build", "--root", str(root), "--engine", "reportlab",
            "--jobs", "2", "--out-dir", str(root / "out")]


def words(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)


def record(root: Path) -> dict:
    import json

    try:
        return json.loads((root / "out" / ".leafletpress.json").read_text())["pdfs"]
    except FileNotFoundError:
        return {}


def alive_in_group(group: int) -> list[int]:
    """The processes of a process group that still run (zombies, already ended, are not counted)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def interrupted_build(root: Path, how: str) -> None:
    """Start a batch, wait until it has written a PDF, then interrupt it as `how` says; wait for it all to end."""
    process = subprocess.Popen(command(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("built "), first + process.stderr.read()
    if how == "SIGKILL to the parent":
        process.kill()
    else:
        os.killpg(process.pid, signal.SIGINT if how == "SIGINT to the group" else signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    if how == "SIGKILL to the parent":
        assert process.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 5  # the workers notice within a fraction of a second
        while alive_in_group(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert alive_in_group(process.pid) == []
    else:
        assert process.returncode == 130, err
        assert err.endswith("interrupted: PDFs being written were finished and recorded; no partial PDF was left\n")
        assert alive_in_group(process.pid) == []


@pytest.mark.parametrize("how", ["SIGINT to the group", "SIGTERM to the group", "SIGKILL to the parent"])
def test_an_interrupted_batch_is_rebuilt_exactly_where_it_is_stale(tmp_path, baseline, how):
    root = tmp_path / "project"
    shutil.copytree(baseline, root, symlinks=True)
    texts = {name: root / "leaflets" / name / "en.md" for name in LEAFLETS}
    for text in texts.values():
        edit(text, lambda words: words.replace(OLD, NEW))
    interrupted_build(root, how)

    pdfs = sorted((root / "out").glob("*.pdf"))
    assert len(pdfs) == 2 * len(LEAFLETS) and not list((root / "out").glob(".*.tmp"))
    vouched = record(root)
    assert 0 < len(vouched) < len(pdfs)  # interrupted mid-way: some PDFs, not all, were recorded
    assert all(NEW in words(root / "out" / name) for name in vouched)  # never the old words
    new_words = {pdf.name for pdf in pdfs if NEW in words(pdf)}
    assert set(vouched) <= new_words

    reverted = LEAFLETS[::2]  # half the leaflets go back to the old words
    for name in reverted:
        edit(texts[name], lambda words: words.replace(NEW, OLD))
    result = build(root)
    assert result.returncode == 0, result.stderr
    built = {Path(line.removeprefix("built ")).name for line in result.stdout.splitlines() if line.startswith("built ")}
    trusted = {name for name in vouched if not name.startswith(tuple(f"{leaflet}." for leaflet in reverted))}
    assert built == {pdf.name for pdf in pdfs} - trusted
    assert result.stdout.splitlines()[-1] == f"{len(built)} built, {len(trusted)} unchanged, 0 failed"
    for pdf in pdfs:
        expected = OLD if pdf.name.startswith(tuple(f"{leaflet}." for leaflet in reverted)) else NEW
        assert expected in words(pdf), pdf.name
    assert set(record(root)) == {pdf.name for pdf in pdfs}
