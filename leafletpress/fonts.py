"""The pinned fonts, installed as pip packages so every machine embeds the same ones."""

from dataclasses import dataclass
from pathlib import Path

import fontpkg_atkinson_hyperlegible


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    path: Path


def _atkinson(style: str) -> Path:
    return fontpkg_atkinson_hyperlegible.ROOT / "files" / f"AtkinsonHyperlegible-{style}.ttf"


#: Upright faces only: clear print uses bold, never italics, for emphasis.
FACES = (
    Face("Atkinson Hyperlegible", 400, _atkinson("Regular")),
    Face("Atkinson Hyperlegible", 700, _atkinson("Bold")),
)

FAMILY = "Atkinson Hyperlegible"


def font_folders() -> set[Path]:
    """Folders the renderer may read fonts from, and nothing else."""
    return {face.path.parent for face in FACES}
