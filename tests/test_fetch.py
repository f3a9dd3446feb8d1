"""Nothing in a leaflet's content can make the generator read outside its own folders or the network."""

import pytest

from leafletpress.engines.weasyprint import render_document
from leafletpress.errors import RenderError
from leafletpress.fetch import LocalFetcher, RefusedURL
from leafletpress.fonts import LATIN, font_folders
from leafletpress.project import TEMPLATES

from .helpers import ASSETS, PROJECT

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier


def fetcher() -> LocalFetcher:
    """The fetcher the HTML engine uses: assets, templates and fonts, nothing else."""
    return LocalFetcher([ASSETS, TEMPLATES, *font_folders(None)])

CSS = "@page { size: A4; }"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    f"file://{PROJECT}/pyproject.toml",
    f"file://{PROJECT}/assets/../pyproject.toml",
    "http://127.0.0.1:9/picture.png",
    "https://example.org/picture.png",
    "ftp://example.org/x",
])
def test_fetcher_refuses(url):
    with pytest.raises(RefusedURL, match="refused"):
        fetcher().fetch(url)


def test_fetcher_reads_assets_templates_and_fonts():
    assert fetcher().fetch((ASSETS / "carbon-monoxide-oxygen.svg").as_uri()).read().count(b"<svg") == 1
    assert fetcher().fetch((TEMPLATES / "leaflet.css").as_uri()).read().startswith(b"/*")
    assert fetcher().fetch(LATIN[0].path.as_uri()).read()[:4] == b"\x00\x01\x00\x00"


@pytest.mark.parametrize("planted", [
    '<img src="file:///etc/passwd" alt="x">',
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="http://127.0.0.1:9/x.png" alt="x">',
    '<p style="background: url(file:///etc/passwd)">x</p>',
])
def test_planted_urls_stop_the_render(planted):
    url_fetcher = fetcher()
    with pytest.raises(RenderError, match="refused"):
        render_document(f"<html><body><p>Text</p>{planted}</body></html>", CSS, url_fetcher)
    assert url_fetcher.refused
