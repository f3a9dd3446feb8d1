"""The Document as ReportLab flowables, in the order and with the spacing the templates and CSS give it."""

from xml.sax.saxutils import escape, quoteattr

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import PageBreak, Table

from ...document import BULLET, Document, PrintedSection
from ...model import Block, Figure, ListBlock, Paragraph, Run, Subheading
from ...project import Project
from ...style import MM
from .flowables import (
    BOLD,
    TALL,
    Framed,
    Heading,
    Item,
    QRCode,
    Rule,
    Text,
    boxed,
    collapse,
    spaced,
    table_style,
    text_style,
)
from .pictures import picture


def markup(runs: tuple[Run, ...]) -> str:
    """Runs as ReportLab markup: bold when strong, a link where there is an address."""
    parts = []
    for run in runs:
        text = escape(run.text)
        if run.href:
            text = f"<a href={quoteattr(run.href)}>{text}</a>"
        parts.append(f"<b>{text}</b>" if run.strong else text)
    return "".join(parts)


class Story:
    """The flowables for one Document; every length comes from its Style."""

    def __init__(self, document: Document, project: Project):
        self.document, self.assets, self.style = document, project.assets, document.style
        self.column = document.page.width * MM - 2 * self.style.margin
        self.column_height = document.page.height * MM - self.style.margin - self.style.bottom_margin
        self.bookmarks = 0

    def flowables(self) -> list:
        story = self.title_block()
        for number, section in enumerate(self.document.sections):
            story += self.section(section, first=number == 0)
        story += [self.contact(), self.about()]
        if self.document.notes:
            story += self.notes()
        return collapse(story)

    # Text

    def text(self, words: str, size: float, leading: float, bold: bool = False, colour: str = "#000000",
             before: float = 0, after: float = 0, kind=Text, indent: float = 0, **attributes) -> Text:
        paragraph = spaced(kind(words, text_style(size, leading, bold, colour, indent)), before, after)
        for name, value in attributes.items():
            setattr(paragraph, name, value)
        return paragraph

    def body(self, words: str, **spacing) -> Text:
        return self.text(words, self.style.body, self.style.leading, **spacing)

    def small(self, words: str, **spacing) -> Text:
        return self.text(words, self.style.smallest, self.style.leading, **spacing)

    def heading(self, words: str, size: float, level: int, colour: str = "", **spacing) -> Heading:
        """A heading kept with what follows it, with its outline entry (h1 0, h2 1, h3 2)."""
        self.bookmarks += 1
        return self.text(escape(words), size, self.style.heading_leading, True, colour or self.style.accent,
                         kind=Heading, keepWithNext=1, outline=(words, level, f"h{self.bookmarks}"), **spacing)

    # Title block (templates/title.html)

    def title_block(self) -> list:
        s, block = self.style, self.document.title_block
        flowables = self.banner()
        flowables.append(self.text(escape(block.title), s.title, s.title_leading, True, s.accent, kind=Heading,
                                   keepWithNext=1, after=s.title_gap, outline=(block.title, 0, "title")))
        if block.subtitle:
            flowables.append(self.text(escape(block.subtitle), s.subheading, s.leading, True, after=s.title_gap))
        for warning in block.warnings:
            flowables.append(spaced(boxed(
                [self.text(escape(warning), s.body, s.leading, True)], self.column, s.warning_border, "#000000",
                (s.warning_padding_block, s.warning_padding_inline, s.warning_padding_block),
                s.warning_background), after=s.warning_gap))
        flowables.append(self.small(escape(block.dates)))
        flowables += [self.small(escape(notice), before=s.notice_gap) for notice in block.notices]
        if block.partial:
            flowables.append(self.text(escape(block.partial), s.smallest, s.leading, True, before=s.notice_gap))
        flowables.append(spaced(Rule(s.title_rule, s.accent), before=s.title_rule_gap, after=s.title_block_gap))
        return flowables

    def banner(self) -> list:
        """The clinic's logo and name above the title (.clinic-banner)."""
        s, banner = self.style, self.document.title_block.banner
        if not banner:
            return []
        name = self.text(escape(banner.name), s.subheading, s.leading, True)
        if not banner.logo:
            return [spaced(name, after=s.banner_gap)]
        logo = picture(banner.logo, self.assets, height=s.logo_height)
        row = Table([[logo, name]], colWidths=[logo.width + s.banner_gap, self.column - logo.width - s.banner_gap],
                    style=table_style(("VALIGN", (0, 0), (-1, -1), "MIDDLE")))
        return [spaced(row, after=s.banner_gap)]

    # Sections (templates/section.html, macros.html)

    def section(self, section: PrintedSection, first: bool) -> list:
        s = self.style
        flowables = [self.heading(section.heading, s.heading, level=1, before=0 if first else s.heading_before,
                                  after=s.heading_after)]
        if section.figure:
            flowables += self.figure_with_text(section.figure, section.beside)
        for block in section.rest:
            flowables += self.block(block, self.column)
        return flowables

    def block(self, block: Block, width: float) -> list:
        s = self.style
        match block:
            case Paragraph(runs=runs):
                # A sentence that introduces a list stays on the page with it (p.lead-in).
                return [self.body(markup(runs), after=s.paragraph_gap, keepWithNext=int(block.introduces_list))]
            case ListBlock(items=items, ordered=ordered):
                return [self.body(markup(item), kind=Item, indent=s.list_indent, marker_colour=s.accent,
                                  marker=f"{number}." if ordered else BULLET, max_height=self.column_height,
                                  after=s.paragraph_gap if number == len(items) else s.item_gap)
                        for number, item in enumerate(items, 1)]
            case Subheading(text=text):
                return [self.heading(text, s.subheading, level=2, colour="#000000", before=s.subheading_before,
                                     after=s.subheading_after)]
            case Figure():  # a figure that doesn't open its section stands alone
                return [self.stacked(self.figure(block, s.figure_width * width), s.figure_width * width)]
        raise TypeError(f"not a block: {block!r}")

    # Figures

    def figure(self, block: Figure, width: float) -> list:
        """The picture, its caption with the bold label and its credit (macros.html figure)."""
        s, document = self.style, self.document
        caption = f"<b>{escape(document.picture_label)}:</b> {escape(block.caption)}"
        credit = f"{escape(document.credit_label)}: {escape(block.credit)}"
        drawing = picture(block.path, self.assets, width=width)
        return [spaced(Framed(drawing, drawing.width, drawing.height, s.figure_border, s.frame)),
                self.text(caption, s.smallest, s.caption_leading, before=s.caption_gap),
                self.text(credit, s.smallest, s.caption_leading, colour=s.credit, before=s.credit_gap)]

    def figure_with_text(self, figure: Figure, beside: tuple) -> list:
        """The figure beside the section's opening text; on narrow pages or in large print, above it."""
        s = self.style
        if self.document.figure_beside:
            picture_width = s.figure_width * self.column
            text_width = self.column - picture_width - s.figure_gap
            text = collapse([flowable for block in beside for flowable in self.block(block, text_width)])
            table = Table([[text, collapse(self.figure(figure, picture_width))]],
                          colWidths=[text_width, picture_width + s.figure_gap],
                          style=table_style(("LEFTPADDING", (1, 0), (1, 0), s.figure_gap)))
            if table.wrap(self.column, TALL)[1] <= self.column_height:
                # The text's last margin stays inside the flex item in CSS: it spaces the row from what follows.
                return [spaced(table, after=text[-1].spaceAfter if text else 0)]
        placed = spaced(self.stacked(self.figure(figure, self.column), self.column), after=s.figure_stacked_gap)
        return [placed, *(flowable for block in beside for flowable in self.block(block, self.column))]

    def stacked(self, flowables: list, width: float) -> Table:
        """Flowables kept together as one unbreakable block (a figure with its caption)."""
        return Table([[collapse(flowables)]], colWidths=[width], hAlign="LEFT", style=table_style())

    # Back matter (templates/contact.html, about.html, notes.html)

    def contact(self) -> Table:
        s, box = self.style, self.document.contact
        inner = [self.heading(box.heading, s.heading, level=1, after=s.heading_after),
                 self.body(escape(box.lead), after=s.paragraph_gap)]
        if box.clinic_name:
            inner.append(self.body(escape(box.clinic_name), bold=True, after=s.clinic_name_gap))
            if box.clinic_address:
                inner.append(self.body("<br/>".join(map(escape, box.clinic_address)), after=s.paragraph_gap))
            if box.details:
                inner.append(self.labelled([(d.label, self.body(escape(d.value))) for d in box.details]))
        else:
            inner.append(self.write_in(box.write_in))
        return self.box(inner, s.accent)

    def labelled(self, rows: list[tuple[str, object]], row_height: float | None = None, ruled: bool = False):
        """Labels in a column as wide as the widest, each beside its value or its line to write on."""
        s = self.style
        label_width = max(pdfmetrics.stringWidth(label, BOLD, s.body) for label, _ in rows)
        inner = self.column - 2 * (s.box_padding_inline + s.box_border)
        cells = [[self.body(escape(label), bold=True), "", value] for label, value in rows]
        commands = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LINEBELOW", (2, 0), (2, -1), s.rule, "#000000")] \
            if ruled else []
        return spaced(Table(cells, colWidths=[label_width, s.write_in_gap, inner - label_width - s.write_in_gap],
                            rowHeights=row_height and [row_height] * len(rows), style=table_style(*commands)))

    def write_in(self, labels: tuple[str, ...]) -> Table:
        """Each label with a line to write on."""
        return self.labelled([(label, "") for label in labels], self.style.write_in_height + self.style.rule, True)

    def about(self) -> Table:
        s, box = self.style, self.document.about
        inner = [self.heading(box.heading, s.subheading, level=1, colour="#000000", after=s.about_heading_after)]
        inner += [self.small(escape(line), after=s.about_gap) for line in box.lines]
        if box.online:
            words = self.small(f"{escape(box.online.lead)}<br/>{escape(box.online.url)}")
            code = QRCode(box.online.url, s.qr_size)
            inner_width = self.column - 2 * (s.box_padding_inline + s.box_border)
            row = Table([[code, words]], colWidths=[s.qr_size + s.qr_gap, inner_width - s.qr_size - s.qr_gap],
                        style=table_style(("VALIGN", (0, 0), (-1, -1), "MIDDLE")))
            inner.append(spaced(row, before=s.online_gap, after=s.online_gap))
        inner.append(self.heading(box.sources_heading, s.smallest, level=2, colour="#000000",
                                  before=s.sources_heading_before, after=s.sources_heading_after))
        for number, source in enumerate(box.sources, 1):
            url = f" <a href={quoteattr(source.url)}>{escape(source.url)}</a>" if source.url else ""
            inner.append(self.small(escape(source.text) + url, kind=Item, indent=s.sources_indent,
                                    marker=BULLET, marker_colour=s.accent, max_height=self.column_height,
                                    after=s.sources_after if number == len(box.sources) else s.source_gap))
        return self.box(inner, s.frame)

    def notes(self) -> list:
        """A page of its own: heading, name and date lines, the note, ruled lines (notes.html)."""
        s, notes = self.style, self.document.notes
        if notes is None:
            return []
        inner = [self.heading(notes.heading, s.heading, level=1, after=s.heading_after), self.write_in(notes.write_in)]
        if notes.note:
            inner.append(self.body("<br/>".join(map(escape, notes.note.splitlines())), before=s.paragraph_gap))
        inner += [spaced(Rule(s.rule, "#000000", height=s.write_in_height)) for _ in range(notes.lines)]
        box = self.box(inner, s.accent)
        box.spaceBefore = 0
        return [spaced(PageBreak()), box]

    def box(self, inner: list, colour: str) -> Table:
        """A bordered box kept on one page when it fits."""
        s = self.style
        inner = collapse(inner)
        # CSS keeps the last child's bottom margin inside the box's padding.
        padding = (s.box_padding_block, s.box_padding_inline, s.box_padding_block + inner[-1].spaceAfter)
        inner[-1].spaceAfter = 0
        whole = boxed(inner, self.column, s.box_border, colour, padding)
        if whole.wrap(self.column, TALL)[1] > self.column_height:  # taller than a page: it has to break
            whole = boxed(inner, self.column, s.box_border, colour, padding, breakable=True)
        return spaced(whole, before=s.box_gap)

