"""A Document as HTML and CSS, through the Jinja2 templates, for the HTML engine.

The templates (templates/*.html) walk the Document: every word they print
comes from it, never from the template. The stylesheet, templates/leaflet.css,
reads every length and colour as a custom property; page_css() writes those
properties from the style tokens, with the page size, margins, fonts and the
running footer, which CSS can only set in an @page rule.
"""

import re
import unicodedata
from functools import cache
from pathlib import Path

import jinja2
import markupsafe

from .document import Document
from .files import CREATOR
from .fonts import faces_for, families_for, font_file
from .model import Figure, ListBlock, Paragraph, Subheading
from .project import TEMPLATES


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["isolate"] = isolate
    env.filters["bidi"] = isolate_runs
    env.filters["direction_of"] = direction_of
    env.filters["web_address"] = web_address
    env.tests["paragraph"] = lambda block: isinstance(block, Paragraph)
    env.tests["list_block"] = lambda block: isinstance(block, ListBlock)
    env.tests["subheading"] = lambda block: isinstance(block, Subheading)
    env.tests["figure"] = lambda block: isinstance(block, Figure)
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


def web_address(url: str) -> markupsafe.Markup:
    """An address whose line may not break right after "https://": copied from the PDF, the break
    becomes a space and the address no longer works. The scheme stays with the host's first part."""
    match = re.match(r"([a-z][a-z0-9+.-]*://[^./]*\.?)(.*)", url, re.IGNORECASE | re.DOTALL)
    if not match:
        return markupsafe.escape(url)
    return markupsafe.Markup('<span class="scheme">%s</span>%s') % (match[1], match[2])


def isolate_runs(text: str, direction: str) -> markupsafe.Markup:
    """In right-to-left text, each left-to-right run (a name, a date, a phone number) in its own span.

    A sentence of fixed wording with a Latin name or '0161 496 0000' put into it
    would otherwise have the groups of the number, or the words of the name,
    laid out right to left.
    """
    if direction != "rtl":
        return markupsafe.escape(text)
    kinds = [strength(ch) for ch in text]
    pieces, start = [], 0
    index = 0
    while index < len(text):
        if kinds[index] != "ltr":
            index += 1
            continue
        end = index
        while end + 1 < len(text) and kinds[end + 1] != "rtl":
            end += 1
        while kinds[end] != "ltr":  # neutral characters at the end stay outside ...
            end -= 1
        while end + 1 < len(text) and text[end + 1] in ")]" and \
                text[index:end + 1].count("(") + text[index:end + 1].count("[") > \
                text[index:end + 1].count(")") + text[index:end + 1].count("]"):
            end += 1  # ... but a bracket the run opened is closed inside it
        pieces.append(markupsafe.escape(text[start:index]))
        pieces.append(isolate(text[index:end + 1]))
        start = index = end + 1
    pieces.append(markupsafe.escape(text[start:]))
    return markupsafe.Markup("").join(pieces)


def strength(ch: str) -> str:
    """'rtl', 'ltr' (letters and digits of left-to-right scripts) or 'neutral'."""
    kind = unicodedata.bidirectional(ch)
    if kind in ("R", "AL", "AN"):
        return "rtl"
    return "ltr" if kind in ("L", "EN") else "neutral"


def render_html(document: Document) -> str:
    return environment().get_template("base.html").render(
        document=document, creator=CREATOR, qr_code=qr_code(document.about.online.url)
        if document.about.online else "")


def qr_code(url: str) -> str:
    """A QR code for the address, as a vector SVG data: URL."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=1, border=4, dark="#000", light="#fff")


def page_css(document: Document, fonts_cache: Path | None) -> str:
    """What CSS can't take from the stylesheet: fonts, tokens, the page and its running footer."""
    style, paper = document.style, document.page
    families = ", ".join(css_string(family) for family in families_for(document.lang))
    text = document.glyphs or document.printed_text()
    faces = "\n".join(
        f"@font-face {{ font-family: {css_string(face.css_family)}; font-weight: {face.weight}; "
        f"src: url({css_string(font_file(face, text, fonts_cache).as_uri())}); }}"
        for face in faces_for(document.lang))
    title_box, page_box = ("bottom-right", "bottom-left") if document.direction == "rtl" \
        else ("bottom-left", "bottom-right")
    footer_box = (f"font-family: {families}; font-size: {style.smallest}pt; vertical-align: top; "
                  f"padding-top: {style.footer_gap}pt;")
    return f"""{faces}
:root {{ {style.css_properties()} }}
html {{ font-family: {families}; }}
@page {{
  size: {paper.width}mm {paper.height}mm;
  margin: {style.margin}pt {style.margin}pt {style.bottom_margin}pt;
  @{title_box} {{ content: {css_string(document.footer)}; {footer_box} width: {style.footer_title_share * 100:g}%; }}
  @{page_box} {{ content: {page_number_content(document.page_label)}; {footer_box} font-weight: 700;
    white-space: nowrap; }}
}}
"""


def css_string(text: str) -> str:
    """Text as a CSS string: anything but letters, digits, spaces and safe punctuation is escaped.

    No character of the text can end the string or the rule it stands in, whatever it holds.
    """
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;·-_/()" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def page_number_content(template: str) -> str:
    """'Page %(page)s of %(pages)s' in any language as CSS content with page counters."""
    import re

    parts = re.split(r"%\((page|pages)\)s", template)
    return " ".join(css_string(part) if i % 2 == 0 else f"counter({part})"
                    for i, part in enumerate(parts) if part)
