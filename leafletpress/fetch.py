"""A URL fetcher that reads only the project's assets, templates and fonts.

WeasyPrint's default fetcher reads any file:// URL and reaches the network;
a leaflet's content must never make the generator do either.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse


class RefusedURL(ValueError):
    """A URL outside the folders the renderer may read."""


class LocalFetcher(URLFetcher):
    """Serves file:// URLs inside the allowed folders and data: URLs; refuses everything else."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False,
                         fail_on_errors=True)
        self.allowed = [Path(folder).resolve() for folder in allowed]
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.local_path(url)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    def local_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            self.refused.append(url)
            raise RefusedURL(f"refused {url!r}: only the project's own files may be read")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed) or not path.is_file():
            self.refused.append(url)
            raise RefusedURL(f"refused {url!r}: outside the project's assets, templates and fonts")
        return path
