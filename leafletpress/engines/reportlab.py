"""The ReportLab engine: the leaflet model laid out with ReportLab platypus, no HTML in between."""

import html as htmlmod
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor, black
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Table,
                                TableStyle)
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__
from ..errors import LeafletError, RenderError, display
from ..fonts import LATIN, require_coverage, script_of
from ..html import local_dates, online_url, select_sections, split_for_figure
from ..i18n import catalog_folder, translations
from ..model import Block, BulletList, Figure, Leaflet, Paragraph as TextBlock, Provenance, Run, Section
from ..options import COLOURS, FOOTER_GAP, FOOTER_TITLE_SHARE, Options, PrintSize

REGULAR, BOLD = "AtkinsonHyperlegible", "AtkinsonHyperlegible-Bold"
# The font's own ascent and descent (em): CSS centres them in each line box, ReportLab does not.
ASCENT, DESCENT = 0.95, 0.29
NORMAL_LINE_HEIGHT = ASCENT + DESCENT  # the content area CSS centres in a line box

# The colours both engines read (options.COLOURS).
ACCENT_COLOUR = HexColor(COLOURS["accent"])
WARNING_BACKGROUND = HexColor(COLOURS["warning-background"])
FRAME_GREY = HexColor(COLOURS["frame"])
CREDIT_GREY = HexColor(COLOURS["credit"])
BULLET = "\u2022"
FIGURE_GAP = 6 * mm
BOX_BORDER = 1.5
TALL = 10**6  # an unlimited height, to measure a flowable


def render(leaflet: Leaflet, options: Options) -> bytes:
    """The leaflet as PDF bytes, laid out by ReportLab."""
    if script_of(options.lang) != "Latin":
        raise RenderError(f"the reportlab engine can't print {script_of(options.lang)} correctly; "
                          f"use --engine weasyprint for {options.lang!r}")
    with reportlab_errors(leaflet.translations[options.lang].path):
        register_fonts()
        page = PageGeometry.of(options)
        story = Story(leaflet, options, page)
        flowables = story.flowables()
        footer = Footer.of(leaflet, options, page)
        check_printable(leaflet, options, story.printed + [footer.left, footer.label, "0123456789"])
        return layout(flowables, leaflet, options, page, footer)


@contextmanager
def reportlab_errors(source: Path):
    """Whatever ReportLab raises becomes one RenderError line, never a traceback."""
    try:
        yield
    except LeafletError:
        raise
    except LayoutError as error:
        raise RenderError(f"ReportLab could not lay out {display(source)}: {one_line(error)}") from None
    except Exception as error:  # ReportLab raises plain ValueErrors and the like
        raise RenderError(f"ReportLab, printing {display(source)}: {type(error).__name__}: "
                          f"{one_line(error)}") from None


