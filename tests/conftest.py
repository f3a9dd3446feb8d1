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
    """Build one PDF with the given command-line options; each distinct PDF is built once a session.

    Options are compared as the command reads them, so ("focal-dystonia",) and
    ("focal-dystonia", "--lang", "en") are the same PDF; the shipped leaflets'
    A4 PDFs come from the `built` folder when a test has made it.
    """
    out = tmp_path_factory.mktemp("one")
    cache: dict[tuple, Path] = {}

    def build(*args: str) -> Path:
        key = options_key(args)
        if key not in cache:
            target = out / f"{len(cache)}.pdf"
            assert main(["build", *args, "--output", str(target)]) == 0
            cache[key] = target
        return cache[key]
    return build


def options_key(args: tuple[str, ...]) -> tuple:
    """What a `build` command line asks for, whatever the order of its options."""
    from leafletpress.cli import parser

    parsed = vars(parser().parse_args(["build", *args]))
    parsed.pop("handler")
    if parsed["leaflets"] == ["focal-dystonia"] and not parsed["lang"]:
        parsed["lang"] = ["en"]  # --output builds the source language
    return tuple(sorted((name, repr(value)) for name, value in parsed.items()))


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

