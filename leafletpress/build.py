"""Plan the PDFs a build asks for, skip those already up to date, render and write the rest.

Every leaflet is read and checked before the first PDF is written. PDFs are
rendered in a pool of worker processes, one per core, each loading the engine
and its fonts once. Each PDF is written to a temporary file beside its target
and renamed into place, so an interrupted or failed build never leaves a
partial PDF and never spoils one built earlier. A build with nothing to do
never imports an engine.
"""

import hashlib
import json
import os
import re
import sys
from datetime import date
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from . import PROJECT, __version__
from .errors import LeafletError, OutputError, SourceError, UnknownName, display
from .files import made_by_us, refuse_target, write_atomic
from .fonts import ARABIC, CJK_SC, LATIN, script_of
from .model import Leaflet
from .options import BOOKLET_PAGES, ENGINE_SCRIPTS, PAPERS, Options
from .read import LEAFLETS, find_leaflet, leaflet_ids, read_leaflet, read_leaflet_cached

MANIFEST = ".leafletpress.json"
CODE = PROJECT / "leafletpress"
TEMPLATES = PROJECT / "templates"


@dataclass(frozen=True)
class Job:
    """One PDF: which leaflet, with which options, written where."""

    leaflet: Leaflet
    options: Options
    target: Path


@dataclass
class Report:
    built: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.built)} built, {len(self.unchanged)} unchanged, {len(self.failed)} failed"


def read_all(names: list[str], root: Path = LEAFLETS,
             problems: list | None = None) -> list[Leaflet]:
    """The named leaflets (every one when none are named), all read before anything is built.

    With a problems list, a leaflet or language that can't be read is added
    there and left out, and leaflets read well before come from the cache;
    without one, every leaflet is read afresh and the first problem is raised.
    """
    names = names or leaflet_ids(root)
    if not names:
        raise LeafletError(f"{display(root)}: no leaflets found (a leaflet is a folder with leaflet.yaml)")
    folders = [find_leaflet(name, root) for name in names]
    leaflets = []
    for folder in folders:
        try:
            leaflets.append(read_leaflet(folder, problems=problems) if problems is None
                            else read_leaflet_cached(folder, problems))
        except SourceError as error:
            if problems is None:
                raise
            problems.append(error)
    return leaflets


def plan(leaflets: list[Leaflet], langs: list[str], sizes: list[bool], sections: tuple[str, ...],
         paper: str, engine: str, out_dir: Path, today: date | None = None,
         skipped: list[str] | None = None, **extras) -> list[Job]:
    """Every leaflet × language × print size asked for, with its options checked.

    Whether a leaflet is past its review date is decided here, once, from today's
    date: it is part of the options, so the PDF is rebuilt the day it falls due.
    A language the engine can't print is refused when asked for by name, and
    left out (with a note in skipped) when every language was asked for.
    extras are the other options: clinic, notes, booklet.
    """
    today = today or date.today()
    if paper not in PAPERS:
        raise UnknownName("paper", paper, PAPERS)
    if extras.get("booklet") and paper not in BOOKLET_PAGES:
        raise LeafletError(f"--booklet folds {' or '.join(BOOKLET_PAGES)} sheets in half; "
                           f"not {paper!r} (use --paper a5 alone for a plain A5 leaflet)")
    jobs = []
    for leaflet in leaflets:
        for asked in langs or leaflet.languages:
            if asked in leaflet.unreadable:
                continue  # its error is already reported
            lang = resolve_language(leaflet, asked)
            if script_of(lang) not in ENGINE_SCRIPTS[engine]:
                message = (f"the {engine} engine can't print {script_of(lang)} correctly; "
                           f"use --engine weasyprint for {lang!r}")
                if langs:
                    raise LeafletError(f"{display(leaflet.translations[lang].path)}: {message}")
                if skipped is not None:
                    skipped.append(f"{leaflet.id} ({lang}): {message}")
                continue
            known = leaflet.translations[lang].section_ids
            for section_id in sections:
                if section_id not in known:
                    raise UnknownName("section", section_id, known,
                                      where=display(leaflet.translations[lang].path))
            ordered = tuple(s for s in known if s in sections)
            for large in sizes:
                options = Options(lang, large, ordered, paper, engine,
                                  review_overdue=leaflet.provenance.overdue(today), **extras)
                jobs.append(Job(leaflet, options, out_dir / options.filename(leaflet.id)))
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


