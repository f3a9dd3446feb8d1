"""Impose a leaflet's pages as a saddle-stitched booklet: two pages side by side on each sheet.

Print the result double-sided (flip on the short edge), fold the stack in
half and staple on the fold: the pages come out in reading order. A
right-to-left leaflet (Arabic) is bound on the right: each side is mirrored,
its first page on the left half of the outer sheet, which folds to the front.

The booklet keeps the leaflet's title, language and XMP metadata, but it is
not a tagged PDF (two pages to a sheet, for the printer): its XMP no longer
claims PDF/UA.
"""

import re
from io import BytesIO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import BooleanObject, DictionaryObject, NameObject, StreamObject, TextStringObject

from .style import Paper

MM = 72 / 25.4


def saddle_order(pages: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """Page indexes (left, right) for each side of each sheet, front then back; pages % 4 == 0.

    Bound on the left (left to right), the first page is on the right of the
    outer sheet's front; bound on the right, every side is mirrored.
    """
    sides = []
    for sheet in range(pages // 4):
        outer, inner = pages - 1 - 2 * sheet, 2 * sheet
        sides.append((outer, inner))          # front: last page left, first page right
        sides.append((inner + 1, outer - 1))  # back: second page left, second-to-last right
    return [(right, left) for left, right in sides] if right_to_left else sides


def impose(pdf: bytes, sheet: Paper, right_to_left: bool = False) -> bytes:
    """The PDF's pages, padded with blank pages to a multiple of four, two-up on landscape sheets."""
    reader = PdfReader(BytesIO(pdf))
    pages = list(reader.pages)
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    while len(pages) % 4:
        pages.append(PageObject.create_blank_page(width=width, height=height))
    writer = PdfWriter()
    sheet_width, sheet_height = sheet.height * MM, sheet.width * MM  # landscape
    for left, right in saddle_order(len(pages), right_to_left):
        side = writer.add_blank_page(width=sheet_width, height=sheet_height)
        for index, x in ((left, sheet_width / 2 - width), (right, sheet_width / 2)):
            offset = Transformation().translate(tx=x, ty=(sheet_height - height) / 2)
            side.merge_transformed_page(pages[index], offset)
    keep_metadata(reader, writer, right_to_left)
    writer._ID = None  # no random file identifier: the same sources give the same bytes
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


PDFUA_CLAIM = re.compile(rb'<rdf:Description rdf:about="" pdfuaid:part="[0-9]+"/>')


def keep_metadata(reader: PdfReader, writer: PdfWriter, right_to_left: bool) -> None:
    """The leaflet's document information, language and XMP (less its PDF/UA claim); its title shown by
    viewers; a right-to-left booklet's pages read right to left."""
    writer.add_metadata(dict(reader.metadata or {}))
    root = reader.root_object
    if "/Lang" in root:
        writer._root_object[NameObject("/Lang")] = TextStringObject(str(root["/Lang"]))
    if "/Metadata" in root:
        xmp = StreamObject()
        source = root["/Metadata"].get_object()
        assert isinstance(source, StreamObject)
        xmp.set_data(PDFUA_CLAIM.sub(b"", source.get_data()))
        xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    preferences = DictionaryObject({NameObject("/DisplayDocTitle"): BooleanObject(True)})
    if right_to_left:
        preferences[NameObject("/Direction")] = NameObject("/R2L")
    writer._root_object[NameObject("/ViewerPreferences")] = preferences
