"""The leaflet in braille: a Braille Ready File (BRF) per leaflet × language, through liblouis.

The braille says what the PDF says: it walks the same Document (title block
and notices, sections with the figure, the questions and care-team boxes,
the About box last), translated by liblouis with each language's table, and
lays it out as braille transcribers do: pages of 40 cells × 25 lines, the
braille page number at the right of line 1, headings centred and set off by
blank lines, paragraphs indented two cells, list items one per line with
their runover lines indented two cells, and the picture replaced by its
description. The file is North American ASCII braille (the 64 characters of
the BRF format), lines ending in a newline, pages parted by a form feed.

liblouis is called through ctypes, not its command-line tool: one library
load serves every leaflet in the process (no process per paragraph or per
file), bold runs pass as a typeform so the table can mark them, and the
tests back-translate with the same library. Only Debian's liblouis20 and
liblouis-data are needed; the venv need not see the python3-louis binding.
"""

import ctypes
import ctypes.util
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from ..document import BULLET, Document, block_text, build_document
from ..errors import LeafletError
from ..fonts import describe
from ..model import Figure, Leaflet, ListBlock, Paragraph, Run, Subheading
from ..request import Options

CELLS, LINES = 40, 25
BLANK = "\u2800"  # the empty braille cell, as liblouis' unicode.dis writes a space
SEPARATOR = " \u00b7 "  # how print parts fields on one line; braille gives each a line
HEADING_MARGIN = 3  # blank cells either side of a centred heading, at least

#: The six-dot cells in North American ASCII braille, indexed by their dots (dot n is bit n-1):
#: the 64 characters a BRF may hold (tests compare it with liblouis' own en-us-brf.dis).
ASCII_BRAILLE = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
BRF_CHARACTERS = frozenset(ASCII_BRAILLE) | {"\n", "\f"}


@dataclass(frozen=True)
class BrailleTable:
    """The liblouis table a language is written with, and what kind of braille it makes."""

    file: str
    name: str
    contracted: bool
    back_translates: bool  # liblouis can read this braille back into print
    caveat: str = ""  # what the braille can't carry faithfully, for `check`


#: By language (the part before any '-'). Contracted braille where liblouis ships a table for it.
TABLES = {
    "en": BrailleTable("en-ueb-g2.ctb", "Unified English Braille, grade 2", True, True),
    # es-g2.ctb translates forward only: its braille reads back in part (see tests/test_braille.py).
    "es": BrailleTable("es-g2.ctb", "Spanish contracted braille", True, False),
    "ar": BrailleTable("ar-ar-g2.ctb", "Arabic contracted braille", True, True),
    "fr": BrailleTable("fr-bfu-g2.ctb", "French contracted braille", True, True),
    "zh": BrailleTable("zhcn-cbs.ctb", "Chinese common braille (national common braille scheme)", False, False,
                       "Chinese braille spells each word's sound, not its characters: words that sound "
                       "alike are written alike, and liblouis can't read it back to characters"),
}


def table_for(lang: str) -> BrailleTable:
    table = TABLES.get(lang.split("-")[0].lower())
    if table is None:
        raise LeafletError(f"no braille table for language {lang!r}; braille is made for "
                           f"{', '.join(sorted(TABLES))}")
    return table


def braille_filename(options: Options, leaflet_id: str) -> str:
    """The BRF's name: the standard PDF's, with .brf (paper, engine and print size don't apply)."""
    plain = replace(options, large_print=False, paper="a4", booklet=False, engine=Options("en").engine)
    return plain.filename(leaflet_id).removesuffix(".pdf") + ".brf"


# --- liblouis --------------------------------------------------------------------------------------

BOLD = 4  # liblouis' typeform for bold (emph_3)


@cache
def liblouis() -> ctypes.CDLL:
    name = ctypes.util.find_library("louis") or "liblouis.so.20"
    try:
        library = ctypes.CDLL(name)
    except OSError:
        raise LeafletError("liblouis is not installed; braille needs Debian's liblouis20 and liblouis-data "
                           "(apt-get install liblouis20 liblouis-data)") from None
    library.lou_charSize.restype = ctypes.c_int
    if library.lou_charSize() not in (2, 4):
        raise LeafletError("liblouis has an unexpected character size; braille can't be made with it")
    library.lou_setLogLevel(40000)  # errors only: a table's warnings are not the reader's concern
    return library


