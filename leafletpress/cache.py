"""What is kept between builds: the leaflet model, the record of built PDFs, and the digests behind both.

The model cache lets a build with nothing to do skip parsing YAML and
Markdown; the manifest (.leafletpress.json in a build folder) records the
digest of every input of every PDF, so only what changed is rebuilt. Both are
plain JSON, versioned and checked when read — every value of the type its
field declares, the leaflet's own folder and files, figures inside assets/ —
and read only from regular files of bounded size: a cache file that is
damaged, crafted or from another version is ignored, never trusted and never
executed. Caches live in the project's own .cache folder, never in a shared one.
"""

import hashlib
import json
import os
import re
import types
import typing
from contextlib import suppress
from dataclasses import fields, is_dataclass
from datetime import date
from functools import cache
from pathlib import Path

from . import __version__, model
from .assets import MAX_PICTURE
from .errors import OutputError
from .files import read_regular, write_atomic
from .fonts import ARABIC, CJK_SC, LATIN
from .project import PACKAGE, TEMPLATES, Project
from .read import MAX_FILE, check_leaflet_id, inside, read_leaflet

FORMAT = 2
MANIFEST = ".leafletpress.json"
MAX_CACHE = 16 * 1024 * 1024  # bytes of a cached model or a manifest: far more than any real one

#: The model's classes, by name: the only types a cached model may be made of.
MODEL_TYPES = {cls.__name__: cls for cls in (
    model.Leaflet, model.Provenance, model.Source, model.Translation, model.TranslationRecord,
    model.Section, model.Paragraph, model.ListBlock, model.Subheading, model.Figure, model.Run)}


# --- The model, as JSON --------------------------------------------------------------------------

