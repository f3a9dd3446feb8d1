"""The PDF engines; each is imported only when a build uses it."""

import importlib

from ..model import Leaflet
from ..options import Options


def load(engine: str):
    """The engine's module, imported on first use."""
    return importlib.import_module(f"{__name__}.{engine}")


def render(leaflet: Leaflet, options: Options) -> bytes:
    """The leaflet as PDF bytes, through the engine the options name."""
    return load(options.engine).render(leaflet, options)
