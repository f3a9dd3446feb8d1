"""Check leaflets without rendering them: every problem found, one line each, as `file:line: severity: message`.

Three kinds of finding: damage an export leaves in text (markup debris, lost
lists, stray credit lines, placeholders, repeats), found line by line in the
raw files whether or not they parse; structure and governance, from reading
the leaflet; and readability, per section and language.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .errors import LeafletError, SourceError, display
from .fonts import describe
from .model import Leaflet, Translation
from .project import Project
from .read import METADATA_FILE, find_leaflet, language_files, leaflet_ids, source_hash
from .readability import Score, score
from .request import Options

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


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    scores: dict[str, list[tuple[str, Score]]] = field(default_factory=dict)  # leaflet -> (lang, score)

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def from_error(error: LeafletError, path: Path, code: str = "source") -> Finding:
    """A problem the reader raised, as a finding; one with no file of its own is put on path."""
    if isinstance(error, SourceError):
        return Finding(error.path, error.line, ERROR, code, error.message)
    return Finding(path, None, ERROR, code, str(error))


# Export damage, found in raw lines ------------------------------------------------------

DAMAGE = [
    (re.compile(r"\]\]>|<!\[CDATA\["), "markup-debris", ERROR,
     "markup debris {match!r} left by an export: delete it"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>"), "stray-tag", ERROR,
     "stray HTML tag {match!r}: leaflet text is Markdown"),
    (re.compile(r"&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);"), "html-entity", ERROR,
     "HTML entity {match!r}: write the character itself"),
    (re.compile(r"\b(TODO|FIXME|TBD|XXX+)\b|\blorem ipsum\b", re.IGNORECASE), "placeholder", ERROR,
     "placeholder text {match!r}: finish or remove it"),
]
CREDIT_LINE = re.compile(r"^\s*(©|\(c\)\s|copyright\b)|©\s*\d{4}", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\s*([-*+•●▪]|\d+[.)])\s+")
INTRODUCES_LIST = re.compile(r"[:：]\s*$")


def body_lines(path: Path) -> tuple[list[str], int]:
    """A text file's lines, and how many of them are front matter (skipped by the text checks)."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if lines and lines[0].strip() == "---":
        for number, line in enumerate(lines[1:], 2):
            if line.strip() == "---":
                return lines, number
    return lines, 0


def check_text(path: Path) -> list[Finding]:
    """Export damage in a text file, line by line."""
    lines, front = body_lines(path)
    findings = [Finding(path, number, severity, code, message.format(match=match.group(0)))
                for number, line in enumerate(lines, 1)
                for pattern, code, severity, message in DAMAGE
                for match in list(pattern.finditer(line))[:1]]
    if path.suffix != ".yaml":
        findings += credit_lines(path, lines, front) + lost_lists(path, lines, front)
        findings += repeated_paragraphs(path, lines, front)
    return sorted(findings, key=lambda f: (f.line or 0, f.code))


def credit_lines(path: Path, lines: list[str], front: int) -> list[Finding]:
    return [Finding(path, number, ERROR, "credit-in-text",
                    "a credit line fell into the text: move it to the figure's credit in leaflet.yaml")
            for number, line in enumerate(lines, 1) if number > front and CREDIT_LINE.search(line)]


def lost_lists(path: Path, lines: list[str], front: int) -> list[Finding]:
    """Sentences that introduce a list ("… include:") with no list after them."""
    findings = []
    for number, line in enumerate(lines, 1):
        if number <= front or line.lstrip().startswith("#") or not INTRODUCES_LIST.search(line):
            continue
        following = next((later for later in lines[number:] if later.strip()), "")
        if not LIST_ITEM.match(following):
            sentence = re.split(r"(?<=[.!?。])\s*", line.strip())[-1]
            findings.append(Finding(path, number, ERROR, "lost-list",
                                    f"{sentence!r} introduces a list, but no list follows"))
    return findings


