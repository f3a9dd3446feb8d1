"""The leaflet model as HTML and CSS, through Jinja2 templates, for the HTML engine."""

import html as htmlmod
import re
import unicodedata
from functools import lru_cache

import jinja2
import markupsafe

from . import PROJECT
from .errors import UnknownName
from .files import CREATOR
from .fonts import faces_for, families_for, font_file, require_coverage
from .i18n import catalog_folder, direction, format_date, translations
from .model import Leaflet, Translation
from .options import COLOURS, FOOTER_GAP, FOOTER_TITLE_SHARE, Options

TEMPLATES = PROJECT / "templates"


@lru_cache(maxsize=None)
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)
    env.globals["split_for_figure"] = split_for_figure
    env.filters["isolate"] = isolate
    env.filters["direction_of"] = direction_of
    return env


def direction_of(text: str) -> str:
    """'rtl' or 'ltr', from the text's first strongly directional character."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def isolate(text: str) -> markupsafe.Markup:
    """Text set in its own direction: a Latin name or a phone number inside Arabic keeps its order.

    A span with dir, not <bdi>: WeasyPrint 70 does not isolate <bdi>, and a phone
    number inside Arabic came out with its groups of digits reversed.
    """
    return markupsafe.Markup('<span dir="%s">%s</span>') % (direction_of(text), text)


def split_for_figure(blocks):
    """A section's figure, the blocks printed beside it (up to its first list), and the rest."""
    if not blocks or blocks[0].kind != "figure":
        return None, (), blocks
    beside_end = next((i for i, block in enumerate(blocks) if block.kind == "list"), 1) + 1
    return blocks[0], blocks[1:beside_end], blocks[beside_end:]


def select_sections(leaflet: Leaflet, translation: Translation, wanted: tuple[str, ...]):
    """The sections asked for, in the leaflet's order; all of them when none are named."""
    known = translation.section_ids
    for section_id in wanted:
        if section_id not in known:
            raise UnknownName("section", section_id, known, where=f"{leaflet.id} ({translation.lang})")
    return [s for s in translation.sections if not wanted or s.id in wanted]


def render_html(leaflet: Leaflet, options: Options) -> str:
    translation = leaflet.translations[options.lang]
    provenance = leaflet.provenance
    sections = select_sections(leaflet, translation, options.sections)
    url = online_url(leaflet, options)
    return environment(options.lang).get_template("base.html").render(
        leaflet=leaflet, translation=translation, provenance=provenance, record=translation.record,
        sections=sections, partial=len(sections) < len(translation.sections),
        dates=local_dates(leaflet, translation), modified=provenance.last_reviewed,
        overdue=options.review_overdue, clinic=options.clinic, notes=options.notes,
        online_url=url, qr_code=qr_code(url) if url else "",
        direction=direction(options.lang), size=options.print_size, figure_beside=options.figure_beside,
        creator=CREATOR,
    )


def online_url(leaflet: Leaflet, options: Options) -> str:
    """Where this leaflet can be read online: the clinic's address for it, else the leaflet's own."""
    if options.clinic and options.clinic.leaflet_url:
        return options.clinic.url_for(leaflet.id, options.lang)
    return leaflet.provenance.online_url.format(leaflet=leaflet.id, lang=options.lang)


def qr_code(url: str) -> str:
    """A QR code for the address, as a vector SVG data: URL."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=1, border=4, dark="#000", light="#fff")


def local_dates(leaflet: Leaflet, translation: Translation) -> dict[str, str]:
    """Every date the leaflet prints, written the way the language writes dates."""
    provenance, record = leaflet.provenance, translation.record
    values = {"published": provenance.published, "next_review": provenance.next_review,
              "last_reviewed": provenance.last_reviewed,
              "translation_reviewed": record and record.reviewed_on}
    return {name: format_date(value, translation.lang) for name, value in values.items() if value}


def page_css(leaflet: Leaflet, options: Options, printed: str = "") -> str:
    """What depends on the options: fonts, sizes, page and running footer.

    printed is the text to print, for fonts that are subset to it (fonts.font_file).
    """
    size, paper = options.print_size, options.page
    gettext = translations(options.lang).gettext
    translation = leaflet.translations[options.lang]
    families = ", ".join(f'"{family}"' for family in families_for(options.lang))
    version_label = gettext("Version")
    footer = f"{translation.title} · {version_label}\u00a0{leaflet.provenance.version}"
    page_label = page_number_content(gettext("Page %(page)s of %(pages)s"))
    title_box, page_box = ("bottom-right", "bottom-left") if direction(options.lang) == "rtl" \
        else ("bottom-left", "bottom-right")
    colours = " ".join(f"--{name}: {value};" for name, value in COLOURS.items())
    text = printed + footer + page_label
    faces = "\n".join(
        f'@font-face {{ font-family: "{face.css_family}"; font-weight: {face.weight}; '
        f'src: url("{font_file(face, text).as_uri()}"); }}' for face in faces_for(options.lang))
    return f"""{faces}
:root {{
  --body: {size.body}pt; --smallest: {size.smallest}pt; --title: {size.title}pt;
  --heading: {size.heading}pt; --subheading: {size.subheading}pt; --leading: {size.leading};
  --figure-width: {size.figure_width * 100:g}%; {colours}
}}
html {{ font-family: {families}; }}
@page {{
  size: {paper.width}mm {paper.height}mm;
  margin: {size.margin}mm {size.margin}mm {size.bottom_margin}mm;
  @{title_box} {{
    content: {css_string(footer)};
    font-family: {families}; font-size: {size.smallest}pt;
    vertical-align: top; padding-top: {FOOTER_GAP}mm; width: {FOOTER_TITLE_SHARE * 100:g}%;
  }}
  @{page_box} {{
    content: {page_label};
    font-family: {families}; font-size: {size.smallest}pt;
    vertical-align: top; padding-top: {FOOTER_GAP}mm; font-weight: 700; white-space: nowrap;
  }}
}}
"""


def printed_text(html: str) -> str:
    """The text of the rendered HTML that ends up on paper: body text, not markup or attributes."""
    body = html[html.find("<body"):]
    return htmlmod.unescape(re.sub(r"<[^>]*>", " ", body))


def check_printable(leaflet: Leaflet, options: Options, html: str) -> str:
    """The text to print, once every character of it is known to have a glyph in the language's fonts
    (else a SourceError says where the first one without is)."""
    translation = leaflet.translations[options.lang]
    sources = [translation.path, leaflet.folder / "leaflet.yaml",
               catalog_folder(options.lang) / "messages.po"]
    text = printed_text(html) + page_number_text(options.lang)
    require_coverage(text, options.lang, sources)
    return text


def page_number_text(lang: str) -> str:
    """What the page-number box prints, which is in the stylesheet, not the HTML."""
    return translations(lang).gettext("Page %(page)s of %(pages)s") + "0123456789"


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_number_content(template: str) -> str:
    """'Page %(page)s of %(pages)s' in any language as CSS content with page counters."""
    parts = re.split(r"%\((page|pages)\)s", template)
    return " ".join(css_string(part) if i % 2 == 0 else f"counter({part})"
                    for i, part in enumerate(parts) if part)
