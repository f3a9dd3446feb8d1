"""Right-to-left text stored in logical order, so that it reads back in order: search, copy, screen readers.

WeasyPrint 70 writes each line's glyphs left to right as they are seen, so an
Arabic line is stored back to front. Every text extractor then guesses, each
in its own way, and each way is written here because the stored form below is
made to satisfy all of them at once:

- MuPDF (mutool draw -F txt) and the tag tree (what a screen reader reads)
  take the glyphs in the order they are stored.
- Poppler (pdftotext) sorts the characters of a line by position, left to
  right (a character that moves left of the one stored before it starts a
  word of its own), and then reads an Arabic line from the right: a run of
  characters that are not Latin letters, digits or number punctuation
  (. , : - ،) is read right to left; from a Latin letter or a digit on, the
  characters are read left to right up to the next Arabic letter, brackets,
  dashes and full stops on the left included. It ends a line where a word
  starts more than half an em inside the one on its left, and puts a space
  where a glyph's box (its origin and advance) ends 0.03 em or more before
  the next one's starts.
- pdfium (Chrome, pypdfium2) sorts each text-showing operator by where its
  first glyph stands, keeps the glyphs of one operator in stored order, and
  then cuts the line into runs (Latin letters; digits, marks and number
  punctuation; Arabic letters; the rest) and reads the runs from the right:
  Arabic runs and the rest after them right to left with brackets mirrored
  ('(' read as ')'), the others left to right. It puts a space where an
  operator's glyph starts well away from where the one before it ends (a
  tenth of an em or more, by the glyphs' widths).

So each piece of text of a right-to-left line, or holding right-to-left
letters, is written again, with the same glyphs at the same places, each glyph shown on its own (`x 0 Td
<glyph> Tj`) in the order of the text, and with invisible glyphs (text render
mode 3) that carry text where the positional readers look for it:

- A ligature or a letter with marks on it (a group of letters drawn as one)
  shows its main glyph as the letter it ends with; its other letters and its
  marks are carried by invisible glyphs, the letters before it at its right
  edge, the marks after it just left of it, APART (0.08 em) from each other:
  read by position from the right, or in stored order, they come in order.
  Each carrier is a code of its own exactly APART wide, so each ends where
  the next starts: no gap for Poppler or pdfium to read as a space inside
  the word (carriers squeezed to half that, and marks of no width, split
  'نوفمبر' and 'الإصدار' in both). A visible mark glyph is shown through a
  second code for the same glyph, read as a word joiner (U+2060), since its
  own place (over its letter) reads wrong.
- Where a run read left to right ends (Latin words, numbers, a full stop or
  comma) an invisible right-to-left mark (U+200F) on its left stops both
  readers from taking the brackets and punctuation beside it into the run;
  a bracket drawn mirrored in Arabic has a left-to-right mark (U+200E) on its
  right and a right-to-left mark on its left, so that pdfium reads it left to
  right, unmirrored, as the character it is. Marks are left out where only
  spaces stand before the next Arabic letter: they are text too, and a search
  for '(GP)' finds no '(\u200fGP)' (so Poppler reads an Arabic comma after
  the space that follows it: 'الأدوية ،مثل').
- A bracket drawn mirrored (the glyph of ')' for a '(') is shown through a
  code of its own that reads as the bracket it stands for, so that its glyph
  reads as itself where it stands unmirrored, as in '(DMRF)' in a Latin name.
- A letter the font sets a little apart from the one on its right (after a
  letter that does not join the next: 'أكسيد', 'الكربون') is shown through a
  code of its own as wide as itself and the gap, and a ligature's carriers
  reach that far too: its box touches the next, and neither reader breaks the
  word there. Spaces between words stay as they are.

The extra codes (direction marks, carriers, second codes of a glyph) lie past the
font's glyphs, each a character (CID) of its own, shown by its glyph through
a CIDToGIDMap (show_extra_codes): MuPDF reads text by character, not by code.

Still wrong in pdfium: a Latin name of several words, or a letter and digits
('B12', 'A&E'), inside Arabic: it reads their runs from the right too
('cramp s'writer'). Mending that would take an invisible glyph at the start
of each of their words, placed so that pdfium sorts the words backwards, and
search would trip on those glyphs inside the name.

Invisible glyphs are set a hundredth of a point larger than the text: a change
of size makes Poppler start a new word, so no invisible glyph joins the word
of a visible one (a word of Poppler's is read in stored order; with no gap
between them, its words still read as one). /ActualText does not help:
Poppler 22 and pdfium turn it round once more, and MuPDF 1.21 ignores it. The
pixels are unchanged: only the order, the means of placing, the codes glyphs
are shown by (their widths place nothing: each glyph is placed by Td) and the
invisible glyphs change.
"""

