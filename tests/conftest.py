"""Shared fixtures: the real leaflets built once per test run (shared by the workers), small leaflets per test."""

import fcntl
import hashlib
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .helpers import FIXTURES, main


@pytest.fixture(scope="session")
def shared(tmp_path_factory, testrun_uid) -> Path:
    """A folder every worker of this test run shares (pytest-xdist runs one process per core).

    What a fixture below builds there is built once a run, by whichever worker
    asks first, while the others wait for it: the same PDF is not laid out
    twice on two cores.
    """
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / f"shared-{testrun_uid}"
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def once(path: Path) -> Iterator[bool]:
    """Held by one worker at a time: True when `path` is still to be made (make it inside the block)."""
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield not path.exists()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built(shared) -> Path:
    """Every shipped leaflet built as `make` builds it, into a folder of the tests' own (read it, never write)."""
    out, done = shared / "build", shared / "build.done"
    with once(done) as missing:
        if missing:
            assert main(["build", "--out-dir", str(out)]) == 0
            done.touch()
    return out


@pytest.fixture(scope="session")
def build_one(shared):
    """Build one PDF with the given command-line options; each distinct PDF is built once a test run.

    Options are compared as the command reads them, so ("focal-dystonia",) and
    ("focal-dystonia", "--lang", "en") are the same PDF.
    """
    out = shared / "one"
    out.mkdir(exist_ok=True)

    def build(*args: str) -> Path:
        target = out / f"{hashlib.sha256(repr(options_key(args)).encode()).hexdigest()[:16]}.pdf"
        with once(target) as missing:
            if missing:  # written whole or not at all
                assert main(["build", *args, "--output", str(target)]) == 0
        return target
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

