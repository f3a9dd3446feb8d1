"""What a build is asked for, and the print sizes and papers both engines read."""

from dataclasses import dataclass, field

from .model import Clinic


@dataclass(frozen=True)
class PrintSize:
    """Type sizes in points and margins in millimetres for one print size.

    The smallest size is used for everything that is not body text or a
    heading: footer, page numbers, captions, credits. Clear-print guidance
    (UKAAF, RNIB) asks for at least 12 pt there, and 16 pt in large print.
    """

    name: str
    body: float
    smallest: float
    title: float
    heading: float
    subheading: float
    leading: float
    margin: float
    figure_width: float  # share of the text column
    note_lines: int  # ruled lines in the notes box

    @property
    def bottom_margin(self) -> float:
        """Millimetres below the text: the margin plus room for the running footer."""
        return self.margin + self.smallest * 0.9


#: The running footer: how far below the text it starts (mm), and the share of
#: the width the leaflet's title may take before the page number.
FOOTER_GAP = 3
FOOTER_TITLE_SHARE = 0.68

#: The leaflet's colours, read by both engines. The accent is 9.6:1 on white,
#: above WCAG AAA's 7:1; notices are black on pale yellow, never colour alone.
COLOURS = {
    "accent": "#1a4d7a",
    "warning-background": "#fff3b0",
    "frame": "#666666",
    "credit": "#333333",
}


PRINT_SIZES = {
    "standard": PrintSize("standard", body=13, smallest=12, title=28, heading=19,
                          subheading=15, leading=1.5, margin=18, figure_width=0.46, note_lines=20),
    "large": PrintSize("large", body=18, smallest=16, title=34, heading=25,
                       subheading=21, leading=1.5, margin=16, figure_width=1.0, note_lines=13),
}


@dataclass(frozen=True)
class Paper:
    name: str
    width: float  # millimetres
    height: float


PAPERS = {
    "a4": Paper("a4", 210, 297),
    "letter": Paper("letter", 215.9, 279.4),
    "a5": Paper("a5", 148, 210),
}

#: A booklet's pages are half its sheet: folded A4 makes A5, folded Letter half-letter.
BOOKLET_PAGES = {
    "a4": PAPERS["a5"],
    "letter": Paper("half-letter", 139.7, 215.9),
}

NARROW_PAGE = 180  # mm: on A5 a figure beside its text would leave the text too narrow

ENGINES = ("weasyprint", "reportlab")

#: The scripts each engine lays out correctly. ReportLab 5 has no per-glyph
#: font fallback, can't use the CFF-based Noto CJK fonts, and puts mixed
#: Arabic and Latin text in the wrong order: it is refused those languages.
ENGINE_SCRIPTS = {"weasyprint": {"Latin", "Arabic", "Chinese"}, "reportlab": {"Latin"}}


@dataclass(frozen=True)
class Options:
    """One PDF to make: which language, print size, sections, paper and engine."""

    lang: str
    large_print: bool = False
    sections: tuple[str, ...] = field(default_factory=tuple)
    paper: str = "a4"
    engine: str = "weasyprint"
    review_overdue: bool = False  # past the leaflet's next review date on the day of the build
    clinic: Clinic | None = None
    notes: bool = False
    booklet: bool = False

    @property
    def print_size(self) -> PrintSize:
        return PRINT_SIZES["large" if self.large_print else "standard"]

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
        """The PDF's name in the output folder: every option that changes it shows."""
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
