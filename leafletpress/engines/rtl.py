"""Right-to-left text stored in logical order, so that it reads back in order: search, copy, screen readers.

WeasyPrint 70 writes each line's glyphs left to right as they are seen, so an
Arabic line is stored back to front, and a ligature's glyph (في, لا) maps to
its letters in logical order inside a reversed line. Every reader then guesses:
Poppler and pdfium turn lines round by position and swap the ligatures' letters
("يف"), MuPDF and the tag tree read the stored order and get every line reversed.
/ActualText does not help here: Poppler 22 and pdfium turn it round once more,
and MuPDF 1.21 ignores it.

So each piece of text holding right-to-left letters is written again, with the
same glyphs at the same places: each glyph is placed on its own (`dx 0 Td
<glyph> Tj`) in the order of the text. A ligature of k letters gives its glyph
to its last letter and carries its other letters as invisible glyphs (text
render mode 3) placed over its right part, first letter rightmost, so that
reading by position and reading by stored order both give the letters in order.
The pixels are unchanged: only the order and the means of placing change.
"""

import io
import re
import unicodedata
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from weasyprint.formatting_structure import boxes
from weasyprint.pdf.stream import Stream
from weasyprint.text.ffi import ffi, pango

RIGHT_TO_LEFT = ("R", "AL")  # Unicode bidirectional classes of Hebrew and Arabic letters
SHOWN = re.compile(rb"<([0-9a-fA-F]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)")
CMAPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # WeasyPrint font -> its cmap


@dataclass
class Glyph:
    """One glyph as drawn: where, in which font, and the piece of text it stands for."""

    x: float  # from the start of the line, in text space
    rise: float
    font: str
    size: float
    glyph: int
    logical: int = 0  # byte offset of its cluster in the line's text
    text: str = ""  # its cluster's text when the cluster is this glyph alone, right to left


def right_to_left(box) -> bool:
    return isinstance(box, boxes.TextBox) and any(unicodedata.bidirectional(ch) in RIGHT_TO_LEFT
                                                  for ch in box.text)


@contextmanager
def rtl_in_logical_order() -> Iterator[None]:
    """While PDFs are written in this block, right-to-left text is stored in logical order.

    WeasyPrint's Stream.marked, which wraps every piece of text it draws, is
    wrapped for the block only and restored after.
    """
    original = Stream.marked

    @contextmanager
    def marked(stream, box, tag):
        start = len(stream.stream)
        with original(stream, box, tag):
            yield
            if right_to_left(box):
                in_logical_order(stream, box, start)

    Stream.marked = marked
    try:
        yield
    finally:
        Stream.marked = original


def in_logical_order(stream, box, start: int) -> None:
    """Write the text object the box was drawn in again, its glyphs in logical order.

    Left as WeasyPrint drew it when it holds anything but the few operators
    read here, or when its glyphs are not the ones Pango laid out.
    """
    items = [item if isinstance(item, bytes) else str(item).encode() for item in stream.stream[start:]]
    if items.count(b"BT") != 1 or items.count(b"ET") != 1:
        return
    begin, end = items.index(b"BT"), items.index(b"ET")
    fonts = {font.hash: font for font in stream._fonts.values()}
    drawn = drawn_glyphs(items[begin + 1:end], fonts)
    laid_out = list(pango_glyphs(box))
    if drawn is None or [glyph for glyph, _, _ in laid_out] != [glyph.glyph for glyph in drawn]:
        return
    for glyph, (_, logical, text) in zip(drawn, laid_out):
        glyph.logical, glyph.text = logical, text
    in_order = sorted(drawn, key=lambda glyph: glyph.logical)
    stream.stream[start + begin + 2:start + end] = list(placed(in_order, fonts))


def drawn_glyphs(items: list[bytes], fonts: dict) -> list[Glyph] | None:
    """Every glyph of a text object as WeasyPrint wrote it (after its Tm); None if it holds more."""
    if not items or not items[0].endswith(b" Tm"):
        return None
    font, size, rise, x = "", 0.0, 0.0, 0.0
    glyphs: list[Glyph] = []
    for item in items[1:]:
        operator = item.rsplit(b" ", 1)[-1]
        if operator == b"Tf":
            name, value = item[1:-3].rsplit(b" ", 1)
            font, size = name.decode(), float(value)
        elif operator == b"Ts":
            rise = float(item[:-3])
        elif operator == b"TJ" and font in fonts:
            widths = fonts[font].widths
            for hexadecimal, number in SHOWN.findall(item[1:-4]):
                if number:
                    x -= float(number) / 1000 * size
                for i in range(0, len(hexadecimal), 4):
                    glyph = int(hexadecimal[i:i + 4], 16)
                    glyphs.append(Glyph(x, rise, font, size, glyph))
                    x += widths.get(glyph, 0) / 1000 * size
        else:
            return None
    return glyphs


