"""The command line: options in, a BuildRequest to build, check or preview, and every error as one line.

Options become a BuildRequest (leafletpress/request.py), which holds their
defaults and checks them; the library does the work and reports back; only
this module prints. Exit codes: 0 done, 2 bad input or a PDF that could not
be made, 1 for `check` findings, 130 interrupted.
"""

import argparse
import json
import os
import signal
import sys
import traceback
from datetime import date
from pathlib import Path

from . import __version__
from .errors import LeafletError, OutputError, display, printable
from .project import Project
from .request import ENGINES, FORMATS, BuildRequest
from .style import PAPERS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message):
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def parser(prog: str = "generate.py") -> argparse.ArgumentParser:
    top = Parser(prog=prog, description=(
        "Make print-ready, accessible patient-information leaflets (PDF) from the "
        "Markdown and YAML sources under leaflets/."))
    top.add_argument("--version", action="version", version=f"leafletpress {__version__}")
    commands = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    defaults = BuildRequest()

    build = commands.add_parser("build", help="build PDFs, the web site and braille", description=(
        "Build PDFs (and, with --format, the accessible web site and braille files). With no LEAFLET, "
        "every leaflet; with no --lang, every language; with no --large-print, both the standard and the "
        "large-print PDF. Files that are already up to date are left alone."))
    build.add_argument("leaflets", nargs="*", metavar="LEAFLET", help="leaflet id (its folder under leaflets/)")
    build.add_argument("--lang", action="append", metavar="CODE",
                       help="language code, e.g. en (repeatable; default: every language)")
    build.add_argument("--large-print", action="store_true",
                       help="large print only: all text at least 16 pt, body 18 pt, reflowed")
    build.add_argument("--section", action="append", metavar="ID",
                       help="only this section, with the title block (repeatable; see 'list')")
    build.add_argument("--paper", default=defaults.paper, metavar="|".join(PAPERS),
                       help=f"paper size (default: {defaults.paper})")
    build.add_argument("--engine", default=defaults.engine, metavar="|".join(ENGINES),
                       help=f"PDF engine (default: {defaults.engine})")
    build.add_argument("--clinic", type=path_argument, metavar="FILE",
                       help="clinic branding (YAML: name, logo, phone, address, website, leaflet_url)")
    build.add_argument("--notes", action="store_true",
                       help="add a 'Notes from your care team' page with lines to write on")
    build.add_argument("--note", default="", metavar="TEXT",
                       help="a short note for this patient, printed on the notes page (implies --notes)")
    build.add_argument("--booklet", action="store_true",
                       help="an A5 booklet (half-letter with --paper letter) imposed two-up on "
                            "landscape sheets, for folding and stapling")
    where = build.add_mutually_exclusive_group()
    where.add_argument("--output", "-o", type=path_argument, metavar="FILE",
                       help="write exactly this file (one leaflet; default language and standard print "
                            "unless --lang / --large-print say otherwise); never over a source or a file "
                            "leafletpress did not make")
    where.add_argument("--out-dir", type=path_argument, metavar="DIR", help="folder for the PDFs (default: build/)")
    build.add_argument("--format", action="append", metavar="|".join(FORMATS), dest="formats",
                       help="what to make (repeatable, or a comma list; default: pdf): pdf; html, the web site "
                            "in OUT_DIR/site/; brf, a braille file (Braille Ready File) per leaflet and language "
                            "beside the PDFs")
    build.add_argument("--force", action="store_true", help="rebuild even what is up to date")
    build.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: one per core)")
    build.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                       help="build as if today were this date (to see review-overdue notices)")
    build.set_defaults(handler=do_build)

    listing = commands.add_parser("list", help="list leaflets, their languages and section ids",
                                  description="List every leaflet with its languages and section ids.")
    listing.set_defaults(handler=do_list)

    check = commands.add_parser("check", help="read and validate sources without writing a PDF", description=(
        "Read and check leaflets without writing a PDF. Exit code 0 when there is no error, "
        "1 when there are errors (or warnings, with --strict), 2 for bad usage."))
    check.add_argument("leaflets", nargs="*", metavar="LEAFLET",
                       help="leaflet id, a leaflet folder, or a single text file to check on its own")
    check.add_argument("--strict", action="store_true", help="warnings count as errors")
    check.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="text report: errors only, no warnings or readability table")
    check.set_defaults(handler=do_check)

    preview = commands.add_parser("preview", help="page-1 thumbnails and an index.html of the built PDFs",
                                  description="Write a PNG of page 1 of every PDF in the folder and "
                                              "index.html, a page listing them all with links.")
    preview.add_argument("--out-dir", type=path_argument, metavar="DIR", help="the folder of PDFs (default: build/)")
    preview.set_defaults(handler=do_preview)

    cleaning = commands.add_parser("clean", help="remove what the tool wrote in a build folder", description=(
        "Remove the PDFs and braille files a build recorded in the folder (only those still made by "
        "leafletpress), their thumbnails, the gallery page, the web site's files that still hold what the "
        "build wrote, and the record itself; the folder too when the build created it and nothing else is "
        "left. Nothing else is ever removed."))
    cleaning.add_argument("--out-dir", type=path_argument, metavar="DIR", help="the build folder (default: build/)")
    cleaning.set_defaults(handler=do_clean)

    serving = commands.add_parser("serve", help="the web page for clinicians: choose, preview and print PDFs",
                                  description=(
        "Serve a web page where clinicians find a leaflet, choose its language, print size, sections, paper "
        "and notes, preview it and print it. PDFs are rendered by worker processes and kept in a cache "
        "folder keyed by the digest of their inputs; several servers may share it."))
    serving.add_argument("--clinic", type=path_argument, metavar="FILE",
                         help="the clinic's branding, for every PDF served (YAML, as for build)")
    serving.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default: 127.0.0.1, this machine only)")
    serving.add_argument("--port", type=port_number, default=8000, help="port to listen on (default: 8000)")
    serving.add_argument("--jobs", "-j", type=positive, metavar="N",
                         help="render worker processes (default: one per core)")
    serving.add_argument("--queue", type=positive, metavar="N",
                         help="render jobs accepted at once, running or waiting; more get 503 "
                              "(default: two per worker)")
    serving.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                         help="longest a PDF may take to render; then 504 and the worker is replaced (default: 60)")
    serving.add_argument("--cache-dir", type=path_argument, metavar="DIR",
                         help="folder for rendered PDFs and previews, may be shared by several servers "
                              "(default: .cache/serve in the project)")
    serving.add_argument("--cache-size", type=positive, default=1024, metavar="MB",
                         help="size limit of the cache folder; the files read longest ago go first (default: 1024)")
    serving.add_argument("--forwarded-allow-ips", metavar="IPS",
                         help="behind a reverse proxy: the proxy's addresses, whose X-Forwarded-For is trusted")
    serving.set_defaults(handler=do_serve)

    for command in (build, listing, check, preview, cleaning, serving):
        command.add_argument("--root", type=path_argument, metavar="DIR",
                             help="the project folder, holding leaflets/ and assets/ (default: this one)")
        command.add_argument("--leaflets-dir", type=path_argument, metavar="DIR",
                             help="folder holding the leaflet folders (default: leaflets/ in the project)")
        command.add_argument("--traceback", action="store_true", help="on a bug in the tool, show where it was")
    return top