import io
import math
import re
import unicodedata
import weakref
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pydyf
import weasyprint.pdf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf.stream import Stream
from weasyprint.text.ffi import ffi, pango

RIGHT_TO_LEFT = ("R", "AL")  # Unicode bidirectional classes of Hebrew and Arabic letters
NUMBER_LIKE = ("EN", "AN", "CS", "ES", "ET")  # digits and number punctuation: Poppler reads them left to right
LRM, RLM, WORD_JOINER = "\u200e", "\u200f", "\u2060"
APART = 0.08  # em between invisible letters, and each one's width: under a tenth of an em Poppler keeps them
#               apart, over 0.07 pdfium too
LARGER = 0.01  # points added to the size of invisible glyphs
SHOWN = re.compile(rb"<([0-9a-fA-F]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)")
CMAPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # WeasyPrint font -> its cmap
EXTRA_CODES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # WeasyPrint font -> {code: glyph it shows}


@dataclass
class Glyph:
    """One glyph as drawn: where, in which font, and the piece of text it stands for."""

    x: float  # from the start of the line, in text space
    rise: float
    font: str
    size: float
    glyph: int
    width: float = 0.0  # its advance, in text space
    logical: int = 0  # byte offset of its cluster in the line's text
    text: str = ""  # its cluster's text
    level: int = 0  # bidirectional level of its run: odd is right to left


@dataclass
class Unit:
    """What is read as one piece: a cluster of the text, with the clusters of the marks on it."""

    glyphs: list[Glyph]
    text: str
    level: int

    @property
    def left(self) -> float:
        return min(glyph.x for glyph in self.glyphs)

    @property
    def right(self) -> float:
        return max(glyph.x + glyph.width for glyph in self.glyphs)

    @property
    def size(self) -> float:
        return self.glyphs[0].size


@dataclass
class Draw:
    """One glyph to show: at x, by this code, seen or invisible."""

    x: float
    code: int
    like: Glyph  # the glyph whose font, size and rise it takes
    hidden: bool = False


@dataclass
class Marks:
    """The invisible direction marks written before and after a unit: (character, x) each."""

    before: list[tuple[str, float]] = field(default_factory=list)
    after: list[tuple[str, float]] = field(default_factory=list)


def right_to_left(box) -> bool:
    """Whether the box is text of a right-to-left line, or holds right-to-left letters."""
    return isinstance(box, boxes.TextBox) and (
        box.style["direction"] == "rtl" or any(unicodedata.bidirectional(ch) in RIGHT_TO_LEFT for ch in box.text))


