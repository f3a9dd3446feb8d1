"""The HTML engine: the Document as Jinja2 HTML and CSS, laid out by WeasyPrint into a tagged PDF/UA-1.

The pages are laid out before they are written, so that a figure whose row
would not fit at the foot of a page, and would leave a hole there, can be
moved on past the next paragraphs of its section and the pages laid out again
(with_figure_later): a figure floats rather than leave a page half empty.
"""

import logging
from functools import cache

from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ..document import Document
from ..errors import RenderError
from ..fetch import LocalFetcher
from ..fonts import font_folders
from ..pages import FILL_TARGET
from ..project import TEMPLATES, Project
from ..tagging import mend_tree, tags_mended
from ..templating import page_css, render_html
from .rtl import rtl_in_logical_order

PDF_VARIANT = "pdf/ua-1"
MOVES = 6  # at most so many moves, each costing one more layout, tried only when a page has a hole


def render(document: Document, project: Project) -> bytes:
    with weasyprint_problems(), rtl_in_logical_order():
        return write(paginate(document, project)[1])


def write(pages) -> bytes:
    """The laid-out pages as a PDF, its tag tree mended where WeasyPrint 70 writes it per page."""
    with tags_mended(pages):
        return pages.write_pdf(pdf_variant=PDF_VARIANT, finisher=mend_tree)


def paginate(document: Document, project: Project):
    """The document laid out in pages with as few holes as the moves can mend: (document, pages).

    The moves found are remembered in the project's .cache/layouts, keyed by
    everything the pages are laid out from, so the next build of the same
    document lays its pages out once.
    """
    from ..cache import layout_key, remember_layout, remembered_layout

    fonts_cache = project.cache_folder("fonts")
    url_fetcher = LocalFetcher([project.assets, TEMPLATES, *font_folders(fonts_cache)])
    key = layout_key(document)
    remembered = document.with_moves(remembered_layout(project, key))
    if remembered is not None:
        return remembered, lay_out(render_html(remembered), page_css(remembered, fonts_cache), url_fetcher)
    best = search(document, fonts_cache, url_fetcher)
    remember_layout(project, key, best[0].moves())
    return best


def search(document: Document, fonts_cache, url_fetcher):
    """Lay the pages out, then mend their holes one move at a time: the best (document, pages) seen."""
    laid_out = lay_out(render_html(document), page_css(document, fonts_cache), url_fetcher)
    best = (document, laid_out)
    for _ in range(MOVES):  # a move may open a hole further on that the next move mends
        if holes(laid_out) == (0, 0):
            break
        moved = mend(document, laid_out)
        if moved is None:
            break
        document = moved
        laid_out = lay_out(render_html(document), page_css(document, fonts_cache), url_fetcher)
        best = min(best, (document, laid_out), key=lambda pair: holes(pair[1]))
    return best


def render_document(html: str, css: str, url_fetcher: LocalFetcher) -> bytes:
    """HTML and CSS to PDF bytes; a refused URL or a WeasyPrint error stops the build."""
    with weasyprint_problems(), rtl_in_logical_order():
        return write(lay_out(html, css, url_fetcher))


@cache
def leaflet_stylesheet() -> CSS:
    """templates/leaflet.css, parsed once per process: it is the same for every leaflet."""
    return CSS(string=(TEMPLATES / "leaflet.css").read_text(encoding="utf-8"))


def lay_out(html: str, css: str, url_fetcher: LocalFetcher):
    """The pages, laid out and not yet written.

    Each PDF gets its own FontConfiguration: sharing one would save a few
    milliseconds, but subsets of the same font made for different texts would
    then meet in it, and a character could be printed from the wrong one.
    """
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=url_fetcher)
    stylesheets = [leaflet_stylesheet(), CSS(string=css, url_fetcher=url_fetcher, font_config=fonts)]
    return document.render(stylesheets=stylesheets, font_config=fonts, pdf_variant=PDF_VARIANT)