@lru_cache(maxsize=None)
def register_fonts() -> None:
    """Atkinson Hyperlegible, regular and bold, as one family so <b> works; italics map to upright."""
    for name, face in zip((REGULAR, BOLD), LATIN):
        pdfmetrics.registerFont(TTFont(name, str(face.path)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def check_printable(leaflet: Leaflet, options: Options, printed: list[str]) -> None:
    """Every character to print has a glyph in Atkinson Hyperlegible, or a SourceError says where not."""
    translation = leaflet.translations[options.lang]
    sources = [translation.path, leaflet.folder / "leaflet.yaml",
               catalog_folder(options.lang) / "messages.po"]
    require_coverage(" ".join(printed), options.lang, sources)


# --- Page geometry and styles -------------------------------------------------------------------


@dataclass(frozen=True)
class PageGeometry:
    """Paper, margins and text column in points."""

    width: float
    height: float
    margin: float
    bottom: float  # bottom margin, with room for the running footer

    @classmethod
    def of(cls, options: Options) -> "PageGeometry":
        size, paper = options.print_size, options.page
        # The same bottom margin as html.page_css: the page margin plus room for the footer line.
        return cls(paper.width * mm, paper.height * mm, size.margin * mm,
                   size.bottom_margin * mm)

    @property
    def column(self) -> float:
        return self.width - 2 * self.margin

    @property
    def column_height(self) -> float:
        return self.height - self.margin - self.bottom


def text_style(name: str, size: float, line_height: float, bold: bool = False,
               colour=black, **extra) -> ParagraphStyle:
    """A clear-print paragraph style: left-aligned, never justified or hyphenated, no widows."""
    settings = dict(
        fontName=BOLD if bold else REGULAR, fontSize=size, leading=size * line_height,
        textColor=colour, alignment=TA_LEFT, spaceBefore=0, spaceAfter=0,
        allowWidows=0, allowOrphans=0, hyphenationLang="",
        # Break only where a browser would: after a hyphen already in the word, and inside a URL
        # that doesn't fit (at a slash); never insert a hyphen.
        embeddedHyphenation=1, uriWasteReduce=0.0001, splitLongWords=1)
    return ParagraphStyle(name, **(settings | extra))


@dataclass(frozen=True)
class Styles:
    """Every text style of templates/leaflet.css, sized from one PrintSize."""

    body: ParagraphStyle
    item: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    warning: ParagraphStyle
    small: ParagraphStyle
    small_bold: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    caption: ParagraphStyle
    credit: ParagraphStyle
    label: ParagraphStyle
    about: ParagraphStyle
    about_item: ParagraphStyle
    about_heading: ParagraphStyle
    about_subheading: ParagraphStyle

    @classmethod
    def of(cls, size: PrintSize) -> "Styles":
        body, small, leading = size.body, size.smallest, size.leading
        return cls(
            body=text_style("body", body, leading),
            item=text_style("item", body, leading, leftIndent=1.3 * body),  # padding-inline-start
            title=text_style("title", size.title, 1.2, bold=True, colour=ACCENT_COLOUR),
            subtitle=text_style("subtitle", size.subheading, leading, bold=True),
            warning=text_style("warning", body, leading, bold=True),
            small=text_style("small", small, leading),
            small_bold=text_style("small-bold", small, leading, bold=True),
            heading=text_style("heading", size.heading, 1.25, bold=True, colour=ACCENT_COLOUR),
            subheading=text_style("subheading", size.subheading, 1.25, bold=True),
            caption=text_style("caption", small, 1.35),
            credit=text_style("credit", small, 1.35, colour=CREDIT_GREY),
            label=text_style("label", body, leading, bold=True),
            about=text_style("about", small, leading),
            about_item=text_style("about-item", small, leading, leftIndent=1.2 * small),
            about_heading=text_style("about-heading", size.subheading, 1.25, bold=True),
            about_subheading=text_style("about-subheading", small, 1.25, bold=True),
        )


# --- Flowables ----------------------------------------------------------------------------------


class Text(Paragraph):
    """A paragraph whose lines sit in their line boxes as CSS places them.

    ReportLab puts the first baseline one font size below the top; CSS centres the
    font's ascent and descent in the line box. Shifting by the difference lines the
    text up with the HTML engine's boxes, rules and write-in lines.
    """

    def drawOn(self, canvas, x, y, _sW=0):
        style = self.style
        half_leading = (style.leading - NORMAL_LINE_HEIGHT * style.fontSize) / 2
        shift = half_leading + ASCENT * style.fontSize - style.fontSize
        super().drawOn(canvas, x, y - shift, _sW)


class Item(Text):
    """A list item with its marker, moved whole to the next page rather than broken (break-inside: avoid).

    The marker ("•" or "1.") hangs in the indent and ends one space before the
    text, as a CSS outside marker does; ReportLab's own bullets push the first
    line right instead.
    """

    marker: str | None = None
    max_height = TALL

    def draw(self):
        if self.marker:  # first, so it reads before the item's text
            style = self.style
            space = pdfmetrics.stringWidth(" ", style.fontName, style.fontSize)
            self.canv.setFont(REGULAR, style.fontSize)
            self.canv.setFillColor(ACCENT_COLOUR)
            self.canv.drawRightString(style.leftIndent - space, self.height - style.fontSize, self.marker)
        super().draw()

    def split(self, availWidth, availHeight):
        if self.height <= self.max_height:
            return []
        parts = super().split(availWidth, availHeight)  # taller than a page: it has to break
        for number, part in enumerate(parts):
            part.marker = self.marker if number == 0 else None
        return parts


class Heading(Text):
    """A heading that adds itself to the PDF outline where it is drawn, as WeasyPrint's bookmarks do."""

    outline: tuple[str, int, str] | None = None  # (title, level, key)

    def draw(self):
        if self.outline:
            title, level, key = self.outline
            self.canv.bookmarkHorizontal(key, 0, self.height)
            self.canv.addOutlineEntry(title, key, level=level)
        super().draw()

    def split(self, availWidth, availHeight):
        return []  # a heading is a line or two: it moves whole


class Rule(Flowable):
    """A full-width filled bar at the bottom of its height: the title block's border, a line to write on."""

    def __init__(self, thickness: float, colour, height: float = 0):
        super().__init__()
        self.thickness, self.colour = thickness, colour
        self.height = max(height, thickness)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        return availWidth, self.height

    def draw(self):
        self.canv.setFillColor(self.colour)
        self.canv.rect(0, 0, self.width, self.thickness, stroke=0, fill=1)


class QRCode(Flowable):
    """The same QR code the HTML engine prints (segno), drawn as vector squares, quiet zone included."""

    border = 4  # modules of quiet zone

    def __init__(self, url: str, size: float):
        import segno

        super().__init__()
        self.matrix = segno.make(url, error="m").matrix
        self.width = self.height = size

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        modules = len(self.matrix) + 2 * self.border
        unit = self.width / modules
        self.canv.setFillColor(black)
        for row, line in enumerate(self.matrix):
            for column, dark in enumerate(line):
                if dark:
                    x = (column + self.border) * unit
                    y = self.height - (row + self.border + 1) * unit
                    self.canv.rect(x, y, unit, unit, stroke=0, fill=1)


class Picture(Flowable):
    """An illustration scaled to a width, with the thin grey frame the HTML engine draws round it.

    As in the CSS (img width 100% plus a 1 pt border), the frame lies outside the
    picture's width: the figure is 2 pt wider than its column share.
    """

    border = 1.0

    def __init__(self, content, content_width: float, content_height: float):
        super().__init__()
        self.content = content
        self.width, self.height = content_width + 2 * self.border, content_height + 2 * self.border

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        self.content.drawOn(self.canv, self.border, self.border)
        self.canv.setStrokeColor(FRAME_GREY)
        self.canv.setLineWidth(self.border)
        half = self.border / 2
        self.canv.rect(half, half, self.width - self.border, self.height - self.border, stroke=1, fill=0)


class Box(Table):
    """A one-cell table with its border inside its edges, as CSS draws a border.

    ReportLab centres a table's BOX on the cell edge, half outside; this box
    strokes it half a line width in, so the outer edge meets the column.
    """

    border: float = 0
    colour = black

    def draw(self):
        super().draw()
        if self.border:
            half = self.border / 2
            self.canv.setStrokeColor(self.colour)
            self.canv.setLineWidth(self.border)
            self.canv.rect(half, half, self._width - self.border, self._height - self.border,
                           stroke=1, fill=0)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.border, part.colour = self.border, self.colour
        return parts


def table_style(*commands) -> TableStyle:
    """A table style with no padding, and the leaflet's font for the cells.

    ReportLab sets every cell's font, even a cell of flowables or an empty one;
    its default would put Helvetica, unembedded, into the PDF.
    """
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        *commands,
    ])


