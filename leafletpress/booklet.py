"""Impose a leaflet's pages as a saddle-stitched booklet: two pages side by side on each sheet.

Print the result double-sided (flip on the short edge), fold the stack in
half and staple on the fold: the pages come out in reading order.
"""

from io import BytesIO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

from .style import Paper

MM = 72 / 25.4


def saddle_order(pages: int) -> list[tuple[int, int]]:
    """Page indexes (left, right) for each side of each sheet, front then back; pages % 4 == 0."""
    sides = []
    for sheet in range(pages // 4):
        outer, inner = pages - 1 - 2 * sheet, 2 * sheet
        sides.append((outer, inner))          # front: last page left, first page right
        sides.append((inner + 1, outer - 1))  # back: second page left, second-to-last right
    return sides


def impose(pdf: bytes, sheet: Paper) -> bytes:
    """The PDF's pages, padded with blank pages to a multiple of four, two-up on landscape sheets."""
    reader = PdfReader(BytesIO(pdf))
    pages = list(reader.pages)
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    while len(pages) % 4:
        pages.append(PageObject.create_blank_page(width=width, height=height))
    writer = PdfWriter()
    sheet_width, sheet_height = sheet.height * MM, sheet.width * MM  # landscape
    for left, right in saddle_order(len(pages)):
        side = writer.add_blank_page(width=sheet_width, height=sheet_height)
        for index, x in ((left, sheet_width / 2 - width), (right, sheet_width / 2)):
            offset = Transformation().translate(tx=x, ty=(sheet_height - height) / 2)
            side.merge_transformed_page(pages[index], offset)
    writer.add_metadata(dict(reader.metadata or {}))
    writer._ID = None  # no random file identifier: the same sources give the same bytes
    output = BytesIO()
    writer.write(output)
    return output.getvalue()
