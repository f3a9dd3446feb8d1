"""The pinned fonts for each script, and a check that they cover every character to print.

Latin and Arabic fonts come from pip packages (pinned in pyproject.toml);
Noto Sans CJK comes from Debian's fonts-noto-cjk, installed by `make`. No other
font on the machine is ever used: a character none of these fonts has is an
error before printing, not an empty box on paper.

Arabic is printed in IBM Plex Sans Arabic, not Noto Sans Arabic: Noto builds
Arabic letters from a shared skeleton plus separate dot glyphs, and WeasyPrint
70 maps each glyph to one piece of text, so a PDF set in Noto Sans Arabic reads
back wrong ("العخلي" for "العضلي") to screen readers, search and copy-paste.
Plex maps one glyph to one letter and reads back exactly (tests/test_languages.py).

Noto Sans CJK is subset before WeasyPrint sees it, to the characters of the
text being printed: WeasyPrint keeps every glyph's number when it subsets, so
from the whole 65,000-glyph font each PDF would carry tens of thousands of
empty glyph slots (about 375 KB). The subsets are kept in the project's
.cache/fonts/, or, where that can't be written, in a folder private to the
process; a kept subset is used only when it still covers every character.

Noto Sans CJK's CFF is CID-keyed: its charset gives each glyph a CID, and
after subsetting glyph 514 may still hold CID 15808. WeasyPrint writes glyph
numbers as CIDs (Identity), which Poppler takes as glyph numbers but MuPDF and
Ghostscript look up through the charset: they drew nothing, or .notdef boxes.
So each subset is renumbered so that glyph i is CID i (identity_cids).
"""

import atexit
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import fontpkg_atkinson_hyperlegible
import fontpkg_ibm_plex_sans_arabic

CJK_FOLDER = Path("/usr/share/fonts/opentype/noto")
SUBSET_FORMAT = 2  # in the name of every kept subset: 2 = CIDs renumbered to glyph ids
GENERATED = "\u2022\u00a0"  # printed by the stylesheet, not the text: list bullets, no-break spaces


@dataclass(frozen=True)
class Face:
    """One font file (or one face of a collection) at one weight."""

    family: str
    weight: int
    path: Path
    index: int = 0
    packaged: bool = True  # from a pip package; else from the system, subset before use

    @property
    def css_family(self) -> str:
        """The family name the stylesheet uses: a subset gets a name of its own, so the
        system's full font of the same name is never picked instead."""
        return self.family if self.packaged else f"{self.family} Subset"


def _atkinson(style: str) -> Path:
    return fontpkg_atkinson_hyperlegible.ROOT / "files" / f"AtkinsonHyperlegible-{style}.ttf"



def _plex_arabic(style: str) -> Path:
    return fontpkg_ibm_plex_sans_arabic.ROOT / "files" / f"IBMPlexSansArabic-{style}.ttf"


#: Upright faces only: clear print uses bold, never italics, for emphasis.
LATIN = (
    Face("Atkinson Hyperlegible", 400, _atkinson("Regular")),
    Face("Atkinson Hyperlegible", 700, _atkinson("Bold")),
)
ARABIC = (
    Face("IBM Plex Sans Arabic", 400, _plex_arabic("Regular")),
    Face("IBM Plex Sans Arabic", 700, _plex_arabic("Bold")),
)
CJK_SC = (
    Face("Noto Sans CJK SC", 400, CJK_FOLDER / "NotoSansCJK-Regular.ttc", index=2, packaged=False),
    Face("Noto Sans CJK SC", 700, CJK_FOLDER / "NotoSansCJK-Bold.ttc", index=2, packaged=False),
)


SCRIPTS = {"ar": "Arabic", "zh": "Chinese"}  # by language; every other language is Latin


def script_of(lang: str) -> str:
    return SCRIPTS.get(lang.split("-")[0].lower(), "Latin")


def faces_for(lang: str) -> tuple[Face, ...]:
    """The faces a language is printed with, in fallback order."""
    script = script_of(lang)
    if script == "Arabic":
        return ARABIC + LATIN
    if script == "Chinese":
        # Noto Sans CJK's own Latin letters and digits sit better in Chinese text,
        # and one font family instead of two keeps the PDF small.
        return CJK_SC + LATIN
    return LATIN


def families_for(lang: str) -> list[str]:
    return list(dict.fromkeys(face.css_family for face in faces_for(lang)))


def font_folders(cache: Path | None) -> set[Path]:
    """Folders the renderer may read fonts from, and nothing else."""
    return {face.path.parent for face in LATIN + ARABIC} | {subset_folder(cache)}


def subset_folder(cache: Path | None) -> Path:
    """Where font subsets are kept: the project's cache, else a folder of this process's own."""
    return cache if cache is not None else private_folder()


