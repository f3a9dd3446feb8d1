"""Writing files safely: atomically, and never over a source or a file the tool did not make.

Every file the tool writes goes through write_atomic: to a temporary file
beside the target, then renamed into place, so a reader sees the old file or
the new one, never half of one. Before a PDF is written, refuse_target makes
sure the name does not point at a leaflet's sources, the assets or the tool's
own files, at a device or a link, or at a file someone else made. Every file
the tool reads that a user or another program could have put there goes
through read_regular: a regular file, never a device or a pipe that would
block or never end, and never more than a bounded number of bytes.
"""

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .errors import OutputError, display

#: What the tool writes into every PDF's /Creator, to know its own PDFs again.
GENERATOR = "leafletpress"
CREATOR = f"{GENERATOR} {__version__}"


class TooLarge(OSError):
    """A file larger than the reader allows."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file (links followed) of at most limit bytes.

    Raises FileNotFoundError, IsADirectoryError, TooLarge, or OSError for a
    device, a pipe or a socket: opened without blocking, and never read.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory")
        if not stat.S_ISREG(mode):
            raise OSError(0, "not a regular file (a device, a pipe or a socket)")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(0, f"larger than {limit // 1024} KB")
    return data


def made_by_us(path: Path) -> bool:
    """Whether the file is a PDF this tool wrote (its /Creator says so)."""
    try:
        with path.open("rb") as stream:
            if stream.read(5) != b"%PDF-":
                return False
        from pypdf import PdfReader

        metadata = PdfReader(path).metadata
        creator = (metadata.get("/Creator") if metadata else None) or ""
    except Exception:  # unreadable, truncated or not a PDF at all: not one of ours
        return False
    return str(creator).startswith(GENERATOR + " ")


def refuse_target(target: Path, protected: list[Path], recorded: bool = False) -> None:
    """Raise OutputError unless a PDF may be written at target.

    Refused: a name inside a protected folder (leaflets, assets, templates, the
    tool's code), anything that exists and is not a plain file (a folder, a
    device, a link), and an existing file the tool did not write, unless the
    build folder's record says it did.
    """
    try:
        check_target(target, protected, recorded)
    except OSError as error:  # a name too long, a folder that can't be searched
        raise OutputError(f"{display(target)}: cannot write here: {error.strerror}") from None


def check_target(target: Path, protected: list[Path], recorded: bool) -> None:
    shown = display(target)
    resolved = target.resolve()
    for folder in protected:
        if resolved.is_relative_to(folder.resolve()):
            raise OutputError(f"{shown}: refusing to write inside {display(folder)}/, which holds the "
                              "leaflets' sources and the tool's files; choose another place")
    if target.is_symlink():
        raise OutputError(f"{shown}: is a link; refusing to replace it (write to a plain file name)")
    if not target.exists():
        return
    if target.is_dir():
        raise OutputError(f"{shown}: is a folder; --output needs a file name (or use --out-dir FOLDER)")
    if not target.is_file():
        raise OutputError(f"{shown}: is not a regular file (a device or a pipe); refusing to replace it")
    if not recorded and not made_by_us(target):
        raise OutputError(f"{shown}: already exists and is not a PDF made by {GENERATOR}; refusing to "
                          "replace it (move it away or choose another name)")


def write_atomic(target: Path, data: bytes) -> None:
    """Write beside the target, then rename: readers see the old file or the new, never half.

    Ctrl-C or SIGTERM arriving meanwhile takes effect once the file is
    written or its temporary file removed, so an interrupted build leaves no
    half-written file behind, however the signal falls.
    """
    with signals_held():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except (FileExistsError, NotADirectoryError):
            blocker = next(p for p in [target.parent, *target.parent.parents] if p.exists())
            raise OutputError(f"{display(target)}: cannot write here: {display(blocker)} is not a folder") from None
        except OSError as error:
            raise OutputError(f"{display(target)}: cannot write here: {error.strerror}") from None
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException as error:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise OutputError(f"{display(target)}: cannot write here: {error.strerror}") from None
            raise


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back (in the main thread, where Python handles them) until the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
