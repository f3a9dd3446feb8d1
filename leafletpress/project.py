"""A project: the folder that holds leaflets/, assets/, the build folder and the caches.

The tool has no folder of its own but its package data (templates, CSS,
catalogs); every file a build reads or writes is found from one Project, so the
same code serves a checkout (`generate.py`), the installed `leafletpress`
command run in any folder, and the web server.
"""

from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _templates() -> Path:
    """Templates, stylesheets and catalogs: package data in an installed copy
    (leafletpress/templates), the checkout's templates/ folder beside the package."""
    for folder in (PACKAGE / "templates", PACKAGE.parent / "templates"):
        if (folder / "base.html").is_file():
            return folder
    return PACKAGE / "templates"


TEMPLATES = _templates()


@dataclass(frozen=True)
class Project:
    """Where a project's sources, build folder and caches are."""

    root: Path
    leaflets: Path
    assets: Path

    @classmethod
    def at(cls, root: Path, leaflets: Path | None = None) -> "Project":
        """The project in root: leaflets from root/leaflets unless another folder is given."""
        root = Path(root).absolute()  # pictures are given to the engines as file:// addresses
        return cls(root, Path(leaflets).absolute() if leaflets else root / "leaflets", root / "assets")

    @property
    def build(self) -> Path:
        """The default folder for PDFs."""
        return self.root / "build"

    @property
    def protected(self) -> list[Path]:
        """Folders no output may be written into: the sources and the tool's own files."""
        return [self.leaflets, self.assets, TEMPLATES, PACKAGE]

    def cache_folder(self, name: str) -> Path | None:
        """.cache/NAME in the project, made if need be; None when it can't be written.

        Never a shared folder elsewhere: a cache another user could write would
        let them change what is printed.
        """
        folder = self.root / ".cache" / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return folder if folder.is_dir() and not folder.is_symlink() else None
