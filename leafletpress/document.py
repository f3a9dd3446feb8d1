"""The printed view of a leaflet: the model with one PDF's options and the fixed wording applied.

build_document() is the one place that decides what a leaflet says about
itself and in which words: which sections are printed and where the figure
goes, the notices a reader must see, the care-team, About and notes boxes,
the footer, and every piece of fixed wording from the reader's catalog. The
HTML templates walk a Document, the ReportLab engine maps it to flowables,
and the other formats read it too: a change to what is printed is made here
once. A Document holds only text, model blocks and layout tokens; it knows no
HTML and no PDF.
"""

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .errors import UnknownName
from .i18n import catalog_folder, direction, format_date, format_list, language_name, translations
from .model import Block, Figure, Leaflet, ListBlock, Paragraph, Run, Section, Subheading, fill_url
from .request import Options
from .style import Paper, Style

BULLET = "\u2022"


@dataclass(frozen=True)
class ClinicBanner:
    """The clinic's name, and its logo if it has one, above the title."""

    name: str
    logo: Path | None
    logo_alt: str


@dataclass(frozen=True)
class TitleBlock:
    banner: ClinicBanner | None
    title: str
    subtitle: str
    warnings: tuple[str, ...]  # must be seen: bold, boxed, black on pale yellow
    dates: str  # "Published: … · Next review: … · Version 1.0"
    notices: tuple[str, ...]  # small print under the dates
    partial: str  # which sections a partial handout holds; "" for the whole leaflet


@dataclass(frozen=True)
class PrintedSection:
    """A section as printed, with its figure placed among its blocks.

    The figure stands beside the paragraphs that follow its place (or above
    them, on narrow pages and in large print): `before` are printed first,
    then the figure with `beside`, then `rest`. Its place is at the opening
    of the section unless the layout moved it on (with_figure_later) so as
    not to leave a hole in a page.
    """

    id: str
    heading: str
    figure: Figure | None
    blocks: tuple[Block, ...]  # every block but the figure
    figure_at: int = 0  # how many blocks come before the figure
    urgent: bool = False  # printed in a box that stands out: when to get help at once

    @property
    def before(self) -> tuple[Block, ...]:
        return self.blocks[:self.figure_at] if self.figure else self.blocks

    @property
    def beside(self) -> tuple[Block, ...]:
        """The paragraphs after the figure's place, up to a list, a subheading or the sentence that
        introduces a list: what a figure's row holds, short enough to fit the page it starts on."""
        if not self.figure:
            return ()
        end = self.figure_at
        while end < len(self.blocks) and plain_paragraph(self.blocks[end]):
            end += 1
        return self.blocks[self.figure_at:end]

    @property
    def rest(self) -> tuple[Block, ...]:
        return self.blocks[self.figure_at + len(self.beside):] if self.figure else ()

    def with_figure_later(self) -> "PrintedSection | None":
        """The section with its figure moved on to the next place that has a paragraph to stand beside
        (never between a sentence and the list it introduces); None if there is none."""
        for place in range(self.figure_at + 1, len(self.blocks)):
            moved = replace(self, figure_at=place)
            previous = self.blocks[place - 1]
            if moved.beside and not (isinstance(previous, Paragraph) and previous.introduces_list):
                return moved
        return None


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


@dataclass(frozen=True)
class ContactBox:
    """Who to ask: the clinic's details, or labelled lines to write them on."""

    heading: str
    lead: str
    clinic_name: str
    clinic_address: tuple[str, ...]
    details: tuple[Detail, ...]
    write_in: tuple[str, ...]


@dataclass(frozen=True)
class OnlineCopy:
    """The leaflet's address online, printed beside a QR code."""

    url: str
    lead: str
    qr_alt: str


@dataclass(frozen=True)
class SourceLine:
    text: str  # "Publisher: Title."
    url: str


@dataclass(frozen=True)
class AboutBox:
    """Who made the leaflet, when, from what: the Patient Information Forum's fields."""

    heading: str
    lines: tuple[str, ...]
    online: OnlineCopy | None
    sources_heading: str
    sources: tuple[SourceLine, ...]


@dataclass(frozen=True)
class QuestionsBox:
    """Lines for the patient's own questions, before the care team's details."""

    heading: str
    lead: str
    lines: int


@dataclass(frozen=True)
class NotesPage:
    heading: str
    write_in: tuple[str, ...]
    note: str  # typed for this patient; "" for none
    lines: int


