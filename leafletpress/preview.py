"""A page-1 thumbnail of every PDF in a build folder, and an index.html listing them all.

The index groups PDFs by leaflet, then language, so a clinician finds the
right one at a glance: each card shows page 1, what kind of PDF it is, its
page count and size, and links to it.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel import Locale

from . import __version__
from .files import write_atomic
from .html import TEMPLATES
from .i18n import babel_locale
from .model import Leaflet
from .options import PAPERS

THUMBNAILS = "thumbnails"
THUMBNAIL_WIDTH = 240  # pixels
GALLERY_MARK = '<meta name="generator" content="leafletpress'


@dataclass(frozen=True)
class Entry:
    """One PDF in the gallery."""

    pdf: Path
    thumbnail: Path
    leaflet: Leaflet
    lang: str
    labels: tuple[str, ...]
    pages: int

    @property
    def size_kb(self) -> int:
        return round(self.pdf.stat().st_size / 1024)


def describe(name: str, leaflet: Leaflet) -> tuple[str, tuple[str, ...]] | None:
    """The language and the labels a PDF's file name stands for, or None if it is not this leaflet's."""
    parts = name.removesuffix(".pdf").split(".")
    if parts[0] != leaflet.id or len(parts) < 2 or parts[1] not in leaflet.translations:
        return None
    headings = {s.id: s.heading for s in leaflet.translations[parts[1]].sections}
    words = {"large-print": "Large print", "booklet": "Booklet to fold", "notes": "With notes page",
             **{paper: paper.upper() if paper.startswith("a") else paper.title() for paper in PAPERS},
             "reportlab": "ReportLab proof"}
    labels = [words.get(part) or (f"Only: {headings[part]}" if part in headings else part)
              for part in parts[2:]]
    return parts[1], tuple(labels) or ("Standard print",)


def thumbnail(pdf: Path, target: Path) -> int:
    """Page 1 of the PDF as a PNG (redrawn only when the PDF is newer); the PDF's page count."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = len(document)
        if not target.exists() or target.stat().st_mtime_ns < pdf.stat().st_mtime_ns:
            page = document[0]
            image = page.render(scale=THUMBNAIL_WIDTH / page.get_width()).to_pil()
            png = BytesIO()
            image.save(png, format="PNG", optimize=True)
            write_atomic(target, png.getvalue())
        return pages
    finally:
        document.close()


def collect(folder: Path, leaflets: list[Leaflet]) -> list[Entry]:
    entries = []
    for pdf in sorted(folder.glob("*.pdf")):
        for leaflet in leaflets:
            found = describe(pdf.name, leaflet)
            if found:
                target = folder / THUMBNAILS / f"{pdf.stem}.png"
                entries.append(Entry(pdf, target, leaflet, found[0], found[1], thumbnail(pdf, target)))
                break
    return entries


def variant_order(entry: Entry) -> tuple:
    """Standard print first, then large print, then the rest by name."""
    return (entry.labels != ("Standard print",), entry.labels != ("Large print",), entry.labels)


def language_name(lang: str) -> str:
    """The language's own name, with the English one beside it: 'español (Spanish)'."""
    locale = babel_locale(lang)
    own, english = locale.display_name, locale.get_display_name(Locale.parse("en"))
    return own if own == english else f"{own} ({english})"


def gallery_files(folder: Path, pdfs: list[Path]) -> list[Path]:
    """The files preview wrote for these PDFs: their thumbnails, and the gallery page if it is ours."""
    found = [folder / THUMBNAILS / f"{pdf.stem}.png" for pdf in pdfs]
    index, stylesheet = folder / "index.html", folder / "gallery.css"
    try:
        if index.is_file() and GALLERY_MARK in index.read_text(encoding="utf-8", errors="replace"):
            found.append(index)
        if stylesheet.is_file() and stylesheet.read_text(encoding="utf-8", errors="replace") == \
                (TEMPLATES / "gallery.css").read_text(encoding="utf-8"):
            found.append(stylesheet)
    except OSError:
        pass
    return [path for path in found if path.is_file() and not path.is_symlink()]


def write_index(folder: Path, leaflets: list[Leaflet]) -> bool:
    """Thumbnails and build/index.html for every PDF of these leaflets in the folder; whether
    index.html changed."""
    import jinja2

    entries = collect(folder, leaflets)
    by_leaflet: dict[str, dict[str, list[Entry]]] = {}
    for entry in entries:
        by_leaflet.setdefault(entry.leaflet.id, {}).setdefault(entry.lang, []).append(entry)
    groups = [(leaflet, {lang: sorted(by_leaflet[leaflet.id][lang], key=variant_order)
                         for lang in leaflet.languages if lang in by_leaflet[leaflet.id]})
              for leaflet in leaflets if leaflet.id in by_leaflet]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    page = env.get_template("index.html").render(
        groups=groups, language_name=language_name, direction=lambda lang: "rtl" if lang.startswith("ar") else "ltr",
        count=len(entries), version=__version__, relative=lambda p: p.relative_to(folder).as_posix())
    stylesheet = (TEMPLATES / "gallery.css").read_text(encoding="utf-8")
    changed = False
    for name, text in (("gallery.css", stylesheet), ("index.html", page)):
        target = folder / name
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue  # nothing changed: leave the file (and its date) alone
        changed = True
        write_atomic(target, text.encode("utf-8"))
    return changed
