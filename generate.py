#!/usr/bin/env python3
"""Make print-ready patient-information leaflets from this folder's leaflets/: see `generate.py --help`."""
from pathlib import Path

from leafletpress.cli import main

raise SystemExit(main(root=Path(__file__).resolve().parent, prog="generate.py"))
