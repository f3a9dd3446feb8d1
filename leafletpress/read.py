"""Read a leaflet's folder (YAML metadata, Markdown per language) into the model.

Every problem is raised as a SourceError naming the file and, where there is
one, the line, before anything is rendered. Everything that comes from a file
is checked and typed here, once: files are regular files of bounded size,
text holds no control characters, lengths are bounded, YAML has no aliases,
no repeated and no unknown keys, addresses hold only {leaflet} and {lang},
pictures refer to no other file; nothing later trusts raw text.
"""

import datetime
import hashlib
import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import NoReturn

from .assets import BadPicture, check_picture
from .errors import SourceError, UnknownName, display, unknown
from .files import TooLarge, read_regular
from .model import (
    Clinic,
    Figure,
    Leaflet,
    ListBlock,
    Paragraph,
    Provenance,
    Run,
    Section,
    Source,
    Subheading,
    Translation,
    TranslationRecord,
)
from .request import FILENAME_WORDS

METADATA_FILE = "leaflet.yaml"

LEAFLET_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID = 64  # characters of a leaflet's id: it starts every PDF's file name
SECTION_HEADING = re.compile(r"^(?P<heading>.*?)\s*\{#(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\}\s*$")
LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")

#: Bounds on what a source may hold, so a careless or hostile file can't make a build run for ever.
MAX_FILE = 256 * 1024  # bytes of a metadata or text file
MAX_TEXT = 2000  # characters of one metadata value
MAX_URL = 1000  # bytes of a web address, {leaflet} and {lang} filled in (a QR code at level M holds 1,273)


def leaflet_ids(root: Path) -> list[str]:
    """Every leaflet folder under root, by name."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / METADATA_FILE).is_file())


def find_leaflet(leaflet_id: str, root: Path) -> Path:
    """The folder of a leaflet, or UnknownName listing the ones there are."""
    known = leaflet_ids(root)
    if leaflet_id not in known:
        raise UnknownName("leaflet", leaflet_id, known, where=display(root))
    return root / leaflet_id


def read_leaflet(folder: Path, assets: Path, problems: list | None = None) -> Leaflet:
    """The whole leaflet: shared metadata and every language's text.

    A broken metadata file is raised. A broken language file is raised too,
    unless a problems list is given: then it is added there and the leaflet is
    returned with its other languages, so one language can't stop the rest.
    """
    meta_path = folder / METADATA_FILE
    check_leaflet_id(folder)
    meta, lines = load_yaml(meta_path, read_text(meta_path, folder))
    fields = Fields(meta_path, meta, lines)
    provenance = read_provenance(fields)
    figures = fields.mapping("figures", required=False)
    languages = language_files(folder)
    source_language = fields.text("source_language")
    if source_language not in languages:
        raise SourceError(meta_path, f"source_language {source_language!r} has no {source_language}.md "
                          f"in {display(folder)}; languages found: {', '.join(languages) or '(none)'}",
                          fields.line("source_language"))
    translations, unreadable = {}, set()
    for lang, path in languages.items():
        try:
            translations[lang] = read_translation(path, lang, fields, figures, assets)
        except SourceError as error:
            if problems is None:
                raise
            problems.append(error)
            unreadable.add(lang)
    urgent = read_urgent_sections(fields, translations.get(source_language))
    if not unreadable:  # else a language's problem already stopped some keys being read
        fields.refuse_unread()
    return Leaflet(folder.name, folder, source_language, provenance, translations,
                   frozenset(unreadable), urgent)


def read_urgent_sections(fields: "Fields", source: Translation | None) -> tuple[str, ...]:
    """Section ids printed in a box that stands out; each must be a section of the source text."""
    wanted = fields._get("urgent_sections", False) or []
    if not isinstance(wanted, list) or not all(isinstance(item, str) for item in wanted):
        fields.fail("urgent_sections", "'urgent_sections' must be a list of section ids, like [get-help-urgently]")
    known = source.section_ids if source else []
    for section_id in wanted:
        if source and section_id not in known:
            fields.fail("urgent_sections", unknown("section", section_id, known))
    return tuple(wanted)


def check_leaflet_id(folder: Path) -> None:
    """A leaflet's folder is named with its id, which starts every PDF's file name and web address."""
    if not LEAFLET_ID.fullmatch(folder.name) or len(folder.name) > MAX_ID:
        raise SourceError(folder, "a leaflet's folder name is its id: lowercase letters, digits and "
                          f"hyphens, at most {MAX_ID}, like 'focal-dystonia'")


def language_files(folder: Path) -> dict[str, Path]:
    """Every language's text, by code; a Markdown file not named for a language is refused, not left out."""
    found = {}
    for path in sorted(folder.glob("*.md")):
        if not LANGUAGE_FILE.fullmatch(path.stem):
            raise SourceError(path, "a leaflet's Markdown file is named with its language code, like en.md, "
                              "es.md or zh-Hans.md; rename or move this one")
        found[path.stem] = path
    return found


