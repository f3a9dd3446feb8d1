"""The HTML engine: the Document as Jinja2 HTML and CSS, laid out by WeasyPrint into a tagged PDF/UA-1."""

import logging
from functools import lru_cache

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ..document import Document
from ..errors import RenderError
from ..fetch import LocalFetcher
from ..fonts import font_folders
from ..project import TEMPLATES, Project
from ..templating import page_css, render_html

PDF_VARIANT = "pdf/ua-1"


def render(document: Document, project: Project) -> bytes:
    fonts_cache = project.cache_folder("fonts")
    url_fetcher = LocalFetcher([project.assets, TEMPLATES, *font_folders(fonts_cache)])
    return render_document(render_html(document), page_css(document, fonts_cache), url_fetcher)


@lru_cache(maxsize=1)
def leaflet_stylesheet() -> CSS:
    """templates/leaflet.css, parsed once per process: it is the same for every leaflet."""
    return CSS(string=(TEMPLATES / "leaflet.css").read_text(encoding="utf-8"))


def render_document(html: str, css: str, url_fetcher: LocalFetcher) -> bytes:
    """HTML and CSS to PDF bytes; a refused URL or a WeasyPrint error stops the build.

    Each PDF gets its own FontConfiguration: sharing one would save a few
    milliseconds, but subsets of the same font made for different texts would
    then meet in it, and a character could be printed from the wrong one.
    """
    problems = ProblemLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(problems)
    try:
        fonts = FontConfiguration()
        document = HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=url_fetcher)
        pdf = document.write_pdf(
            stylesheets=[leaflet_stylesheet(), CSS(string=css, url_fetcher=url_fetcher, font_config=fonts)],
            font_config=fonts, pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as error:
        cause = error.__cause__ or error
        raise RenderError(f"WeasyPrint: {cause}") from None
    finally:
        logger.removeHandler(problems)
    if problems.errors:
        raise RenderError(f"WeasyPrint: {problems.errors[0]}")
    return pdf


class ProblemLog(logging.Handler):
    """Collects WeasyPrint's errors, which it otherwise only logs."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record):
        self.errors.append(record.getMessage())