@contextmanager
def rtl_in_logical_order() -> Iterator[None]:
    """While PDFs are written in this block, right-to-left text is stored in logical order.

    WeasyPrint's Stream.marked, which wraps every piece of text it draws, and
    build_fonts_dictionary, which writes the fonts, are wrapped for the block
    only and restored after.
    """
    original_marked, original_fonts = Stream.marked, weasyprint.pdf.build_fonts_dictionary

    @contextmanager
    def marked(stream, box, tag):
        start = len(stream.stream)
        with original_marked(stream, box, tag):
            yield
            if right_to_left(box):
                in_logical_order(stream, box, start)

    def build_fonts_dictionary(pdf, fonts, *args):
        dictionary = original_fonts(pdf, fonts, *args)
        show_extra_codes(pdf, fonts, dictionary)
        return dictionary

    Stream.marked, weasyprint.pdf.build_fonts_dictionary = marked, build_fonts_dictionary
    try:
        yield
    finally:
        Stream.marked, weasyprint.pdf.build_fonts_dictionary = original_marked, original_fonts


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
    if drawn is None or [glyph for glyph, _, _, _ in laid_out] != [glyph.glyph for glyph in drawn]:
        return
    for glyph, (_, logical, text, level) in zip(drawn, laid_out):
        glyph.logical, glyph.text, glyph.level = logical, text, level
    line = units(sorted(drawn, key=lambda glyph: glyph.logical))
    marks = direction_marks(line) if box.style["direction"] == "rtl" else {}
    reach = reaches(line)
    draws = [draw for index, unit in enumerate(line)
             for draw in unit_draws(unit, marks.get(index), fonts, reach.get(index, unit.right))]
    stream.stream[start + begin + 2:start + end] = list(placed(draws, fonts))


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
                    width = widths.get(glyph, 0) / 1000 * size
                    glyphs.append(Glyph(x, rise, font, size, glyph, width))
                    x += width
        else:
            return None
    return glyphs


def pango_glyphs(box) -> Iterator[tuple[int, int, str, int]]:
    """Each glyph of the box's line as WeasyPrint draws them: (glyph id, byte offset of its cluster in the
    text, the cluster's text, the bidirectional level of its run)."""
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
                following = starts[starts.index(cluster) + 1]
                cluster_text = text[item.offset + cluster:item.offset + following].decode()
                yield glyph, item.offset + cluster, cluster_text, item.analysis.level
    finally:
        layout.deactivate()


def units(glyphs: list[Glyph]) -> list[Unit]:
    """The line's glyphs, in logical order, as units: each cluster, right-to-left marks with their letter."""
    found: list[Unit] = []
    for glyph in glyphs:
        if found and found[-1].glyphs[-1].logical == glyph.logical:
            found[-1].glyphs.append(glyph)  # a cluster of several glyphs
        elif found and glyph.level % 2 and found[-1].level % 2 and all_marks(glyph.text):
            found[-1].glyphs.append(glyph)
            found[-1].text += glyph.text
        else:
            found.append(Unit([glyph], glyph.text, glyph.level))
    return found


def all_marks(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) == "Mn" for ch in text)


def direction_marks(line: list[Unit]) -> dict[int, Marks]:
    """The direction marks each unit needs, by its index, so that Poppler and pdfium read the line in order.

    A run read left to right (a left-to-right run of the line, or a digit or
    number punctuation among Arabic) followed by more than spaces before the
    next Arabic letter, or by nothing, has a right-to-left mark on its left, its end; a
    left-to-right run that ends in a bracket or quote also has a left-to-right
    mark on its right. A mirrored bracket among Arabic has a left-to-right mark
    on its right, and a right-to-left mark on its left, again unless only spaces
    come before the next Arabic letter. No more: the marks are text too, and a
    search for '(GP)' finds no '(\u200fGP\u200f)', nor one for 'صفحة 1 من' a
    'صفحة 1\u200f من'. So Poppler reads the space after a run first where
    only spaces follow it ('الأدوية ،مثل': the comma moves, the words stay whole).
    """
    marks: dict[int, Marks] = {}
    index = 0
    while index < len(line):
        unit = line[index]
        if unit.level % 2 == 0:  # a left-to-right run: its first unit is on its left, its last on its right
            end = index
            while end + 1 < len(line) and line[end + 1].level % 2 == 0:
                end += 1
            after = marks.setdefault(end, Marks()).after
            if not reads_left_to_right(line[end].text[-1:]):
                after.append((LRM, right_of(line[end])))
            if more_than_spaces_follow(line, end):
                after.append((RLM, left_of(line[index])))
            index = end + 1
            continue
        if len(unit.text) == 1 and unicodedata.bidirectional(unit.text) in NUMBER_LIKE:
            if more_than_spaces_follow(line, index):
                marks.setdefault(index, Marks()).after.append((RLM, left_of(unit)))
        elif len(unit.text) == 1 and unicodedata.mirrored(unit.text):
            marks.setdefault(index, Marks()).before.append((LRM, right_of(unit)))
            if more_than_spaces_follow(line, index):
                marks[index].after.append((RLM, left_of(unit)))
        index += 1
    return marks


