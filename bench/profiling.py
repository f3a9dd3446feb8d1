"""Where a render's time goes: cProfile of WeasyPrint renders of the focal dystonia leaflet, by phase.

    .venv/bin/python bench/profiling.py [--lang en] [--large-print] [--runs 5]

Prints the share of each phase (our document and HTML, CSS, layout, drawing,
writing the PDF, fonts) and the functions with the most time of their own.
"""

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leafletpress.build import render_pdf  # noqa: E402
from leafletpress.project import Project  # noqa: E402
from leafletpress.read import read_leaflet  # noqa: E402
from leafletpress.request import Options  # noqa: E402

#: Phases by the function that starts them: (label, file suffix, function name).
PHASES = [
    ("our document, HTML and CSS", "leafletpress/document.py", "build_document"),
    ("our document, HTML and CSS", "leafletpress/templating.py", "render_html"),
    ("our document, HTML and CSS", "leafletpress/templating.py", "page_css"),
    ("font coverage check", "leafletpress/fonts.py", "require_coverage"),
    ("WeasyPrint: parse HTML and CSS, cascade", "weasyprint/css/__init__.py", "get_all_computed_styles"),
    ("WeasyPrint: build boxes", "weasyprint/formatting_structure/build.py", "build_formatting_structure"),
    ("WeasyPrint: layout", "weasyprint/layout/__init__.py", "layout_document"),
    ("WeasyPrint: draw pages", "weasyprint/document.py", "paint"),
    ("WeasyPrint: write PDF (fonts, tags)", "weasyprint/pdf/__init__.py", "generate_pdf"),
    ("our page-fill measure", "leafletpress/engines/weasyprint.py", "fills"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--large-print", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    project = Project.at(ROOT)
    leaflet = read_leaflet(project.leaflets / "focal-dystonia", project.assets)
    options = Options(args.lang, args.large_print)
    render_pdf(leaflet, options, project)  # warm up: imports, fonts, font subsets
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        render_pdf(leaflet, options, project)
    profile.disable()
    stats = pstats.Stats(profile)
    total = max(cumulative for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items()
                if name == "render_pdf")
    print(f"{args.runs} renders of {options.filename('focal-dystonia')}: {total / args.runs * 1000:.0f} ms each "
          "(under the profiler)")
    shares: dict[str, float] = {}
    for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items():
        for label, suffix, function in PHASES:
            if name == function and file.endswith(suffix):
                shares[label] = shares.get(label, 0) + cumulative
    for label, seconds in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"  {seconds / total:6.1%}  {label}")
    print("functions with the most time of their own:")
    own = sorted(((tottime, file, name) for (file, _, name), (_, _, tottime, _, _) in stats.stats.items()),
                 reverse=True)[:12]
    for tottime, file, name in own:
        short = file.split("site-packages/")[-1].split("/work/main/")[-1]
        print(f"  {tottime / total:6.1%}  {name} ({short})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
