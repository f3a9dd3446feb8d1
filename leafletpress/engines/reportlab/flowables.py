"""Flowables that draw what templates/leaflet.css draws: CSS line boxes, borders inside their edges, rules.

Sizes and colours come from the style tokens (leafletpress/style.py); what is
here is how CSS behaves where ReportLab behaves otherwise by default.
"""

from functools import cache

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

REGULAR, BOLD = "AtkinsonHyperlegible", "AtkinsonHyperlegible-Bold"
# The font's own ascent and descent (em): CSS centres them in each line box, ReportLab does not.
ASCENT, DESCENT = 0.95, 0.29
TALL = 10**6  # an unlimited height, to measure a flowable


@cache
def text_style(size: float, leading: float, colour: str, bold: bool = False, indent: float = 0) -> ParagraphStyle:
    """A clear-print paragraph style: left-aligned, never justified or hyphenated, no widows."""
    return ParagraphStyle(
        f"{size}-{leading}-{bold}-{colour}-{indent}", fontName=BOLD if bold else REGULAR, fontSize=size,
        leading=size * leading, textColor=HexColor(colour), alignment=TA_LEFT, leftIndent=indent,
        allowWidows=0, allowOrphans=0, hyphenationLang="",
        # Break only where a browser would: after a hyphen already in the word, and inside a word
        # that doesn't fit the line (overflow-wrap); never insert a hyphen.
        embeddedHyphenation=1, uriWasteReduce=0.0001, splitLongWords=1)


class Text(Paragraph):
    """A paragraph whose lines sit in their line boxes as CSS places them.

    ReportLab puts the first baseline one font size below the top; CSS centres the
    font's ascent and descent in the line box. Shifting by the difference lines the
    text up with the HTML engine's boxes, rules and write-in lines.
    """

    outline: tuple[str, int, str] | None = None  # a heading's (title, level, key): where it is drawn

    def drawOn(self, canvas, x, y, _sW=0):
        style = self.style
        shift = (style.leading - (ASCENT + DESCENT) * style.fontSize) / 2 + (ASCENT - 1) * style.fontSize
        super().drawOn(canvas, x, y - shift, _sW)

    def draw(self):
        if self.outline:  # as WeasyPrint's bookmarks: the heading's own place on its page
            title, level, key = self.outline
            self.canv.bookmarkHorizontal(key, 0, self.height)
            self.canv.addOutlineEntry(title, key, level=level)
        super().draw()


class Heading(Text):
    """A heading moves whole, with what follows it (keepWithNext)."""

    def split(self, availWidth, availHeight):
        return []


class Item(Text):
    """A list item, moved whole to the next page (break-inside: avoid) unless taller than a page.

    Its marker ("•" or "1.") hangs in the indent and ends one space before the
    text, as a CSS outside marker does; ReportLab's own bullets keep 0.6 em
    clear and push the first line right instead.
    """

    marker, marker_colour, max_height = "", None, TALL

    def draw(self):
        if self.marker:  # first, so it reads before the item's text
            style = self.style
            space = stringWidth(" ", style.fontName, style.fontSize)
            self.canv.setFont(REGULAR, style.fontSize)
            self.canv.setFillColor(self.marker_colour)
            self.canv.drawRightString(style.leftIndent - space, self.height - style.fontSize, self.marker)
        super().draw()

    def split(self, availWidth, availHeight):
        if self.height <= self.max_height:
            return []
        parts = super().split(availWidth, availHeight)
        for number, part in enumerate(parts):
            part.marker, part.marker_colour = (self.marker if number == 0 else ""), self.marker_colour
        return parts


class Rule(Flowable):
    """A full-width bar at the bottom of its height: the title block's border, a line to write on."""

    def __init__(self, thickness: float, colour: str, height: float = 0):
        super().__init__()
        self.thickness, self.colour, self.height = thickness, HexColor(colour), max(height, thickness)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        return availWidth, self.height

    def draw(self):
        self.canv.setFillColor(self.colour)
        self.canv.rect(0, 0, self.width, self.thickness, stroke=0, fill=1)


class Box(Table):
    """A one-cell table with its border inside its edges, as CSS draws a border.

    ReportLab centres a table's BOX on the cell edge, half outside; this box
    strokes it half a line width in, so the outer edge meets the column.
    """

    border: float = 0
    colour = None

    def draw(self):
        super().draw()
        if self.border:
            half = self.border / 2
            self.canv.setStrokeColor(self.colour)
            self.canv.setLineWidth(self.border)
            self.canv.rect(half, half, self._width - self.border, self._height - self.border, stroke=1, fill=0)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.border, part.colour = self.border, self.colour
        return parts


def table_style(*commands) -> TableStyle:
    """No padding, and the leaflet's font in every cell: ReportLab's default would embed no Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       *((f"{side}PADDING", (0, 0), (-1, -1), 0) for side in ("LEFT", "RIGHT", "TOP", "BOTTOM")),
                       *commands])


def boxed(flowables: list, width: float, border: float, colour: str, padding: tuple[float, float, float],
          background: str | None = None, breakable: bool = False) -> Box:
    """Flowables in a bordered box; padding is CSS padding (top, sides, bottom), inside the border."""
    top, inline, bottom = padding
    box = Box([[flowables]], colWidths=[width], splitInRow=int(breakable), style=table_style(
        *((f"{side}PADDING", (0, 0), (-1, -1), inline + border) for side in ("LEFT", "RIGHT")),
        ("TOPPADDING", (0, 0), (-1, -1), top + border), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom + border),
        *([("BACKGROUND", (0, 0), (-1, -1), HexColor(background))] if background else [])))
    box.border, box.colour = border, HexColor(colour)
    return box


def spaced(flowable, before: float = 0, after: float = 0):
    """Give a flowable its CSS margins (collapsed later by collapse())."""
    flowable.spaceBefore, flowable.spaceAfter = before, after
    return flowable


def collapse(flowables: list) -> list:
    """CSS margin collapsing: between two blocks the larger of their margins, not the sum."""
    for above, below in zip(flowables, flowables[1:]):
        below.spaceBefore = max(above.spaceAfter, below.spaceBefore)
        above.spaceAfter = 0
    return flowables
