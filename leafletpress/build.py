"""Build what a BuildRequest asks for: read every leaflet, plan the PDFs, skip those up to date, render the rest.

Every leaflet is read and checked before the first PDF is written. PDFs are
rendered in a pool of worker processes, one per core, each loading the engine
and its fonts once. Each PDF is written to a temporary file beside its target
and renamed into place, so an interrupted or failed build never leaves a
partial PDF and never spoils one built earlier; a PDF about to be rebuilt is
struck from the build folder's record first, so the record never vouches for
a PDF that an interrupted build may have replaced. A build with nothing to do
never imports an engine. The library never prints: progress goes to a
callback, and results and problems come back in a BuildReport.
"""

import fcntl
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .cache import Manifest, inputs_digest, read_leaflet_cached
from .errors import LeafletError, OutputError, SourceError, UnknownName, display
from .files import made_by_us, read_regular, refuse_target, write_atomic
from .fonts import describe, missing_characters, require_coverage, script_of
from .model import Clinic, Leaflet
from .project import Project
from .read import MAX_URL, find_leaflet, leaflet_ids, read_clinic, read_leaflet
from .request import ENGINE_SCRIPTS, BuildRequest, Options


@dataclass(frozen=True)
class Job:
    """One PDF: which leaflet, with which options, written where, in which project."""

    leaflet: Leaflet
    options: Options
    target: Path
    project: Project


@dataclass(frozen=True)
class Progress:
    """One PDF done: what happened to it, and how far the build has come."""

    outcome: str  # "built" or "failed"
    target: Path
    done: int
    total: int