def more_than_spaces_follow(line: list[Unit], index: int) -> bool:
    """Whether anything but spaces comes after the unit before the next right-to-left letter, or the line
    ends: there the mark, read last, costs nothing, and it keeps pdfium from reading a line of more
    brackets than Arabic words as a left-to-right line (it counts the runs of each direction)."""
    for unit in line[index + 1:]:
        if not unit.text.isspace():
            return unicodedata.bidirectional(unit.text[0]) not in RIGHT_TO_LEFT
    return True


def reads_left_to_right(text: str) -> bool:
    """Whether Poppler starts reading left to right at this character (a Latin letter, digit, full stop...)."""
    return bool(text) and unicodedata.bidirectional(text) in ("L", *NUMBER_LIKE)


def left_of(unit: Unit) -> float:
    """Where a mark stands just left of the unit: before it, by position, and after the one on its left."""
    return unit.left - 0.025 * unit.size


def right_of(unit: Unit) -> float:
    """Where a mark stands just right of the unit, inside its right edge: after it and before the next."""
    return unit.right - 0.05 * unit.size


def reaches(line: list[Unit]) -> dict[int, float]:
    """Where each letter of a word that stands a little apart from the letter on its right should reach, by
    its index: to that letter's left edge.

    The font sets some letters apart (after a letter that does not join the
    next, 'أكسيد', 'الكربون'), and Poppler starts a new word, with a space,
    where a glyph's box ends more than 0.03 em before the next; pdfium too,
    further apart. So the glyph on the left is shown by a code as wide as the
    gap and itself: its box closes the gap. Spaces between words are units of
    their own and stay apart.
    """
    found = {}
    for index in range(1, len(line)):
        unit, right = line[index], line[index - 1]
        if unit.level % 2 and right.level % 2 and word_letter(unit.text) and word_letter(right.text) \
                and right.left > unit.right:
            found[index] = right.left
    return found


def word_letter(text: str) -> bool:
    return unicodedata.category(text[0])[0] in "LM"


def unit_draws(unit: Unit, marks: Marks | None, fonts: dict, reach: float) -> list[Draw]:
    """What to show for a unit, in stored order: its direction marks before, its glyphs, its marks after."""
    like = unit.glyphs[0]
    before = [Draw(x, mark_code(fonts[like.font], mark), like, hidden=True) for mark, x in marks.before] \
        if marks else []
    after = [Draw(x, mark_code(fonts[like.font], mark), like, hidden=True) for mark, x in marks.after] \
        if marks else []
    return before + glyph_draws(unit, fonts[like.font], reach) + after


def glyph_draws(unit: Unit, font, reach: float) -> list[Draw]:
    """A unit's glyphs as drawn, and for a ligature or a letter with marks, the invisible glyphs that carry
    its letters where they read in order (see the module's docstring); as drawn if any letter can't be.
    The glyph on the unit's right, and the carriers of its first letters, reach as far as reach."""
    alone = [Draw(glyph.x, glyph.glyph, glyph) for glyph in unit.glyphs]
    if unit.level % 2 == 0:
        return alone
    if len(unit.glyphs) == 1 and len(unit.text) == 1:
        glyph = unit.glyphs[0]
        if reach > unit.right:
            return [Draw(glyph.x, widened(font, glyph, reach, unit.text), glyph)]
        return [Draw(unit.left, mirrored(font, glyph.glyph, unit.text), glyph)]
    main = max(unit.glyphs, key=lambda glyph: glyph.width)
    others = [glyph for glyph in unit.glyphs if glyph is not main]
    letters = [index for index, ch in enumerate(unit.text) if unicodedata.category(ch) != "Mn"]
    if not letters or any(glyph.width for glyph in others):
        return alone
    last = letters[-1]
    found = [carrier(font, ch) for index, ch in enumerate(unit.text) if index != last]
    carried = [code for code in found if code is not None]
    if len(carried) < len(found):
        return alone
    font.to_unicode[main.glyph] = unit.text[last]
    step = APART * main.size
    right = [Draw(reach - step * (index + 1), code, main, True) for index, code in enumerate(carried[:last])]
    left = [Draw(main.x - step * (index + 1), code, main, True) for index, code in enumerate(carried[last:])]
    seen = [Draw(glyph.x, alias(font, glyph.glyph), glyph) for glyph in others]
    shown = main.glyph
    if reach > unit.right and main.x + main.width >= unit.right:
        shown = widened(font, main, reach, unit.text[last])
    return [*right, Draw(main.x, shown, main), *seen, *left]


