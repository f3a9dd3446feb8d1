"""Pictures for the ReportLab engine: SVG through svglib, PNG and JPEG through Pillow, only from assets/."""

from pathlib import Path

from reportlab.platypus import Flowable

from ...errors import LeafletError, RenderError, display
from ...read import inside
from .flowables import REGULAR


def picture(path: Path, assets: Path, width: float | None = None, height: float | None = None) -> Flowable:
    """The file drawn at a width (or a height), keeping its proportions.

    Only a regular file inside assets/ (links followed) is read; read.py has
    already refused SVGs that refer to other files.
    """
    if not inside(path, assets):
        raise RenderError(f"{display(path)}: refusing to read a picture outside {display(assets)}/")
    try:
        draw = svg_drawing if path.suffix.lower() == ".svg" else raster_image
        natural_width, natural_height = draw(path, None)
        scale = width / natural_width if width else height / natural_height
        return draw(path, scale)
    except LeafletError:
        raise
    except Exception as error:  # svglib and Pillow raise many kinds; the user needs one line
        message = " ".join(str(error).split())[:300]
        raise RenderError(f"{display(path)}: cannot draw this picture: {message}") from None


def svg_drawing(path: Path, scale: float | None):
    """The SVG's natural size (scale None), or the drawing scaled."""
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(str(path), resolve_entities=False)
    if drawing is None or not drawing.width or not drawing.height:
        raise RenderError(f"{display(path)}: svglib could not read this SVG")
    if scale is None:
        return drawing.width, drawing.height
    drawing.initialFontName = REGULAR  # else the drawing's state sets Helvetica, even with no text
    drawing.scale(scale, scale)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    return drawing


def raster_image(path: Path, scale: float | None):
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    pixels_wide, pixels_high = ImageReader(str(path)).getSize()
    if scale is None:
        return pixels_wide, pixels_high
    return Image(str(path), width=pixels_wide * scale, height=pixels_high * scale)
