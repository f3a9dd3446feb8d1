"""Pictures for the ReportLab engine: SVG through svglib, PNG and JPEG through Pillow, only from assets/."""

from io import BytesIO
from pathlib import Path

from reportlab.platypus import Flowable

from ...assets import BadPicture, check_picture
from ...errors import LeafletError, RenderError, display
from ...read import inside
from .flowables import REGULAR


def picture(path: Path, assets: Path, width: float | None = None, height: float | None = None) -> Flowable:
    """The file drawn at a width (or a height), keeping its proportions.

    Only a regular file inside assets/ (links followed) is read, and only one
    that refers to no other file: read.py has checked it already, and it is
    checked again here, as the file may have changed since.
    """
    if not inside(path, assets):
        raise RenderError(f"{display(path)}: refusing to read a picture outside {display(assets)}/")
    try:
        check_picture(path)
    except BadPicture as error:
        raise RenderError(f"{display(path)}: {error}") from None
    try:
        if path.suffix.lower() == ".svg":
            return scaled(svg(path), width, height)
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image

        natural_width, natural_height = ImageReader(str(path)).getSize()
        scale = width / natural_width if width else (height or natural_height) / natural_height
        return Image(str(path), width=natural_width * scale, height=natural_height * scale)
    except LeafletError:
        raise
    except Exception as error:  # svglib and Pillow raise many kinds; the user needs one line
        message = " ".join(str(error).split())[:300]
        raise RenderError(f"{display(path)}: cannot draw this picture: {message}") from None


def qr_code(url: str, size: float) -> Flowable:
    """The same QR code the HTML engine prints (segno's), quiet zone included, as vector shapes."""
    import segno

    drawing = BytesIO()
    segno.make(url, error="m").save(drawing, kind="svg", scale=1, border=4, dark="#000", light="#fff")
    drawing.seek(0)
    return scaled(svg(drawing), size, None)


def svg(source):
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(source if isinstance(source, BytesIO) else str(source), resolve_entities=False)
    if drawing is None or not drawing.width or not drawing.height:
        raise RenderError(f"{display(source) if isinstance(source, Path) else 'a picture'}: svglib could "
                          "not read this SVG")
    drawing.initialFontName = REGULAR  # else the drawing's state sets Helvetica, even with no text
    return drawing


def scaled(drawing, width: float | None, height: float | None):
    scale = width / drawing.width if width else (height or drawing.height) / drawing.height
    drawing.scale(scale, scale)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    return drawing
