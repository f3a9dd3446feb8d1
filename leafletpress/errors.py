"""The project's exceptions: each one prints as a single line for the user."""

import difflib
from pathlib import Path


class LeafletError(Exception):
    """A problem the user can fix; the command prints it on one line and exits 2."""


class SourceError(LeafletError):
    """A leaflet's source file is wrong, at a given line when known."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        self.path, self.line, self.message = Path(path), line, message
        where = f"{display(self.path)}:{line}" if line else display(self.path)
        super().__init__(f"{where}: {printable(message)}")

    def __reduce__(self):  # a worker process sends it back whole
        return type(self), (self.path, self.message, self.line)


class UnknownName(LeafletError):
    """A leaflet, language, section or paper that does not exist."""

    def __init__(self, kind: str, name: str, valid, where: str | None = None):
        message = unknown(kind, name, valid)
        super().__init__(f"{where}: {message}" if where else message)


def unknown(kind: str, name: str, valid) -> str:
    """'unknown section 'x'; valid: a, b; did you mean 'a'?'"""
    valid = [str(name) for name in valid]
    message = f"unknown {kind} {str(name)!r}; valid: {', '.join(valid) or '(none)'}"
    close = difflib.get_close_matches(str(name), valid, n=1, cutoff=0.5)
    if close:
        message += f"; did you mean {close[0]!r}?"
    return message


class RenderError(LeafletError):
    """An engine could not turn the leaflet into a PDF."""


class OutputError(LeafletError):
    """A PDF could not be written where it was asked to go."""


def display(path: Path) -> str:
    """The path as the user knows it: relative to the working folder when inside it.

    A name that is not UTF-8 shows its odd bytes as \\xNN, and a control
    character (a line break in a folder's name) as its escape, so it can always
    be printed, on one line.
    """
    try:
        shown = str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        shown = str(path)
    return printable(shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


def printable(text: str) -> str:
    """Text with every control character shown as its escape ('\\n'): a message stays one line."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