@lru_cache(maxsize=1)
def private_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="leafletpress-fonts-"))  # mode 0700: no one else writes here
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def font_file(face: Face, text: str, cache: Path | None) -> Path:
    """The file to load for a face: its own, or for a system font a subset to the text's characters."""
    if face.packaged:
        return face.path
    characters = "".join(sorted(set(text) | set(map(chr, range(0x20, 0x7F))) | set(GENERATED)))
    key = hashlib.sha256(f"{SUBSET_FORMAT}:{face.path}:{face.index}:{characters}".encode()).hexdigest()[:16]
    target = subset_folder(cache) / f"{face.path.stem}-{face.index}-{key}.otf"
    if not covers(target, characters, face):
        subset_font(face, characters, target)
    return target


def covers(path: Path, characters: str, face: Face) -> bool:
    """Whether the font file is whole and has a glyph for every printable character asked for.

    A subset left truncated by a full disk, or changed by hand, is made again
    rather than letting the text fall back to another font.
    """
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=False) as font:
            cmap = font.getBestCmap() or {}
            font["CFF "] if "CFF " in font else font["glyf"]
    except Exception:  # missing, truncated or not a font: fontTools raises many kinds
        return False
    wanted = coverage(face.path, face.index)
    return all(ord(ch) in cmap for ch in characters if ord(ch) in wanted)


def subset_font(face: Face, characters: str, target: Path) -> None:
    """Keep the glyphs for these characters (and what OpenType layout reaches from them)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features, options.name_IDs, options.hinting = ["*"], ["*"], False
    options.notdef_outline = True
    from .errors import RenderError, display
    from .files import signals_held

    temporary: Path | None = None
    try:
        with TTFont(face.path, fontNumber=face.index, recalcTimestamp=False) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(text=characters)
            subsetter.subset(font)
            renumbered = identity_cids(font)
        for attempt in range(3):  # `make clean` may remove the folder while another build runs
            try:
                with signals_held():  # Ctrl-C waits for the file to be whole or gone
                    target.parent.mkdir(parents=True, exist_ok=True)
                    # A name no other writer can hold, not even one with the same process id in
                    # another container sharing the folder: two writes never meet in one file.
                    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
                    temporary = Path(name)
                    with os.fdopen(handle, "wb") as stream:
                        stream.write(renumbered)
                    os.chmod(temporary, 0o644)
                    os.replace(temporary, target)  # another worker may have written the same: same bytes
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
    except OSError as error:  # a full disk or a folder that can't be written: no half font is left
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise RenderError(f"{display(target)}: cannot write a subset of {face.family}: "
                          f"{error.strerror or error}") from None


def identity_cids(font) -> bytes:
    """The font's bytes with every glyph of a CID-keyed CFF renumbered so that its CID is its glyph id.

    Only the CFF charset changes: the other tables refer to glyphs by number,
    so they are copied as they are, from a fresh reading of the saved font.
    """
    import io

    from fontTools.ttLib import TTFont

    saved = io.BytesIO()
    font.save(saved)
    if "CFF " not in font or not hasattr(font["CFF "].cff.topDictIndex[0], "ROS"):
        return saved.getvalue()
    with TTFont(io.BytesIO(saved.getvalue()), recalcBBoxes=False, recalcTimestamp=False) as fresh:
        top = fresh["CFF "].cff.topDictIndex[0]
        names = [".notdef"] + [f"cid{cid:05d}" for cid in range(1, len(top.charset))]
        char_strings = top.CharStrings.charStrings  # name -> index in the CharStrings INDEX
        renamed = {new: char_strings[old] for old, new in zip(top.charset, names)}
        top.charset, top.CharStrings.charStrings, top.CIDCount = names, renamed, len(names)
        fresh.setGlyphOrder(names)
        result = io.BytesIO()
        fresh.save(result)
    return result.getvalue()


@cache
def coverage(path: Path, index: int) -> frozenset[int]:
    """Every code point a font file (or one face of a collection) has a glyph for."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap())
    except OSError:
        return frozenset()


def missing_characters(text: str, lang: str) -> list[str]:
    """The characters of text that no font for the language can print, in order of appearance."""
    covered: set[int] = set()
    for face in faces_for(lang):
        covered |= coverage(face.path, face.index)
    return list(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in covered
                              and not _invisible(ch)))


def _invisible(ch: str) -> bool:
    # Bidi marks, joiners and the like shape text but print nothing.
    return ch in "\u200b\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad"


def describe(ch: str) -> str:
    import unicodedata
    return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})"


def require_coverage(text: str, lang: str, sources: list[Path]) -> None:
    """Raise a SourceError naming the characters no font can print, and where the first one is."""
    from .errors import SourceError

    missing = missing_characters(text, lang)
    if not missing:
        return
    path, line = find_character(missing[0], sources)
    shown = ", ".join(describe(ch) for ch in missing[:5]) + (" …" if len(missing) > 5 else "")
    fonts = ", ".join(families_for(lang))
    raise SourceError(path, f"no font for {lang!r} ({fonts}) can print {shown}: "
                      "it would print as an empty box", line)


def find_character(ch: str, sources: list[Path]) -> tuple[Path, int | None]:
    """The first of the files holding the character, and its line; the first file when none does."""
    for path in sources:
        try:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if ch in line:
                    return path, number
        except OSError:
            continue
    return sources[0], None
