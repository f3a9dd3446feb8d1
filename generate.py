#!/usr/bin/env python3
"""Make print-ready patient-information leaflets from this folder's leaflets/: see `generate.py --help`."""
from pathlib import Path

from leafletpress.cli import main

# Guarded: the web server's worker processes import this module again and must not run the command.
if __name__ == "__main__":
    raise SystemExit(main(root=Path(__file__).resolve().parent, prog="generate.py"))
