"""What the tests share: the project folder, the command run on it, and leaflets read from it."""

from pathlib import Path

from leafletpress import cli
from leafletpress.model import Leaflet
from leafletpress.project import Project
from leafletpress.read import read_leaflet

PROJECT = Path(__file__).resolve().parent.parent
LEAFLETS = PROJECT / "leaflets"
ASSETS = PROJECT / "assets"
FIXTURES = Path(__file__).parent / "fixtures"


def main(argv: list[str]) -> int:
    """The command, as generate.py runs it: on this checkout, wherever the test stands."""
    return cli.main(argv, root=PROJECT, prog="generate.py")


def project(leaflets: Path | None = None) -> Project:
    return Project.at(PROJECT, leaflets)


def leaflet(folder: Path = LEAFLETS / "focal-dystonia") -> Leaflet:
    return read_leaflet(folder, ASSETS)