def widened(font, glyph: Glyph, reach: float, text: str) -> int:
    """A code of its own that shows the glyph, reads as the text, and is as wide as from the glyph to reach
    (in thousandths of the size, rounded up: the box may overlap the next by less than that)."""
    width = math.ceil((reach - glyph.x) / glyph.size * 1000)
    code = extra_code(font, ("widened", glyph.glyph, width, text), text, glyph.glyph)
    font.widths[code] = width
    return code


def mirrored(font, glyph_id: int, character: str) -> int:
    """The code to show a glyph by: a bracket drawn mirrored among Arabic (the glyph of ')' for a '(')
    through a code of its own that reads as the bracket it stands for, the glyph's own code reading as
    its own character wherever it stands unmirrored."""
    own = [ch for ch in font_cmap(font).characters.get(glyph_id, ()) if unicodedata.mirrored(ch)]
    if not unicodedata.mirrored(character) or not own or character in own:
        return glyph_id
    font.to_unicode[glyph_id] = own[0]
    return extra_code(font, ("mirrored", glyph_id, character), character, glyph_id)


def carrier(font, letter: str) -> int | None:
    """The code that carries a letter invisibly: a code of its own, showing the font's glyph for the letter
    and reading as the letter, exactly APART em wide (a mark's glyph has no width, a letter's is wider):
    each carrier ends where the next one starts, so that no reader sees a gap between them."""
    glyph_id = font_cmap(font).get(ord(letter))
    if glyph_id is None:
        return None
    font.to_unicode.setdefault(glyph_id, letter)  # keeps the glyph in the subset font: an empty one is no text
    code = extra_code(font, ("carrier", letter), letter, glyph_id)
    font.widths[code] = round(APART * 1000)
    return code


def mark_code(font, mark: str) -> int:
    """A code of the font of its own, read as the direction mark and showing .notdef (unseen: invisible)."""
    return extra_code(font, mark, mark, 0)


def alias(font, glyph_id: int) -> int:
    """A second code that shows the same glyph and reads as a word joiner."""
    return extra_code(font, ("alias", glyph_id), WORD_JOINER, glyph_id)


def extra_code(font, key, text: str, glyph_id: int) -> int:
    """A code past the font's glyphs (WeasyPrint's for a character the font lacks), reading as text and
    showing the glyph (see show_extra_codes)."""
    code = font.get_unused_glyph_id(key)
    font.to_unicode[code], font.widths[code] = text, 0
    EXTRA_CODES.setdefault(font, {})[code] = glyph_id
    return code


