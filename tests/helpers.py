"""What the tests share: the project folder, the command run on it, and leaflets read from it."""

import functools
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from leafletpress import cli
from leafletpress.model import Leaflet
from leafletpress.project import Project
from leafletpress.read import read_leaflet

PROJECT = Path(__file__).resolve().parent.parent
LEAFLETS = PROJECT / "leaflets"
ASSETS = PROJECT / "assets"
FIXTURES = Path(__file__).parent / "fixtures"


def main(argv: list[str]) -> int:
    """The command, as generate.py runs it: on this checkout, wherever the test stands."""
    return cli.main(argv, root=PROJECT, prog="generate.py")


def project(leaflets: Path | None = None) -> Project:
    return Project.at(PROJECT, leaflets)


def leaflet(folder: Path = LEAFLETS / "focal-dystonia") -> Leaflet:
    return read_leaflet(folder, ASSETS)


def clone_project(root: Path, venv: bool = False) -> Path:
    """A git clone of this checkout at `root`, with its uncommitted changes: no caches, no build folder.

    With `venv`, the clone uses this checkout's virtual environment, its files dated as here so that
    `make` finds the set-up done: a `make clean` in the clone can't touch this checkout's caches.
    """
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(PROJECT), str(root)], check=True)
    changed = subprocess.run(["git", "ls-files", "--modified", "--others", "--exclude-standard"], cwd=PROJECT,
                             capture_output=True, text=True, check=True).stdout.splitlines()
    for name in changed:
        if (PROJECT / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, root / name)
    for name in subprocess.run(["git", "ls-files", "--deleted"], cwd=PROJECT, capture_output=True, text=True,
                               check=True).stdout.splitlines():
        (root / name).unlink(missing_ok=True)
    compiled = sorted((PROJECT / "templates" / "locale").rglob("*.mo"))  # made by `make`, not in git
    for path in compiled:
        shutil.copy2(path, root / path.relative_to(PROJECT))
    if venv:
        (root / ".venv").symlink_to(PROJECT / ".venv")
        for path in root.rglob("*"):
            mine = PROJECT / path.relative_to(root)
            if ".git" not in path.parts and path.is_file() and not path.is_symlink() and mine.is_file():
                stat = mine.stat()
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return root


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The folder's files over HTTP on a free local port, as a browser would fetch them: the address."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