def pango_glyphs(box) -> Iterator[tuple[int, int, str]]:
    """Each glyph of the box's line as WeasyPrint draws them: (glyph id, byte offset of its cluster in the
    text, the cluster's text when it is this glyph alone in a right-to-left run, else '')."""
    layout = box.pango_layout
    layout.reactivate(box.style)
    try:
        pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        text = layout.text.encode()
        line, _ = layout.get_first_line()
        run = line.runs[0]
        while run != ffi.NULL:
            glyph_item, run = run.data, run.next
            item, glyphs = glyph_item.item, glyph_item.glyphs
            clusters = [glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)]
            starts = sorted(set(clusters)) + [item.length]
            for i, cluster in enumerate(clusters):
                glyph = glyphs.glyphs[i].glyph
                if glyph == pango.PANGO_GLYPH_EMPTY:
                    continue
                alone = item.analysis.level % 2 and clusters.count(cluster) == 1
                following = starts[starts.index(cluster) + 1]
                cluster_text = text[item.offset + cluster:item.offset + following].decode() if alone else ""
                yield glyph, item.offset + cluster, cluster_text
    finally:
        layout.deactivate()


def placed(glyphs: list[Glyph], fonts: dict) -> Iterator[bytes]:
    """The operators that draw the glyphs in this order, each at its place."""
    font, rise, hidden, pen = ("", 0.0), 0.0, 0.0, 0.0
    for glyph in glyphs:
        if (glyph.font, glyph.size) != font:
            font = glyph.font, glyph.size
            yield f"/{glyph.font} {number(glyph.size)} Tf".encode()
        if glyph.rise != rise:
            rise = glyph.rise
            yield f"{number(rise)} Ts".encode()
        for x, glyph_id, scale in letters(glyph, fonts[glyph.font]):
            if scale != hidden:
                yield f"{number(scale or 100)} Tz {3 if scale else 0} Tr".encode()
                hidden = scale
            step = round(x - pen, 3)
            pen += step
            yield f"{number(step)} 0 Td <{glyph_id:04x}> Tj".encode()
    if hidden:
        yield b"100 Tz 0 Tr"
    if rise:
        yield b"0 Ts"


def letters(glyph: Glyph, font) -> list[tuple[float, int, float]]:
    """(x, glyph id, horizontal scale of an invisible glyph or 0) to draw for a glyph: itself, and before it,
    for a ligature of k letters, an invisible glyph for each letter but the last, each squeezed to 1/k of
    the ligature's width, the first rightmost."""
    alone = [(glyph.x, glyph.glyph, 0.0)]
    width, count = font.widths.get(glyph.glyph, 0), len(glyph.text)
    if count < 2 or not width:
        return alone
    cmap = font_cmap(font)
    hidden: list[tuple[float, int, float]] = []
    for index, letter in enumerate(glyph.text[:-1]):
        glyph_id = cmap.get(ord(letter))
        if glyph_id is None or not cmap.advance(glyph_id) or font.to_unicode.get(glyph_id, letter) != letter:
            return alone
        font.to_unicode[glyph_id] = letter
        font.widths.setdefault(glyph_id, cmap.advance(glyph_id))
        x = glyph.x + width / 1000 * glyph.size * (count - 1 - index) / count
        hidden.append((x, glyph_id, round(100 * width / count / font.widths[glyph_id], 3)))
    font.to_unicode[glyph.glyph] = glyph.text[-1]
    return [*hidden, *alone]


class FontCmap(dict):
    """A font's characters to glyph ids, with each glyph's advance in thousandths of the size."""

    def __init__(self, font):
        from fontTools.ttLib import TTFont

        data = font.file_content
        with TTFont(io.BytesIO(data), fontNumber=font.index if data[:4] == b"ttcf" else -1, lazy=True) as face:
            order = face.getGlyphOrder()
            ids = {name: number for number, name in enumerate(order)}
            super().__init__({code: ids[name] for code, name in face.getBestCmap().items()})
            scale = 1000 / face["head"].unitsPerEm
            metrics = face["hmtx"].metrics
            self.advances = {ids[name]: round(advance * scale) for name, (advance, _) in metrics.items()}

    def advance(self, glyph_id: int) -> int:
        return self.advances.get(glyph_id, 0)


def font_cmap(font) -> FontCmap:
    if font not in CMAPS:
        CMAPS[font] = FontCmap(font)
    return CMAPS[font]


def number(value: float) -> str:
    """A number as the content stream writes it: short, and the same on every machine."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