def read_text(path: Path, folder: Path | None = None) -> str:
    """A source file's text: UTF-8, at most MAX_FILE bytes, line ends made '\n'.

    With a folder, the file (links followed) must lie inside it: a leaflet's
    files can't bring in a file from elsewhere.
    """
    if folder is not None and path.is_symlink() and not inside(path, folder):
        raise SourceError(path, f"is a link to a file outside {display(folder)}/; put the file itself there")
    try:
        text = read_regular(path, MAX_FILE).decode("utf-8")
    except FileNotFoundError:
        raise SourceError(path, "file not found") from None
    except TooLarge:
        raise SourceError(path, f"is larger than {MAX_FILE // 1024} KB; a leaflet's file is much smaller") from None
    except UnicodeDecodeError as error:
        raise SourceError(path, f"not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise SourceError(path, f"cannot be read: {error.strerror or error}") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        raise SourceError(path, "holds a NUL character: not a text file", text[:text.index("\0")].count("\n") + 1)
    return text


def load_yaml(path: Path, text: str, first_line: int = 1) -> tuple[dict, dict]:
    """A YAML mapping and the line of every key in it, as ('a', 'b') -> line.

    Only plain data: dates stay text (Fields.date reads them, with their line),
    keys are text, and anchors and aliases are refused, so a file can't make a
    billion values out of a few lines.
    """
    import yaml

    loader = yaml_loader()(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            refuse_aliases(path, node, first_line)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else None
        raise SourceError(path, f"malformed YAML: {error.problem or error.context}", line) from None
    except yaml.YAMLError as error:
        raise SourceError(path, f"malformed YAML: {one_line(error)}") from None
    except (ValueError, TypeError, RecursionError) as error:
        raise SourceError(path, f"malformed YAML: {one_line(error)}") from None
    finally:
        loader.dispose()
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        raise SourceError(path, "metadata must be a mapping of keys to values", first_line)
    lines: dict[tuple, int] = {}
    _collect_lines(node, (), first_line, lines)
    return data, lines


@lru_cache(maxsize=1)
def yaml_loader():
    """PyYAML's safe loader (libyaml's when there is one) that leaves dates and times as text."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PlainLoader(base):  # type: ignore[valid-type,misc]  # libyaml's loader when PyYAML has it
        pass

    PlainLoader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()}
    return PlainLoader


def refuse_aliases(path: Path, root, first_line: int) -> None:
    """Raise a SourceError at the first node reached twice (an alias) or a key that is not text."""
    import yaml

    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            raise SourceError(path, "YAML anchors and aliases (& and *) are not supported: write the "
                              "value out", first_line + node.start_mark.line)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
                    shown = repr(key.value) if isinstance(key, yaml.ScalarNode) else "a list or a mapping"
                    raise SourceError(path, f"a key must be text, not {shown}: quote it",
                                      first_line + key.start_mark.line)
                if key.value in keys:
                    raise SourceError(path, f"{key.value!r} is given twice: keep one",
                                      first_line + key.start_mark.line)
                keys.add(key.value)
                pending += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]


def _collect_lines(node, prefix: tuple, first_line: int, lines: dict) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, key.value)
            lines[path] = first_line + key.start_mark.line
            _collect_lines(value, path, first_line, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*prefix, index)] = first_line + item.start_mark.line
            _collect_lines(item, (*prefix, index), first_line, lines)


class Fields:
    """Typed access to a metadata mapping; a wrong or missing value names its line."""

    def __init__(self, path: Path, data: dict, lines: dict, prefix: tuple = (), read: set | None = None):
        self.path, self.data, self.lines, self.prefix = path, data, lines, prefix
        self.read = read if read is not None else set()  # every key asked for, shared by nested Fields

    def line(self, *keys) -> int | None:
        path = (*self.prefix, *keys)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def fail(self, key, message: str) -> NoReturn:
        raise SourceError(self.path, message, self.line(key))

    def _get(self, key, required: bool):
        self.read.add((*self.prefix, key))
        value = self.data.get(key)
        if value is None and required:
            where = ".".join(map(str, self.prefix))
            self.fail(key, f"missing {key!r}" + (f" in {where}" if where else ""))
        return value

    def text(self, key, required: bool = True, lines: bool = False, limit: int = MAX_TEXT) -> str:
        """Text, stripped; with lines, it may hold line breaks (an address)."""
        value = self._get(key, required)
        if value is None:
            return ""
        if isinstance(value, (dict, list)) or not str(value).strip():
            self.fail(key, f"{key!r} must be non-empty text")
        if not isinstance(value, str):  # yes -> True, 0123 -> 83, 1.10 -> 1.1: not what was written
            kind = {bool: "yes/no value", bytes: "binary value"}.get(type(value), "number")
            self.fail(key, f"{key!r} must be text, but YAML reads it as a {kind} ({value!r}): put it in quotes, "
                      f"like {key}: \"…\"")
        text = value.strip()
        if len(text) > limit:
            self.fail(key, f"{key!r} is {len(text)} characters long; at most {limit} are allowed")
        bad = control_character(text, allowed="\n" if lines else "")
        if bad:
            self.fail(key, f"{key!r} holds a control character ({bad}); write plain text")
        return text

    def quoted(self, key) -> str:
        """Text that YAML must not read as a number: 1.10 would become 1.1, 0012ab an error."""
        value = self._get(key, True)
        if not isinstance(value, str):
            self.fail(key, f"{key!r} must be quoted, like {key}: \"{value}\", so YAML keeps it as written")
        return self.text(key)

    def date(self, key) -> datetime.date:
        """A date written YYYY-MM-DD; it must be there."""
        self._get(key, True)
        day = self.optional_date(key)
        assert day is not None
        return day

    def optional_date(self, key) -> datetime.date | None:
        value = self._get(key, False)
        if value is None:
            return None
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(key, f"{key!r} must be a date written YYYY-MM-DD, not {value!r}")
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            self.fail(key, f"{key!r} is not a day of the calendar: {text} ({error})")

    def mapping(self, key, required: bool = True) -> "Fields":
        value = self._get(key, required)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.fail(key, f"{key!r} must be a mapping")
        return Fields(self.path, value, self.lines, (*self.prefix, key), self.read)

    def items(self, key, required: bool = True) -> list["Fields"]:
        value = self._get(key, required) or []
        if not isinstance(value, list) or (required and not value):
            self.fail(key, f"{key!r} must be a non-empty list")
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise SourceError(self.path, f"each of {key!r} must be a mapping",
                                  self.line(key, index))
            self.read.add((*self.prefix, key, index))
            result.append(Fields(self.path, item, self.lines, (*self.prefix, key, index), self.read))
        return result

    def names(self) -> list[str]:
        return [str(key) for key in self.data]

    def refuse_unread(self) -> None:
        """Raise at the first key that nothing read: a misspelt key must not be left out unnoticed.

        Only keys inside mappings the reader walked into count; their valid
        names are the keys read beside them.
        """
        for keys in sorted(self.lines, key=lambda keys: self.lines[keys]):
            if keys in self.read or not isinstance(keys[-1], str) or (keys[:-1] and keys[:-1] not in self.read):
                continue
            valid = sorted({str(k[-1]) for k in self.read if k[:-1] == keys[:-1] and isinstance(k[-1], str)})
            raise SourceError(self.path, unknown("key", keys[-1], valid), self.lines[keys])


def control_character(text: str, allowed: str = "") -> str:
    """The first control or format character in text, described; '' when there is none.

    Such characters print as nothing or as boxes, and a form feed or a carriage
    return could break out of the CSS string the footer is written into.
    Joiners and bidi marks are allowed: scripts need them.
    """
    for ch in text:
        if ch in allowed or ch in "\u200c\u200d\u200e\u200f":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e":
            return f"U+{ord(ch):04X}"
    return ""


MAX_REVIEW_YEARS = 3  # Patient Information Forum: review at least every three years


def read_provenance(fields: Fields) -> Provenance:
    """Who made the leaflet and when. A last review date is the date of a clinical review: it is
    required with a clinical_reviewer and means nothing without one."""
    published, next_review = fields.date("published"), fields.date("next_review")
    reviewer = fields.text("clinical_reviewer", required=False) or None
    last_reviewed = fields.date("last_reviewed") if reviewer else fields.optional_date("last_reviewed")
    if last_reviewed and last_reviewed < published:
        fields.fail("last_reviewed", "last_reviewed can't come before published")
    since, name = (last_reviewed, "last_reviewed") if last_reviewed else (published, "published")
    if next_review <= since:
        fields.fail("next_review", f"next_review must come after {name}")
    if next_review > add_years(since, MAX_REVIEW_YEARS):
        fields.fail("next_review", f"next_review must be at most {MAX_REVIEW_YEARS} years after "
                    f"{name} ({add_years(since, MAX_REVIEW_YEARS)})")
    sources = tuple(Source(item.text("title"), item.text("publisher"), web_address(item, "url"))
                    for item in fields.items("sources"))
    return Provenance(produced_by=fields.text("produced_by"), version=fields.quoted("version"),
                      published=published, last_reviewed=last_reviewed, next_review=next_review,
                      sources=sources, clinical_reviewer=reviewer,
                      online_url=web_address(fields, "online_url"),
                      reference=fields.text("reference", required=False, limit=40))


def web_address(fields: Fields, key: str) -> str:
    """An optional https address; {leaflet} and {lang} may stand in it, and no other braces."""
    url = fields.text(key, required=False, limit=MAX_URL)
    if len(url.encode()) > MAX_URL:
        fields.fail(key, f"{key!r} is {len(url.encode())} bytes long; a QR code holds at most {MAX_URL}")
    if url and not url.startswith("https://"):
        fields.fail(key, f"{key!r} must be an https:// address, not {url!r}")
    if re.search(r"\s", url):
        fields.fail(key, f"{key!r} must not hold spaces")
    if "{" in url.replace("{leaflet}", "").replace("{lang}", "") or \
            "}" in url.replace("{leaflet}", "").replace("{lang}", ""):
        fields.fail(key, f"{key!r} may hold only {{leaflet}} and {{lang}} in braces")
    return url


def read_clinic(path: Path, assets: Path) -> Clinic:
    """A clinic's branding file: name, contact details, logo (in assets/), online address of leaflets."""
    data, lines = load_yaml(path, read_text(path))
    fields = Fields(path, data, lines)
    known = {"name", "phone", "address", "website", "email", "logo", "logo_alt", "leaflet_url", "locale", "site_url"}
    for key in fields.names():
        if key not in known:
            raise SourceError(path, unknown("clinic field", key, sorted(known)), fields.line(key))
    logo = asset_path(fields, "logo", assets) if fields.data.get("logo") else None
    if logo and not fields.data.get("logo_alt"):
        fields.fail("logo", "a logo needs logo_alt, the text a screen reader says for it")
    return Clinic(name=fields.text("name"), path=path, phone=fields.text("phone", required=False),
                  address=fields.text("address", required=False, lines=True),
                  website=web_address(fields, "website"), email=fields.text("email", required=False),
                  logo=logo, logo_alt=fields.text("logo_alt", required=False),
                  leaflet_url=web_address(fields, "leaflet_url"), locale=read_locale(fields),
                  site_url=web_address(fields, "site_url"))


def read_locale(fields: Fields) -> str:
    """A locale such as en-GB, es-ES, es-419 or zh-Hans-CN, that Babel knows; '' when not given."""
    locale = fields.text("locale", required=False, limit=20)
    if locale:
        from .i18n import known_locale

        if not known_locale(locale):
            fields.fail("locale", f"unknown locale {locale!r}; write it like en-GB, es-ES, es-419 or zh-Hans-CN")
    return locale


def add_years(day: date, years: int) -> date:
    """The same day some years on; 28 February for 29 February, the last day there is past year 9999."""
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def read_translation(path: Path, lang: str, shared: Fields, figures: Fields,
                     assets: Path) -> Translation:
    meta, body, body_line = split_front_matter(path, read_text(path, path.parent))
    fields = Fields(path, *meta)
    words = fields.mapping("figures", required=False)
    for figure_id in words.names():
        if figure_id not in figures.names():
            raise SourceError(path, unknown("figure", figure_id, figures.names()), words.line(figure_id))
    placed = {figures.mapping(figure_id).text("section"): read_figure(figure_id, figures, words, assets)
              for figure_id in figures.names()}
    sections = parse_sections(path, body, body_line, placed)
    known = [section.id for section in sections]
    for figure_id in figures.names():
        section_id = figures.mapping(figure_id).text("section")
        if section_id not in known:
            raise SourceError(figures.path, unknown("section", section_id, known),
                              figures.line(figure_id, "section"))
    record = None
    if lang != shared.text("source_language"):
        record = read_record(fields.mapping("translation"))
    locale = read_locale(fields)
    if locale and locale.split("-")[0].lower() != lang.split("-")[0].lower():
        fields.fail("locale", f"locale {locale!r} is not a variety of {lang!r}, the language of {path.name}")
    translation = Translation(lang, fields.text("title"), fields.text("subtitle", required=False),
                              sections, path, record, locale)
    fields.refuse_unread()
    return translation


def read_record(fields: Fields) -> TranslationRecord:
    """A translation's front matter says who made it, from which source version, and its review."""
    reviewed_by, reviewed_on = fields.text("reviewed_by", required=False), fields.optional_date("reviewed_on")
    if bool(reviewed_by) != bool(reviewed_on):
        fields.fail("reviewed_by" if reviewed_on else "reviewed_on",
                    "a translation review needs both reviewed_by and reviewed_on")
    return TranslationRecord(fields.text("translated_by"), fields.quoted("source_hash"),
                             reviewed_by or None, reviewed_on)


def source_hash(path: Path) -> str:
    """The version of a source text that translations record: the start of its SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def read_figure(figure_id: str, figures: Fields, words: Fields, assets: Path) -> Figure:
    """A figure: file and credit from leaflet.yaml; alt text, caption (and a translated
    credit, if given) from the language file."""
    shared = figures.mapping(figure_id)
    if figure_id not in words.names():
        raise SourceError(words.path, f"figure {figure_id!r} needs alt text and a caption under "
                          f"'figures: {figure_id}:' in the front matter", words.line() or 1)
    own = words.mapping(figure_id)
    alt = refused_without(own, "alt", f"figure {figure_id!r} has no alt text")
    credit = own.text("credit", required=False) or \
        refused_without(shared, "credit", f"figure {figure_id!r} has no credit")
    return Figure(figure_id, asset_path(shared, "file", assets), alt, own.text("caption"), credit)


def refused_without(fields: Fields, key: str, message: str) -> str:
    if not str(fields.data.get(key) or "").strip():
        fields.fail(key, f"{message}: a figure without {'alt text' if key == 'alt' else 'a ' + key} is refused")
    return fields.text(key)


def asset_path(fields: Fields, key: str, assets: Path) -> Path:
    """A file named in metadata: a regular file that lies inside the assets folder, links followed."""
    name = fields.text(key)
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or ":" in name or "\\" in name:
        fields.fail(key, f"{key!r} must be a file name inside {display(assets)}/, not {name!r}")
    path = assets / relative
    if not path.is_file():
        fields.fail(key, f"illustration {name!r} not found in {display(assets)}/ (or not a plain file)")
    if not inside(path, assets):
        fields.fail(key, f"{name!r} is a link to a file outside {display(assets)}/; put the file itself there")
    try:
        check_picture(path)
    except BadPicture as error:
        fields.fail(key, f"{name!r}: {error}")
    return path


def inside(path: Path, folder: Path) -> bool:
    """Whether path, once every link is followed, is a regular file inside folder."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return resolved.is_file() and resolved.is_relative_to(folder.resolve())


def split_front_matter(path: Path, text: str) -> tuple[tuple[dict, dict], str, int]:
    """The front matter (data, key lines), the Markdown body and the body's first line."""
    if not text.startswith("---\n"):
        raise SourceError(path, "must start with YAML front matter between '---' lines", 1)
    end = text.find("\n---\n", 3)
    if end < 0:
        raise SourceError(path, "front matter is not closed by a '---' line", 1)
    front = text[4:end + 1]
    meta = load_yaml(path, front, first_line=2)
    body_line = front.count("\n") + 3
    return meta, text[end + 5:], body_line


@lru_cache(maxsize=1)
def markdown():
    from markdown_it import MarkdownIt

    # Tables and strikethrough are recognised only to be refused with their line,
    # rather than printed as pipes and tildes.
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # Let every link and image through the parser, so that those we refuse are
    # refused with a message rather than printed as literal Markdown.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def parse_sections(path: Path, body: str, first_line: int, figures: dict) -> tuple[Section, ...]:
    """Markdown into sections: '## Heading {#id}' opens each; '###' makes a subheading."""
    tokens = markdown().parse(body)
    sections: list[dict] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        line = line_of(token, first_line)
        if token.type == "heading_open" and token.tag == "h2":
            heading, section_id = section_heading(path, tokens[index + 1].content, line)
            if any(s["id"] == section_id for s in sections):
                raise SourceError(path, f"section id {section_id!r} is used twice", line)
            blocks = [figures[section_id]] if section_id in figures else []
            sections.append({"id": section_id, "heading": heading, "blocks": blocks, "line": line})
            index += 3
            continue
        if not sections:
            raise SourceError(path, "text before the first section; start with '## Heading {#id}'", line)
        block, index = parse_block(path, tokens, index, first_line)
        sections[-1]["blocks"].append(block)
    if not sections:
        raise SourceError(path, "no sections; each starts with '## Heading {#id}'", first_line)
    for section in sections:
        if all(isinstance(block, Figure) for block in section["blocks"]):
            raise SourceError(path, f"section {section['id']!r} is empty", section["line"])
    return tuple(Section(s["id"], s["heading"], tuple(s["blocks"]), s["line"]) for s in sections)


def line_of(token, first_line: int) -> int | None:
    return first_line + token.map[0] if token.map else None


def section_heading(path: Path, text: str, line: int | None) -> tuple[str, str]:
    match = SECTION_HEADING.match(text)
    if not match or not match["heading"]:
        raise SourceError(path, f"section heading needs a stable id, like '## {text} {{#overview}}'", line)
    if match["id"] in FILENAME_WORDS:
        raise SourceError(path, f"{match['id']!r} can't be a section id: PDF file names use it for an "
                          "option; choose another", line)
    return match["heading"], match["id"]


UNSUPPORTED = {"fence": "code blocks", "code_block": "code blocks", "blockquote_open": "block quotes",
               "hr": "horizontal rules", "table_open": "tables"}
INLINE_UNSUPPORTED = {"s_open": "strikethrough", "s_close": "strikethrough"}


def parse_block(path: Path, tokens: list, index: int, first_line: int):
    """The block starting at tokens[index], and the index after it."""
    token = tokens[index]
    line = line_of(token, first_line)
    if token.type == "heading_open":
        if token.tag != "h3":
            raise SourceError(path, "headings must not skip a level: use '##' for sections and '###' "
                              f"for subheadings, not {token.markup!r}", line)
        return Subheading(plain_text(path, tokens[index + 1], line)), index + 3
    if token.type == "paragraph_open":
        return Paragraph(inline_runs(path, tokens[index + 1], line)), index + 3
    if token.type in ("bullet_list_open", "ordered_list_open"):
        return parse_list(path, tokens, index, first_line)
    if token.type in ("html_block", "html_inline"):
        raise SourceError(path, "raw HTML is not allowed in leaflet text", line)
    raise SourceError(path, f"{UNSUPPORTED.get(token.type, token.type)} are not supported in leaflet text", line)


def parse_list(path: Path, tokens: list, index: int, first_line: int):
    """A one-level list: each item is one paragraph of inline text."""
    opening = tokens[index]
    closing = opening.type.replace("_open", "_close")
    items = []
    index += 1
    while not (tokens[index].type == closing and tokens[index].level == opening.level):
        token = tokens[index]
        line = line_of(token, first_line)
        if token.type in ("bullet_list_open", "ordered_list_open"):
            raise SourceError(path, "lists inside lists are not supported: keep one level", line)
        if token.type == "inline":
            items.append(inline_runs(path, token, line))
        elif token.type not in ("list_item_open", "list_item_close", "paragraph_open", "paragraph_close"):
            parse_block(path, tokens, index, first_line)  # raises for what a list can't hold
        index += 1
    return ListBlock(tuple(items), opening.type == "ordered_list_open"), index + 1


def plain_text(path: Path, inline, line: int | None) -> str:
    return "".join(run.text for run in inline_runs(path, inline, line))


def inline_runs(path: Path, inline, line: int | None) -> tuple[Run, ...]:
    """Inline Markdown as runs of text; what clear print forbids is refused."""
    runs: list[Run] = []
    strong, href = False, None
    for child in inline.children or []:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            runs.append(Run(child.content, strong, href))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" ", strong, href))
        elif kind in ("strong_open", "strong_close"):
            strong = kind == "strong_open"
        elif kind in ("em_open", "em_close"):
            raise SourceError(path, "italics are hard to read in clear print; use **bold** for emphasis", line)
        elif kind == "link_open":
            href = child.attrs.get("href", "")
            if not str(href).startswith(LINK_SCHEMES) or len(str(href)) > MAX_URL:
                raise SourceError(path, f"links must be https:, mailto: or tel: addresses of at most {MAX_URL} "
                                  f"characters, not {str(href)[:80]!r}", line)
        elif kind == "link_close":
            if not runs or runs[-1].href != href or not runs[-1].text.strip():
                raise SourceError(path, f"a link needs words to print, like [the NHS page]({href})", line)
            href = None
        elif kind == "image":
            raise SourceError(path, "images in the text are not allowed; add figures in "
                              f"{METADATA_FILE} with alt text and a credit", line)
        elif kind == "html_inline":
            raise SourceError(path, "raw HTML is not allowed in leaflet text", line)
        else:
            raise SourceError(path, f"{INLINE_UNSUPPORTED.get(kind, kind)} is not supported in leaflet text", line)
    for run in runs:
        bad = control_character(run.text + (run.href or ""))
        if bad:
            raise SourceError(path, f"the text holds a control character ({bad}); write plain text", line)
    return merge_runs(runs)


def merge_runs(runs: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].strong, merged[-1].href) == (run.strong, run.href):
            merged[-1] = Run(merged[-1].text + run.text, run.strong, run.href)
        else:
            merged.append(run)
    return tuple(merged)