def boxed(flowables: list, width: float, border: float, colour, padding: tuple[float, float, float],
          background=None, split_in_row: int = 0) -> Box:
    """Flowables in a bordered box; padding is CSS padding (top, sides, bottom), inside the border."""
    top, sides, bottom = padding
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), sides + border), ("RIGHTPADDING", (0, 0), (-1, -1), sides + border),
        ("TOPPADDING", (0, 0), (-1, -1), top + border), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom + border),
    ]
    if background is not None:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), background))
    box = Box([[flowables]], colWidths=[width], splitInRow=split_in_row, style=table_style(*commands))
    box.border, box.colour = border, colour
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


def load_picture(figure: Figure, width: float) -> Picture:
    """The figure's file, SVG through svglib or a PNG/JPEG, scaled to the width."""
    try:
        if figure.path.suffix.lower() == ".svg":
            content, height = svg_drawing(figure.path, width)
        else:
            content, height = raster_image(figure.path, width)
    except LeafletError:
        raise
    except Exception as error:  # svglib and Pillow raise many kinds; the user needs one line
        raise RenderError(f"{display(figure.path)}: cannot draw this picture: {one_line(error)}") from None
    return Picture(content, width, height)


def logo_picture(path: Path, height: float) -> Flowable:
    """A clinic's logo scaled to a height, keeping its proportions."""
    try:
        content, natural = (svg_drawing if path.suffix.lower() == ".svg" else raster_image)(path, 100)
    except LeafletError:
        raise
    except Exception as error:
        raise RenderError(f"{display(path)}: cannot draw this logo: {one_line(error)}") from None
    return (svg_drawing if path.suffix.lower() == ".svg" else raster_image)(path, 100 * height / natural)[0]


