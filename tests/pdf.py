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