def path_argument(text: str) -> Path:
    """A file or folder name; an empty one (OUT= left blank) would mean the working folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty name; give a file or folder")
    return Path(text)


def format_list(given: list[str] | None) -> tuple[str, ...]:
    """--format pdf --format brf, or --format pdf,brf: each format once, in the order given."""
    if not given:
        return BuildRequest().formats
    return tuple(dict.fromkeys(name.strip().lower() for text in given for name in text.split(",")))


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more: {text!r}")
    return value


def port_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1 to 65535): {text!r}")
    return int(text)


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def main(argv: list[str] | None = None, root: Path | None = None, prog: str = "leafletpress") -> int:
    """Run the command; root is the project folder when --root is not given (default: the current one)."""
    for stream in (sys.stdout, sys.stderr):  # a title or a path the terminal's encoding lacks: escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = parser(prog).parse_args(argv)
    project = Project.at(args.root or root or Path.cwd(), args.leaflets_dir)
    previous = signal.signal(signal.SIGTERM, interrupt) if is_main_thread() else None
    try:
        return args.handler(args, project)
    except LeafletError as error:
        print(f"error: {printable(str(error))}", file=sys.stderr)
        if args.traceback:
            print(getattr(error, "details", ""), file=sys.stderr, end="")
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted: PDFs being written were finished and recorded; no partial PDF was left",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader (head, less) went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:
        print(f"error: a bug in leafletpress: {type(error).__name__}: {' '.join(str(error).split())[:200]}. "
              "Please report it, with the output of the same command run with --traceback", file=sys.stderr)
        if args.traceback:
            traceback.print_exc()
        return EXIT_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def interrupt(signum, frame):
    """SIGTERM stops a build as Ctrl-C does: the PDFs being written are finished and recorded."""
    raise KeyboardInterrupt


def do_build(args, project: Project) -> int:
    from .build import build

    request = BuildRequest(
        leaflets=tuple(args.leaflets), lang=tuple(args.lang or ()), large_print=args.large_print,
        section=tuple(args.section or ()), paper=args.paper, clinic=args.clinic, notes=args.notes,
        note=args.note, booklet=args.booklet, engine=args.engine, output=args.output, out_dir=args.out_dir,
        force=args.force, jobs=args.jobs, as_of=args.as_of, formats=format_list(args.formats))
    bar = ProgressBar(sys.stdout)
    report = build(request, project, on_progress=bar.step)
    bar.done()
    for note in report.skipped:
        print(f"skipped {note}", file=sys.stderr)
    print(report.summary())
    for problem in report.failed:
        print(f"error: {printable(str(problem))}", file=sys.stderr)
        if args.traceback:
            print(getattr(problem, "details", ""), file=sys.stderr, end="")
    return EXIT_ERROR if report.failed else EXIT_OK


class ProgressBar:
    """A bar on a terminal; plain lines when the output goes to a file or a pipe."""

    def __init__(self, stream):
        self.stream, self.shown = stream, False

    def step(self, progress) -> None:
        """Show one PDF done; when the reader of the output has gone (| head), build on in silence."""
        try:
            self.show(progress)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())

    def show(self, progress) -> None:
        message = f"{progress.outcome} {display(progress.target)}"
        if not self.stream.isatty() or progress.total < 2:
            print(message, file=self.stream, flush=True)
            return
        width = 30
        filled = width * progress.done // progress.total
        line = f"[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} {message}"
        self.stream.write("\r" + line[:100].ljust(100))
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\n")


def do_serve(args, project: Project) -> int:
    from .serve import Settings, run

    if not args.timeout > 0:
        raise LeafletError(f"--timeout must be more than 0 seconds, not {args.timeout}")
    check_address(args.host, args.port)
    settings = Settings(project, clinic=args.clinic, cache_dir=args.cache_dir, cache_size=args.cache_size * 1024 * 1024,
                        workers=args.jobs or os.cpu_count() or 1, queue=args.queue, timeout=args.timeout)
    run(settings, host=args.host, port=args.port, forwarded_allow_ips=args.forwarded_allow_ips)
    return EXIT_OK


def check_address(host: str, port: int) -> None:
    """Whether the server can listen there, said before any worker is started."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise LeafletError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def do_preview(args, project: Project) -> int:
    from .build import read_all
    from .preview import write_index

    folder = args.out_dir or project.build
    if not folder.is_dir():
        raise OutputError(f"{display(folder)}: no such folder; build the PDFs first")
    leaflets, problems = read_all(project)
    changed, unreadable = write_index(folder, leaflets)
    for problem in problems:
        print(f"warning: left out of the gallery: {printable(str(problem))}", file=sys.stderr)
    for pdf in unreadable:
        print(f"warning: left out of the gallery: {display(pdf)} can't be read as a PDF", file=sys.stderr)
    print(f"{'wrote' if changed else 'up to date:'} {display(folder / 'index.html')}")
    return EXIT_OK


