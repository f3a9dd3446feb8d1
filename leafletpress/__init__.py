"""Print-ready, accessible patient-information leaflets from Markdown and YAML."""

import os
import tempfile
from pathlib import Path

__version__ = "0.1.0"

#: The project folder: leaflets/, templates/ and assets/ live here.
PROJECT = Path(__file__).resolve().parent.parent


def cache_folder(name: str) -> Path:
    """A folder for what is worth keeping between runs: .cache/NAME in the project, or a
    temporary folder when the project folder can't be written."""
    for folder in (PROJECT / ".cache" / name, Path(tempfile.gettempdir()) / f"leafletpress-{name}"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    raise OSError(f"no folder can be written for the {name} cache")