def svg_drawing(path: Path, width: float) -> tuple[Flowable, float]:
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(str(path))
    if drawing is None or not drawing.width or not drawing.height:
        raise RenderError(f"{display(path)}: svglib could not read this SVG")
    scale = width / drawing.width
    drawing.initialFontName = REGULAR  # else the drawing's state sets Helvetica, even with no text
    drawing.scale(scale, scale)
    drawing.width, drawing.height = width, drawing.height * scale
    return drawing, drawing.height


def raster_image(path: Path, width: float) -> tuple[Flowable, float]:
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    pixels_wide, pixels_high = ImageReader(str(path)).getSize()
    height = width * pixels_high / pixels_wide
    return Image(str(path), width=width, height=height), height


# --- The leaflet as flowables -------------------------------------------------------------------


def runs_markup(runs: tuple[Run, ...]) -> str:
    """A paragraph's runs as ReportLab markup: bold when strong, a link as 'text (url)' (macros.html)."""
    parts = []
    for run in runs:
        text = escape(run.text)
        target = run.href and run.href.removeprefix("mailto:").removeprefix("tel:")
        if target and target != run.text:
            text += f" ({escape(target)})"
        parts.append(f"<b>{text}</b>" if run.strong else text)
    return "".join(parts)


def plain(markup: str) -> str:
    return htmlmod.unescape(re.sub(r"<[^>]*>", "", markup))