def repeated_paragraphs(path: Path, lines: list[str], front: int) -> list[Finding]:
    seen: dict[str, int] = {}
    findings = []
    for start, paragraph in paragraphs(lines, front):
        key = " ".join(paragraph.lower().split())
        if len(key) < 25:
            continue
        if key in seen:
            findings.append(Finding(path, start, WARNING, "repeated-paragraph",
                                    f"repeats the paragraph at line {seen[key]}"))
        else:
            seen[key] = start
    return findings


def paragraphs(lines: list[str], front: int):
    start, chunk = None, []
    for number, line in enumerate(lines + [""], 1):
        if number <= front:
            continue
        if line.strip():
            start = start or number
            chunk.append(line)
        elif chunk:
            yield start, " ".join(chunk)
            start, chunk = None, []


# Leaflets: structure, translations, governance, readability ------------------------------

def check_catalogs() -> list[Finding]:
    """Fixed wording left untranslated would print in English inside another language's leaflet."""
    from babel.messages.pofile import read_po

    from . import i18n

    findings = []
    for path in sorted(i18n.CATALOGS.glob("*/LC_MESSAGES/messages.po")):
        with path.open("rb") as stream:
            catalog = read_po(stream)
        for message in catalog:
            if not message.id:
                continue
            if not message.string or message.fuzzy:
                state = "marked fuzzy" if message.string else "not translated"
                findings.append(Finding(path, message.lineno, ERROR, "catalog",
                                        f"{message.id!r} is {state}"))
                continue
            found = foreign_punctuation(str(message.string), path.parent.parent.name)
            if found:
                findings.append(Finding(path, message.lineno, ERROR, "punctuation",
                                        f"{message.id!r} is translated with {found}"))
    return findings


