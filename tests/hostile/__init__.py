"""Careless and hostile input, case by case: small projects made at test time, broken on purpose.

The promise held everywhere: one line on stderr naming the file (and line) and
what is valid, exit code 2, no traceback, no partial or empty output, PDFs
built earlier intact; never code execution, never a read outside assets/.
"""

import shutil
from pathlib import Path

from leafletpress import cli

from ..helpers import FIXTURES

TINY = FIXTURES / "leaflets" / "tiny"
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60" viewBox="0 0 100 60">'
       '<rect x="5" y="5" width="90" height="50" fill="#36c"/></svg>\n')
FIGURE_YAML = 'figures:\n  pic:\n    file: pic.svg\n    section: overview\n    credit: "Drawn for the tests"\n'
FIGURE_WORDS = "figures:\n  pic:\n    alt: A blue box\n    caption: A box drawn for the tests\n"


def make_project(root: Path, figure: bool = True) -> Path:
    """A project holding the 'tiny' leaflet (with a figure, pic.svg, unless not wanted) and its assets."""
    (root / "assets").mkdir(parents=True)
    shutil.copytree(TINY, root / "leaflets" / "tiny")
    if figure:
        (root / "assets" / "pic.svg").write_text(SVG)
        edit(root / "leaflets/tiny/leaflet.yaml", lambda text: text + FIGURE_YAML)
        edit(root / "leaflets/tiny/en.md", lambda text: text.replace("subtitle: For tests\n",
                                                                      "subtitle: For tests\n" + FIGURE_WORDS))
    return root


def edit(path: Path, change) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def run(capsys, *argv) -> tuple[int, str, str]:
    """The command in this process: its exit code, stdout and stderr."""
    code = cli.main([str(arg) for arg in argv], prog="generate.py")
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(code: int, err: str, *fragments: str) -> None:
    """Exit code 2 and exactly one line on stderr, holding every fragment, naming no bug."""
    assert code == 2, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "a bug in leafletpress" not in err and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
