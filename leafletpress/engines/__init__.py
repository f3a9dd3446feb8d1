"""The PDF engines; each is imported only when a build uses it."""

import importlib

from ..model import Leaflet
from ..options import Options


def render(leaflet: Leaflet, options: Options) -> bytes:
    """The leaflet as PDF bytes, through the engine the options name."""
    engine = importlib.import_module(f"{__name__}.{options.engine}")
    return engine.render(leaflet, options)