#: Punctuation a language writes its own way: ASCII marks in its fixed wording are a slip.
OWN_PUNCTUATION = {
    "zh": {":": "：", ",": "，", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"},
    "ar": {",": "،", ";": "؛", "?": "؟"},
}


def foreign_punctuation(text: str, locale: str) -> str:
    """'the ASCII ':' where Chinese writes '：'' for the first such slip in a translation; '' if none."""
    marks = OWN_PUNCTUATION.get(locale.split("_")[0], {})
    bare = re.sub(r"%\([a-z_]+\)s|https?://\S+", "", text)  # placeholders and addresses keep theirs
    for ascii_mark, own in marks.items():
        if ascii_mark in bare.replace("...", ""):
            return f"the ASCII {ascii_mark!r} where the language writes {own!r}"
    return ""


def check_paths(names: list[str], project: Project, today: date | None = None) -> CheckReport:
    """Check named leaflets (all when none are named); a name that is a file is checked alone."""
    report = CheckReport(findings=check_catalogs())
    root, today = project.leaflets, today or date.today()
    for name in names or leaflet_ids(root) or [""]:
        path = Path(name)
        if path.name == METADATA_FILE and path.is_file():
            path = path.parent  # a leaflet named by its metadata file
        if path.is_dir() and (path / METADATA_FILE).is_file():
            check_leaflet(path, project, report, today)
        elif path.is_file() and path.suffix.lower() == ".pdf":
            report.findings += check_pdf(path, project, today)
        elif path.is_file():
            report.findings += check_file(path)
        else:
            check_leaflet(find_leaflet(name, root), project, report, today)
    return report


def check_file(path: Path) -> list[Finding]:
    """One text file on its own, for example a damaged export: damage, then whether it parses."""
    from .read import parse_sections, read_text, split_front_matter

    findings = check_text(path)
    try:
        meta, body, first = split_front_matter(path, read_text(path))
        parse_sections(path, body, first, {})
    except SourceError as error:
        findings.append(from_error(error, path))
    return sorted(merge(findings), key=lambda f: f.line or 0)


def check_pdf(path: Path, project: Project, today: date) -> list[Finding]:
    """A PDF the tool built, laid out as a reader gets it: pages left less than two thirds full
    before the last, and pages that open with the last item of a list alone."""
    from .document import build_document
    from .pages import FILL_TARGET, page_fills, stranded_items, underfilled
    from .read import read_leaflet
    from .request import describe

    found = describe(path.name)
    if found is None:
        raise LeafletError(f"{display(path)}: not a PDF name leafletpress writes "
                           "(LEAFLET.LANG[.SECTION…][.PAPER][.ENGINE][.notes][.booklet][.large-print].pdf)")
    leaflet_id, options = found
    leaflet = read_leaflet(find_leaflet(leaflet_id, project.leaflets), project.assets)
    if options.lang not in leaflet.translations:
        raise LeafletError(f"{display(path)}: leaflet {leaflet_id!r} has no language {options.lang!r}")
    document = build_document(leaflet, replace(options, review_overdue=leaflet.provenance.overdue(today)))
    try:
        fills = page_fills(path, document)
    except Exception as error:  # pdfium on a file that is not a whole PDF
        raise LeafletError(f"{display(path)}: can't be read as a PDF ({type(error).__name__})") from None
    findings = [Finding(path, None, WARNING, "page-fill",
                        f"page {fill.page} of {len(fills)} is {fill.fill:.0%} full; pages before the last should "
                        f"be at least {FILL_TARGET:.0%} full") for fill in underfilled(fills)]
    findings += [Finding(path, None, WARNING, "stranded-item",
                         f"page {page} opens with the last item of a list alone: {item!r}")
                 for page, item in stranded_items(fills, document)]
    return findings


def check_leaflet(folder: Path, project: Project, report: CheckReport, today: date) -> None:
    from .read import read_leaflet

    findings = [finding for path in [folder / METADATA_FILE, *language_files(folder).values()]
                if path.exists() for finding in check_text(path)]
    problems: list[LeafletError] = []
    try:
        leaflet = read_leaflet(folder, project.assets, problems=problems)
    except LeafletError as error:
        problems.append(error)
        leaflet = None
    findings += [from_error(p, folder / METADATA_FILE) for p in problems]
    if leaflet:
        findings += check_governance(leaflet, today)
        scores = report.scores.setdefault(leaflet.id, [])
        for lang in leaflet.languages:
            translation = leaflet.translations[lang]
            findings += check_translation(leaflet, translation)
            findings += check_braille(leaflet, translation)
            findings += check_readability(translation, scores)
    report.findings += merge(findings)


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per line: a parse error on a line the damage checks already named is dropped."""
    named = {(f.path, f.line) for f in findings if f.code != "source" and f.line}
    return [f for f in findings if f.code != "source" or (f.path, f.line) not in named]


def check_governance(leaflet: Leaflet, today: date) -> list[Finding]:
    path = leaflet.folder / METADATA_FILE
    provenance = leaflet.provenance
    findings = []
    if not provenance.clinical_reviewer:
        findings.append(Finding(path, None, WARNING, "not-clinically-reviewed",
                                "never clinically reviewed: set clinical_reviewer once a clinician has "
                                "reviewed it (until then the PDF says it is a draft)"))
        if provenance.last_reviewed:
            findings.append(Finding(path, None, WARNING, "review-without-reviewer",
                                    f"last_reviewed is {provenance.last_reviewed} but no clinical_reviewer is "
                                    "named: a review date needs the clinician who made the review (the PDF "
                                    "prints none until then)"))
    if provenance.overdue(today):
        findings.append(Finding(path, None, WARNING, "review-overdue",
                                f"review overdue since {provenance.next_review}: the PDF says so"))
    return findings


def check_translation(leaflet: Leaflet, translation: Translation) -> list[Finding]:
    findings = check_printable(leaflet, translation)
    record = translation.record
    if record is None or leaflet.source_language in leaflet.unreadable:
        return findings
    if not record.reviewed:
        findings.append(Finding(translation.path, None, WARNING, "translation-not-reviewed",
                                "translation not yet checked by a clinician: set reviewed_by and "
                                "reviewed_on under 'translation:' once it is (until then the PDF says so)"))
    source = leaflet.translations[leaflet.source_language]
    current = source_hash(source.path)
    if record.source_hash != current:
        findings.append(Finding(
            translation.path, None, WARNING, "stale-translation",
            f"translated from source version {record.source_hash}, but {display(source.path)} is now "
            f"version {current}: update the translation, then its source_hash"))
    for section in source.sections:
        if section.id not in translation.section_ids:
            findings.append(Finding(translation.path, None, WARNING, "missing-section",
                                    f"section {section.id!r} of {display(source.path)} is missing"))
    return findings


def check_printable(leaflet: Leaflet, translation: Translation) -> list[Finding]:
    """Whether the language's fonts can print every character of its text and fixed wording, and
    whether that text holds an internal code (a version hash, say) that means nothing to a patient."""
    from .document import build_document
    from .fonts import require_coverage

    document = build_document(leaflet, Options(translation.lang))
    findings = [Finding(translation.path, None, ERROR, "internal-code",
                        f"the PDF would print {code!r}, an internal code that means nothing to a patient")
                for code in dict.fromkeys(INTERNAL_CODE.findall(document.printed_text()))]
    try:
        require_coverage(document.printed_text(), translation.lang, list(document.sources))
    except SourceError as error:
        findings.append(from_error(error, translation.path, "missing-glyph"))
    return findings


def check_braille(leaflet: Leaflet, translation: Translation) -> list[Finding]:
    """Where the braille (build --format brf) can't say what the PDF says: no table for the language, an
    uncontracted or sound-spelled table, bold the table can't mark, a character it has no braille for."""
    from .formats import braille

    path = translation.path

    def warn(code: str, message: str) -> Finding:
        return Finding(path, None, WARNING, code, f"braille: {message}")
    try:
        table = braille.table_for(translation.lang)
        document = braille.braille_document(leaflet, Options(translation.lang))
        missing = braille.without_braille(translation.lang, braille.braille_text(document))
        bold = any(run.strong for section in translation.sections for block in section.blocks
                   for runs in getattr(block, "items", (getattr(block, "runs", ()),)) for run in runs)
        carries_bold = braille.carries_bold(translation.lang)
    except LeafletError as error:
        return [warn("braille", str(error))]
    findings = []
    if table.caveat:
        findings.append(warn("braille-caveat", f"{table.name} ({table.file}): {table.caveat}"))
    elif not table.contracted:
        findings.append(warn("braille-uncontracted", f"liblouis has no contracted braille for "
                             f"{translation.lang!r}: the braille file is uncontracted ({table.name})"))
    if bold and not carries_bold:
        findings.append(warn("braille-bold", f"{table.name} ({table.file}) does not mark bold text: what the "
                             "PDF sets in bold reads as plain text in braille"))
    findings += [warn("braille-character", f"{table.name} ({table.file}) has no braille for {describe(ch)}: "
                      "no braille file can be made until it is written another way") for ch in missing]
    return findings


#: A hexadecimal code such as a source hash: ten or more of 0-9a-f, with digits and letters both.
INTERNAL_CODE = re.compile(r"(?<![\w/.-])(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{10,64}(?![\w/-]|\.\w)")


def check_readability(translation: Translation, scores: list) -> list[Finding]:
    findings = []
    for section in translation.sections:
        result = score(section, translation.lang)
        if result is None:
            continue
        scores.append((translation.lang, result))
        if not result.meets_target:
            hardest = "; ".join(f"{s!r} ({len(s.split())} words)" for s in result.hardest)
            findings.append(Finding(
                translation.path, section.line, WARNING, "readability",
                f"section {section.id!r} scores {result.value:g} on {result.formula.name} "
                f"(target {result.formula.describe_target()}); hardest sentences: {hardest}"))
    return findings


def readability_table(leaflet_id: str, scores: list[tuple[str, Score]]) -> list[str]:
    """The text report's table for one leaflet."""
    if not scores:
        return []
    rows = [f"readability of {leaflet_id}:",
            f"  {'lang':<6}{'section':<20}{'formula':<28}{'score':>7}{'target':>8}{'words/sentence':>16}"]
    for lang, result in scores:
        rows.append(f"  {lang:<6}{result.section.id:<20}{result.formula.name:<28}{result.value:>7g}"
                    f"{result.formula.describe_target():>8}{result.words_per_sentence:>16g}"
                    + ("" if result.meets_target else "  ← misses the target"))
    return rows
