"""The ReportLab engine: the Document laid out with ReportLab platypus, no HTML in between.

Pure Python and several times faster than WeasyPrint, for proofs and machines
without Pango; Latin script only, and not a tagged PDF. story.py maps the
Document to flowables, flowables.py draws what the CSS draws, pictures.py
reads pictures from assets/, page.py adds the footer and the metadata.
"""

import hashlib
from contextlib import contextmanager
from functools import cache

from ...document import Document
from ...errors import LeafletError, RenderError, display
from ...fonts import LATIN, script_of
from ...project import Project


def render(document: Document, project: Project) -> bytes:
    """The document as PDF bytes, laid out by ReportLab."""
    if script_of(document.lang) != "Latin":
        raise RenderError(f"the reportlab engine can't print {script_of(document.lang)} correctly; "
                          f"use --engine weasyprint for {document.lang!r}")
    from .page import layout
    from .story import Story

    with reportlab_errors(document):
        register_fonts()
        return layout(Story(document, project).flowables(), document)


@contextmanager
def reportlab_errors(document: Document):
    """Whatever ReportLab raises becomes one RenderError line, never a traceback."""
    from reportlab.platypus.doctemplate import LayoutError

    source = display(document.sources[0])
    try:
        yield
    except LeafletError:
        raise
    except LayoutError as error:
        raise RenderError(f"ReportLab could not lay out {source}: {one_line(error)}") from None
    except Exception as error:  # ReportLab raises plain ValueErrors and the like
        raise RenderError(f"ReportLab, printing {source}: {type(error).__name__}: {one_line(error)}") from None


@cache
def register_fonts() -> None:
    """Atkinson Hyperlegible, regular and bold, as one family so <b> works; italics map to upright."""
    from reportlab.pdfbase import pdfmetrics

    from .flowables import BOLD, REGULAR

    for name, face in zip((REGULAR, BOLD), LATIN):
        pdfmetrics.registerFont(subset_tagged_font(name, str(face.path)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def subset_tagged_font(name: str, path: str):
    """A ReportLab TrueType font whose embedded subsets each get a tag of their own.

    ReportLab tags the first subset of every font AAAAAA+ (the next AAAAAB+ ...),
    so the regular and the bold face both came out as AAAAAA+: two different
    fonts under one name, which PDF readers may take for one. The tag is made
    from the face's name and the characters of the subset: the same sources give
    the same tag, different subsets different ones.
    """
    from reportlab.pdfbase import ttfonts

    class SubsetTaggedTTFont(ttfonts.TTFont):
        def addObjects(self, doc):
            state = self.state.get(doc)
            subsets = state.subsets if state is not None else []
            tags = [subset_tag(self.face.name, subset) for subset in subsets]
            numbered = ttfonts.SUBSETN
            ttfonts.SUBSETN = lambda number: tags[number]  # read by TTFont.addObjects, for this call only
            try:
                super().addObjects(doc)
            finally:
                ttfonts.SUBSETN = numbered

    return SubsetTaggedTTFont(name, path)


def subset_tag(face_name: bytes, characters: list[int]) -> bytes:
    """Six capital letters from a digest of the face's name and the subset's characters."""
    digest = hashlib.sha256(face_name + b":" + ",".join(map(str, characters)).encode()).digest()
    return bytes(65 + byte % 26 for byte in digest[:6])


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]
