"""A page-1 thumbnail of every PDF in a build folder, and an index.html listing them all.

The index groups PDFs by leaflet, then language, so a clinician finds the
right one at a glance: each card shows page 1, what kind of PDF it is, its
page count and size, and links to it. Only the tool's own files are written:
an index.html or gallery.css someone else made is never replaced, and PDFs,
thumbnails and the thumbnails folder that are links are left alone.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from . import __version__
from .errors import OutputError, display
from .files import read_regular, write_atomic
from .i18n import direction, language_name
from .model import Leaflet
from .project import TEMPLATES
from .request import describe

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


@dataclass(frozen=True)
class OtherFormat:
    """A leaflet in one language in another format: its web page or a braille file."""

    path: Path
    label: str


def other_formats(folder: Path, leaflet: Leaflet, lang: str) -> list[OtherFormat]:
    """The web page (site/LEAFLET/LANG/) and the braille files of a leaflet in a language, where built."""
    from .formats.site import page_path

    found = []
    page = folder / "site" / page_path(leaflet.id, lang)
    if page.is_file() and not page.is_symlink():
        found.append(OtherFormat(page, "Web page"))
    for brf in sorted(folder.glob(f"{leaflet.id}.{lang}*.brf")):
        words = labels(brf.name.removesuffix(".brf") + ".pdf", leaflet)
        if words and words[0] == lang and brf.is_file() and not brf.is_symlink():
            kind = [word for word in words[1] if word != "Standard print"]
            size = max(1, round(brf.stat().st_size / 1024))
            found.append(OtherFormat(brf, " · ".join(["Braille (BRF)", *kind, f"{size} KB"])))
    return found


def labels(name: str, leaflet: Leaflet) -> tuple[str, tuple[str, ...]] | None:
    """The language and the labels a PDF's file name stands for, or None if it is not this leaflet's."""
    found = describe(name)
    if not found or found[0] != leaflet.id or found[1].lang not in leaflet.translations:
        return None
    options = found[1]
    headings = {s.id: s.heading for s in leaflet.translations[options.lang].sections}
    words = [f"Only: {headings.get(section, section)}" for section in options.sections]
    if options.paper != "a4":
        words.append(options.paper.upper() if options.paper.startswith("a") else options.paper.title())
    if options.engine == "reportlab":
        words.append("ReportLab proof")
    words += [word for flag, word in ((options.notes, "With notes page"), (options.booklet, "Booklet to fold"),
                                      (options.large_print, "Large print")) if flag]
    return options.lang, tuple(words) or ("Standard print",)


def thumbnail(pdf: Path, target: Path) -> int | None:
    """Page 1 of the PDF as a PNG (redrawn only when the PDF is newer); the PDF's page count.

    None when the PDF can't be read (truncated, say): it is left out of the gallery.
    """
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(pdf)
    except (pypdfium2.PdfiumError, OSError):
        return None
    try:
        if len(document) == 0 or document[0].get_width() < 1 or document[0].get_height() < 1:
            return None
        pages = len(document)
        if target.is_symlink():
            raise OutputError(f"{display(target)}: is a link; refusing to write a thumbnail through it")
        if not target.exists() or target.stat().st_mtime_ns < pdf.stat().st_mtime_ns:
            page = document[0]
            image = page.render(scale=THUMBNAIL_WIDTH / page.get_width()).to_pil()
            png = BytesIO()
            image.save(png, format="PNG", optimize=True)
            write_atomic(target, png.getvalue())
        return pages
    finally:
        document.close()


def page_images(pdf: bytes, width: int) -> list[bytes]:
    """Every page of the PDF as a PNG width pixels wide: what the web server shows before printing."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            png = BytesIO()
            page.render(scale=width / page.get_width()).to_pil().save(png, format="PNG", optimize=True)
            images.append(png.getvalue())
        return images
    finally:
        document.close()