def do_clean(args, project: Project) -> int:
    from .build import clean

    folder = args.out_dir or project.build
    if not folder.is_dir():
        print(f"nothing to clean: {display(folder)} is not a folder")
        return EXIT_OK
    removed = clean(folder)
    print(f"removed {len(removed)} files and folders that leafletpress wrote in {display(folder)}"
          if removed else f"nothing to clean: no PDF recorded by leafletpress in {display(folder)}")
    return EXIT_OK


def do_list(args, project: Project) -> int:
    from .build import read_all

    leaflets, problems = read_all(project, cached=False)
    if problems:
        raise problems[0]
    for leaflet in leaflets:
        source = leaflet.translations[leaflet.source_language]
        print(f"{leaflet.id}: {source.title}")
        print(f"  languages: {', '.join(leaflet.languages)}")
        print(f"  sections:  {', '.join(source.section_ids)}")
    return EXIT_OK


def do_check(args, project: Project) -> int:
    from .check import check_paths, readability_table

    report = check_paths(args.leaflets, project)
    if args.format == "json":
        print(json.dumps({
            "findings": [f.as_dict() for f in report.findings],
            "readability": {leaflet: [{"lang": lang, "section": s.section.id, "formula": s.formula.name,
                                       "score": s.value, "target": s.formula.describe_target(),
                                       "meets_target": s.meets_target,
                                       "words_per_sentence": s.words_per_sentence}
                                      for lang, s in scores]
                            for leaflet, scores in report.scores.items()},
            "errors": report.errors, "warnings": report.warnings}, ensure_ascii=False, indent=1))
    else:
        for finding in report.findings:
            if finding.severity == "error" or not args.quiet:
                print(finding)
        for leaflet, scores in report.scores.items():
            if not args.quiet:
                print("\n".join(readability_table(leaflet, scores)))
        print(f"{report.errors} errors, {report.warnings} warnings")
    return EXIT_FINDINGS if report.errors or (args.strict and report.warnings) else EXIT_OK
