"""`python -m leafletpress`: the command, run on the project in the current folder."""

from .cli import main

raise SystemExit(main())
