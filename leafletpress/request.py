"""What a build is asked for: a typed BuildRequest, the Options of each PDF, and the PDF's file name.

A BuildRequest holds every option of `generate.py build`, each named as on the
command line, with its default here and nowhere else; it is checked when it is
made, before any leaflet is read. The command line, the web page and the
library all make one and hand it to build.build(). A request becomes one
Options per PDF (language × print size); Options.filename names the file, and
describe() reads a file name back into the options it stands for.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import LeafletError, UnknownName
from .model import Clinic
from .style import BOOKLET_PAGES, NARROW_PAGE, PAPERS, PRINT_SIZES, STYLES, Paper, PrintSize, Style

ENGINES = ("weasyprint", "reportlab")

#: What `build --format` makes: PDFs, the accessible web site (site/), Braille Ready Files (.brf).
FORMATS = ("pdf", "html", "brf")

#: The scripts each engine lays out correctly. ReportLab 5 has no per-glyph font
#: fallback, can't use the CFF-based Noto CJK fonts, and puts mixed Arabic and
#: Latin text in the wrong order: it is refused those languages.
ENGINE_SCRIPTS = {"weasyprint": {"Latin", "Arabic", "Chinese"}, "reportlab": {"Latin"}}

#: A note typed for one patient, printed in the notes box: short, plain text.
NOTE_LIMIT = 1000

#: Words a file name uses for options; no section may be called so.
FILENAME_WORDS = frozenset({"notes", "booklet", "large-print", *PAPERS, *ENGINES})


@dataclass(frozen=True)
class BuildRequest:
    """The PDFs to build and how; each field is the command-line option of the same name."""

    leaflets: tuple[str, ...] = ()
    """Leaflet ids (folder names under leaflets/); none means every leaflet."""
    lang: tuple[str, ...] = ()
    """Language codes, in any case; 'zh' finds 'zh-Hans'. None means every language of each leaflet."""
    large_print: bool = False
    """Large print only. Without it a batch builds standard and large print, --output standard."""
    section: tuple[str, ...] = ()
    """Only these sections, in the leaflet's order, with the title block and the boxes."""
    paper: str = "a4"
    """Paper size: a4, letter or a5."""
    clinic: Path | None = None
    """The clinic's branding file (YAML)."""
    notes: bool = False
    """Add a last page with lines for the care team's notes."""
    note: str = ""
    """A short note for this patient, printed in the notes box (implies notes)."""
    booklet: bool = False
    """Impose A5 (or half-letter) pages two-up on A4 (or Letter) sheets, to fold and staple."""
    engine: str = ENGINES[0]
    """weasyprint (tagged, every script) or reportlab (fast proofs, Latin script only)."""
    output: Path | None = None
    """Write exactly this one PDF (one leaflet, at most one language)."""
    out_dir: Path | None = None
    """Folder for the PDFs; the project's build/ when not given."""
    force: bool = False
    """Rebuild even the PDFs that are up to date."""
    jobs: int | None = None
    """Worker processes; one per core when not given."""
    as_of: date | None = None
    """Build as if today were this date (review-overdue notices)."""
    formats: tuple[str, ...] = ("pdf",)
    """What to make: pdf, html (the web site in OUT_DIR/site/) and brf (braille beside the PDFs)."""

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise UnknownName("engine", self.engine, ENGINES)
        if self.paper not in PAPERS:
            raise UnknownName("paper", self.paper, PAPERS)
        if self.booklet and self.paper not in BOOKLET_PAGES:
            raise LeafletError(f"--booklet folds {' or '.join(BOOKLET_PAGES)} sheets in half; "
                               f"not {self.paper!r} (use --paper a5 alone for a plain A5 leaflet)")
        if self.jobs is not None and self.jobs < 1:
            raise LeafletError(f"--jobs must be 1 or more, not {self.jobs}")
        if self.output is not None and self.out_dir is not None:
            raise LeafletError("--output and --out-dir can't be used together")
        check_note(self.note)
        for name in self.formats:
            if name not in FORMATS:
                raise UnknownName("format", name, FORMATS)
        if not self.formats:
            raise LeafletError(f"--format names nothing to make; choose from {', '.join(FORMATS)}")
        if self.output is not None and self.formats != ("pdf",):
            raise LeafletError("--output writes one PDF; --format html and brf write into --out-dir")

    @property
    def print_sizes(self) -> list[bool]:
        """Whether each PDF is large print: one size for --large-print or --output, else both."""
        if self.large_print:
            return [True]
        return [False] if self.output else [False, True]