@dataclass
class BuildReport:
    built: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: list[LeafletError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # languages an engine can't print, left out

    def summary(self) -> str:
        return f"{len(self.built)} built, {len(self.unchanged)} unchanged, {len(self.failed)} failed"


class InternalError(LeafletError):
    """A bug in the tool itself, caught so that one PDF's failure doesn't stop the others."""

    def __init__(self, doing: str, error: BaseException | str, details: str = ""):
        if isinstance(error, BaseException):
            details = "".join(traceback.format_exception(error))
            error = f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"
        self.doing, self.error, self.details = doing, error, details
        super().__init__(f"a bug in leafletpress while {doing}: {error}. Please report it, with the output "
                         "of the same command run with --traceback")

    def __reduce__(self):
        return type(self), (self.doing, self.error, self.details)


def build(request: BuildRequest, project: Project,
          on_progress: Callable[[Progress], None] | None = None) -> BuildReport:
    """Every PDF the request asks for, built or found up to date; problems are in the report."""
    out_dir = request.out_dir or project.build
    if request.output:
        refuse_target(request.output, project.protected)
    else:
        refuse_folder(out_dir, project.protected)
    leaflets, problems = read_all(project, request.leaflets)
    clinic = read_clinic(request.clinic, project.assets) if request.clinic else None
    if request.output:
        if problems:  # one file asked for: its first problem is the answer
            raise problems[0]
        if len(leaflets) != 1 or len(request.lang) > 1:
            raise OutputError("--output writes one PDF: name one leaflet and at most one --lang")
        if not request.lang:  # the source language, as written
            request = replace(request, lang=(leaflets[0].source_language,))
    # plan() checks names for every format; the engine is the PDFs' alone, so it can't refuse a language then
    planned = request if "pdf" in request.formats else replace(request, engine=BuildRequest().engine)
    jobs, skipped = plan(planned, leaflets, clinic, project, out_dir, problems)
    if request.output and problems:
        raise problems[0]
    report = BuildReport()
    if "pdf" in request.formats:
        report = run(jobs, incremental=not request.output, workers=request.jobs, force=request.force,
                     on_progress=on_progress)
    if "brf" in request.formats:
        build_braille(request, leaflets, clinic, project, out_dir, report, on_progress)
    if "html" in request.formats:
        build_site(request, leaflets, clinic, out_dir, report, on_progress)
    report.failed[:0] = problems
    report.skipped = skipped
    return report


def languages_asked(request: BuildRequest, leaflet: Leaflet) -> list[str]:
    """The leaflet's languages the request names (every one when none are); a bad name is plan()'s to report."""
    found = []
    for asked in request.lang or leaflet.languages:
        with suppress(LeafletError):
            lang = resolve_language(leaflet, asked)
            if lang not in leaflet.unreadable and lang not in found:
                found.append(lang)
    return found


def build_braille(request: BuildRequest, leaflets: list[Leaflet], clinic: Clinic | None, project: Project,
                  out_dir: Path, report: BuildReport, on_progress: Callable[[Progress], None] | None) -> None:
    """A Braille Ready File per leaflet × language beside the PDFs, each rebuilt only when its inputs change."""
    from .formats.braille import braille_filename, braille_key, render_braille

    today = request.as_of or date.today()
    todo = [(leaflet, lang) for leaflet in leaflets for lang in languages_asked(request, leaflet)
            if not request.section or set(request.section) <= set(leaflet.translations[lang].section_ids)]
    with ExitStack() as held:
        manifest = open_manifest(out_dir, held)
        for done, (leaflet, lang) in enumerate(todo, 1):
            options = Options(lang, sections=tuple(s for s in leaflet.translations[lang].section_ids
                                                   if s in request.section),
                              review_overdue=leaflet.provenance.overdue(today), clinic=clinic,
                              notes=request.notes or bool(request.note), note=request.note)
            target = out_dir / braille_filename(options, leaflet.id)
            failures = len(report.failed)
            try:
                digest = inputs_digest(leaflet, options, braille_key(lang))
                recorded = target.name in manifest.pdfs
                if not request.force and recorded and target.is_file() and manifest.pdfs[target.name] == digest:
                    report.unchanged.append(target)
                    continue
                refuse_target(target, project.protected, recorded=recorded)
                data = render_braille(leaflet, options)
                manifest.forget([target.name])
                write_atomic(target, data)
                manifest.record(target.name, digest)
                report.built.append(target)
            except LeafletError as error:  # a source's fault names the source; any other names the file
                shown = display(target)
                named = isinstance(error, SourceError) or str(error).startswith(shown)
                report.failed.append(error if named else LeafletError(f"{shown}: {error}"))
            if on_progress:
                on_progress(Progress("failed" if len(report.failed) > failures else "built", target, done, len(todo)))


def build_site(request: BuildRequest, leaflets: list[Leaflet], clinic: Clinic | None, out_dir: Path,
               report: BuildReport, on_progress: Callable[[Progress], None] | None) -> None:
    """The web site in OUT_DIR/site/, linking the PDFs built there; a file is written only when it changes.

    Every file written is recorded (with a digest of its bytes), so `clean`
    removes it, and a file in site/ the tool did not write is never replaced.
    """
    import hashlib

    from .formats.site import site_files

    folder = out_dir / "site"
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        report.failed.append(OutputError(f"{display(folder)}: is a link or not a folder; refusing to write the "
                                         "web site through it"))
        return
    try:
        files = site_files(leaflets, folder, out_dir, clinic, request.as_of or date.today())
    except LeafletError as error:
        report.failed.append(LeafletError(f"{display(folder)}: {error}"))
        return
    with ExitStack() as held:
        manifest = open_manifest(out_dir, held)
        recorded = {name: digest for name, digest in manifest.site.items() if (folder / name).is_file()}
        for done, (path, data) in enumerate(files.items(), 1):
            name, digest = path.relative_to(folder).as_posix(), hashlib.sha256(data).hexdigest()
            try:
                if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
                    report.unchanged.append(path)
                    recorded[name] = digest
                    continue
                if path.exists() or path.is_symlink():
                    ours = path.is_file() and not path.is_symlink() and \
                        hashlib.sha256(path.read_bytes()).hexdigest() == recorded.get(name)
                    if not ours:
                        raise OutputError(f"{display(path)}: already exists and was not written by leafletpress; "
                                          "refusing to replace it (move it away, or use another --out-dir)")
                write_atomic(path, data)
                recorded[name] = digest
                report.built.append(path)
            except LeafletError as error:
                report.failed.append(error)
            except OSError as error:
                report.failed.append(OutputError(f"{display(path)}: cannot write here: {error.strerror}"))
            if on_progress and path in report.built:
                on_progress(Progress("built", path, done, len(files)))
        manifest.record_site(recorded)


def refuse_folder(folder: Path, protected: list[Path]) -> None:
    """An output folder may not be, or lie inside, a folder of sources, nor be a file."""
    resolved = folder.resolve()
    for source in protected:
        if resolved.is_relative_to(source.resolve()):
            raise OutputError(f"{display(folder)}: refusing to write PDFs inside {display(source)}/, which "
                              "holds the leaflets' sources and the tool's files; choose another folder")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{display(folder)}: is not a folder; --out-dir needs a folder")


def read_all(project: Project, names: tuple[str, ...] = (), cached: bool = True,
             ) -> tuple[list[Leaflet], list[LeafletError]]:
    """The named leaflets (every one when none are named), all read before anything is built.

    A leaflet or language that can't be read is left out and its problem
    returned, so one broken leaflet can't stop the others; an unknown name is
    raised. Leaflets read well before come from the cache.
    """
    root = project.leaflets
    names = tuple(dict.fromkeys(names)) or tuple(leaflet_ids(root))
    if not names:
        raise LeafletError(f"{display(root)}: no leaflets found (a leaflet is a folder with leaflet.yaml)")
    folders = [find_leaflet(name, root) for name in names]
    leaflets: list[Leaflet] = []
    problems: list[LeafletError] = []
    for folder in folders:
        try:
            leaflets.append(read_leaflet_cached(project, folder, problems) if cached
                            else read_leaflet(folder, project.assets, problems))
        except LeafletError as error:
            problems.append(error)
        except Exception as error:  # a bug reading one leaflet must not stop the rest
            problems.append(InternalError(f"reading {display(folder)}", error))
    return leaflets, problems


def plan(request: BuildRequest, leaflets: list[Leaflet], clinic: Clinic | None, project: Project,
         out_dir: Path, problems: list) -> tuple[list[Job], list[str]]:
    """Every leaflet × language × print size asked for, with its options checked; and what was left out.

    Whether a leaflet is past its review date is decided here, once, from today's
    date: it is part of the options, so the PDF is rebuilt the day it falls due.
    A language the engine can't print is refused when asked for by name, and
    left out (with a note) when every language was asked for. A language or
    section one leaflet lacks is added to problems: the other leaflets are built.
    """
    jobs: list[Job] = []
    skipped: list[str] = []
    for leaflet in leaflets:
        source = leaflet.translations.get(leaflet.source_language)
        unknown = [s for s in request.section if source and s not in source.section_ids]
        if source and unknown:  # said once for the leaflet, not once per language
            problems.append(UnknownName("section", unknown[0], source.section_ids, where=display(source.path)))
            continue
        for asked in request.lang or leaflet.languages:
            if asked in leaflet.unreadable:
                continue  # its error is already reported
            try:
                jobs += plan_language(request, leaflet, asked, clinic, project, out_dir, skipped)
            except LeafletError as error:
                problems.append(error)
    unique = {job.target: job for job in jobs}  # --lang en --lang EN asks for one PDF
    return list(unique.values()), skipped


def plan_language(request: BuildRequest, leaflet: Leaflet, asked: str, clinic: Clinic | None, project: Project,
                  out_dir: Path, skipped: list[str]) -> list[Job]:
    """The PDFs of one leaflet in one language: one per print size asked for."""
    lang = resolve_language(leaflet, asked)
    if script_of(lang) not in ENGINE_SCRIPTS[request.engine]:
        message = (f"the {request.engine} engine can't print {script_of(lang)} correctly; "
                   f"use --engine weasyprint for {lang!r}")
        if request.lang:
            raise LeafletError(f"{display(leaflet.translations[lang].path)}: {message}")
        skipped.append(f"{leaflet.id} ({lang}): {message}")
        return []
    known = leaflet.translations[lang].section_ids
    for section_id in request.section:
        if section_id not in known:
            raise UnknownName("section", section_id, known, where=display(leaflet.translations[lang].path))
    sections = tuple(s for s in known if s in request.section)
    today = request.as_of or date.today()
    jobs = []
    for large in request.print_sizes:
        options = Options(lang, large, sections, request.paper, request.engine,
                          review_overdue=leaflet.provenance.overdue(today), clinic=clinic,
                          notes=request.notes or bool(request.note), booklet=request.booklet,
                          note=request.note)
        target = request.output or out_dir / options.filename(leaflet.id)
        jobs.append(Job(leaflet, options, target, project))
    return jobs


def resolve_language(leaflet: Leaflet, asked: str) -> str:
    """The leaflet's language code for what was asked: exact, any case, or the one 'zh' stands for."""
    for lang in leaflet.languages:
        if lang.lower() == asked.lower():
            return lang
    same_base = [lang for lang in leaflet.languages if lang.split("-")[0].lower() == asked.lower()]
    if len(same_base) == 1:
        return same_base[0]
    raise UnknownName("language", asked, leaflet.languages, where=display(leaflet.folder))


def render_pdf(leaflet: Leaflet, options: Options, project: Project) -> bytes:
    """One PDF of the leaflet, as bytes: the document, checked to be printable, through its engine."""
    from .document import build_document
    from .engines import render

    document = build_document(leaflet, options)
    check_printable(document, leaflet, options)
    require_coverage(document.printed_text(), options.lang, list(document.sources))
    pdf = render(document, options.engine, project)
    if options.booklet:
        from .booklet import impose
        pdf = impose(pdf, options.sheet, right_to_left=document.direction == "rtl")
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
        raise OutputError("the engine produced no complete PDF; nothing written")
    return pdf


def check_printable(document, leaflet: Leaflet, options: Options) -> None:
    """What no source file holds as written: the note typed for this PDF, and the online address once filled in."""
    missing = missing_characters(options.note, options.lang)
    if missing:
        raise LeafletError(f"--note: no font for {options.lang!r} can print {describe(missing[0])}: it would print "
                           "as an empty box")
    url = document.about.online.url if document.about.online else ""
    if len(url.encode()) > MAX_URL:
        clinic = options.clinic
        source = clinic.path if clinic and clinic.leaflet_url else leaflet.folder / "leaflet.yaml"
        raise SourceError(source, f"the online address is {len(url.encode())} bytes long once {{leaflet}} and "
                          f"{{lang}} are filled in; a QR code holds at most {MAX_URL}")


def run(jobs: list[Job], incremental: bool = True, workers: int | None = None, force: bool = False,
        on_progress: Callable[[Progress], None] | None = None) -> BuildReport:
    """Render and write every job not already up to date; one failure doesn't stop the rest.

    Incremental builds keep a manifest of input digests in each output folder;
    a forced build rebuilds everything and still records what it built; a
    build of exactly one named file (--output) neither reads nor writes one.
    A target that would overwrite a file the tool did not write is refused.
    Two builds into one folder at once take turns, so neither's record hides
    what the other wrote.
    """
    with ExitStack() as held:  # each build folder locked: builds into one folder take turns
        report = BuildReport()
        manifests: dict[Path, Manifest] = {}
        todo = []
        for job in jobs:
            folder = job.target.parent
            if folder not in manifests:
                manifests[folder] = open_manifest(folder, held) if incremental else Manifest(folder)
            manifest = manifests[folder]
            digest = inputs_digest(job.leaflet, job.options)
            recorded = job.target.name in manifest.pdfs
            try:
                if incremental and not force and recorded and job.target.is_file() \
                        and manifest.pdfs[job.target.name] == digest:
                    report.unchanged.append(job.target)
                    continue
                refuse_target(job.target, job.project.protected, recorded=recorded)
            except OutputError as error:
                report.failed.append(error)
                continue
            except OSError as error:  # a name too long for the file system, say
                report.failed.append(OutputError(f"{display(job.target)}: cannot write here: {error.strerror}"))
                continue
            todo.append((job, digest))
        if incremental:  # struck from the record until written again: an interruption can't leave a lie
            for folder, manifest in manifests.items():
                manifest.forget([job.target.name for job, _ in todo if job.target.parent == folder])

        def finished(job: Job, digest: str, error: LeafletError | None) -> None:
            if error:
                report.failed.append(error)
            else:
                report.built.append(job.target)
                if incremental:
                    manifests[job.target.parent].record(job.target.name, digest)
            if on_progress:
                on_progress(Progress("failed" if error else "built", job.target,
                                     len(report.built) + len(report.failed), len(todo)))

        render_all(todo, workers, finished)
    return report


def open_manifest(folder: Path, held: ExitStack) -> Manifest:
    """The folder's record, the folder locked until held is closed (made first, so it can be locked)."""
    existed = folder.is_dir()
    with suppress(OSError):  # a folder that can't be made: each PDF will say so
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        held.callback(os.close, descriptor)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    manifest = Manifest.load(folder)
    manifest.created_folder = manifest.created_folder or not existed
    return manifest


def render_all(todo: list, workers: int | None, finished: Callable) -> None:
    """Render every (job, digest), in a pool when there are several; finished() is told of each."""
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        for job, digest in todo:
            finished(job, digest, render_job(job))
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    context = get_context("fork" if sys.platform.startswith("linux") else "spawn")
    # Longest first, so that no worker is left with a long PDF while the other waits.
    todo = sorted(todo, key=lambda item: expected_cost(item[0]), reverse=True)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=start_worker,
                               initargs=(todo[0][0].options.engine, os.getpid()))
    futures = {pool.submit(render_job, job): (job, digest) for job, digest in todo}
    told = set()
    try:
        for future in as_completed(futures):
            told.add(future)
            finished(*futures[future], future.result())
    except BaseException:
        # Interrupted: start nothing new, let the PDFs being written finish, and record them.
        pool.shutdown(wait=True, cancel_futures=True)
        for future, (job, digest) in futures.items():
            if future not in told and future.done() and not future.cancelled() and future.exception() is None:
                finished(job, digest, future.result())
        raise
    pool.shutdown(wait=True)


