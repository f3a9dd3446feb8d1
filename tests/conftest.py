"""Shared fixtures: the real leaflets built once per test session, and small leaflets made per test."""

import logging
import shutil
from pathlib import Path

import pytest

from .helpers import FIXTURES, main


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Every shipped leaflet built as `make` builds it, into a folder of the tests' own."""
    out = tmp_path_factory.mktemp("build")
    assert main(["build", "--out-dir", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def build_one(tmp_path_factory):
    """Build one PDF with the given command-line options; each distinct one is built once."""
    out = tmp_path_factory.mktemp("one")
    cache: dict[tuple, Path] = {}

    def build(*args: str) -> Path:
        if args not in cache:
            target = out / f"{len(cache)}.pdf"
            assert main(["build", *args, "--output", str(target)]) == 0
            cache[args] = target
        return cache[args]
    return build


@pytest.fixture
def leaflets_dir(tmp_path) -> Path:
    """A copy of the 'tiny' fixture leaflet to break in a test."""
    root = tmp_path / "leaflets"
    shutil.copytree(FIXTURES / "leaflets", root)
    return root


@pytest.fixture(autouse=True)
def no_weasyprint_warnings(caplog):
    """Any warning WeasyPrint logs while a test runs is a failure."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield
    problems = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")
                and r.levelno >= logging.WARNING]
    assert not problems, problems

