"""What a picture in assets/ may be: checked when the leaflet is read, the one rule for both engines.

A figure or a logo is an SVG, PNG or JPEG file of bounded size. An SVG is
parsed without its DTD, entities or network, and may refer to nothing but
itself: every href, src and CSS url() names an '#id' in the same file or holds
a PNG, JPEG, GIF or WebP picture as a data: URI; no @import, no XInclude, no
script and no foreignObject. A PNG or JPEG must be whole, be what its name
says, and be of a sensible number of pixels. So neither engine can be made to
read another file, reach the network, or print a blank where a picture was.
"""

import re
import warnings
from pathlib import Path

from .files import TooLarge, read_regular

MAX_PICTURE = 8 * 1024 * 1024  # bytes of one picture file
MAX_PIXELS = 50_000_000  # a 50-megapixel picture is already far more than print needs
KINDS = {".svg": "SVG", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}

SVG_NS = "http://www.w3.org/2000/svg"
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
FORBIDDEN = {"script", "foreignObject"}
RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
LENGTH = re.compile(r"\s*([0-9.eE+-]+)\s*(px|pt|mm|cm|in|pc)?\s*$")


class BadPicture(ValueError):
    """A picture file that may not be printed, and why, in one line."""


def check_picture(path: Path) -> None:
    """Raise BadPicture unless the file is a picture both engines may print as it is."""
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise BadPicture(f"a picture must be an SVG, PNG or JPEG file ({', '.join(KINDS)}), not {path.suffix!r}")
    try:
        data = read_regular(path, MAX_PICTURE)
    except TooLarge:
        raise BadPicture(f"is larger than {MAX_PICTURE // 1024 // 1024} MB; make the picture smaller") from None
    except OSError as error:
        raise BadPicture(f"cannot be read: {error.strerror or error}") from None
    if kind == "SVG":
        check_svg(data)
    else:
        check_raster(data, kind)


def check_svg(data: bytes) -> None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise BadPicture(f"is not a well-formed SVG file: {' '.join(str(error).split())[:200]}") from None
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        raise BadPicture("an SVG may not have a <!DOCTYPE> (its entities could bring in other files)")
    if root.tag != f"{{{SVG_NS}}}svg":
        raise BadPicture("is not an SVG file: its root element must be <svg> in the SVG namespace")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace, _, name = element.tag.rpartition("}")
        if namespace.lstrip("{") == XINCLUDE_NS or name in FORBIDDEN:
            raise BadPicture(f"line {element.sourceline}: <{name}> is not allowed in a picture")
        for attribute, value in element.attrib.items():
            local = attribute.rpartition("}")[2]
            if local in ("href", "src"):
                check_reference(value, element.sourceline)
            check_css(value, element.sourceline)
        if name == "style":
            check_css(element.text or "", element.sourceline)
    check_size(root)


def check_reference(value: str, line: int | None) -> None:
    """A reference inside an SVG: an '#id' of the same file, or a raster picture as a data: URI."""
    value = value.strip()
    if value.startswith("#") or RASTER_DATA.match(value):
        return
    raise BadPicture(f"line {line}: refers to {value[:80]!r}; a picture may refer only to an '#id' in itself "
                     "or hold a PNG or JPEG as a data: URI")


def check_css(text: str, line: int | None) -> None:
    if "@import" in text.lower():
        raise BadPicture(f"line {line}: @import is not allowed in a picture")
    for match in CSS_URL.finditer(text):
        check_reference(match.group(2), line)


def check_size(root) -> None:
    """A width, height or viewBox that is zero or negative: the picture would print as nothing."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    sizes = [length(root.get("width")), length(root.get("height"))]
    if len(box) == 4:
        sizes += [number(box[2]), number(box[3])]
    if any(size is not None and not size > 0 for size in sizes):
        raise BadPicture("an SVG needs a positive width and height (and viewBox): else it prints as nothing")


def length(value: str | None) -> float | None:
    match = LENGTH.match(value) if value else None
    return number(match.group(1)) if match else None


def number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def check_raster(data: bytes, kind: str) -> None:
    from PIL import ImageFile

    # WeasyPrint, once imported, tells Pillow to accept truncated pictures (and so print half of one)
    accept_truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        check_pixels(data, kind)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = accept_truncated


def check_pixels(data: bytes, kind: str) -> None:
    from io import BytesIO

    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data)) as image:
                if image.format != kind:
                    raise BadPicture(f"is named as a {kind} file but holds {image.format or 'something else'}")
                if image.width * image.height > MAX_PIXELS:
                    raise BadPicture(f"is {image.width} × {image.height} pixels; at most {MAX_PIXELS // 1_000_000} "
                                     "million are allowed")
                image.load()
        except BadPicture:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise BadPicture(f"has far too many pixels to print: {' '.join(str(error).split())[:200]}") from None
        except (OSError, ValueError, SyntaxError) as error:
            raise BadPicture(f"is not a whole {kind} picture: {' '.join(str(error).split())[:200]}") from None