def collect(folder: Path, leaflets: list[Leaflet]) -> tuple[list[Entry], list[Path]]:
    """An entry for every PDF of these leaflets in the folder, and the PDFs that can't be read."""
    entries, unreadable = [], []
    if (folder / THUMBNAILS).is_symlink():
        raise OutputError(f"{display(folder / THUMBNAILS)}: is a link; refusing to write thumbnails through it")
    for pdf in sorted(folder.glob("*.pdf")):
        if pdf.is_symlink():
            continue  # not a PDF the tool wrote there
        for leaflet in leaflets:
            found = labels(pdf.name, leaflet)
            if found:
                target = folder / THUMBNAILS / f"{pdf.stem}.png"
                pages = thumbnail(pdf, target) if pdf.is_file() else None
                if pages is None:
                    unreadable.append(pdf)
                else:
                    entries.append(Entry(pdf, target, leaflet, found[0], found[1], pages))
                break
    return entries, unreadable


def variant_order(entry: Entry) -> tuple:
    """Standard print first, then large print, then the rest by name."""
    return (entry.labels != ("Standard print",), entry.labels != ("Large print",), entry.labels)


def gallery_language(lang: str) -> str:
    """The language's own name, the English one beside it: 'español · Spanish'."""
    own, english = language_name(lang), language_name(lang, "en")
    return own if own == english else f"{own} · {english}"


def gallery_files(folder: Path, pdfs: list[Path]) -> list[Path]:
    """The files preview wrote for these PDFs: their thumbnails, and the gallery page if it is ours.

    index.html is ours when it carries the tool's generator mark; gallery.css
    when it is the tool's stylesheet, or sits beside an index.html of ours (an
    earlier version's stylesheet).
    """
    found = [] if (folder / THUMBNAILS).is_symlink() else [folder / THUMBNAILS / f"{pdf.stem}.png" for pdf in pdfs]
    index, stylesheet = folder / "index.html", folder / "gallery.css"
    try:
        ours = GALLERY_MARK.encode() in read_regular(index, 16 * 1024 * 1024)
    except OSError:
        ours = False
    try:
        same = read_regular(stylesheet, 1024 * 1024) == (TEMPLATES / "gallery.css").read_bytes()
    except OSError:
        same = False
    found += [index] * ours + [stylesheet] * (same or ours)
    return [path for path in found if path.is_file() and not path.is_symlink()]


def write_index(folder: Path, leaflets: list[Leaflet]) -> tuple[bool, list[Path]]:
    """Thumbnails and build/index.html for every PDF of these leaflets in the folder; whether
    index.html changed, and the PDFs left out because they can't be read."""
    import jinja2

    entries, unreadable = collect(folder, leaflets)
    by_leaflet: dict[str, dict[str, list[Entry]]] = {}
    for entry in entries:
        by_leaflet.setdefault(entry.leaflet.id, {}).setdefault(entry.lang, []).append(entry)
    formats = {(leaflet.id, lang): other_formats(folder, leaflet, lang)
               for leaflet in leaflets for lang in leaflet.languages}
    groups = [(leaflet, {lang: sorted(by_leaflet.get(leaflet.id, {}).get(lang, []), key=variant_order)
                         for lang in leaflet.languages
                         if lang in by_leaflet.get(leaflet.id, {}) or formats[leaflet.id, lang]})
              for leaflet in leaflets]
    groups = [(leaflet, languages) for leaflet, languages in groups if languages]
    site = folder / "site" / "index.html"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    page = env.get_template("index.html").render(
        groups=groups, language_name=gallery_language, direction=direction, count=len(entries), version=__version__,
        formats=formats, site=site if site.is_file() and not site.is_symlink() else None,
        relative=lambda p: quote(p.relative_to(folder).as_posix()))
    stylesheet = (TEMPLATES / "gallery.css").read_text(encoding="utf-8")
    ours = gallery_files(folder, [])
    changed = False
    for name, text in (("gallery.css", stylesheet), ("index.html", page)):
        target = folder / name
        if target.is_file() and not target.is_symlink() and target.read_bytes() == text.encode("utf-8"):
            continue  # nothing changed: leave the file (and its date) alone
        if (target.exists() or target.is_symlink()) and target not in ours:
            raise OutputError(f"{display(target)}: already exists and was not written by leafletpress; refusing "
                              "to replace it (move it away, or use another --out-dir)")
        changed = True
        write_atomic(target, text.encode("utf-8"))
    return changed, unreadable