def show_extra_codes(pdf, fonts: dict, dictionary) -> None:
    """Make each extra code a character (CID) of its own that shows its glyph.

    WeasyPrint writes, in the font's encoding, that a code for a character the
    font lacks is character 0 (.notdef). An extra code is made its own character
    instead, and a CIDToGIDMap shows it by its glyph: MuPDF reads text by
    character, not by code, so two codes of one character would read alike.
    When the font lacks no character really, its encoding is Identity-H again
    (pdfminer, under pdfplumber, reads no other) and the encoding's stream
    object becomes the CIDToGIDMap.
    """
    for font in fonts.values():
        extra = EXTRA_CODES.get(font)
        if not extra or font.hash not in dictionary:
            continue
        font_dictionary = pdf.objects[int(dictionary[font.hash].split()[0])]
        descendant = pdf.objects[int(font_dictionary["DescendantFonts"][0].split()[0])]
        encoding = pdf.objects[int(font_dictionary["Encoding"].split()[0])]
        to_glyphs = glyph_map([extra.get(cid, cid) for cid in range(max(extra) + 1)])
        if set(font.missing.values()) <= set(extra):
            font_dictionary["Encoding"] = "/Identity-H"
            encoding.stream, encoding.extra, encoding.compress = to_glyphs.stream, to_glyphs.extra, False
            to_glyphs = encoding
        else:
            encoding.stream = [own_character(line, extra) for line in encoding.stream]
            pdf.add_object(to_glyphs)
        descendant["CIDToGIDMap"] = to_glyphs.reference


def glyph_map(glyphs: list[int]) -> pydyf.Stream:
    """A CIDToGIDMap stream, each glyph number a row that PNG's Up filter writes as its difference from the
    one above (1, mostly): compressed, a few dozen bytes where the plain numbers take kilobytes."""
    rows, above = [], b"\0\0"
    for glyph in glyphs:
        row = glyph.to_bytes(2, "big")
        rows.append(b"\2" + bytes((now - then) % 256 for now, then in zip(row, above)))
        above = row
    parameters = pydyf.Dictionary({"Predictor": 12, "Colors": 1, "BitsPerComponent": 16, "Columns": 1})
    return pydyf.Stream([zlib.compress(b"".join(rows))],
                        pydyf.Dictionary({"Filter": "/FlateDecode", "DecodeParms": parameters}))


def own_character(line, extra: dict[int, int]):
    """An encoding line '<code> 0' of an extra code as '<code> code'."""
    match = re.fullmatch(rb"<([0-9a-f]{4})> 0", line) if isinstance(line, bytes) else None
    if match and int(match[1], 16) in extra:
        return f"<{match[1].decode()}> {int(match[1], 16)}".encode()
    return line


def placed(draws: list[Draw], fonts: dict) -> Iterator[bytes]:
    """The operators that draw the glyphs in this order, each at its place, writing each state only when
    it changes (the content stream of a page of Arabic grows by a tenth as it is)."""
    font, rise, invisible, pen = ("", 0.0), 0.0, False, 0.0
    for draw in draws:
        like = draw.like
        size = like.size + LARGER if draw.hidden else like.size
        if (like.font, size) != font:
            font = like.font, size
            yield f"/{like.font} {number(size)} Tf".encode()
        if like.rise != rise:
            rise = like.rise
            yield f"{number(rise)} Ts".encode()
        if draw.hidden != invisible:
            invisible = draw.hidden
            yield b"3 Tr" if invisible else b"0 Tr"
        step = round(draw.x - pen, 3)
        pen += step
        yield f"{number(step)} 0 Td <{draw.code:04x}> Tj".encode()
    if invisible:
        yield b"0 Tr"
    if rise:
        yield b"0 Ts"


class FontCmap(dict):
    """A font's characters to glyph ids, and each glyph's characters."""

    def __init__(self, font):
        from fontTools.ttLib import TTFont

        data = font.file_content
        with TTFont(io.BytesIO(data), fontNumber=font.index if data[:4] == b"ttcf" else -1, lazy=True) as face:
            order = face.getGlyphOrder()
            ids = {name: number for number, name in enumerate(order)}
            super().__init__({code: ids[name] for code, name in face.getBestCmap().items()})
            self.characters: dict[int, list[str]] = {}
            for code, glyph_id in sorted(self.items()):
                self.characters.setdefault(glyph_id, []).append(chr(code))


def font_cmap(font) -> FontCmap:
    if font not in CMAPS:
        CMAPS[font] = FontCmap(font)
    return CMAPS[font]


def number(value: float) -> str:
    """A number as the content stream writes it: short, and the same on every machine."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
