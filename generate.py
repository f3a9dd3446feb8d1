#!/usr/bin/env python3
"""Make print-ready patient-information leaflets: see `python generate.py --help`."""

from leafletpress.cli import main

raise SystemExit(main())
