"""The leaflet model as HTML and CSS, through Jinja2 templates, for the HTML engine."""

import re
from datetime import date
from functools import lru_cache

import jinja2

from . import PROJECT
from .errors import UnknownName
from .fonts import FACES
from .i18n import direction, format_date, translations
from .model import Leaflet, Translation
from .options import Options

TEMPLATES = PROJECT / "templates"
ACCENT = "#1a4d7a"  # 9.6:1 on white, above WCAG AAA's 7:1


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
    return env


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
    dates = {name: format_date(value, options.lang) for name, value in
             [("published", provenance.published), ("next_review", provenance.next_review),
              ("reviewed", provenance.reviewed)] if value}
    return environment(options.lang).get_template("base.html").render(
        leaflet=leaflet, translation=translation, provenance=provenance,
        sections=sections, partial=len(sections) < len(translation.sections),
        dates=dates, modified=provenance.reviewed or provenance.published,
        direction=direction(options.lang), size=options.print_size,
    )


def page_css(leaflet: Leaflet, options: Options) -> str:
    """What depends on the options: fonts, sizes, page and running footer."""
    size, paper = options.print_size, options.page
    gettext = translations(options.lang).gettext
    translation = leaflet.translations[options.lang]
    footer = f"{translation.title} · {gettext('Version')} {leaflet.provenance.version}"
    faces = "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
        f'src: url("{face.path.as_uri()}"); }}' for face in FACES)
    return f"""{faces}
:root {{
  --body: {size.body}pt; --smallest: {size.smallest}pt; --title: {size.title}pt;
  --heading: {size.heading}pt; --subheading: {size.subheading}pt; --leading: {size.leading};
  --figure-width: {size.figure_width * 100:g}%; --accent: {ACCENT};
}}
@page {{
  size: {paper.width}mm {paper.height}mm;
  margin: {size.margin}mm {size.margin}mm {size.margin + size.smallest * 0.9}mm;
  @bottom-left {{
    content: {css_string(footer)};
    font-family: "Atkinson Hyperlegible", sans-serif; font-size: {size.smallest}pt;
    vertical-align: top; padding-top: 3mm; width: 68%;
  }}
  @bottom-right {{
    content: {page_number_content(gettext("Page %(page)s of %(pages)s"))};
    font-family: "Atkinson Hyperlegible", sans-serif; font-size: {size.smallest}pt;
    vertical-align: top; padding-top: 3mm; font-weight: 700; white-space: nowrap;
  }}
}}
"""


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_number_content(template: str) -> str:
    """'Page %(page)s of %(pages)s' in any language as CSS content with page counters."""
    parts = re.split(r"%\((page|pages)\)s", template)
    return " ".join(css_string(part) if i % 2 == 0 else f"counter({part})"
                    for i, part in enumerate(parts) if part)
