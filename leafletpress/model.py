"""The leaflet model: plain data, knowing nothing of Markdown, YAML, HTML or PDF."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style: plain, bold, or a link."""

    text: str
    strong: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text."""

    runs: tuple[Run, ...]

    @property
    def introduces_list(self) -> bool:
        """Whether it ends with a colon: 'Symptoms may include:' belongs with the list after it."""
        return bool(self.runs) and self.runs[-1].text.rstrip().endswith((":", "："))


@dataclass(frozen=True)
class ListBlock:
    """A list of one level: each item a line of text; numbered when ordered."""

    items: tuple[tuple[Run, ...], ...]
    ordered: bool = False


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class Figure:
    """An illustration with the words every printed picture must carry."""

    id: str
    path: Path
    alt: str
    caption: str
    credit: str


Block = Paragraph | ListBlock | Subheading | Figure


@dataclass(frozen=True)
class Section:
    """A part of the leaflet with a stable id, the same in every language."""

    id: str
    heading: str
    blocks: tuple[Block, ...]
    line: int = 0


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    url: str


@dataclass(frozen=True)
class Provenance:
    """Who made the leaflet, from what, when it was reviewed and when it is due again.

    The fields the Patient Information Forum asks every leaflet to print.
    clinical_reviewer is empty until a clinician has reviewed the leaflet.
    """

    produced_by: str
    version: str
    published: date
    last_reviewed: date | None  # the day of the last clinical review; None until there has been one
    next_review: date
    sources: tuple[Source, ...]
    clinical_reviewer: str | None = None
    online_url: str = ""  # the leaflet online, {lang} filled in; a clinic's own URL wins
    reference: str = ""  # the leaflet's reference number, as a hospital's back pages print it

    def overdue(self, today: date) -> bool:
        return today > self.next_review


@dataclass(frozen=True)
class TranslationRecord:
    """Who translated a language version, from which version of the source, and who checked it."""

    translated_by: str
    source_hash: str
    reviewed_by: str | None = None
    reviewed_on: date | None = None

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewed_by and self.reviewed_on)


@dataclass(frozen=True)
class Clinic:
    """The clinic handing the leaflet out: named on the title block and the back page."""

    name: str
    path: Path
    phone: str = ""
    address: str = ""
    website: str = ""
    email: str = ""
    logo: Path | None = None
    logo_alt: str = ""
    leaflet_url: str = ""  # the online version, with {leaflet} and {lang} filled in
    locale: str = ""  # e.g. en-US: dates in the clinic's own way, for leaflets in its language
    site_url: str = ""  # where the web site (build --format html) is published

    def url_for(self, leaflet_id: str, lang: str) -> str:
        """The leaflet online: the clinic's own address for it, else its page on the published site."""
        if self.leaflet_url:
            return fill_url(self.leaflet_url, leaflet_id, lang)
        return f"{self.site_url.rstrip('/')}/{leaflet_id}/{lang}/" if self.site_url else ""


def fill_url(template: str, leaflet_id: str, lang: str) -> str:
    """An address with {leaflet} and {lang} filled in: plain replacement, never str.format on user text."""
    return template.replace("{leaflet}", leaflet_id).replace("{lang}", lang)


@dataclass(frozen=True)
class Translation:
    """The leaflet's text in one language; the source language has no record."""

    lang: str
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    path: Path
    record: TranslationRecord | None = None
    locale: str = ""  # the variety it is written in, e.g. en-GB or es-ES; dates follow it

    @property
    def section_ids(self) -> list[str]:
        return [section.id for section in self.sections]


@dataclass(frozen=True)
class Leaflet:
    id: str
    folder: Path
    source_language: str
    provenance: Provenance
    translations: dict[str, Translation] = field(default_factory=dict)
    unreadable: frozenset[str] = frozenset()  # languages whose file has an error
    urgent_sections: tuple[str, ...] = ()  # printed in a box that stands out: when to get help at once

    @property
    def languages(self) -> list[str]:
        return sorted(self.translations, key=lambda lang: (lang != self.source_language, lang))