@dataclass(frozen=True)
class Document:
    """Everything one PDF prints, in order, with its metadata and layout."""

    leaflet_id: str
    lang: str
    direction: str  # "ltr" or "rtl"
    title: str
    author: str
    subject: str
    keywords: str
    created: date
    modified: date
    title_block: TitleBlock
    sections: tuple[PrintedSection, ...]
    questions: QuestionsBox
    contact: ContactBox
    about: AboutBox
    notes: NotesPage | None
    footer: str  # the running footer beside the page number
    page_label: str  # "Page %(page)s of %(pages)s" in the reader's language
    picture_label: str
    credit_label: str
    style: Style
    page: Paper
    figure_beside: bool
    sources: tuple[Path, ...]  # the files the words come from, to say where a problem is
    breakable: frozenset[str] = frozenset()  # boxes (urgent sections, questions, contact) let run on to a next page
    #: Every character the font subsets hold: the whole leaflet's in this language (all its sections and the
    #: notes page) and this PDF's own, so that its PDFs of some sections, with notes, on other paper or in
    #: large print share one subset (making a Chinese subset takes seconds).
    glyphs: str = ""

    def moves(self) -> dict:
        """What the layout changed to fill its pages: figures moved on, boxes let break."""
        return {"figures": {s.id: s.figure_at for s in self.sections if s.figure_at},
                "breakable": sorted(self.breakable)}

    def with_moves(self, moves) -> "Document | None":
        """The document with moves made before (a remembered layout); None if they don't fit it."""
        if not isinstance(moves, dict) or set(moves) != {"figures", "breakable"}:
            return None
        figures, breakable = moves["figures"], moves["breakable"]
        if not isinstance(figures, dict) or not isinstance(breakable, list) or \
                not all(isinstance(name, str) for name in breakable):
            return None
        sections = list(self.sections)
        for index, section in enumerate(sections):
            place = figures.get(section.id, 0)
            if not isinstance(place, int) or not 0 <= place < max(len(section.blocks), 1) or \
                    (place and not section.figure):
                return None
            sections[index] = replace(section, figure_at=place)
        if set(figures) - {section.id for section in sections}:
            return None
        return replace(self, sections=tuple(sections), breakable=frozenset(breakable))

    def with_box_breakable(self, box: str) -> "Document | None":
        """The document with a box that is kept on one page let run on to the next; None if it already may."""
        return None if box in self.breakable else replace(self, breakable=self.breakable | {box})

    def with_figure_later(self, section_id: str) -> "Document | None":
        """The document with that section's figure moved on a place; None when it can't move."""
        sections = list(self.sections)
        for index, section in enumerate(sections):
            if section.id == section_id:
                moved = section.with_figure_later()
                if moved is None:
                    return None
                sections[index] = moved
                return replace(self, sections=tuple(sections))
        return None

    def page_number(self, page: int, pages: int) -> str:
        return self.page_label % {"page": page, "pages": pages}

    def printed_text(self) -> str:
        """Every character the PDF prints, for the font check and font subsets."""
        block, about, contact = self.title_block, self.about, self.contact
        parts = [block.banner.name if block.banner else "", block.title, block.subtitle, *block.warnings,
                 block.dates, *block.notices, block.partial, self.footer, self.page_number(0, 0),
                 "0123456789", BULLET, self.picture_label, self.credit_label,
                 self.questions.heading, self.questions.lead,
                 contact.heading, contact.lead, contact.clinic_name, *contact.clinic_address,
                 *(f"{d.label} {d.value}" for d in contact.details), *contact.write_in,
                 about.heading, *about.lines, about.sources_heading,
                 *(f"{s.text} {s.url}" for s in about.sources)]
        if about.online:
            parts += [about.online.lead, about.online.url]
        if self.notes:
            parts += [self.notes.heading, *self.notes.write_in, self.notes.note]
        for section in self.sections:
            parts.append(section.heading)
            if section.figure:
                parts += [section.figure.caption, section.figure.credit]
            parts += [block_text(b) for b in section.blocks]
        return "\n".join(part for part in parts if part)


def plain_paragraph(block: Block) -> bool:
    """A paragraph that does not introduce a list."""
    return isinstance(block, Paragraph) and not block.introduces_list


def block_text(block: Block) -> str:
    match block:
        case Paragraph(runs=runs):
            return runs_text(runs)
        case ListBlock(items=items):
            return "\n".join(f"{number}. {runs_text(item)}" for number, item in enumerate(items, 1))
        case Subheading(text=text):
            return text
        case Figure(caption=caption, credit=credit):
            return f"{caption}\n{credit}"
    raise TypeError(f"not a block: {block!r}")


def runs_text(runs: tuple[Run, ...]) -> str:
    return "".join(run.text for run in runs)


