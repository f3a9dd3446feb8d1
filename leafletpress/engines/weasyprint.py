"""The HTML engine: Jinja2 HTML and CSS laid out by WeasyPrint into a tagged PDF/UA-1."""

import logging

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ..errors import RenderError
from ..fetch import LocalFetcher
from ..fonts import font_folders
from ..html import TEMPLATES, check_printable, page_css, render_html
from ..model import Leaflet
from ..options import Options
from ..read import ASSETS

PDF_VARIANT = "pdf/ua-1"


def fetcher() -> LocalFetcher:
    return LocalFetcher([ASSETS, TEMPLATES, *font_folders()])


def render(leaflet: Leaflet, options: Options) -> bytes:
    html = render_html(leaflet, options)
    printed = check_printable(leaflet, options, html)
    return render_document(html, page_css(leaflet, options, printed), fetcher())


def render_document(html: str, css: str, url_fetcher: LocalFetcher) -> bytes:
    """HTML and CSS to PDF bytes; a refused URL or a WeasyPrint error stops the build."""
    problems = ProblemLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(problems)
    try:
        fonts = FontConfiguration()
        document = HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=url_fetcher)
        pdf = document.write_pdf(
            stylesheets=[CSS(string=css, url_fetcher=url_fetcher, font_config=fonts)],
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
