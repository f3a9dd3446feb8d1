"""Write docs/cli.md: the --help of generate.py and of each of its commands, as the tool prints it.

Run `make docs` after changing an option; a test fails while docs/cli.md is out of date.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leafletpress.cli import parser  # noqa: E402


def reference() -> str:
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: the same width everywhere
    top = parser("generate.py")
    commands = top._subparsers._group_actions[0].choices  # argparse keeps its sub-parsers here
    parts = ["# Command reference", "",
             "Every command and option of `generate.py` (also installed as `leafletpress`), as `--help` "
             "prints it. Made by `make docs` (scripts/cli_docs.py); a test checks it is up to date.", "",
             "```", top.format_help().rstrip(), "```"]
    for name, command in commands.items():
        parts += ["", f"## {name}", "", "```", command.format_help().rstrip(), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(reference(), encoding="utf-8")
    print("wrote docs/cli.md")