class weasyprint_problems:
    """A refused URL, or an error WeasyPrint only logs, becomes one RenderError line."""

    def __enter__(self):
        self.problems = ProblemLog()
        logging.getLogger("weasyprint").addHandler(self.problems)

    def __exit__(self, kind, error, trace):
        logging.getLogger("weasyprint").removeHandler(self.problems)
        if isinstance(error, FatalURLFetchingError):
            raise RenderError(f"WeasyPrint: {error.__cause__ or error}") from None
        if kind is None and self.problems.errors:
            raise RenderError(f"WeasyPrint: {self.problems.errors[0]}")
        return False


class ProblemLog(logging.Handler):
    """Collects WeasyPrint's errors, which it otherwise only logs."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record):
        self.errors.append(record.getMessage())


# --- Holes in the pages ---------------------------------------------------------------------------

def fills(laid_out) -> list[float]:
    """How far down its text column each laid-out page's content reaches, 0-1."""
    found = []
    for page in laid_out.pages:
        page_box = page._page_box
        top = page_box.margin_top
        bottom = page_box.margin_height() - page_box.margin_bottom
        lowest = max((box_bottom for box_bottom in content_bottoms(page_box)), default=top)
        found.append((min(lowest, bottom) - top) / (bottom - top))
    return found


def content_bottoms(box):
    """The foot of every line, picture and bordered box inside the page's text column."""
    for child in getattr(box, "children", []):
        if isinstance(child, boxes.MarginBox):
            continue  # the running footer
        if isinstance(child, (boxes.LineBox, boxes.ReplacedBox)) or (
                isinstance(child, boxes.BlockBox) and child.border_bottom_width):
            yield child.border_box_y() + child.border_height()
        yield from content_bottoms(child)


def holes(laid_out) -> tuple[int, float]:
    """How many pages before the last are filled less than the target, and by how much in all."""
    shortfalls = [FILL_TARGET - fill for fill in fills(laid_out)[:-1] if fill < FILL_TARGET]
    return len(shortfalls), sum(shortfalls)


def mend(document: Document, laid_out) -> Document | None:
    """The document changed to fill the first hole it can: a page before the last filled less than the
    target because what opens the next page would not fit at its foot.

    In this order of preference: a figure's row there is moved on past the next
    paragraphs of its section; a list there may leave its first item at the foot
    of a page without the second; a box kept whole (an urgent section, the
    questions or care-team box) may run on to the next page; last, a sentence
    that introduces a list may be parted from it. None when no hole can be mended.
    """
    page_fills = fills(laid_out)
    for number, fill in enumerate(page_fills[:-1]):
        if fill >= FILL_TARGET:
            continue
        found = opening(laid_out.pages[number + 1]._page_box)
        for kind in ("figure", "list", "box", "lead-in"):
            for name in (name for found_kind, name in found if found_kind == kind):
                changed = document.with_figure_later(name) if kind == "figure" else \
                    document.with_box_breakable(name)
                if changed is not None:
                    return changed
    return None


def opening(page_box, share: float = 0.35) -> list[tuple[str, str]]:
    """What starts in the top share of the page's column, as (kind, name): ('figure', section id) for a
    figure's row, ('list', block key), ('box', section id, 'questions' or 'contact'), ('lead-in', block key)."""
    top = page_box.margin_top
    limit = top + share * (page_box.margin_height() - page_box.margin_bottom - top)

    def walk(box, section_id):
        for child in getattr(box, "children", []):
            element = getattr(child, "element", None)
            if element is None or child.position_y > limit:
                continue
            classes, tag = (element.get("class") or "").split(), child.element_tag
            if tag == "section":
                section_id = element.get("id")
                if "urgent" in classes:
                    yield "box", section_id
            elif "with-figure" in classes:
                yield "figure", section_id
            elif tag == "aside" and classes[:1] in (["questions"], ["contact"]):
                yield "box", classes[0]
            elif tag in ("ul", "ol") and element.get("data-block"):
                yield "list", element.get("data-block")
            elif "lead-in" in classes and element.get("data-block"):
                yield "lead-in", element.get("data-block")
            yield from walk(child, section_id)
    return list(dict.fromkeys(walk(page_box, None)))