def widechar():
    return ctypes.c_uint32 if liblouis().lou_charSize() == 4 else ctypes.c_uint16


def louis(table: str, text: str, typeform: list[int] | None = None, back: bool = False) -> str:
    """text through liblouis (to braille, or back with back=True), cells as Unicode braille (U+2800…)."""
    if not text:
        return ""
    library, kind = liblouis(), widechar()
    codes = [32 if unicodedata.category(ch) == "Zs" else ord(ch) for ch in text]  # no-break spaces too
    if kind is ctypes.c_uint16 and max(codes) > 0xFFFF:
        raise LeafletError(f"liblouis here can't take characters beyond U+FFFF: {text[:40]!r}")
    tables = f"unicode.dis,{table}".encode()
    size = len(codes) * 8 + 64
    while True:
        source, length = (kind * len(codes))(*codes), ctypes.c_int(len(codes))
        out, out_length = (kind * size)(), ctypes.c_int(size)
        forms = (ctypes.c_uint16 * size)(*typeform) if typeform and any(typeform) else None
        call = library.lou_backTranslateString if back else library.lou_translateString
        if not call(tables, source, ctypes.byref(length), out, ctypes.byref(out_length), forms, None, 0):
            raise LeafletError(f"liblouis could not translate with {table} (is liblouis-data installed?)")
        if length.value >= len(codes) or size > 64 * len(codes):
            return "".join(chr(out[i]) for i in range(out_length.value))
        size *= 4  # the output filled the buffer before the input ran out


def without_braille(lang: str, text: str) -> list[str]:
    """The characters of text the language's table has no braille for (liblouis writes them as an escape
    in eight-dot cells, which a BRF can't hold)."""
    table = table_for(lang).file
    return [ch for ch in sorted(set(text) - {SEPARATOR[1]}) if not ch.isspace()
            and any(ord(cell) - 0x2800 >= 64 for cell in louis(table, ch))]


def to_ascii(cells: str) -> str:
    """Unicode braille as ASCII braille; a cell with dots 7 or 8 has no BRF character."""
    ascii_cells = []
    for cell in cells:
        dots = ord(cell) - 0x2800
        if not 0 <= dots < 64:
            raise LeafletError(f"liblouis wrote {cell!r} (U+{ord(cell):04X}), which six-dot braille can't hold")
        ascii_cells.append(ASCII_BRAILLE[dots])
    return "".join(ascii_cells)


def from_ascii(text: str) -> str:
    """ASCII braille as Unicode braille (for back-translation)."""
    return "".join(BLANK if ch in " \n\f" else chr(0x2800 + ASCII_BRAILLE.index(ch)) for ch in text.upper())


def back_translate(brf: str, lang: str) -> str:
    """A BRF read back into print by liblouis, line by line (page numbers included)."""
    table = table_for(lang).file
    return "\n".join(louis(table, from_ascii(line), back=True) for line in brf.replace("\f", "\n").split("\n"))


def runs_braille(table: str, runs: tuple[Run, ...]) -> str:
    text = "".join(run.text for run in runs)
    forms = [BOLD if run.strong else 0 for run in runs for _ in run.text]
    return louis(table, text, forms)


def braille_key(lang: str) -> bytes:
    """What a BRF is made with besides the generator: liblouis' version and the language's table."""
    library = liblouis()
    library.lou_version.restype = ctypes.c_char_p
    return b"brf:" + library.lou_version() + b":" + table_for(lang).file.encode()


def carries_bold(lang: str) -> bool:
    """Whether the language's table marks bold text (UEB does; some tables drop the typeform)."""
    table = table_for(lang).file
    word = "warning"
    return louis(table, word, [BOLD] * len(word)) != louis(table, word)


# --- Layout ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """Lines of braille that belong together; keep: not to end a page without the block after it."""

    lines: tuple[str, ...]
    keep: bool = False


