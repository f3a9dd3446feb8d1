"""The command line: options in, build or check, and every error as one line with exit code 2."""

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from . import PROJECT, __version__
from .build import CODE, TEMPLATES, Report, clean, plan, read_all, run, single
from .check import check_paths, readability_table
from .errors import LeafletError, OutputError, UnknownName, display
from .options import ENGINES, PAPERS
from .files import refuse_target
from .read import ASSETS, LEAFLETS, read_clinic

EXIT_OK, EXIT_ERROR = 0, 2


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message):
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="generate.py", description=(
        "Make print-ready, accessible patient-information leaflets (PDF) from the "
        "Markdown and YAML sources under leaflets/."))
    top.add_argument("--version", action="version", version=f"leafletpress {__version__}")
    commands = top.add_subparsers(dest="command", required=True, parser_class=Parser)

    build = commands.add_parser("build", help="build PDFs", description=(
        "Build PDFs. With no LEAFLET, every leaflet; with no --lang, every language; "
        "with no --large-print, both the standard and the large-print PDF. "
        "PDFs that are already up to date are left alone."))
    build.add_argument("leaflets", nargs="*", metavar="LEAFLET", help="leaflet id (its folder under leaflets/)")
    build.add_argument("--lang", action="append", metavar="CODE",
                       help="language code, e.g. en (repeatable; default: every language)")
    build.add_argument("--large-print", action="store_true",
                       help="large print only: all text at least 16 pt, body 18 pt, reflowed")
    build.add_argument("--section", action="append", metavar="ID", dest="sections",
                       help="only this section, with the title block (repeatable; see 'list')")
    build.add_argument("--paper", default="a4", metavar="|".join(PAPERS),
                       help="paper size (default: a4)")
    build.add_argument("--engine", default=ENGINES[0], metavar="|".join(ENGINES),
                       help=f"PDF engine (default: {ENGINES[0]})")
    build.add_argument("--clinic", type=Path, metavar="FILE",
                       help="clinic branding (YAML: name, logo, phone, address, website, leaflet_url)")
    build.add_argument("--notes", action="store_true",
                       help="add a 'Notes from your care team' page with lines to write on")
    build.add_argument("--booklet", action="store_true",
                       help="an A5 booklet (half-letter with --paper letter) imposed two-up on "
                            "landscape sheets, for folding and stapling")
    where = build.add_mutually_exclusive_group()
    where.add_argument("--output", "-o", type=Path, metavar="FILE",
                       help="write exactly this file (one leaflet; default language and standard print "
                            "unless --lang / --large-print say otherwise)")
    where.add_argument("--out-dir", type=Path, default=PROJECT / "build", metavar="DIR",
                       help="folder for the PDFs (default: build/)")
    build.add_argument("--force", action="store_true", help="rebuild even what is up to date")
    build.add_argument("--jobs", "-j", type=int, metavar="N",
                       help="worker processes (default: one per core)")
    build.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                       help="build as if today were this date (to see review-overdue notices)")
    build.set_defaults(handler=do_build)

    listing = commands.add_parser("list", help="list leaflets, their languages and section ids")
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
    preview.add_argument("--out-dir", type=Path, default=PROJECT / "build", metavar="DIR",
                         help="the folder of PDFs (default: build/)")
    preview.set_defaults(handler=do_preview)
    cleaning = commands.add_parser("clean", help="remove what the tool wrote in a build folder", description=(
        "Remove the PDFs a build recorded in the folder (only those still made by leafletpress), their "
        "thumbnails, the gallery page and the record itself; the folder too when the build created it and "
        "nothing else is left. Nothing else is ever removed."))
    cleaning.add_argument("--out-dir", type=Path, default=PROJECT / "build", metavar="DIR",
                          help="the build folder (default: build/)")
    cleaning.set_defaults(handler=do_clean)
    for command in (build, listing, check, preview):
        command.add_argument("--leaflets-dir", type=Path, default=LEAFLETS, metavar="DIR",
                             help="folder holding the leaflet folders (default: leaflets/)")
    return top


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except LeafletError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted: no partial PDF was left", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def protected_folders(args) -> list[Path]:
    """Folders no PDF may be written into: the leaflets' sources, assets, templates and the code."""
    return [args.leaflets_dir, LEAFLETS, ASSETS, TEMPLATES, CODE]


