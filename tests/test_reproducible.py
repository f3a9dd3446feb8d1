"""The same sources give the same bytes: from two builds run at the same time, and from another clone.

Two builds of one leaflet started together both find the project's caches
empty: both make the Chinese font subsets and lay the pages out, and one may
read a subset or a remembered layout while the other writes it. Each runs with
its own hash seed, so nothing may hang on the order of a set or a dict.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import clone_project

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

LARGE_PRINT = ("focal-dystonia", "--lang", "zh-Hans", "--large-print")


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A git clone of this checkout, with the checkout's uncommitted changes: no caches, no build folder."""
    root = clone_project(tmp_path_factory.mktemp("clone") / "leafletpress")
    assert not (root / ".cache").exists()
    return root


def build(root: Path, output: Path, seed: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "generate.py", "build", *LARGE_PRINT, "--output", str(output)],
                            cwd=root, env={**os.environ, "PYTHONHASHSEED": seed},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_builds_at_once_and_another_clone_give_the_same_bytes(clone, tmp_path, build_one):
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    runs = [build(clone, first, "1"), build(clone, second, "2")]
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err or out
    assert (clone / ".cache" / "fonts").is_dir() and (clone / ".cache" / "layouts").is_dir()
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == build_one(*LARGE_PRINT).read_bytes()  # built in this checkout