def check_note(note: str) -> None:
    """A note is plain text of at most NOTE_LIMIT characters: line breaks, but no other control characters."""
    if len(note) > NOTE_LIMIT:
        raise LeafletError(f"the note has {len(note)} characters; at most {NOTE_LIMIT} fit the notes box")
    bad = [ch for ch in note if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != "\n"]
    if bad:
        raise LeafletError(f"the note holds a control character (U+{ord(bad[0]):04X}); only text and "
                           "line breaks can be printed")


@dataclass(frozen=True)
class Options:
    """One PDF to make: which language, print size, sections, paper and engine."""

    lang: str
    large_print: bool = False
    sections: tuple[str, ...] = field(default_factory=tuple)
    paper: str = "a4"
    engine: str = ENGINES[0]
    review_overdue: bool = False  # past the leaflet's next review date on the day of the build
    clinic: Clinic | None = None
    notes: bool = False
    booklet: bool = False
    note: str = ""

    @property
    def print_size(self) -> PrintSize:
        return PRINT_SIZES["large" if self.large_print else "standard"]

    @property
    def style(self) -> Style:
        return STYLES[self.print_size.name]

    @property
    def figure_beside(self) -> bool:
        """Whether a figure stands beside its text; in large print or on narrow pages it goes above."""
        return not self.large_print and self.page.width >= NARROW_PAGE

    @property
    def page(self) -> Paper:
        """The size of one page of the leaflet."""
        return BOOKLET_PAGES[self.paper] if self.booklet else PAPERS[self.paper]

    @property
    def sheet(self) -> Paper:
        """The paper it is printed on: for a booklet, two pages side by side."""
        return PAPERS[self.paper]

    def filename(self, leaflet_id: str) -> str:
        """The PDF's name in the output folder: every option that changes it shows.

        LEAFLET.LANG[.SECTION…][.PAPER][.ENGINE][.notes][.booklet][.large-print].pdf
        """
        parts = [leaflet_id, self.lang, *self.sections]
        if self.paper != "a4":
            parts.append(self.paper)
        if self.engine != ENGINES[0]:
            parts.append(self.engine)
        if self.notes:
            parts.append("notes")
        if self.booklet:
            parts.append("booklet")
        if self.large_print:
            parts.append("large-print")
        return ".".join(parts) + ".pdf"


NAME_PART = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANGUAGE_PART = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def describe(name: str) -> tuple[str, Options] | None:
    """The leaflet id and the options a PDF's file name stands for (Options.filename read back).

    None when the name is not one the tool writes.
    """
    if not name.endswith(".pdf"):
        return None
    parts = name.removesuffix(".pdf").split(".")
    if len(parts) < 2 or not NAME_PART.fullmatch(parts[0]) or not LANGUAGE_PART.fullmatch(parts[1]):
        return None
    leaflet_id, lang, rest = parts[0], parts[1], parts[2:]
    flags = {}
    for word in ("large-print", "booklet", "notes"):
        flags[word] = bool(rest) and rest[-1] == word
        rest = rest[:-1] if flags[word] else rest
    engine = rest.pop() if rest and rest[-1] in ENGINES[1:] else ENGINES[0]
    paper = rest.pop() if rest and rest[-1] in PAPERS and rest[-1] != "a4" else "a4"
    if not all(NAME_PART.fullmatch(part) and part not in FILENAME_WORDS for part in rest):
        return None
    if flags["booklet"] and paper not in BOOKLET_PAGES:
        return None
    return leaflet_id, Options(lang, flags["large-print"], tuple(rest), paper, engine,
                               notes=flags["notes"], booklet=flags["booklet"])