def build_document(leaflet: Leaflet, options: Options) -> Document:
    """What one PDF of the leaflet prints, in the reader's language."""
    document = make_document(leaflet, options)
    every = replace(options, notes=True, note="")
    first = tuple(leaflet.translations[options.lang].section_ids[:1])  # a handout of some sections says so
    glyphs = {character for variant in (replace(every, sections=()), replace(every, sections=first))
              for character in make_document(leaflet, variant).printed_text()}
    return replace(document, glyphs="".join(sorted(glyphs | set(document.printed_text()))))


def make_document(leaflet: Leaflet, options: Options) -> Document:
    translation = leaflet.translations[options.lang]
    _ = translations(options.lang).gettext
    provenance = leaflet.provenance
    sections = select_sections(leaflet, options)
    dates = local_dates(leaflet, options)
    version_label = _("Version")
    version = f"{version_label}\u00a0{provenance.version}"
    return Document(
        leaflet_id=leaflet.id, lang=options.lang, direction=direction(options.lang),
        title=translation.title, author=provenance.produced_by, subject=translation.subtitle,
        keywords=leaflet.id, created=provenance.published, modified=provenance.last_reviewed or provenance.published,
        title_block=title_block(leaflet, options, sections, dates, version),
        sections=tuple(printed_section(section, section.id in leaflet.urgent_sections) for section in sections),
        questions=QuestionsBox(_("Questions to ask your care team"),
                               _("Write down any questions you want to ask at your next appointment."),
                               options.style.question_lines),
        contact=contact_box(options), about=about_box(leaflet, options, dates, version),
        notes=notes_page(options) if options.notes or options.note else None,
        footer=f"{translation.title} · {version}", page_label=_("Page %(page)s of %(pages)s"),
        picture_label=_("Picture"), credit_label=_("Credit"),
        style=options.style, page=options.page, figure_beside=options.figure_beside,
        sources=(translation.path, leaflet.folder / "leaflet.yaml", catalog_folder(options.lang) / "messages.po"),
    )


def select_sections(leaflet: Leaflet, options: Options) -> list[Section]:
    """The sections asked for, in the leaflet's order; all of them when none are named.

    A handout of some sections carries the urgent ones too: advice on when to
    get help at once goes with every part of the leaflet.
    """
    translation = leaflet.translations[options.lang]
    known = translation.section_ids
    for section_id in options.sections:
        if section_id not in known:
            raise UnknownName("section", section_id, known, where=f"{leaflet.id} ({translation.lang})")
    wanted = set(options.sections) | set(leaflet.urgent_sections)
    return [s for s in translation.sections if not options.sections or s.id in wanted]


def local_dates(leaflet: Leaflet, options: Options) -> dict[str, str]:
    """Every date the leaflet prints, written the way its locale writes dates.

    The locale is the translation's own (en-GB, es-ES ...); a clinic that names a
    locale of the same language (en-US, es-419) has its own way instead.
    """
    translation = leaflet.translations[options.lang]
    locale = translation.locale or options.lang
    clinic = options.clinic
    if clinic and clinic.locale and clinic.locale.split("-")[0].lower() == options.lang.split("-")[0].lower():
        locale = clinic.locale
    provenance, record = leaflet.provenance, translation.record
    values = {"published": provenance.published, "next_review": provenance.next_review,
              "last_reviewed": provenance.last_reviewed,
              "translation_reviewed": record and record.reviewed_on}
    return {name: format_date(value, locale) for name, value in values.items() if value}


def title_block(leaflet: Leaflet, options: Options, sections: list[Section], dates: dict,
                version: str) -> TitleBlock:
    _ = translations(options.lang).gettext
    translation, clinic = leaflet.translations[options.lang], options.clinic
    warnings = []
    if options.review_overdue:
        warnings.append(_("Review overdue: this leaflet was due for review on %(date)s. Check with your "
                          "care team that it is still correct.") % {"date": dates["next_review"]})
    if not leaflet.provenance.clinical_reviewer:
        warnings.append(_("Draft — not yet clinically reviewed"))
    record = translation.record
    notices = (_("Draft translation: not yet checked by a clinician."),) if record and not record.reviewed else ()
    partial = ""
    if len(sections) < len(translation.sections):
        lead = _("This handout has only part of the leaflet:")
        partial = f"{lead} " + " · ".join(section.heading for section in sections)
    return TitleBlock(
        banner=ClinicBanner(clinic.name, clinic.logo, clinic.logo_alt) if clinic else None,
        title=translation.title, subtitle=translation.subtitle, warnings=tuple(warnings),
        dates=" · ".join((_("Published: %(date)s") % {"date": dates["published"]},
                          _("Next review: %(date)s") % {"date": dates["next_review"]}, version)),
        notices=notices, partial=partial)


