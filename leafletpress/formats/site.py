"""The leaflets as an accessible web site: a page per leaflet × language and an index, static files only.

Each page walks the same Document the PDFs print (title block and notices,
sections with the figure, care-team and About boxes), in the reader's
language, with links to its PDFs and to the other languages. The folder can be
copied to any web server as it is:

    site/index.html                  every leaflet, each language named in its own script
    site/site.css                    the stylesheet; colours from the style tokens
    site/assets/FILE                 the pictures the pages show
    site/pdf/NAME.pdf                the standard and large-print PDFs, when built
    site/LEAFLET/LANG/index.html     one leaflet in one language

A clinic's `site_url` (where this folder is published) makes every PDF's QR
code open the leaflet's page here. Files are written only when their bytes
change, so a rebuild with nothing changed writes nothing.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..document import Document, build_document
from ..files import CREATOR, write_atomic
from ..fonts import ARABIC, LATIN
from ..i18n import direction, language_name, translations
from ..model import Clinic, Figure, Leaflet
from ..project import TEMPLATES
from ..request import Options
from ..style import STYLES

#: Atkinson Hyperlegible and IBM Plex Sans Arabic go with the site; Chinese is read in the reader's own
#: Noto Sans CJK (or another CJK face): the font is tens of megabytes.
WEB_FONTS = LATIN + ARABIC


def page_path(leaflet_id: str, lang: str) -> str:
    """Where a leaflet's page in a language lives in the site, as a relative address."""
    return f"{leaflet_id}/{lang}/index.html"


@dataclass(frozen=True)
class Link:
    """A page in another language: its address, language code and name in its own script."""

    path: str
    lang: str
    name: str
    title: str

    @property
    def direction(self) -> str:
        return direction(self.lang)


@dataclass(frozen=True)
class PdfLink:
    name: str
    label: str


def site_document(leaflet: Leaflet, lang: str, clinic: Clinic | None, today: date) -> Document:
    """What the page shows: the leaflet's document, its figure at the opening of its section."""
    options = Options(lang, clinic=clinic, review_overdue=leaflet.provenance.overdue(today))
    return build_document(leaflet, options)


def render_page(leaflet: Leaflet, lang: str, clinic: Clinic | None, pdfs: set[str], today: date) -> str:
    """One leaflet's page in one language; pdfs are the PDF file names there are to link to."""
    _ = translations(lang).gettext
    document = site_document(leaflet, lang, clinic, today)
    standard, large = Options(lang).filename(leaflet.id), Options(lang, True).filename(leaflet.id)
    links = [PdfLink(name, label) for name, label in ((standard, _("PDF to print")),
                                                      (large, _("PDF in large print")),
                                                      (braille_name(leaflet.id, lang),
                                                       _("Braille file (BRF), for an embosser or a braille "
                                                         "display"))) if name in pdfs]
    others = [Link(f"{page_path(leaflet.id, other)}", other, language_name(other),
                   leaflet.translations[other].title) for other in leaflet.languages if other != lang]
    words = {"skip": _("Skip to the leaflet"), "formats": _("Other formats and languages"),
             "languages": _("This leaflet in other languages:"), "all_leaflets": _("All leaflets")}
    return environment().get_template("site/page.html").render(
        document=document, root="../../", pdfs=links, languages=others, words=words, creator=CREATOR)


def braille_name(leaflet_id: str, lang: str) -> str:
    """The braille file of the whole leaflet in a language, as `build --format brf` names it."""
    from .braille import braille_filename

    return braille_filename(Options(lang), leaflet_id)


def render_index(leaflets: list[Leaflet]) -> str:
    entries = [{"id": leaflet.id, "title": leaflet.translations[leaflet.source_language].title,
                "pages": [Link(page_path(leaflet.id, lang), lang, language_name(lang),
                               leaflet.translations[lang].title) for lang in leaflet.languages]}
               for leaflet in leaflets]
    words = {"title": "Patient leaflets", "lead": "Every leaflet, in every language it is written in.",
             "skip": "Skip to the list of leaflets"}
    return environment().get_template("site/index.html").render(
        entries=entries, words=words, lang="en", direction="ltr", creator=CREATOR)


def stylesheet() -> str:
    """site.css with the leaflet's colours from the style tokens and its own fonts (site/fonts/)."""
    style = STYLES["standard"]
    colours = " ".join(f"--{name.replace('_', '-')}: {getattr(style, name)};"
                       for name in ("accent", "warning_background", "frame", "credit"))
    faces = "\n".join(f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                      f'src: url("fonts/{face.path.name}"); font-display: swap; }}' for face in WEB_FONTS)
    return f"{faces}\n:root {{ {colours} }}\n" + (TEMPLATES / "site" / "site.css").read_text(encoding="utf-8")


def write_site(leaflets: list[Leaflet], folder: Path, pdf_folder: Path | None = None,
               clinic: Clinic | None = None, today: date | None = None) -> list[Path]:
    """Every page, the index, stylesheet, pictures and PDFs into folder; the files that changed."""
    changed = []
    for path, data in site_files(leaflets, folder, pdf_folder, clinic, today).items():
        if path.is_file() and path.read_bytes() == data:
            continue
        write_atomic(path, data)
        changed.append(path)
    return changed


def site_files(leaflets: list[Leaflet], folder: Path, pdf_folder: Path | None = None,
               clinic: Clinic | None = None, today: date | None = None) -> dict[Path, bytes]:
    """Every file of the site, by where it goes in folder, with its bytes."""
    today = today or date.today()
    pdfs = {path.name: path for pattern in ("*.pdf", "*.brf") for path in sorted(pdf_folder.glob(pattern))
            if path.is_file() and not path.is_symlink()} if pdf_folder else {}
    files: dict[Path, bytes] = {folder / "index.html": render_index(leaflets).encode(),
                                folder / "site.css": stylesheet().encode()}
    for leaflet in leaflets:
        for lang in leaflet.languages:
            page = render_page(leaflet, lang, clinic, set(pdfs), today)
            files[folder / page_path(leaflet.id, lang)] = page.encode()
            for name in (Options(lang).filename(leaflet.id), Options(lang, True).filename(leaflet.id),
                         braille_name(leaflet.id, lang)):
                if name in pdfs:
                    files[folder / "pdf" / name] = pdfs[name].read_bytes()
        for figure in figures(leaflet):
            files[folder / "assets" / figure.path.name] = figure.path.read_bytes()
    for face in WEB_FONTS:  # the pages' own typefaces, so no reader gets a lesser one (SIL Open Font Licence)
        files[folder / "fonts" / face.path.name] = face.path.read_bytes()
    return files


def figures(leaflet: Leaflet) -> list[Figure]:
    return [block for translation in leaflet.translations.values() for section in translation.sections
            for block in section.blocks if isinstance(block, Figure)]


def environment():
    from ..templating import environment as leaflet_environment

    return leaflet_environment()