def do_build(args) -> int:
    protected = protected_folders(args)
    if args.output:
        refuse_target(args.output, protected)
    else:
        refuse_folder(args.out_dir, protected)
    problems: list[LeafletError] = []
    leaflets = read_all(args.leaflets, args.leaflets_dir, problems)
    if args.engine not in ENGINES:
        raise UnknownName("engine", args.engine, ENGINES)
    sections, skipped = tuple(args.sections or ()), []
    extras = {"clinic": read_clinic(args.clinic) if args.clinic else None,
              "notes": args.notes, "booklet": args.booklet}
    if args.output:
        if problems:  # one file asked for: its first problem is the answer
            raise problems[0]
        if len(leaflets) != 1 or (args.lang and len(args.lang) != 1):
            raise OutputError("--output writes one PDF: name one leaflet and at most one --lang")
        langs = args.lang or [leaflets[0].source_language]
        jobs = plan(leaflets, langs, [args.large_print], sections, args.paper, args.engine, Path("."),
                    args.as_of, **extras)
        jobs = [single(job, args.output) for job in jobs]
    else:
        sizes = [True] if args.large_print else [False, True]
        jobs = plan(leaflets, args.lang or [], sizes, sections, args.paper, args.engine, args.out_dir,
                    args.as_of, skipped, **extras)
    for note in skipped:
        print(f"skipped {note}", file=sys.stderr)
    report = run(jobs, incremental=not args.output, workers=args.jobs, force=args.force,
                 protected=protected)
    report.failed[:0] = [str(problem) for problem in problems]
    return finish(report)


def refuse_folder(folder: Path, protected: list[Path]) -> None:
    """An output folder may not be, or lie inside, a folder of sources, nor be a file."""
    resolved = folder.resolve()
    for source in protected:
        if resolved.is_relative_to(source.resolve()):
            raise OutputError(f"{display(folder)}: refusing to write PDFs inside {display(source)}/, which "
                              "holds the leaflets' sources and the tool's files; choose another folder")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{display(folder)}: is not a folder; --out-dir needs a folder")


def do_clean(args) -> int:
    folder = args.out_dir
    if not folder.is_dir():
        print(f"nothing to clean: {display(folder)} is not a folder")
        return EXIT_OK
    removed = clean(folder)
    print(f"removed {len(removed)} files and folders that leafletpress wrote in {display(folder)}"
          if removed else f"nothing to clean: no PDF recorded by leafletpress in {display(folder)}")
    return EXIT_OK


def finish(report: Report) -> int:
    print(report.summary())
    for message in report.failed:
        print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR if report.failed else EXIT_OK


def do_preview(args) -> int:
    from .preview import write_index
    if not args.out_dir.is_dir():
        raise OutputError(f"{display(args.out_dir)}: no such folder; build the PDFs first")
    changed = write_index(args.out_dir, read_all([], args.leaflets_dir, problems=[]))
    print(f"{'wrote' if changed else 'up to date:'} {display(args.out_dir / 'index.html')}")
    return EXIT_OK


def do_list(args) -> int:
    for leaflet in read_all([], args.leaflets_dir):
        source = leaflet.translations[leaflet.source_language]
        print(f"{leaflet.id}: {source.title}")
        print(f"  languages: {', '.join(leaflet.languages)}")
        print(f"  sections:  {', '.join(source.section_ids)}")
    return EXIT_OK


def do_check(args) -> int:
    report = check_paths(args.leaflets, args.leaflets_dir)
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
    return 1 if report.errors or (args.strict and report.warnings) else EXIT_OK