def encode(value):
    """The model as JSON-able data, every object tagged with its type."""
    if is_dataclass(value):
        return {"type": type(value).__name__, **{f.name: encode(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, Path):
        return {"type": "path", "value": str(value)}
    if isinstance(value, date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, frozenset):
        return {"type": "frozenset", "items": [encode(item) for item in sorted(value)]}
    if isinstance(value, tuple):
        return {"type": "tuple", "items": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"type": "dict", "items": {str(key): encode(item) for key, item in value.items()}}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise TypeError(f"can't cache a {type(value).__name__}")


def decode(data):
    """encode() read back; anything not of the model's shape raises ValueError."""
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ValueError("not a cached model")
    kind = data["type"]
    if kind == "path":
        return Path(str(data["value"]))
    if kind == "date":
        return date.fromisoformat(str(data["value"]))
    if kind in ("tuple", "frozenset"):
        items = data["items"]
        if not isinstance(items, list):
            raise ValueError("not a list")
        return (tuple if kind == "tuple" else frozenset)(decode(item) for item in items)
    if kind == "dict":
        if not isinstance(data["items"], dict):
            raise ValueError("not a mapping")
        return {key: decode(item) for key, item in data["items"].items()}
    cls = MODEL_TYPES.get(kind)
    if cls is None:
        raise ValueError(f"not a model type: {kind[:40]!r}")
    names = {f.name for f in fields(cls)}
    if set(data) - {"type"} != names:
        raise ValueError(f"{kind} has other fields")
    values = {name: decode(data[name]) for name in names}
    for name, hint in field_types(cls).items():
        if not conforms(values[name], hint):
            raise ValueError(f"{kind}.{name} is not a {hint}")
    return cls(**values)


@cache
def field_types(cls) -> dict:
    return typing.get_type_hints(cls)


def conforms(value, hint) -> bool:
    """Whether a decoded value is of the type a model field declares (X | None, tuple[X, ...], dict[str, X] …)."""
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return any(conforms(value, argument) for argument in arguments)
    if origin is tuple:
        return isinstance(value, tuple) and all(conforms(item, arguments[0]) for item in value)
    if origin is frozenset:
        return isinstance(value, frozenset) and all(conforms(item, arguments[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(key, str) and conforms(item, arguments[1])
                                               for key, item in value.items())
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


# --- The model cache -----------------------------------------------------------------------------

def read_leaflet_cached(project: Project, folder: Path, problems: list) -> model.Leaflet:
    """read_leaflet, kept between runs: a build with nothing changed need not parse a thing.

    The cache key is every byte the model is made from — the leaflet's files, the
    names and sizes of the assets, and the reading code itself — so any change
    reads afresh. Only a leaflet read without a problem is kept.
    """
    check_leaflet_id(folder)  # before its name is used in a cache file's name
    cached = cache_file(project, folder)
    leaflet = load_cached(cached, project.assets, folder) if cached else None
    if leaflet is not None:
        return leaflet
    found: list = []
    leaflet = read_leaflet(folder, project.assets, problems=found)
    problems += found
    if cached and not found:
        with suppress(OutputError, TypeError):  # no cache: the next build reads again
            write_atomic(cached, json.dumps({"format": FORMAT, "version": __version__,
                                             "leaflet": encode(leaflet)}).encode())
    return leaflet


def cache_file(project: Project, folder: Path) -> Path | None:
    cache = project.cache_folder("leaflets")
    return cache / f"{folder.name}-{sources_key(folder, project.assets)}.json" if cache else None


def load_cached(cached: Path, assets: Path, folder: Path) -> model.Leaflet | None:
    """The cached model, if the file is whole, of this version, of this leaflet's folder and files,
    and every figure it names is in assets/."""
    try:
        data = json.loads(read_regular(cached, MAX_CACHE))
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != __version__:
            return None
        leaflet = decode(data["leaflet"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    if not isinstance(leaflet, model.Leaflet) or leaflet.id != folder.name or leaflet.folder != folder:
        return None
    if any(translation.lang != lang or translation.path != folder / f"{lang}.md"
           for lang, translation in leaflet.translations.items()):
        return None
    figures = [block.path for translation in leaflet.translations.values()
               for section in translation.sections for block in section.blocks if isinstance(block, model.Figure)]
    return leaflet if all(inside(path, assets) for path in figures) else None


def sources_key(folder: Path, assets: Path) -> str:
    """A digest of every byte the model is read from: the reading code, the leaflet's files, the assets' identity."""
    digest = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    code = [PACKAGE / name for name in ("read.py", "model.py", "errors.py", "request.py", "cache.py", "assets.py")]
    for path in [*code, folder / "leaflet.yaml", *sorted(folder.glob("*.md"))]:
        try:
            content = read_regular(path, MAX_FILE)
        except OSError as error:  # reading it will say what is wrong; the key only has to differ
            content = f"unreadable: {error}".encode()
        digest.update(os.fsencode(path.name) + b"\0" + content)
    for path in sorted(assets.iterdir()) if assets.is_dir() else []:
        with suppress(OSError):  # a dangling link has no size; it is not read either
            stat = path.stat()
            digest.update(os.fsencode(path.name) + f":{stat.st_size}:{stat.st_mtime_ns}".encode())
    # The model holds the folder as it was named: relative names are relative to here.
    digest.update(os.fsencode(folder) + os.fsencode("" if folder.is_absolute() else os.getcwd()))
    return digest.hexdigest()[:24]


# --- Layouts remembered ---------------------------------------------------------------------------

def layout_key(document) -> str:
    """A digest of everything a document's pages are laid out from: its text, tokens and the code."""
    digest = hashlib.sha256(shared_digest().encode())
    digest.update(json.dumps(encode(document), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:32]


def remembered_layout(project: Project, key: str):
    """The moves a layout of this document made before, or None (never trusted beyond with_moves)."""
    folder = project.cache_folder("layouts")
    try:
        data = json.loads((folder / f"{key}.json").read_bytes()) if folder else None
    except (OSError, ValueError, RecursionError):
        return None
    return data.get("moves") if isinstance(data, dict) and data.get("format") == FORMAT else None


def remember_layout(project: Project, key: str, moves: dict) -> None:
    folder = project.cache_folder("layouts")
    if folder:
        with suppress(OutputError):
            write_atomic(folder / f"{key}.json", json.dumps({"format": FORMAT, "moves": moves}).encode())


# --- The record of a build folder ----------------------------------------------------------------

class Manifest:
    """What the tool wrote into a build folder: each PDF's name and the digest of its inputs.

    Kept as .leafletpress.json in the folder. Only names recorded here are ever
    removed by `clean`; a manifest that can't be read counts as empty (the next
    build rebuilds), never as an error.
    """

    def __init__(self, folder: Path, pdfs: dict[str, str] | None = None, created_folder: bool = False,
                 site: dict[str, str] | None = None):
        self.folder, self.pdfs, self.created_folder = folder, dict(pdfs or {}), created_folder
        self.site = dict(site or {})  # the web site's files (site/…): the SHA-256 of the bytes written

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        try:
            data = json.loads(read_regular(folder / MANIFEST, MAX_CACHE))
        except (OSError, ValueError, RecursionError):
            return cls(folder, created_folder=not folder.exists())
        site: dict = {}
        if isinstance(data, dict) and data.get("format") == FORMAT:
            pdfs, created = data.get("pdfs"), data.get("created_folder") is True
            site = data["site"] if isinstance(data.get("site"), dict) else {}
        else:  # the first format: a plain mapping of names to digests
            pdfs, created = data, False
        if not isinstance(pdfs, dict):
            return cls(folder)
        return cls(folder, {name: digest for name, digest in pdfs.items()
                            if plain_pdf_name(name) and isinstance(digest, str)}, created,
                   {name: digest for name, digest in site.items() if site_file_name(name) and isinstance(digest, str)})

    def record_site(self, files: dict[str, str]) -> None:
        """The site's files as written now (relative name: SHA-256), in place of those recorded before."""
        if files != self.site:
            self.site = dict(files)
            self.save()

    def record(self, name: str, digest: str) -> None:
        self.pdfs[name] = digest
        self.save()

    def forget(self, names: list[str]) -> None:
        """Strike PDFs about to be rebuilt, so the record never vouches for one being replaced."""
        if any(name in self.pdfs for name in names):
            for name in names:
                self.pdfs.pop(name, None)
            self.save()

    def save(self) -> None:
        data = {"format": FORMAT, "generator": "leafletpress", "created_folder": self.created_folder,
                "pdfs": self.pdfs, **({"site": self.site} if self.site else {})}
        try:
            write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
        except OutputError:  # a full disk: no record at all is true, an old one might not be
            with suppress(OSError):
                if self.path.is_file() and not self.path.is_symlink():
                    self.path.unlink()


def plain_pdf_name(name) -> bool:
    """A file name of a PDF (or a braille file) in the folder itself: no path, no hidden file."""
    return isinstance(name, str) and bool(re.fullmatch(r"[^/\\\x00.][^/\\\x00]*\.(pdf|brf)", name))


def site_file_name(name) -> bool:
    """A file's name inside site/: parts joined by '/', none empty, hidden, '..' or with a backslash."""
    return isinstance(name, str) and bool(re.fullmatch(r"[^/\\\x00.][^/\\\x00]*(/[^/\\\x00.][^/\\\x00]*)*", name))


# --- Digests -------------------------------------------------------------------------------------

def inputs_digest(leaflet: model.Leaflet, options, extra: bytes = b"") -> str:
    """A hash of everything a PDF is made from: change any of it and the PDF is rebuilt."""
    translation = leaflet.translations[options.lang]
    figures = [block.path for section in translation.sections for block in section.blocks
               if isinstance(block, model.Figure)]
    clinic = options.clinic
    clinic_files = [clinic.path, *([clinic.logo] if clinic.logo else [])] if clinic else []
    digest = hashlib.sha256(shared_digest().encode())
    digest.update(repr(options).encode() + extra)
    for path in [leaflet.folder / "leaflet.yaml", translation.path, *figures, *clinic_files]:
        try:
            content = read_regular(path, MAX_PICTURE)
        except OSError as error:  # changed since it was read: the PDF is not recorded as up to date
            content = f"unreadable: {error}".encode()
        digest.update(os.fsencode(path.name) + b"\0" + content)
    return digest.hexdigest()


@cache
def shared_digest() -> str:
    """The generator's code, templates, catalogs and fonts: what every PDF is made with."""
    digest = hashlib.sha256(__version__.encode())
    sources = {f"code/{p.relative_to(PACKAGE)}": p for p in PACKAGE.rglob("*.py")}
    sources |= {f"templates/{p.relative_to(TEMPLATES)}": p for p in TEMPLATES.rglob("*.*")}
    for name, path in sorted(sources.items()):
        if "__pycache__" not in path.parts and path.suffix != ".mo":
            digest.update(name.encode() + b"\0" + path.read_bytes())
    for face in LATIN + ARABIC + CJK_SC:  # large files: their identity, not their bytes
        stat = face.path.stat() if face.path.exists() else None
        digest.update(f"{face.path}:{stat and stat.st_size}:{stat and stat.st_mtime_ns}".encode())
    return digest.hexdigest()
