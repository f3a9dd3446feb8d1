"""Page furniture for the ReportLab engine: the running footer with 'Page N of M', metadata, page layout."""

from datetime import date
from functools import partial
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from ...document import Document
from ...files import CREATOR
from ...style import MM
from .flowables import ASCENT, BOLD, DESCENT, REGULAR, Text, text_style


def draw_footer(canvas: Canvas, document: Document, number: int, count: int) -> None:
    """As the CSS margin boxes: footer_gap below the column, the title on the left, the number on the right."""
    style, paper = document.style, document.page
    width, margin = paper.width * MM, style.margin
    paragraph = text_style(style.smallest, style.leading, style.ink)
    top = style.bottom_margin - style.footer_gap
    left = Text(escape(document.footer), paragraph)
    _, height = left.wrap((width - 2 * margin) * style.footer_title_share, style.bottom_margin)
    left.drawOn(canvas, margin, top - height)
    half_leading = (paragraph.leading - (ASCENT + DESCENT) * style.smallest) / 2
    canvas.setFont(BOLD, style.smallest)
    canvas.setFillColor(HexColor(style.ink))
    canvas.drawRightString(width - margin, top - half_leading - ASCENT * style.smallest,
                           document.page_number(number, count))


class LeafletInfo(pdfdoc.PDFInfo):
    """The document information dictionary, dated from the leaflet's metadata, never the clock."""

    created: date
    modified: date

    def format(self, document):
        entries = {name: pdfdoc.PDFString(getattr(self, name.lower())) for name in
                   ("Title", "Author", "Subject", "Keywords", "Creator", "Producer")}
        entries |= {"CreationDate": pdfdoc.PDFString(self.created.strftime("D:%Y%m%d")),
                    "ModDate": pdfdoc.PDFString(self.modified.strftime("D:%Y%m%d")),
                    "Trapped": pdfdoc.PDFName(self.trapped)}
        return pdfdoc.PDFDictionary(entries).format(document)


class LeafletCanvas(Canvas):
    """A canvas that holds every page until the end, so each footer can say 'Page N of M'.

    Bookmarks point at the page being drawn when they are made, so they are held
    with their page too and made when it is finally written.
    """

    def __init__(self, *args, leaflet: Document, **kwargs):
        super().__init__(*args, **kwargs)
        info = LeafletInfo()
        info.created, info.modified = leaflet.created, leaflet.modified
        self._doc.info = info
        self._leaflet = leaflet
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
            draw_footer(self, self._leaflet, number, count)
            super().showPage()
        super().save()


def layout(story: list, document: Document) -> bytes:
    """Flow the story onto pages: the PDF's bytes."""
    style, paper = document.style, document.page
    width, height = paper.width * MM, paper.height * MM
    column, column_height = width - 2 * style.margin, height - style.margin - style.bottom_margin
    frame = Frame(style.margin, style.bottom_margin, column, column_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="column")
    output = BytesIO()
    template = BaseDocTemplate(
        output, pagesize=(width, height), pageTemplates=[PageTemplate("page", [frame])],
        title=document.title, author=document.author, subject=document.subject, keywords=document.keywords,
        creator=CREATOR, lang=document.lang, displayDocTitle=1, invariant=1, pageCompression=1,
        initialFontName=REGULAR)
    template.build(story, canvasmaker=partial(LeafletCanvas, leaflet=document))
    return output.getvalue()