def wrap(cells: str, first: int = 0, runover: int = 0, width: int = CELLS) -> list[str]:
    """Braille words (parted by blank cells) in lines of at most width cells, with indents.

    A word longer than a line (a web address) is divided where the line ends.
    """
    words = [word for word in cells.split(BLANK) if word]
    lines: list[str] = []
    line = ""
    for word in words:
        indent = first if not lines else runover
        if line and len(line) + 1 + len(word) <= width:
            line += BLANK + word
            continue
        if line:
            lines.append(line)
            indent = runover
        line = BLANK * indent
        while len(line) + len(word) > width:
            room = width - len(line)
            lines.append(line + word[:room])
            word, line = word[room:], BLANK * runover
        line += word
    if line.strip(BLANK):
        lines.append(line)
    return [to_ascii(line) for line in lines]


def centred(cells: str) -> list[str]:
    lines = wrap(cells, width=CELLS - 2 * HEADING_MARGIN)
    return [" " * ((CELLS - len(line)) // 2) + line for line in lines]


class Transcriber:
    """A document in one language's braille, block by block."""

    def __init__(self, document: Document):
        self.document, self.table = document, table_for(document.lang).file

    def cells(self, text: str) -> str:
        return louis(self.table, text)

    def heading(self, text: str) -> list[Block]:
        return [Block(("",)), Block(tuple(centred(self.cells(text))), keep=True), Block(("",))]

    def subheading(self, text: str) -> list[Block]:
        return [Block(("",)), Block(tuple(wrap(self.cells(text), 4, 4)), keep=True)]

    def paragraph(self, cells: str) -> Block:
        return Block(tuple(wrap(cells, 2, 0)))

    def item(self, cells: str) -> Block:
        return Block(tuple(wrap(cells, 0, 2)))

    def items(self, text: str) -> list[Block]:
        """Fields the print parts with a middle dot ('Published: … · Version 1.0'), one to a line."""
        return [self.item(self.cells(field)) for field in text.split(SEPARATOR) if field.strip()]

    def note(self, text: str) -> list[Block]:
        """A description set in from the margin, as a transcriber's note is."""
        return [Block(("",)), Block(tuple(wrap(self.cells(text), 6, 4))), Block(("",))]

    def figure(self, figure: Figure) -> list[Block]:
        document = self.document
        return self.note(f"{document.picture_label}: {figure.alt} {figure.caption} "
                         f"{document.credit_label}: {figure.credit}")

    def block(self, block) -> list[Block]:
        match block:
            case Paragraph(runs=runs):
                return [Block(self.paragraph(runs_braille(self.table, runs)).lines, keep=block.introduces_list)]
            case ListBlock(items=items, ordered=ordered):
                return [self.item(runs_braille(self.table, (Run(f"{number}. "), *item) if ordered else item))
                        for number, item in enumerate(items, 1)]
            case Subheading(text=text):
                return self.subheading(text)
            case Figure():
                return self.figure(block)
        return [self.paragraph(self.cells(block_text(block)))]

    def blocks(self) -> list[Block]:
        """Everything the PDF prints, in order, but the lines to write on; the About box last."""
        document, title = self.document, self.document.title_block
        out = []
        if title.banner:
            out += [Block(tuple(centred(self.cells(title.banner.name))))]
        out += [Block(tuple(centred(self.cells(title.title)))), Block(tuple(centred(self.cells(title.subtitle))))]
        for text in (*title.warnings, *title.notices):
            out += [Block(("",)), self.paragraph(self.cells(text))]
        for text in (title.dates, title.partial):
            out += [Block(("",)), *self.items(text)] if text else []
        for section in document.sections:
            out += self.heading(section.heading)
            for block in section.before:
                out += self.block(block)
            if section.figure:
                out += self.figure(section.figure)
            for block in (*section.beside, *section.rest):
                out += self.block(block)
        questions, contact = document.questions, document.contact
        out += self.heading(questions.heading) + [self.paragraph(self.cells(questions.lead))]
        out += self.heading(contact.heading) + [self.paragraph(self.cells(contact.lead))]
        details = [contact.clinic_name, *contact.clinic_address, *(f"{d.label}: {d.value}" for d in contact.details)]
        out += [self.item(self.cells(line)) for line in details if line]
        if document.notes and document.notes.note:
            out += self.heading(document.notes.heading) + [self.paragraph(self.cells(document.notes.note))]
        about = document.about
        out += self.heading(about.heading) + [block for line in about.lines for block in self.items(line)]
        if about.online:
            out += [self.item(self.cells(f"{about.online.lead} {about.online.url}"))]
        out += self.subheading(about.sources_heading)
        out += [self.item(self.cells(f"{source.text} {source.url}")) for source in about.sources]
        return out


def paginate(blocks: list[Block], number) -> list[list[str]]:
    """Blocks on pages of LINES lines: line 1 holds the page number at the right, the text follows.

    No page opens with a blank line, and a heading (or a sentence that
    introduces a list) never ends a page without the first line after it.
    number(n) is braille page number n, in the language's braille.
    """
    room = LINES - 1
    pages: list[list[str]] = [[]]
    for index, block in enumerate(blocks):
        page = pages[-1]
        lines = list(block.lines)
        if lines == [""]:
            if page and page[-1] != "":
                page.append("")
            continue
        if page and len(page) + min(lines_needed(blocks, index), room) > room:
            pages.append([])
        for line in lines:
            if len(pages[-1]) == room:
                pages.append([])
            pages[-1].append(line)
    pages = [trimmed(page) for page in pages if trimmed(page)]
    return [[page_number_line(number(n)), *page] for n, page in enumerate(pages, 1)]


def lines_needed(blocks: list[Block], index: int) -> int:
    """The lines a block needs on the page it starts: text may run on, but not leave one line behind; a kept
    block goes whole, with the blank lines after it and what the next block needs (a heading, the sentence
    that introduces a list, the list's first item: a chain kept together)."""
    block = blocks[index]
    if not block.keep:
        return min(len(block.lines), 2)
    needed = len(block.lines)
    for following in range(index + 1, len(blocks)):
        if blocks[following].lines != ("",):
            return needed + lines_needed(blocks, following)
        needed += 1
    return needed


def trimmed(page: list[str]) -> list[str]:
    while page and page[-1] == "":
        page = page[:-1]
    while page and page[0] == "":
        page = page[1:]
    return page


def page_number_line(number: str) -> str:
    return " " * (CELLS - len(number)) + number


def render_brf(document: Document) -> bytes:
    """The document as a Braille Ready File: ASCII braille, newline line ends, a form feed between pages."""
    missing = without_braille(document.lang, braille_text(document))
    if missing:
        from ..errors import SourceError
        from ..fonts import find_character

        path, line = find_character(missing[0], list(document.sources))  # the note is typed, not in a file
        where = "the note" if document.notes and missing[0] in document.notes.note else "the source"
        raise SourceError(path, f"{table_for(document.lang).name} (liblouis {table_for(document.lang).file}) "
                                f"has no braille for {describe(missing[0])}; write it another way in {where}", line)
    transcriber = Transcriber(document)
    pages = paginate(transcriber.blocks(), lambda n: to_ascii(transcriber.cells(str(n))))
    text = "\f".join("\n".join(line.rstrip() for line in page) + "\n" for page in pages)
    if set(text) - BRF_CHARACTERS:
        raise LeafletError(f"the braille holds characters a BRF can't: {sorted(set(text) - BRF_CHARACTERS)[:5]}")
    return text.encode("ascii")


def braille_text(document: Document) -> str:
    """The text the braille holds: what the PDF prints (not its list bullets) and the pictures' descriptions."""
    alts = [section.figure.alt for section in document.sections if section.figure]
    return "\n".join([document.printed_text().replace(BULLET, ""), *alts])


def braille_document(leaflet: Leaflet, options: Options) -> Document:
    """What the braille says: the standard print document of the same options."""
    return build_document(leaflet, replace(options, large_print=False))


def render_braille(leaflet: Leaflet, options: Options) -> bytes:
    table_for(options.lang)
    return render_brf(braille_document(leaflet, options))
