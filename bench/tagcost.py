"""What mending the tag tree costs per PDF: our write of the laid-out pages against WeasyPrint's own.

For each of en, ar and zh-Hans, standard and large print, the pages are laid
out once; then, in turns, they are written bare (WeasyPrint's write_pdf,
right-to-left text in logical order as in every build) and as our engine
writes them (tags mended). The cost is the difference of the fastest of
--runs writes each.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leafletpress.document import build_document  # noqa: E402
from leafletpress.engines import weasyprint as engine  # noqa: E402
from leafletpress.engines.rtl import rtl_in_logical_order  # noqa: E402
from leafletpress.project import Project  # noqa: E402
from leafletpress.read import read_leaflet  # noqa: E402
from leafletpress.request import Options  # noqa: E402

PROJECT = Project.at(ROOT)
CASES = [(lang, large) for lang in ("en", "ar", "zh-Hans") for large in (False, True)]


def clock(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def fastest_writes(pages, runs: int) -> tuple[float, float]:
    """The fastest of runs bare writes and of runs of ours, taken in turns so that load hits both."""
    bare, ours = [], []
    for _ in range(runs):
        bare.append(clock(lambda: pages.write_pdf(pdf_variant=engine.PDF_VARIANT)))
        ours.append(clock(lambda: engine.write(pages)))
    return min(bare), min(ours)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="writes of each kind per PDF (default 5)")
    args = parser.parse_args(argv)
    leaflet = read_leaflet(PROJECT.leaflets / "focal-dystonia", PROJECT.assets)
    print(f"{'PDF':22} {'bare write':>11} {'our write':>11} {'cost':>9}")
    for lang, large in CASES:
        document = build_document(leaflet, Options(lang, large_print=large))
        with engine.weasyprint_problems(), rtl_in_logical_order():
            pages = engine.paginate(document, PROJECT)[1]
            bare, ours = fastest_writes(pages, args.runs)
        name = f"{lang}{' large print' if large else ''}"
        print(f"{name:22} {bare * 1000:8.1f} ms {ours * 1000:8.1f} ms {(ours - bare) * 1000:6.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
