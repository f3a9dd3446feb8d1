"""Print-ready, accessible patient-information leaflets from Markdown and YAML."""

from pathlib import Path

__version__ = "0.1.0"

#: The project folder: leaflets/, templates/ and assets/ live here.
PROJECT = Path(__file__).resolve().parent.parent
