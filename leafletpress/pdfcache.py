"""The web server's cache of PDFs and page previews: files named by the digest of their inputs, a size limit.

A file's name is the digest of everything it is made from (cache.inputs_digest,
which starts from the generator's own shared_digest) and a fixed suffix, so
nothing a request says ever reaches a file name, and two servers that make
the same PDF make the same bytes under the same name. Files are written with
write_atomic (a temporary file, then a rename): several server processes, or
several hosts sharing the folder, can read and write it at once and never see
half a file. A read sets the file's access time (its modification time stays
that of the write); when the folder grows past its limit, the files read
longest ago are removed first. A file another server removes meanwhile is
simply made again.
"""

import os
import re
import time
from contextlib import suppress
from pathlib import Path

from .files import read_regular, write_atomic

#: What a cached file may be called: a hex digest, and a suffix from this module.
NAME = re.compile(r"[0-9a-f]{64}\.(pdf|pages|p[0-9]{1,4}\.png)")
MAX_FILE = 64 * 1024 * 1024  # bytes: far more than any leaflet or preview


class PdfCache:
    """PDFs and previews in one folder, at most limit bytes (roughly: eviction trims to 90%)."""

    def __init__(self, folder: Path, limit: int):
        self.folder, self.limit = folder, limit
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, digest: str, suffix: str) -> Path:
        name = f"{digest}.{suffix}"
        if not NAME.fullmatch(name):  # a digest is ours, never a request's: this is a bug, not bad input
            raise ValueError(f"not a cache file name: {name[:80]!r}")
        return self.folder / name

    def read(self, digest: str, suffix: str) -> bytes | None:
        """The cached bytes, or None; the read is recorded as the file's access time."""
        path = self.path(digest, suffix)
        try:
            data = read_regular(path, MAX_FILE)
            stat = path.stat()
            os.utime(path, ns=(time.time_ns(), stat.st_mtime_ns))
        except OSError:
            return None
        return data

    def write(self, digest: str, suffix: str, data: bytes) -> None:
        write_atomic(self.path(digest, suffix), data)

    def evict(self) -> list[Path]:
        """Remove the files read longest ago until the folder is under 90% of its limit; what was removed."""
        entries = []
        for path in self.folder.iterdir():
            if path.name.endswith(".tmp") and path.name.startswith("."):
                self.remove_stale(path)
            elif NAME.fullmatch(path.name):
                with suppress(OSError):  # removed by another server meanwhile
                    stat = path.stat()
                    entries.append((max(stat.st_atime_ns, stat.st_mtime_ns), stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        if total <= self.limit:
            return []
        removed = []
        for _, size, path in sorted(entries):
            if total <= self.limit * 0.9:
                break
            with suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
            total -= size
        return removed

    @staticmethod
    def remove_stale(path: Path) -> None:
        """A temporary file left by a server killed mid-write, an hour later (a live write takes seconds)."""
        with suppress(OSError):
            if time.time() - path.stat().st_mtime > 3600:
                path.unlink()