def expected_cost(job: Job) -> tuple:
    """A rough order of how long a PDF takes: large print, then non-Latin scripts, are slower."""
    return job.options.large_print, script_of(job.options.lang) != "Latin", len(job.options.sections) == 0


#: Held while a worker writes a PDF, so a worker left behind by its parent ends between writes.
WRITING = threading.Lock()


def start_worker(engine: str, parent: int) -> None:
    """In each worker: leave interrupts to the parent, end if the parent dies, load the engine once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    from .engines import load
    load(engine)


def watch_parent(parent: int) -> None:
    """End this worker as soon as its parent is gone (killed outright, it could not stop us)."""
    while os.getppid() == parent:
        threading.Event().wait(0.2)
    with WRITING:
        os._exit(70)


def render_job(job: Job) -> LeafletError | None:
    """Render and write one PDF; the problem, or None when it was written."""
    try:
        pdf = render_pdf(job.leaflet, job.options, job.project)
        with WRITING:
            write_atomic(job.target, pdf)
    except SourceError as error:
        return error
    except LeafletError as error:  # say which PDF, once
        shown = display(job.target)
        return error if str(error).startswith(shown) else LeafletError(f"{shown}: {error}")
    except Exception as error:
        return InternalError(f"building {display(job.target)}", error)
    return None


def clean(folder: Path) -> list[Path]:
    """Remove what the tool wrote in a build folder, and nothing else; what was removed.

    Only PDFs recorded in the folder's manifest that are still the tool's own,
    their thumbnails, the gallery page and the manifest go; the folder itself
    goes only when the tool created it and it is left empty.
    """
    from .preview import gallery_files

    manifest = Manifest.load(folder)
    removed = [folder / name for name in sorted(manifest.pdfs)
               if (folder / name).is_file() and not (folder / name).is_symlink()
               and (braille_file(folder / name) if name.endswith(".brf") else made_by_us(folder / name))]
    removed += gallery_files(folder, [folder / name for name in manifest.pdfs if name.endswith(".pdf")])
    site = site_written(folder, manifest.site)
    removed += site
    if manifest.path.is_file():
        removed.append(manifest.path)
    try:
        for path in removed:
            path.unlink(missing_ok=True)
        removed += empty_folders(folder / "site", site)
        for empty in (folder / "thumbnails", folder if manifest.created_folder else None):
            if empty is not None and empty.is_dir() and not empty.is_symlink() and not any(empty.iterdir()):
                empty.rmdir()
                removed.append(empty)
    except OSError as error:  # a read-only folder: what could not be removed is said, once
        raise OutputError(f"{display(Path(error.filename or folder))}: cannot remove it: {error.strerror}") from None
    return removed



def braille_file(path: Path) -> bool:
    """Whether a recorded .brf still holds braille only (ASCII braille, newlines, form feeds), as written."""
    from .formats.braille import BRF_CHARACTERS

    try:
        return set(read_regular(path, 16 * 1024 * 1024).decode("ascii")) <= BRF_CHARACTERS
    except (OSError, UnicodeDecodeError):
        return False


def site_written(folder: Path, recorded: dict[str, str]) -> list[Path]:
    """The site's files the tool recorded that still hold the bytes it wrote."""
    import hashlib

    site = folder / "site"
    if site.is_symlink():
        return []
    found = []
    for name, digest in sorted(recorded.items()):
        path = site / name
        if path.is_file() and not any(p.is_symlink() for p in (path, *path.parents) if p.is_relative_to(site)) \
                and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            found.append(path)
    return found


def empty_folders(site: Path, files: list[Path]) -> list[Path]:
    """The folders in site/ (site/ too) that held files just removed and are now empty, removed."""
    removed = []
    folders = sorted({parent for path in files for parent in path.parents if parent.is_relative_to(site)},
                     key=lambda p: len(p.parts), reverse=True)
    for empty in folders:
        if empty.is_dir() and not empty.is_symlink() and not any(empty.iterdir()):
            empty.rmdir()
            removed.append(empty)
    return removed
