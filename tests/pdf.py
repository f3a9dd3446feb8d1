"""Reading PDFs for the tests: text with pypdf, sizes with pdfplumber, structure with pikepdf."""

from pathlib import Path

import pdfplumber
import pikepdf
from pypdf import PdfReader

MM = 72 / 25.4


def text(path: Path, pages: list[int] | None = None) -> str:
    """The PDF's text in reading order, pages joined, whitespace collapsed."""
    reader = PdfReader(path)
    chosen = [reader.pages[i] for i in pages] if pages is not None else reader.pages
    return " ".join(" ".join(page.extract_text().split()) for page in chosen)


def page_sizes_mm(path: Path) -> set[tuple[int, int]]:
    reader = PdfReader(path)
    return {(round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM))
            for p in reader.pages}


def char_sizes(path: Path) -> list[tuple[float, str]]:
    """Every printed character's size in points, with the character."""
    with pdfplumber.open(path) as pdf:
        return [(round(char["size"], 2), char["text"]) for page in pdf.pages for char in page.chars
                if char["text"].strip()]


def font_names(path: Path) -> set[str]:
    with pdfplumber.open(path) as pdf:
        return {char["fontname"].split("+")[-1] for page in pdf.pages for char in page.chars}


def structure(path: Path) -> list[tuple[int, str]]:
    """The tag tree as (depth, tag) pairs in document order."""
    return [(depth, str(node["/S"])) for depth, node in tag_nodes(path)]


def figure_alts(path: Path) -> list[str]:
    return [str(node.get("/Alt", "")) for _, node in tag_nodes(path) if node["/S"] == "/Figure"]


def tag_nodes(path: Path) -> list[tuple[int, "pikepdf.Dictionary"]]:
    """Every structure element with its depth, in document order."""
    with pikepdf.open(path) as pdf:
        found: list = []
        _walk(pdf.Root.StructTreeRoot, 0, found)
        return [(depth, {key: node.get(key) for key in ("/S", "/Alt")}) for depth, node in found]


def _walk(node, depth: int, found: list) -> None:
    if node.get("/S") is not None:
        found.append((depth, node))
    kids = node.get("/K")
    if isinstance(kids, pikepdf.Dictionary):
        kids = [kids]
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary):
                _walk(kid, depth + 1, found)


def embedded_fonts(path: Path) -> dict[str, bool]:
    """Each font's base name and whether its program is embedded."""
    fonts = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.get("/FontDescriptor", {})
                name = str(font.BaseFont).split("+")[-1]
                fonts[name] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


# --- Text as each reader gets it -----------------------------------------------------------------------

def text_by(reader: str, path: Path) -> str:
    """The PDF's text as a reader gives it: 'pdftotext' (Poppler), 'mutool' (MuPDF), 'pdfium', or 'tags'
    (what a screen reader reads: the text of each marked-content sequence, in the order of the tag tree)."""
    import subprocess

    if reader == "pdftotext":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if reader == "mutool":
        return subprocess.run(["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(path)],
                              capture_output=True, text=True, check=True).stdout
    if reader == "pdfium":
        import pypdfium2

        document = pypdfium2.PdfDocument(str(path))
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()
    if reader == "tags":
        return tagged_text(path)
    raise ValueError(reader)


def tagged_text(path: Path) -> str:
    """The text of every marked-content sequence the tag tree reaches, in the tree's order, one per line.

    A sequence's /ActualText, when it has one, stands for its glyphs; glyphs are
    read through their font's ToUnicode map (two-byte codes: WeasyPrint writes
    Identity-H fonts only).
    """
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: marked_texts(page) for page in pdf.pages}
        found: list[str] = []
        _tree_text(pdf.Root.StructTreeRoot, None, pages, found)
    return "\n".join(found)


def _tree_text(node, page, pages: dict, found: list[str]) -> None:
    page = node.get("/Pg", page)
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, int):
            found.append(pages.get(page.objgen, {}).get(int(kid), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            owner = kid.get("/Pg", page)
            found.append(pages.get(owner.objgen, {}).get(int(kid.MCID), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
            _tree_text(kid, page, pages, found)


def marked_texts(page) -> dict[int, str]:
    """Each MCID of the page with the text drawn inside its sequence, in the order it is drawn."""
    maps = {name: _to_unicode(font) for name, font in (page.Resources.get("/Font") or {}).items()}
    texts: dict[int, list[str]] = {}
    stack: list[tuple[int | None, bool]] = []  # (MCID, replaced by ActualText) of each open sequence
    font: dict[int, str] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            properties = operands[1] if name == "BDC" and isinstance(operands[1], pikepdf.Dictionary) else {}
            mcid = int(properties["/MCID"]) if "/MCID" in properties else (stack[-1][0] if stack else None)
            actual = "/ActualText" in properties
            if actual and mcid is not None:
                texts.setdefault(mcid, []).append(str(properties["/ActualText"]))
            stack.append((mcid, actual or bool(stack and stack[-1][1])))
        elif name == "EMC" and stack:
            stack.pop()
        elif name == "Tf":
            font = maps.get(str(operands[0]), {})
        elif name in ("Tj", "TJ") and stack and stack[-1][0] is not None and not stack[-1][1]:
            shown = operands[0] if name == "TJ" else [operands[0]]
            codes = b"".join(bytes(piece) for piece in shown if isinstance(piece, pikepdf.String))
            texts.setdefault(stack[-1][0], []).append(
                "".join(font.get(int.from_bytes(codes[i:i + 2], "big"), "") for i in range(0, len(codes), 2)))
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


def _to_unicode(font) -> dict[int, str]:
    """A Type 0 font's ToUnicode map: code to text (bfchar and bfrange entries)."""
    import re

    if "/ToUnicode" not in font:
        return {}
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    found: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, value in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            found[int(code, 16)] = bytes.fromhex(value).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, value in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(value, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code] = chr(start + offset)
    return found
