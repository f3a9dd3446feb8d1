"""Check leaflets without rendering them: every problem found, one line each, as `file:line: severity: message`."""

from dataclasses import dataclass
from pathlib import Path

from .errors import LeafletError, SourceError, display
from .model import Leaflet, Translation
from .options import Options
from .read import LEAFLETS, source_hash

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int | None
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{display(self.path)}:{self.line}" if self.line else display(self.path)
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": display(self.path), "line": self.line, "severity": self.severity,
                "code": self.code, "message": self.message}


def from_error(error: SourceError, code: str = "source") -> Finding:
    return Finding(error.path, error.line, ERROR, code, error.message)


def check_leaflets(names: list[str], root: Path = LEAFLETS) -> list[Finding]:
    """Every finding for the named leaflets (all when none are named)."""
    from .build import read_all

    problems: list[LeafletError] = []
    leaflets = read_all(names, root, problems)
    findings = [from_error(problem) for problem in problems if isinstance(problem, SourceError)]
    for leaflet in leaflets:
        for lang in leaflet.languages:
            findings += check_translation(leaflet, leaflet.translations[lang])
    return findings


def check_translation(leaflet: Leaflet, translation: Translation) -> list[Finding]:
    findings = check_printable(leaflet, translation)
    if translation.record is None or leaflet.source_language in leaflet.unreadable:
        return findings
    source = leaflet.translations[leaflet.source_language]
    current = source_hash(source.path)
    if translation.record.source_hash != current:
        findings.append(Finding(
            translation.path, None, WARNING, "stale-translation",
            f"translated from source version {translation.record.source_hash}, but "
            f"{display(source.path)} is now version {current}: update the translation, then its source_hash"))
    for section in source.sections:
        if section.id not in translation.section_ids:
            findings.append(Finding(translation.path, None, WARNING, "missing-section",
                                    f"section {section.id!r} of {display(source.path)} is missing"))
    return findings


def check_printable(leaflet: Leaflet, translation: Translation) -> list[Finding]:
    """Whether the language's fonts can print every character of its text and fixed wording."""
    from .html import check_printable as require, render_html

    options = Options(translation.lang)
    try:
        require(leaflet, options, render_html(leaflet, options))
    except SourceError as error:
        return [from_error(error, "missing-glyph")]
    return []
