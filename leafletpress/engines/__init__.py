"""The PDF engines: each turns a Document into PDF bytes, and is imported only when a build uses it.

An engine is a module with `render(document, project) -> bytes`. It reads only
regular files inside the project's assets (and the tool's templates and
fonts), whatever the leaflet's content asks for.
"""

import importlib

from ..document import Document
from ..project import Project


def load(engine: str):
    """The engine's module, imported on first use."""
    return importlib.import_module(f"{__name__}.{engine}")


def render(document: Document, engine: str, project: Project) -> bytes:
    """The document as PDF bytes, through the named engine."""
    return load(engine).render(document, project)
