"""The Document as ReportLab flowables, in the order and with the spacing the templates and CSS give it."""

from xml.sax.saxutils import escape, quoteattr

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Table

from ...document import BULLET, Document, PrintedSection
from ...model import Block, Figure, ListBlock, Paragraph, Run, Subheading
from ...project import Project
from ...style import MM
from .flowables import BOLD, TALL, Heading, Item, Rule, Text, boxed, collapse, spaced, table_style, text_style
from .pictures import picture, qr_code


def markup(runs: tuple[Run, ...]) -> str:
    """Runs as ReportLab markup: bold when strong, a link where there is an address."""
    parts = []
    for run in runs:
        text = f"<a href={quoteattr(run.href)}>{escape(run.text)}</a>" if run.href else escape(run.text)
        parts.append(f"<b>{text}</b>" if run.strong else text)
    return "".join(parts)


class Story:
    """The flowables for one Document; every length comes from its Style."""

    def __init__(self, document: Document, project: Project):
        self.document, self.assets, self.s = document, project.assets, document.style
        self.column = document.page.width * MM - 2 * self.s.margin
        self.column_height = document.page.height * MM - self.s.margin - self.s.bottom_margin
        self.inner = self.column - 2 * (self.s.box_padding_inline + self.s.box_border)  # inside a box
        self.bookmarks = 0

    def flowables(self) -> list:
        story = self.title_block()
        for number, section in enumerate(self.document.sections):
            story += self.section(section, first=number == 0)
        story += [self.questions(), self.contact(), self.about(), *self.notes()]
        return collapse(story)

    def text(self, words: str, size: float, leading: float | None = None, bold: bool = False, colour: str = "",
             before: float = 0, after: float = 0, kind=Text, indent: float = 0, **attributes) -> Text:
        """A paragraph of markup, with its CSS margins."""
        paragraph = spaced(kind(words, text_style(size, leading or self.s.leading, colour or self.s.ink, bold, indent)),
                           before, after)
        for name, value in attributes.items():
            setattr(paragraph, name, value)
        return paragraph

    def heading(self, words: str, size: float, level: int, colour: str = "", **spacing) -> Text:
        """A heading kept with what follows it, with its outline entry (h1 0, h2 1, h3 2)."""
        self.bookmarks += 1
        return self.text(escape(words), size, self.s.heading_leading, True, colour or self.s.accent,
                         kind=Heading, keepWithNext=1, outline=(words, level, f"h{self.bookmarks}"), **spacing)

    def items(self, lines: list[str], size: float, indent: float, gap: float, after: float, ordered=False) -> list:
        return [self.text(line, size, kind=Item, indent=indent, marker=f"{number}." if ordered else BULLET,
                          marker_colour=HexColor(self.s.accent), max_height=self.column_height,
                          after=after if number == len(lines) else gap)
                for number, line in enumerate(lines, 1)]

    # Title block (templates/title.html)

    def title_block(self) -> list:
        s, block = self.s, self.document.title_block
        flowables = self.banner() + [self.text(escape(block.title), s.title, s.title_leading, True, s.accent,
                                               kind=Heading, keepWithNext=1, after=s.title_gap,
                                               outline=(block.title, 0, "title"))]
        if block.subtitle:
            flowables.append(self.text(escape(block.subtitle), s.subheading, bold=True, after=s.title_gap))
        for warning in block.warnings:
            padding = (s.warning_padding_block, s.warning_padding_inline, s.warning_padding_block)
            flowables.append(spaced(boxed([self.text(escape(warning), s.body, bold=True)], self.column,
                                          s.warning_border, s.ink, padding, s.warning_background), after=s.warning_gap))
        flowables.append(self.text(escape(block.dates), s.smallest))
        flowables += [self.text(escape(notice), s.smallest, before=s.notice_gap) for notice in block.notices]
        if block.partial:
            flowables.append(self.text(escape(block.partial), s.smallest, bold=True, before=s.notice_gap))
        return flowables + [spaced(Rule(s.title_rule, s.accent), before=s.title_rule_gap, after=s.title_block_gap)]

    def banner(self) -> list:
        """The clinic's logo and name above the title (.clinic-banner)."""
        s, banner = self.s, self.document.title_block.banner
        if not banner:
            return []
        name = self.text(escape(banner.name), s.subheading, bold=True)
        if not banner.logo:
            return [spaced(name, after=s.banner_gap)]
        logo = picture(banner.logo, self.assets, height=s.logo_height)
        return [spaced(self.row([logo, name], logo.width + s.banner_gap, self.column, "MIDDLE"), after=s.banner_gap)]

    def row(self, cells: list, first: float, width: float, align: str = "TOP") -> Table:
        """Cells side by side: the first this wide, the second the rest."""
        return Table([cells], colWidths=[first, width - first], style=table_style(("VALIGN", (0, 0), (-1, -1), align)))

    # Sections (templates/section.html, macros.html)

    def section(self, section: PrintedSection, first: bool) -> list:
        s = self.s
        flowables = [self.heading(section.heading, s.heading, 1, s.ink if section.urgent else "",
                                  before=0 if first or section.urgent else s.heading_before, after=s.heading_after)]
        flowables += [flowable for block in section.before for flowable in self.block(block, self.column)]
        if section.figure:
            flowables += self.figure_with_text(section.figure, section.beside)
        flowables += [flowable for block in section.rest for flowable in self.block(block, self.column)]
        if not section.urgent:
            return flowables
        # Boxed in black on pale yellow, as the notices are (.urgent).
        box = self.box(flowables, s.ink, s.warning_border, s.warning_background)
        return [spaced(box, before=s.heading_before, after=s.paragraph_gap)]

    def block(self, block: Block, width: float) -> list:
        s = self.s
        match block:
            case Paragraph(runs=runs):
                # A sentence that introduces a list stays on the page with it (p.lead-in).
                return [self.text(markup(runs), s.body, after=s.paragraph_gap, keepWithNext=int(block.introduces_list))]
            case ListBlock(items=items, ordered=ordered):
                return self.items([markup(item) for item in items], s.body, s.list_indent, s.item_gap,
                                  s.paragraph_gap, ordered)
            case Subheading(text=text):
                return [self.heading(text, s.subheading, 2, s.ink, before=s.subheading_before,
                                     after=s.subheading_after)]
            case Figure():  # a figure that doesn't open its section stands alone
                return [self.together(self.figure(block, s.figure_width * width), s.figure_width * width)]
        raise TypeError(f"not a block: {block!r}")

    def figure(self, block: Figure, width: float, picture_share: float = 1) -> list:
        """The framed picture, its caption with the bold label and its credit (macros.html figure)."""
        s, document = self.s, self.document
        drawing = picture(block.path, self.assets, width=width * picture_share)
        frame = boxed([drawing], width * picture_share + 2 * s.figure_border, s.figure_border, s.frame, (0, 0, 0))
        frame.hAlign = "LEFT"
        return [spaced(frame),
                self.text(f"<b>{escape(document.picture_label)}:</b> {escape(block.caption)}", s.smallest,
                          s.caption_leading, before=s.caption_gap),
                self.text(f"{escape(document.credit_label)}: {escape(block.credit)}", s.smallest, s.caption_leading,
                          colour=s.credit, before=s.credit_gap)]

    def figure_with_text(self, figure: Figure, beside: tuple) -> list:
        """The figure beside the section's opening text; on narrow pages or in large print, above it."""
        s = self.s
        if self.document.figure_beside:
            picture_width = s.figure_width * self.column
            text_width = self.column - picture_width - s.figure_gap
            text = collapse([flowable for block in beside for flowable in self.block(block, text_width)])
            table = Table([[text, collapse(self.figure(figure, picture_width))]],
                          colWidths=[text_width, picture_width + s.figure_gap],
                          style=table_style(("LEFTPADDING", (1, 0), (1, 0), s.figure_gap)))
            if table.wrap(self.column, TALL)[1] <= self.column_height:
                # The text's last margin stays inside its cell in CSS: it spaces the row from what follows.
                return [spaced(table, after=text[-1].spaceAfter if text else 0)]
        placed = spaced(self.together(self.figure(figure, self.column, s.stacked_picture), self.column),
                        after=s.figure_stacked_gap)
        return [placed, *(flowable for block in beside for flowable in self.block(block, self.column))]

    def together(self, flowables: list, width: float) -> Table:
        """Flowables kept together as one unbreakable block (a figure with its caption)."""
        return Table([[collapse(flowables)]], colWidths=[width], hAlign="LEFT", style=table_style())

    # Back matter (templates/contact.html, about.html, notes.html)

    def questions(self) -> Table:
        s, box = self.s, self.document.questions
        inner = [self.heading(box.heading, s.heading, 1, after=s.heading_after),
                 self.text(escape(box.lead), s.body, after=s.paragraph_gap),
                 *(spaced(Rule(s.rule, s.ink, height=s.write_in_height)) for _ in range(box.lines))]
        return self.box(inner, s.accent)

    def contact(self) -> Table:
        s, box = self.s, self.document.contact
        inner = [self.heading(box.heading, s.heading, 1, after=s.heading_after),
                 self.text(escape(box.lead), s.body, after=s.paragraph_gap)]
        if box.clinic_name:
            inner.append(self.text(escape(box.clinic_name), s.body, bold=True, after=s.clinic_name_gap))
            if box.clinic_address:
                inner.append(self.text("<br/>".join(map(escape, box.clinic_address)), s.body, after=s.paragraph_gap))
            if box.details:
                inner.append(self.labelled([(d.label, self.text(escape(d.value), s.body)) for d in box.details]))
        else:
            inner.append(self.write_in(box.write_in))
        return self.box(inner, s.accent)

    def labelled(self, rows: list[tuple[str, object]], row_height: float | None = None, ruled: bool = False):
        """Labels in a column as wide as the widest, each beside its value or its line to write on."""
        s = self.s
        width = max(stringWidth(label, BOLD, s.body) for label, _ in rows)
        cells = [[self.text(escape(label), s.body, bold=True), "", value] for label, value in rows]
        ruling = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LINEBELOW", (2, 0), (2, -1), s.rule, s.ink)]
        return spaced(Table(cells, colWidths=[width, s.write_in_gap, self.inner - width - s.write_in_gap],
                            rowHeights=row_height and [row_height] * len(rows),
                            style=table_style(*(ruling if ruled else []))))

    def write_in(self, labels: tuple[str, ...]) -> Table:
        """Each label with a line to write on."""
        return self.labelled([(label, "") for label in labels], self.s.write_in_height + self.s.rule, True)

    def about(self) -> Table:
        s, box = self.s, self.document.about
        inner = [self.heading(box.heading, s.subheading, 1, s.ink, after=s.about_heading_after)]
        inner += [self.text(escape(line), s.smallest, after=s.about_gap) for line in box.lines]
        if box.online:
            words = self.text(f"{escape(box.online.lead)}<br/>{escape(box.online.url)}", s.smallest)
            code = qr_code(box.online.url, s.qr_size)
            inner.append(spaced(self.row([code, words], s.qr_size + s.qr_gap, self.inner, "MIDDLE"),
                                before=s.online_gap, after=s.online_gap))
        inner.append(self.heading(box.sources_heading, s.smallest, 2, s.ink, before=s.sources_heading_before,
                                  after=s.sources_heading_after))
        lines = [escape(source.text) + (f" <a href={quoteattr(source.url)}>{escape(source.url)}</a>"
                                        if source.url else "") for source in box.sources]
        inner += self.items(lines, s.smallest, s.sources_indent, s.source_gap, s.sources_after)
        return self.box(inner, s.frame)

    def notes(self) -> list:
        """A page of its own: heading, name and date lines, the note, ruled lines (notes.html)."""
        s, notes = self.s, self.document.notes
        if notes is None:
            return []
        inner = [self.heading(notes.heading, s.heading, 1, after=s.heading_after), self.write_in(notes.write_in)]
        if notes.note:
            inner.append(self.text("<br/>".join(map(escape, notes.note.splitlines())), s.body,
                                   before=s.paragraph_gap))
        inner += [spaced(Rule(s.rule, s.ink, height=s.write_in_height)) for _ in range(notes.lines)]
        return [spaced(PageBreak()), spaced(self.box(inner, s.accent))]

    def box(self, inner: list, colour: str, border: float = 0, background: str | None = None) -> Table:
        """A bordered box kept on one page when it fits; CSS keeps the last child's margin inside it."""
        s, inner, border = self.s, collapse(inner), border or self.s.box_border
        padding = (s.box_padding_block, s.box_padding_inline, s.box_padding_block + inner[-1].spaceAfter)
        inner[-1].spaceAfter = 0
        whole = boxed(inner, self.column, border, colour, padding, background)
        if whole.wrap(self.column, TALL)[1] > self.column_height:  # taller than a page: it has to break
            whole = boxed(inner, self.column, border, colour, padding, background, breakable=True)
        return spaced(whole, before=s.box_gap)
