"""`python -m leafletpress`: the command, run on the project in the current folder."""

from .cli import main

# Guarded: the web server's worker processes import this module again and must not run the command.
if __name__ == "__main__":
    raise SystemExit(main())