class Story:
    """The flowables for one leaflet in one language and print size, in the templates' order.

    Every string it prints is kept in `printed`, to check the font covers it.
    """

    def __init__(self, leaflet: Leaflet, options: Options, page: PageGeometry):
        self.leaflet, self.options, self.page = leaflet, options, page
        self.translation = leaflet.translations[options.lang]
        self.provenance: Provenance = leaflet.provenance
        self.record = self.translation.record
        self.sections = select_sections(leaflet, self.translation, options.sections)
        self.dates = local_dates(leaflet, self.translation)
        self.size = options.print_size
        self.styles = Styles.of(self.size)
        self._ = translations(options.lang).gettext
        self.printed: list[str] = []
        self.bookmarks = 0

    def flowables(self) -> list:
        story = self.title_block()
        for number, section in enumerate(self.sections):
            story += self.section(section, first=number == 0)
        story += self.contact() + self.about()
        if self.options.notes:
            story += self.notes()
        return collapse(story)

    # Paragraphs and headings

    def text(self, markup: str, style: ParagraphStyle, before: float = 0, after: float = 0,
             kind=Text, **attributes) -> Text:
        self.printed.append(f"{attributes.get('marker') or ''} {plain(markup)}")
        paragraph = spaced(kind(markup, style), before, after)
        for name, value in attributes.items():
            setattr(paragraph, name, value)
        return paragraph

    def heading(self, words: str, style: ParagraphStyle, level: int, before: float = 0,
                after: float = 0) -> Heading:
        """A heading kept with what follows it, with its outline entry (h1 0, h2 1, h3 2)."""
        self.bookmarks += 1
        return self.text(escape(words), style, before, after, kind=Heading, keepWithNext=1,
                         outline=(words, level, f"h{self.bookmarks}"))

    def say(self, msgid: str, **values) -> str:
        """Fixed wording from the catalog, with its placeholders filled in, escaped for markup."""
        return escape(self._(msgid) % values if values else self._(msgid))

    # Title block (templates/title.html)

    def title_block(self) -> list:
        s, t = self.styles, self.translation
        block = self.clinic_banner() + [self.heading(t.title, s.title, level=0, after=2 * mm)]
        if t.subtitle:
            block.append(self.text(escape(t.subtitle), s.subtitle, after=2 * mm))
        if self.options.review_overdue:
            block.append(self.warning(self.say(
                "Review overdue: this leaflet was due for review on %(date)s. Check with your care team "
                "that it is still correct.", date=self.dates["next_review"])))
        if not self.provenance.clinical_reviewer:
            block.append(self.warning(self.say("Draft — not yet clinically reviewed")))
        block.append(self.text(
            f"{self.say('Published')}: {escape(self.dates['published'])} · "
            f"{self.say('Next review')}: {escape(self.dates['next_review'])} · "
            f"{self.say('Version')}\u00a0{escape(self.provenance.version)}", s.small))
        if self.record and not self.record.reviewed:
            block.append(self.text(self.say("Draft translation: not yet checked by a clinician."),
                                   s.small, before=2 * mm))
        if len(self.sections) < len(t.sections):
            headings = " · ".join(escape(section.heading) for section in self.sections)
            block.append(self.text(f"{self.say('This handout has only part of the leaflet:')} {headings}",
                                   s.small_bold, before=2 * mm))
        # The header's bottom border: 4 mm padding, a 3 pt accent bar, 6 mm to the first section.
        block.append(spaced(Rule(3, ACCENT_COLOUR), before=4 * mm, after=6 * mm))
        return block

    def clinic_banner(self) -> list:
        """The clinic's logo and name above the title (.clinic-banner)."""
        clinic = self.options.clinic
        if not clinic:
            return []
        name = self.text(escape(clinic.name), self.styles.subtitle)
        if not clinic.logo:
            return [spaced(name, after=4 * mm)]
        logo = logo_picture(clinic.logo, height=14 * mm)
        row = Table([[logo, name]], colWidths=[logo.width + 4 * mm, self.page.column - logo.width - 4 * mm],
                    style=table_style(("VALIGN", (0, 0), (-1, -1), "MIDDLE")))
        return [spaced(row, after=4 * mm)]

    def warning(self, markup: str) -> Table:
        """A notice that must be seen: bold, black on pale yellow, boxed in black; never colour alone."""
        box = boxed([self.text(markup, self.styles.warning)], self.page.column, border=2, colour=black,
                    padding=(2 * mm, 3 * mm, 2 * mm), background=WARNING_BACKGROUND)
        return spaced(box, after=4 * mm)

    # Sections (templates/section.html, macros.html)

    def section(self, section: Section, first: bool) -> list:
        heading_size = self.size.heading
        # The first section's heading has no top margin (.section:first-child h2).
        flowables = [self.heading(section.heading, self.styles.heading, level=1,
                                  before=0 if first else 1.1 * heading_size, after=0.4 * heading_size)]
        figure, beside, rest = split_for_figure(section.blocks)
        if figure:
            flowables += self.figure_with_text(figure, beside)
        for block in rest:
            flowables += self.block(block, self.page.column)
        return flowables

    def block(self, block: Block, width: float) -> list:
        s, body = self.styles, self.size.body
        if block.kind == "paragraph":
            return [self.paragraph(block)]
        if block.kind == "list":
            return self.bullet_list(block)
        if block.kind == "subheading":
            subheading = self.size.subheading
            return [self.heading(block.text, s.subheading, level=2, before=0.9 * subheading,
                                 after=0.3 * subheading)]
        if block.kind == "figure":  # a figure that doesn't open its section stands alone
            figure_width = self.size.figure_width * width
            return [self.stacked(self.figure(block, figure_width), figure_width)]
        raise RenderError(f"{display(self.translation.path)}: cannot print a {block.kind!r} block")

    def paragraph(self, block: TextBlock) -> Text:
        markup = runs_markup(block.runs)
        # A sentence that introduces a list stays on the page with it (p.lead-in).
        lead_in = block.runs[-1].text.rstrip().endswith(":")
        return self.text(markup, self.styles.body, after=0.75 * self.size.body,
                         **({"keepWithNext": 1} if lead_in else {}))

    def bullet_list(self, block: BulletList) -> list:
        body = self.size.body
        items = []
        for number, item in enumerate(block.items, 1):
            marker = f"{number}." if block.ordered else BULLET
            last = number == len(block.items)
            items.append(self.text(runs_markup(item), self.styles.item,
                                   after=0.75 * body if last else 0.25 * body, kind=Item,
                                   marker=marker, max_height=self.page.column_height))
        return items

    # Figures

    def figure(self, block: Figure, width: float) -> list:
        """The picture, its caption with the bold label and its credit (macros.html figure)."""
        s = self.styles
        caption = f"<b>{self.say('Picture')}:</b> {escape(block.caption)}"
        credit = f"{self.say('Credit')}: {escape(block.credit)}"
        return [spaced(load_picture(block, width)),
                self.text(caption, s.caption, before=2 * mm),
                self.text(credit, s.credit, before=1 * mm)]

    def figure_with_text(self, figure: Figure, beside: tuple) -> list:
        """The figure beside the section's opening text; in large print, full width above it."""
        column = self.page.column
        text = []
        if self.options.figure_beside:
            picture_width = self.size.figure_width * column
            text_width = column - picture_width - FIGURE_GAP
            for block in beside:
                text += self.block(block, text_width)
            side_by_side = self.side_by_side(collapse(text), self.figure(figure, picture_width),
                                             text_width, picture_width)
            if side_by_side is not None:
                return [side_by_side]
            text = []  # too tall for a page side by side: stacked as in large print
        picture = spaced(self.stacked(self.figure(figure, column), column), after=5 * mm)
        for block in beside:
            text += self.block(block, column)
        return [picture] + text

    def side_by_side(self, text: list, figure: list, text_width: float, picture_width: float):
        """A one-row table: text on the left, figure on the right; None if taller than a page."""
        table = Table([[text, collapse(figure)]], colWidths=[text_width, picture_width + FIGURE_GAP],
                      style=table_style(("VALIGN", (0, 0), (-1, -1), "TOP"),
                                        ("LEFTPADDING", (1, 0), (1, 0), FIGURE_GAP)))
        if table.wrap(self.page.column, TALL)[1] > self.page.column_height:
            return None
        # The text's last margin stays inside the flex item in CSS: it spaces the row from what follows.
        return spaced(table, after=text[-1].spaceAfter if text else 0)

    def stacked(self, flowables: list, width: float) -> Table:
        """Flowables kept together as one unbreakable block (a figure with its caption)."""
        return Table([[collapse(flowables)]], colWidths=[width], hAlign="LEFT", style=table_style())

    # Back matter (templates/contact.html, about.html)

    def contact(self) -> list:
        s, body, heading = self.styles, self.size.body, self.size.heading
        inner = [
            self.heading(self._("Your care team"), s.heading, level=1, after=0.4 * heading),
            self.text(self.say("If you have questions, contact your care team:"), s.body, after=0.75 * body),
        ]
        inner += self.clinic_details() if self.options.clinic else [self.write_in(("Name", "Phone", "Clinic"))]
        return [self.box(inner, ACCENT_COLOUR)]

    def clinic_details(self) -> list:
        """The clinic's name, address and contact details instead of lines to write on."""
        s, body, clinic = self.styles, self.size.body, self.options.clinic
        details = [self.text(escape(clinic.name), s.label, after=0.2 * body)]
        if clinic.address:
            details.append(self.text("<br/>".join(escape(line) for line in clinic.address.splitlines()),
                                     s.body, after=0.75 * body))
        rows = [(self._(label), value) for label, value in
                (("Phone", clinic.phone), ("Email", clinic.email), ("Website", clinic.website)) if value]
        if rows:
            label_width = max(pdfmetrics.stringWidth(label, BOLD, body) for label, _ in rows) + 4 * mm
            value_width = self.page.column - 2 * (5 * mm + BOX_BORDER) - label_width
            cells = [[self.text(escape(label), s.label), self.text(escape(value), s.body)]
                     for label, value in rows]
            details.append(spaced(Table(cells, colWidths=[label_width, value_width],
                                        style=table_style(("VALIGN", (0, 0), (-1, -1), "TOP")))))
        return details

    def write_in(self, labels: tuple[str, ...]) -> Table:
        """Each label with a line to write on."""
        s, body = self.styles, self.size.body
        words = [self._(label) for label in labels]
        labels = [self.text(escape(word), s.label) for word in words]
        label_width = max(pdfmetrics.stringWidth(word, BOLD, body) for word in words)
        gap = 4 * mm
        line_width = self.page.column - 2 * (5 * mm + BOX_BORDER) - label_width - gap
        # Three columns: label, the 4 mm gap, and the line to write on (2.2em high, 1 pt rule).
        return spaced(Table([[label, "", ""] for label in labels], colWidths=[label_width, gap, line_width],
                            rowHeights=[2.2 * body + 1] * len(labels),
                            style=table_style(("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                              ("LINEBELOW", (2, 0), (2, -1), 1, black))))

    def about(self) -> list:
        s, p, small = self.styles, self.provenance, self.size.smallest
        d = {name: escape(value) for name, value in self.dates.items()}
        inner = [
            self.heading(self._("About this leaflet"), s.about_heading, level=1,
                         after=0.4 * self.size.subheading),
            self.text(f"{self.say('Produced by')}: {escape(p.produced_by)}", s.about, after=0.4 * small),
            self.text(f"{self.say('Published')}: {d['published']}. {self.say('Last reviewed')}: "
                      f"{d['last_reviewed']}. {self.say('Next review')}: {d['next_review']}. "
                      f"{self.say('Version')}\u00a0{escape(p.version)}.", s.about, after=0.4 * small),
            self.text(self.say("Clinically reviewed by %(reviewer)s.", reviewer=p.clinical_reviewer)
                      if p.clinical_reviewer else self.say("Not yet reviewed by a clinician."),
                      s.about, after=0.4 * small),
        ]
        if self.record:
            inner.append(self.text(self.translation_line(), s.about, after=0.4 * small))
        url = online_url(self.leaflet, self.options)
        if url:
            inner.append(self.online(url))
        inner.append(self.heading(self._("Sources"), s.about_subheading, level=2, before=0.5 * small,
                                  after=0.3 * small))
        for number, source in enumerate(p.sources, 1):
            reference = f"{source.publisher}: {source.title}. {source.url}"
            last = number == len(p.sources)
            inner.append(self.text(escape(reference), s.about_item, kind=Item, marker=BULLET,
                                   after=0.75 * small if last else 0.25 * small,
                                   max_height=self.page.column_height))
        return [self.box(inner, FRAME_GREY)]

    def online(self, url: str) -> Table:
        """The QR code, with the address printed beside it (.online)."""
        words = self.text(f"{self.say('Read this leaflet online:')}<br/>{escape(url)}", self.styles.about)
        code = QRCode(url, 26 * mm)
        inner_width = self.page.column - 2 * (5 * mm + BOX_BORDER)
        row = Table([[code, words]], colWidths=[code.width + 5 * mm, inner_width - code.width - 5 * mm],
                    style=table_style(("VALIGN", (0, 0), (-1, -1), "MIDDLE")))
        return spaced(row, before=3 * mm, after=3 * mm)

    def notes(self) -> list:
        """A page of its own: 'Notes from your care team', name and date, ruled lines (notes.html)."""
        heading = self.size.heading
        rules = [spaced(Rule(1, black, height=2.2 * self.size.body)) for _ in range(self.size.note_lines)]
        inner = [self.heading(self._("Notes from your care team"), self.styles.heading, level=1,
                              after=0.4 * heading),
                 self.write_in(("Patient's name", "Date")), *rules]
        box = self.box(inner, ACCENT_COLOUR)
        box.spaceBefore = 0
        return [spaced(PageBreak()), box]

    def translation_line(self) -> str:
        record = self.record
        made = self.say("Translated by %(translator)s from the source text version %(version)s.",
                        translator=record.translated_by, version=record.source_hash)
        if record.reviewed:
            checked = self.say("Translation checked by %(reviewer)s on %(date)s.",
                               reviewer=record.reviewed_by, date=self.dates["translation_reviewed"])
        else:
            checked = self.say("This translation has not yet been checked by a clinician.")
        return f"{made} {checked}"

    def box(self, inner: list, colour) -> Table:
        """A bordered box (1.5 pt, 4 mm × 5 mm padding, 8 mm above) kept on one page when it fits."""
        inner = collapse(inner)
        # CSS keeps the last child's bottom margin inside the box's padding.
        padding = (4 * mm, 5 * mm, 4 * mm + inner[-1].spaceAfter)
        inner[-1].spaceAfter = 0
        whole = boxed(inner, self.page.column, BOX_BORDER, colour, padding)
        if whole.wrap(self.page.column, TALL)[1] <= self.page.column_height:
            return spaced(whole, before=8 * mm)
        # Taller than a page: it has to break.
        return spaced(boxed(inner, self.page.column, BOX_BORDER, colour, padding, split_in_row=1),
                      before=8 * mm)


# --- Page: running footer, page count, metadata -------------------------------------------------


@dataclass(frozen=True)
class Footer:
    """The running footer of html.page_css: title and version on the left, 'Page N of M' on the right."""

    left: str
    label: str  # "Page %(page)s of %(pages)s" in the reader's language
    style: ParagraphStyle
    page: PageGeometry

    @classmethod
    def of(cls, leaflet: Leaflet, options: Options, page: PageGeometry) -> "Footer":
        gettext = translations(options.lang).gettext
        title = leaflet.translations[options.lang].title
        left = f"{title} · {gettext('Version')}\u00a0{leaflet.provenance.version}"
        size = options.print_size
        style = text_style("footer", size.smallest, size.leading)
        return cls(left, gettext("Page %(page)s of %(pages)s"), style, page)

    def draw(self, canvas: Canvas, number: int, count: int) -> None:
        style, page = self.style, self.page
        size = style.fontSize
        # Like the CSS margin boxes: FOOTER_GAP below the text column, lines as in the body.
        top = page.bottom - FOOTER_GAP * mm
        left = Text(escape(self.left), style)
        _, height = left.wrap(page.column * FOOTER_TITLE_SHARE, page.bottom)
        left.drawOn(canvas, page.margin, top - height)
        half_leading = (style.leading - NORMAL_LINE_HEIGHT * size) / 2
        canvas.setFont(BOLD, size)
        canvas.setFillColor(black)
        canvas.drawRightString(page.width - page.margin, top - half_leading - ASCENT * size,
                               self.label % {"page": number, "pages": count})


class LeafletInfo(pdfdoc.PDFInfo):
    """The document information dictionary, dated from the leaflet's metadata, never the clock."""

    created: date
    modified: date

    def format(self, document):
        entries = {
            "Title": pdfdoc.PDFString(self.title), "Author": pdfdoc.PDFString(self.author),
            "Subject": pdfdoc.PDFString(self.subject), "Keywords": pdfdoc.PDFString(self.keywords),
            "Creator": pdfdoc.PDFString(self.creator), "Producer": pdfdoc.PDFString(self.producer),
            "CreationDate": pdfdoc.PDFString(self.created.strftime("D:%Y%m%d")),
            "ModDate": pdfdoc.PDFString(self.modified.strftime("D:%Y%m%d")),
            "Trapped": pdfdoc.PDFName(self.trapped),
        }
        return pdfdoc.PDFDictionary(entries).format(document)


class LeafletCanvas(Canvas):
    """A canvas that holds every page until the end, so each footer can say 'Page N of M'.

    Bookmarks point at the page being drawn when they are made, so they are held
    with their page too and made when it is finally written.
    """

    def __init__(self, *args, footer: Footer, created: date, modified: date, **kwargs):
        super().__init__(*args, **kwargs)
        info = LeafletInfo()
        info.created, info.modified = created, modified
        self._doc.info = info
        self._footer = footer
        self._held_pages: list[dict] = []
        self._held_bookmarks: list[tuple] = []

    def bookmarkPage(self, key, **kwargs):
        self._held_bookmarks.append((key, kwargs))

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._held_bookmarks = []
        self._startPage()

    def save(self):
        count = len(self._held_pages)
        for number, state in enumerate(self._held_pages, 1):
            self.__dict__.update(state)
            for key, kwargs in self._held_bookmarks:
                super().bookmarkPage(key, **kwargs)
            self._footer.draw(self, number, count)
            super().showPage()
        super().save()


def layout(story: list, leaflet: Leaflet, options: Options, page: PageGeometry, footer: Footer) -> bytes:
    """Flow the story onto pages: the PDF's bytes."""
    translation = leaflet.translations[options.lang]
    provenance = leaflet.provenance
    frame = Frame(page.margin, page.bottom, page.column, page.column_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="column")
    output = BytesIO()
    document = BaseDocTemplate(
        output, pagesize=(page.width, page.height), pageTemplates=[PageTemplate("page", [frame])],
        title=translation.title, author=provenance.produced_by, subject=translation.subtitle,
        keywords=leaflet.id, creator=f"leafletpress {__version__}", lang=options.lang,
        displayDocTitle=1, invariant=1, pageCompression=1, initialFontName=REGULAR,
        leftMargin=page.margin, rightMargin=page.margin, topMargin=page.margin, bottomMargin=page.bottom)
    canvasmaker = partial(LeafletCanvas, footer=footer, created=provenance.published,
                          modified=provenance.last_reviewed)
    document.build(story, canvasmaker=canvasmaker)
    return output.getvalue()


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]