def run(jobs: list[Job], incremental: bool = True, workers: int | None = None,
        progress: "Progress | None" = None, force: bool = False,
        protected: list[Path] | None = None) -> Report:
    """Render and write every job not already up to date; one failure doesn't stop the rest.

    Incremental builds keep a manifest of input digests in each output folder;
    a forced build rebuilds everything and still records what it built; a
    build of exactly one named file (--output) neither reads nor writes one.
    A target that would overwrite a source, or a file the tool did not write,
    is refused (see files.refuse_target).
    """
    report = Report()
    manifests: dict[Path, Manifest] = {}
    todo = []
    for job in jobs:
        folder = job.target.parent
        if folder not in manifests:
            manifests[folder] = Manifest.load(folder) if incremental else Manifest(folder)
        manifest = manifests[folder]
        digest = inputs_digest(job)
        recorded = job.target.name in manifest.pdfs
        if incremental and not force and recorded and job.target.is_file() \
                and manifest.pdfs[job.target.name] == digest:
            report.unchanged.append(job.target)
            continue
        try:
            refuse_target(job.target, protected or [], recorded=recorded)
        except OutputError as error:
            report.failed.append(str(error))
            continue
        todo.append((job, digest))
    progress = progress or Progress(len(todo))
    for job, digest, error in render_all(todo, workers):
        if error:
            report.failed.append(error)
            progress.step(f"failed {display(job.target)}")
            continue
        report.built.append(job.target)
        progress.step(f"built {display(job.target)}")
        if incremental:
            manifests[job.target.parent].record(job.target.name, digest)
    progress.done()
    return report


def render_all(todo: list, workers: int | None):
    """Yield (job, digest, error or None) as each PDF is written, in a pool when there are several."""
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        for job, digest in todo:
            yield job, digest, build_one(job)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    context = get_context("fork" if sys.platform.startswith("linux") else "spawn")
    # Longest first, so that no worker is left with a long PDF while the other waits.
    todo = sorted(todo, key=lambda item: expected_cost(item[0]), reverse=True)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=warm_up,
                             initargs=(todo[0][0].options.engine,)) as pool:
        futures = {pool.submit(build_one, job): (job, digest) for job, digest in todo}
        for future in as_completed(futures):
            job, digest = futures[future]
            yield job, digest, future.result()


def expected_cost(job: Job) -> tuple:
    """A rough order of how long a PDF takes: large print, then non-Latin scripts, are slower."""
    return job.options.large_print, script_of(job.options.lang) != "Latin", len(job.options.sections) == 0


def warm_up(engine: str) -> None:
    """Load the engine once in each worker, before its first PDF."""
    from .engines import load
    load(engine)


def build_one(job: Job) -> str | None:
    """Render and write one PDF; the error message, or None when it was written."""
    from .engines import render
    try:
        pdf = render(job.leaflet, job.options)
        if job.options.booklet:
            from .booklet import impose
            pdf = impose(pdf, job.options.sheet)
        if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
            raise OutputError(f"{display(job.target)}: the engine produced no complete PDF; nothing written")
        write_atomic(job.target, pdf)
    except LeafletError as error:
        return str(error)
    return None


def inputs_digest(job: Job) -> str:
    """A hash of everything the PDF is made from: change any of it and the PDF is rebuilt."""
    translation = job.leaflet.translations[job.options.lang]
    figures = [block.path for section in translation.sections for block in section.blocks
               if block.kind == "figure"]
    clinic = job.options.clinic
    clinic_files = [clinic.path, *([clinic.logo] if clinic.logo else [])] if clinic else []
    digest = hashlib.sha256(shared_digest().encode())
    digest.update(repr(job.options).encode())
    for path in [job.leaflet.folder / "leaflet.yaml", translation.path, *figures, *clinic_files]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=None)