def printed_section(section: Section, urgent: bool = False) -> PrintedSection:
    """The section's blocks, links written out, its figure (if any) at its opening."""
    blocks = tuple(printed_block(block) for block in section.blocks)
    figures = [block for block in blocks if isinstance(block, Figure)]
    figure = figures[0] if figures and blocks[0] is figures[0] else None
    return PrintedSection(section.id, section.heading, figure, blocks[1:] if figure else blocks, 0, urgent)


def printed_block(block: Block) -> Block:
    """The block with its links written out: 'the NHS page (https://…)', as paper needs."""
    match block:
        case Paragraph(runs=runs):
            return Paragraph(printed_runs(runs))
        case ListBlock(items=items, ordered=ordered):
            return ListBlock(tuple(printed_runs(item) for item in items), ordered)
    return block


def printed_runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    printed = []
    for run in runs:
        target = run.href and run.href.removeprefix("mailto:").removeprefix("tel:")
        text = f"{run.text} ({target})" if target and target != run.text else run.text
        printed.append(Run(text, run.strong, run.href))
    return tuple(printed)


def contact_box(options: Options) -> ContactBox:
    _ = translations(options.lang).gettext
    clinic = options.clinic
    if not clinic:
        return ContactBox(_("Your care team"), _("If you have questions, contact your care team:"),
                          "", (), (), (_("Name"), _("Phone"), _("Clinic")))
    details = tuple(Detail(label, value) for label, value in
                    ((_("Phone"), clinic.phone), (_("Email"), clinic.email), (_("Website"), clinic.website)) if value)
    return ContactBox(_("Your care team"), _("If you have questions, contact your care team:"),
                      clinic.name, tuple(clinic.address.splitlines()), details, ())


def about_box(leaflet: Leaflet, options: Options, dates: dict, version: str) -> AboutBox:
    """Who made the leaflet and from what, its dates and version, who checked it: no internal codes.

    A review date is printed only with the clinician who made the review: until
    then the leaflet says it has not been reviewed, and nothing else.
    """
    _ = translations(options.lang).gettext
    provenance, record = leaflet.provenance, leaflet.translations[options.lang].record
    lines = [_("Produced by: %(producer)s") % {"producer": provenance.produced_by},
             " · ".join((_("Published: %(date)s") % {"date": dates["published"]},
                         _("Next review: %(date)s") % {"date": dates["next_review"]}, version,
                         *([_("Reference: %(reference)s") % {"reference": provenance.reference}]
                           if provenance.reference else []))),
             _("Clinically reviewed by %(reviewer)s on %(date)s") % {
                 "reviewer": provenance.clinical_reviewer, "date": dates["last_reviewed"]}
             if provenance.clinical_reviewer else _("Not yet reviewed by a clinician.")]
    if record:
        checked = _("Translation checked by %(reviewer)s on %(date)s.") % {
            "reviewer": record.reviewed_by, "date": dates.get("translation_reviewed")} \
            if record.reviewed else _("This translation has not yet been checked by a clinician.")
        made = _("Translated by %(translator)s.") % {"translator": record.translated_by}
        lines.append(f"{made} {checked}")
    # Other languages by their names in the reader's language: the reader can read them.
    others = [language_name(lang, options.lang) for lang in leaflet.languages if lang != options.lang]
    lines.append(_("Also available in large print and in: %(languages)s.") % {
        "languages": format_list(others, leaflet.translations[options.lang].locale or options.lang)}
        if others else _("Also available in large print."))
    url = online_url(leaflet, options)
    online = OnlineCopy(url, _("Read this leaflet online:"),
                        _("QR code that opens this leaflet online: %(url)s") % {"url": url}) if url else None
    sources = tuple(SourceLine(f"{source.publisher}: {source.title}.", source.url)
                    for source in provenance.sources)
    return AboutBox(_("About this leaflet"), tuple(lines), online, _("Sources"), sources)


def online_url(leaflet: Leaflet, options: Options) -> str:
    """Where this leaflet can be read online: the clinic's address for it, else the leaflet's own."""
    if options.clinic and (options.clinic.leaflet_url or options.clinic.site_url):
        return options.clinic.url_for(leaflet.id, options.lang)
    return fill_url(leaflet.provenance.online_url, leaflet.id, options.lang)


def notes_page(options: Options) -> NotesPage:
    _ = translations(options.lang).gettext
    return NotesPage(_("Notes from your care team"), (_("Patient's name"), _("Date")), options.note,
                     options.print_size.note_lines)
