"""How well a built PDF's pages fill: the measure behind `check` on a PDF and the layout's own checks.

A page before the last that is filled less than FILL_TARGET of its text
column leaves a hole a reader takes for the end of the leaflet; a page that
opens with the last item of a list alone has lost its list. Both are found
from the PDF itself (pypdfium2: where the ink is, and the text of each line),
so they hold for any engine.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .document import Document, runs_text
from .model import ListBlock

FILL_TARGET = 0.65  # share of the text column every page before the last should fill
MM = 72 / 25.4


@dataclass(frozen=True)
class PageFill:
    page: int  # from 1
    fill: float  # how far down the text column the lowest ink reaches, 0-1
    first_line: str  # the page's first line of text


def page_fills(pdf: bytes | Path, document: Document) -> list[PageFill]:
    """Each page's fill and first line; the running footer below the column is not counted."""
    import pypdfium2

    style = document.style
    source = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = pypdfium2.PdfDocument(source)
    fills = []
    try:
        for number in range(len(reader)):
            page = reader[number]
            height = page.get_height()
            top, bottom = style.margin, height - style.bottom_margin  # the text column, from the top
            lowest, lines = top, []
            text = page.get_textpage()
            for index in range(text.count_chars()):
                box = text.get_charbox(index)  # left, bottom, right, top from the page's foot
                if box[3] - box[1] <= 0 or height - box[3] > bottom:
                    continue  # a space, or the footer
                lowest = max(lowest, height - box[1])
            for obj in page.get_objects():
                left, foot, right, head = obj.get_bounds()
                if height - head >= top - 1 and height - foot <= bottom + 1 and right - left > 1 and ink(obj):
                    lowest = max(lowest, height - foot)  # a picture, a rule or a box inside the column
            lines = [line for line in text.get_text_bounded().splitlines() if line.strip()]
            fills.append(PageFill(number + 1, (lowest - top) / (bottom - top), lines[0].strip() if lines else ""))
            text.close()
            page.close()
    finally:
        reader.close()
    return fills


def ink(obj) -> bool:
    """Whether a page object shows: a picture, a stroked path, or a path filled with a colour
    other than the white of the page. (Text is measured character by character.)"""
    import ctypes

    import pypdfium2.raw as pdfium

    if obj.type == pdfium.FPDF_PAGEOBJ_TEXT:
        return False
    if obj.type != pdfium.FPDF_PAGEOBJ_PATH:
        return True
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
    if stroke.value:
        return True
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    pdfium.FPDFPageObj_GetFillColor(obj.raw, *map(ctypes.byref, (red, green, blue, alpha)))
    return bool(fill.value) and alpha.value > 0 and min(red.value, green.value, blue.value) < 250


def underfilled(fills: list[PageFill], target: float = FILL_TARGET) -> list[PageFill]:
    """The pages before the last filled less than the target."""
    return [fill for fill in fills[:-1] if fill.fill < target]


def stranded_items(fills: list[PageFill], document: Document) -> list[tuple[int, str]]:
    """Pages that open with the last item of a list, its other items on the page before."""
    last_items = [runs_text(block.items[-1]) for section in document.sections
                  for block in section.blocks if isinstance(block, ListBlock) and len(block.items) > 1]
    found = []
    for fill in fills[1:]:
        if "•" not in fill.first_line:
            continue  # the page opens with no list item
        opening = squeeze(fill.first_line)
        for item in last_items:
            whole = squeeze(item)
            if opening and whole.startswith(opening[:40]) and len(opening) >= min(len(whole), 20):
                found.append((fill.page, item))
    return found


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lstrip("•·")