def shared_digest() -> str:
    """The generator's code, templates, catalogs and fonts: what every PDF is made with."""
    digest = hashlib.sha256(__version__.encode())
    sources = [*CODE.rglob("*.py"), *TEMPLATES.rglob("*.*")]
    for path in sorted(p for p in sources if "__pycache__" not in p.parts and p.suffix != ".mo"):
        digest.update(str(path.relative_to(PROJECT)).encode() + b"\0" + path.read_bytes())
    for face in LATIN + ARABIC + CJK_SC:  # large files: their identity, not their bytes
        stat = face.path.stat() if face.path.exists() else None
        digest.update(f"{face.path}:{stat and stat.st_size}:{stat and stat.st_mtime_ns}".encode())
    return digest.hexdigest()


class Manifest:
    """What the tool wrote into a build folder: each PDF's name and the digest of its inputs.

    Kept as .leafletpress.json in the folder. Only names recorded here are ever
    removed by `clean`; a manifest that can't be read counts as empty (the next
    build rebuilds), never as an error.
    """

    FORMAT = 2

    def __init__(self, folder: Path, pdfs: dict[str, str] | None = None, created_folder: bool = False):
        self.folder, self.pdfs, self.created_folder = folder, dict(pdfs or {}), created_folder

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(folder, created_folder=not folder.exists())
        if isinstance(data, dict) and data.get("format") == cls.FORMAT:
            pdfs, created = data.get("pdfs"), data.get("created_folder") is True
        else:  # the first format: a plain mapping of names to digests
            pdfs, created = data, False
        if not isinstance(pdfs, dict):
            return cls(folder)
        return cls(folder, {name: digest for name, digest in pdfs.items()
                            if plain_pdf_name(name) and isinstance(digest, str)}, created)

    def record(self, name: str, digest: str) -> None:
        self.pdfs[name] = digest
        data = {"format": self.FORMAT, "generator": "leafletpress", "created_folder": self.created_folder,
                "pdfs": self.pdfs}
        try:
            write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
        except OutputError:
            pass  # Without a manifest the next build simply rebuilds.


def plain_pdf_name(name) -> bool:
    """A file name of a PDF in the folder itself: no path, no hidden file."""
    return isinstance(name, str) and bool(re.fullmatch(r"[^/\\\x00.][^/\\\x00]*\.pdf", name))


def clean(folder: Path) -> list[Path]:
    """Remove what the tool wrote in a build folder, and nothing else; what was removed.

    Only PDFs recorded in the folder's manifest that are still the tool's own,
    their thumbnails, the gallery page and the manifest go; the folder itself
    goes only when the tool created it and it is left empty.
    """
    from .preview import gallery_files

    manifest = Manifest.load(folder)
    removed = []
    for name in sorted(manifest.pdfs):
        pdf = folder / name
        if pdf.is_file() and not pdf.is_symlink() and made_by_us(pdf):
            removed.append(pdf)
    removed += [path for path in gallery_files(folder, [folder / name for name in manifest.pdfs])]
    if manifest.path.is_file():
        removed.append(manifest.path)
    for path in removed:
        path.unlink(missing_ok=True)
    for empty in (folder / "thumbnails", folder if manifest.created_folder else None):
        if empty is not None and empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()
            removed.append(empty)
    return removed


def single(job: Job, target: Path) -> Job:
    return replace(job, target=target)


class Progress:
    """A bar on a terminal; plain lines when the output goes to a file or a pipe."""

    def __init__(self, total: int, stream=None):
        self.total, self.count = total, 0
        self.stream = stream or sys.stdout
        self.bar = self.stream.isatty() and total > 1

    def step(self, message: str) -> None:
        self.count += 1
        if not self.bar:
            print(message, file=self.stream, flush=True)
            return
        width = 30
        filled = width * self.count // self.total
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.count}/{self.total} {message}"
        self.stream.write("\r" + line[:100].ljust(100))
        self.stream.flush()

    def done(self) -> None:
        if self.bar and self.count:
            self.stream.write("\n")
