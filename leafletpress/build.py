"""Plan the PDFs a build asks for, skip those already up to date, render and write the rest.

Everything is read and checked before the first PDF is written; each PDF is
written to a temporary file beside its target and renamed into place, so an
interrupted or failed build never leaves a partial PDF and never spoils one
built earlier.
"""

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from . import PROJECT, __version__
from .errors import LeafletError, OutputError, UnknownName, display
from .fonts import FACES
from .model import Leaflet
from .options import PAPERS, Options
from .read import LEAFLETS, find_leaflet, leaflet_ids, read_leaflet

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
    built: list[Path]
    unchanged: list[Path]
    failed: list[str]

    def summary(self) -> str:
        return f"{len(self.built)} built, {len(self.unchanged)} unchanged, {len(self.failed)} failed"


def read_all(names: list[str], root: Path = LEAFLETS) -> list[Leaflet]:
    """The named leaflets (every one when none are named), all read before anything is built."""
    names = names or leaflet_ids(root)
    if not names:
        raise LeafletError(f"{display(root)}: no leaflets found (a leaflet is a folder with leaflet.yaml)")
    return [read_leaflet(find_leaflet(name, root)) for name in names]


def plan(leaflets: list[Leaflet], langs: list[str], sizes: list[bool], sections: tuple[str, ...],
         paper: str, engine: str, out_dir: Path) -> list[Job]:
    """Every leaflet × language × print size asked for, with its options checked."""
    if paper not in PAPERS:
        raise UnknownName("paper", paper, PAPERS)
    jobs = []
    for leaflet in leaflets:
        for lang in langs or leaflet.languages:
            if lang not in leaflet.translations:
                raise UnknownName("language", lang, leaflet.languages, where=display(leaflet.folder))
            known = leaflet.translations[lang].section_ids
            for section_id in sections:
                if section_id not in known:
                    raise UnknownName("section", section_id, known,
                                      where=display(leaflet.translations[lang].path))
            ordered = tuple(s for s in known if s in sections)
            for large in sizes:
                options = Options(lang, large, ordered, paper, engine)
                jobs.append(Job(leaflet, options, out_dir / options.filename(leaflet.id)))
    return jobs


def run(jobs: list[Job], incremental: bool = True, progress=print) -> Report:
    """Render and write every job not already up to date; one failure doesn't stop the rest.

    Incremental builds keep a manifest of input digests in each output folder;
    a build of exactly one named file (--output) neither reads nor writes one.
    """
    from .engines import render

    report = Report([], [], [])
    manifests: dict[Path, dict] = {}
    for job in jobs:
        manifest = manifests.setdefault(job.target.parent, load_manifest(job.target.parent)
                                        if incremental else {})
        digest = inputs_digest(job)
        if incremental and job.target.is_file() and manifest.get(job.target.name) == digest:
            report.unchanged.append(job.target)
            continue
        try:
            write_atomic(job.target, render(job.leaflet, job.options))
        except LeafletError as error:
            report.failed.append(str(error))
            progress(f"failed {display(job.target)}")
            continue
        if incremental:
            manifest[job.target.name] = digest
            save_manifest(job.target.parent, manifest)
        report.built.append(job.target)
        progress(f"built {display(job.target)}")
    return report


def inputs_digest(job: Job) -> str:
    """A hash of everything the PDF is made from: change any of it and the PDF is rebuilt."""
    translation = job.leaflet.translations[job.options.lang]
    figures = [block.path for section in translation.sections for block in section.blocks
               if block.kind == "figure"]
    files = [job.leaflet.folder / "leaflet.yaml", translation.path, *figures]
    digest = hashlib.sha256(shared_digest().encode())
    digest.update(repr(job.options).encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=None)
def shared_digest() -> str:
    """The generator's code, templates, catalogs and fonts: shared by every PDF."""
    digest = hashlib.sha256(__version__.encode())
    files = sorted([*CODE.rglob("*.py"), *TEMPLATES.rglob("*.*")]) + [face.path for face in FACES]
    for path in files:
        if "__pycache__" not in path.parts and path.suffix != ".po":
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_atomic(target: Path, data: bytes) -> None:
    """Write beside the target, then rename: readers see the old file or the new, never half."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise OutputError(f"{display(target)}: the engine produced no complete PDF; nothing written")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except (FileExistsError, NotADirectoryError):
        blocker = next(p for p in [target.parent, *target.parent.parents] if p.exists())
        raise OutputError(f"{display(target)}: cannot write here: {display(blocker)} is not a folder") from None
    except OSError as error:
        raise OutputError(f"{display(target)}: cannot write here: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"{display(target)}: cannot write here: {error.strerror}") from None
        raise


def load_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def save_manifest(folder: Path, manifest: dict) -> None:
    data = json.dumps(manifest, indent=1, sort_keys=True).encode()
    try:
        path = folder / MANIFEST
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass  # Without a manifest the next build simply rebuilds.


def single(job: Job, target: Path) -> Job:
    return replace(job, target=target)
