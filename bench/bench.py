"""Benchmark leafletpress: overhead over bare WeasyPrint, batch and pool speed-ups, rebuilds, memory, sizes,
scale, the ReportLab engine against WeasyPrint, and the cost of the web page and braille formats."""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leafletpress.project import TEMPLATES, Project  # noqa: E402
from leafletpress.read import read_leaflet  # noqa: E402

PROJECT = Project.at(ROOT)
LEAFLETS = PROJECT.leaflets

LEAFLET = "focal-dystonia"
LANGS = ("en", "es", "ar", "zh-Hans")
GENERATE = [sys.executable, str(ROOT / "generate.py")]
RESULTS = ROOT / "bench" / "results.json"
KIB = 1024

SETTINGS = {
    "full": {"render_runs": 15, "batch_runs": 5, "per_process_runs": 3, "pool_runs": 5,
             "noop_runs": 10, "library_sizes": (10, 25, 50, 100), "library_runs": 2},
    "quick": {"render_runs": 3, "batch_runs": 2, "per_process_runs": 1, "pool_runs": 2,
              "noop_runs": 3, "library_sizes": (5, 10, 20), "library_runs": 1},
}


# ---------------------------------------------------------------- helpers

def median(values: list[float]) -> float:
    return statistics.median(values)


def clock(action) -> float:
    """Seconds one call of action takes (wall clock)."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def generate(*args: str) -> subprocess.CompletedProcess:
    """Run generate.py with args from the project root; fail loudly if it fails."""
    done = subprocess.run([*GENERATE, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"generate.py {' '.join(map(str, args))} failed:\n{done.stdout}{done.stderr}")
    return done


def timed_generate(*args: str) -> tuple[float, str]:
    """Wall-clock seconds of one generate.py subprocess, and its summary line."""
    start = time.perf_counter()
    done = generate(*args)
    elapsed = time.perf_counter() - start
    return elapsed, done.stdout.strip().splitlines()[-1]


class OtherLoad:
    """CPU used by other processes on the machine while a block runs, in cores (0 = quiet, 1 = a core busy).

    Busy CPU time from /proc/stat (steal included) minus the CPU time of this
    process and of the children it waited for in the block.
    """

    def __enter__(self):
        self.start = self.sample()
        return self

    def __exit__(self, *exc):
        end = self.sample()
        wall = end[2] - self.start[2]
        self.cores = max(0.0, (end[0] - self.start[0]) - (end[1] - self.start[1])) / wall if wall else 0.0
        return False

    @staticmethod
    def sample() -> tuple[float, float, float]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        busy = (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
        ours = sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                      resource.getrusage(resource.RUSAGE_CHILDREN)))
        return busy, ours, time.perf_counter()


def interleave(runs: dict[str, int], actions: dict) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Run each named action its number of times, alternating order so that noise hits all of them.

    Returns the seconds of every run, and the other processes' load (cores) during each.
    """
    times: dict[str, list[float]] = {name: [] for name in actions}
    loads: dict[str, list[float]] = {name: [] for name in actions}
    names = list(actions)
    for round_ in range(max(runs.values())):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            if len(times[name]) < runs[name]:
                with OtherLoad() as load:
                    times[name].append(actions[name]())
                loads[name].append(load.cores)
    return times, loads


def fresh_dir(parent: Path, name: str) -> Path:
    path = parent / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# ---------------------------------------------------------------- 1. overhead

def bare_weasyprint(html: str, css: str, base_url: str) -> bytes:
    """The same HTML and CSS through WeasyPrint alone, as its documentation shows."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = [CSS(filename=str(TEMPLATES / "leaflet.css")), CSS(string=css, font_config=fonts)]
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=sheets, font_config=fonts,
                                                         pdf_variant="pdf/ua-1")


def measure_overhead(runs: int) -> dict:
    """Our whole render (document, font check, engine) against bare WeasyPrint on the same HTML and CSS."""
    from leafletpress.build import render_pdf
    from leafletpress.document import build_document
    from leafletpress.request import Options
    from leafletpress.templating import page_css, render_html

    leaflet = read_leaflet(LEAFLETS / LEAFLET, PROJECT.assets)
    base_url = TEMPLATES.as_uri() + "/"
    result = {}
    for lang in LANGS:
        options = Options(lang)
        document = build_document(leaflet, options)
        html, css = render_html(document), page_css(document, PROJECT.cache_folder("fonts"))
        ours_pdf = render_pdf(leaflet, options, PROJECT)  # warm up
        bare_pdf = bare_weasyprint(html, css, base_url)
        times, loads = interleave({"ours": runs, "bare": runs}, {
            "ours": lambda options=options: clock(lambda: render_pdf(leaflet, options, PROJECT)),
            "bare": lambda html=html, css=css: clock(lambda: bare_weasyprint(html, css, base_url)),
        })
        ours, bare = median(times["ours"]), median(times["bare"])
        result[lang] = {"ours_s": ours, "bare_s": bare, "ratio": ours / bare,
                        "ours_bytes": len(ours_pdf), "bare_bytes": len(bare_pdf), "runs": runs,
                        "other_cores": statistics.fmean(loads["ours"] + loads["bare"])}
        print(f"  {lang:8} ours {ours:.3f} s  bare {bare:.3f} s  ratio {ours / bare:.3f}", flush=True)
    total_ours = sum(r["ours_s"] for r in result.values())
    total_bare = sum(r["bare_s"] for r in result.values())
    result["all"] = {"ours_s": total_ours, "bare_s": total_bare, "ratio": total_ours / total_bare,
                     "other_cores": statistics.fmean(r["other_cores"] for r in result.values())}
    return result


# ---------------------------------------------------------------- 7. ReportLab against WeasyPrint

def measure_engines(work: Path, runs: int) -> dict:
    """The ReportLab engine against WeasyPrint on the same leaflet: in-process, as a process, as a batch."""
    from leafletpress.build import render_pdf
    from leafletpress.request import Options

    leaflet = read_leaflet(LEAFLETS / LEAFLET, PROJECT.assets)
    result = {}
    for lang in ("en", "es"):
        options = {engine: Options(lang, engine=engine) for engine in ("weasyprint", "reportlab")}
        for option in options.values():
            render_pdf(leaflet, option, PROJECT)  # warm up: imports, fonts
        times, loads = interleave(dict.fromkeys(options, runs), {
            engine: (lambda option=option: clock(lambda: render_pdf(leaflet, option, PROJECT)))
            for engine, option in options.items()})
        weasy, report = median(times["weasyprint"]), median(times["reportlab"])
        result[f"in_process_{lang}"] = {"weasyprint_s": weasy, "reportlab_s": report, "ratio": weasy / report,
                                        "other_cores": statistics.fmean(loads["weasyprint"] + loads["reportlab"])}
        print(f"  in-process {lang}: weasyprint {weasy:.3f} s  reportlab {report:.3f} s  {weasy / report:.1f}×",
              flush=True)
    out = fresh_dir(work, "engines")
    process = {engine: (lambda engine=engine: timed_generate(
        "build", LEAFLET, "--lang", "en", "--engine", engine, "--output", out / f"{engine}.pdf")[0])
        for engine in ("weasyprint", "reportlab")}
    times, loads = interleave(dict.fromkeys(process, runs), process)
    weasy, report = median(times["weasyprint"]), median(times["reportlab"])
    result["process"] = {"weasyprint_s": weasy, "reportlab_s": report, "ratio": weasy / report,
                         "other_cores": statistics.fmean(loads["weasyprint"] + loads["reportlab"])}
    print(f"  one process: weasyprint {weasy:.2f} s  reportlab {report:.2f} s  {weasy / report:.1f}×", flush=True)
    batch = {engine: (lambda engine=engine: timed_generate(
        "build", "--lang", "en", "--lang", "es", "--engine", engine, "--force", "--out-dir", out)[0])
        for engine in ("weasyprint", "reportlab")}
    times, loads = interleave({engine: max(2, runs // 3) for engine in batch}, batch)
    weasy, report = median(times["weasyprint"]), median(times["reportlab"])
    result["batch"] = {"weasyprint_s": weasy, "reportlab_s": report, "ratio": weasy / report,
                       "other_cores": statistics.fmean(loads["weasyprint"] + loads["reportlab"])}
    print(f"  batch (en, es × 2 sizes): weasyprint {weasy:.2f} s  reportlab {report:.2f} s  "
          f"{weasy / report:.1f}×", flush=True)
    return result


# ---------------------------------------------------------------- 9. the other formats: html and brf

def measure_formats(work: Path, runs: int) -> dict:
    """The web page and the braille file of one leaflet × language, in-process and as a build, beside a PDF."""
    from datetime import date

    from leafletpress.build import render_pdf
    from leafletpress.formats.braille import render_braille
    from leafletpress.formats.site import render_page
    from leafletpress.request import Options

    leaflet = read_leaflet(LEAFLETS / LEAFLET, PROJECT.assets)
    today = date.today()
    actions = {}
    for lang in LANGS:
        actions[f"html_{lang}"] = lambda lang=lang: clock(lambda: render_page(leaflet, lang, None, set(), today))
        actions[f"brf_{lang}"] = lambda lang=lang: clock(lambda: render_braille(leaflet, Options(lang)))
    actions["pdf_en"] = lambda: clock(lambda: render_pdf(leaflet, Options("en"), PROJECT))
    for action in actions.values():
        action()  # warm up: imports, tables, fonts
    times, loads = interleave(dict.fromkeys(actions, runs), actions)
    result: dict = {"in_process_s": {name: median(values) for name, values in times.items()},
                    "other_cores": statistics.fmean(value for values in loads.values() for value in values)}
    for fmt in ("html", "brf"):
        each = [result["in_process_s"][f"{fmt}_{lang}"] for lang in LANGS]
        print(f"  in-process {fmt}: " + "  ".join(f"{lang} {t * 1000:.1f} ms" for lang, t in zip(LANGS, each)),
              flush=True)
    builds = {}
    for fmt in ("html", "brf"):
        def build(fmt=fmt) -> float:
            out = fresh_dir(work, f"formats-{fmt}")
            return timed_generate("build", LEAFLET, "--format", fmt, "--out-dir", out)[0]
        builds[fmt] = build
    build_times, build_loads = interleave(dict.fromkeys(builds, max(2, runs // 3)), builds)
    out = fresh_dir(work, "formats-sizes")
    generate("build", LEAFLET, "--format", "brf,html", "--out-dir", out)
    result["build_s"] = {fmt: median(values) for fmt, values in build_times.items()}
    result["build_other_cores"] = statistics.fmean(v for values in build_loads.values() for v in values)
    result["brf_bytes"] = {lang: (out / f"{LEAFLET}.{lang}.brf").stat().st_size for lang in LANGS}
    result["brf_pages"] = {lang: (out / f"{LEAFLET}.{lang}.brf").read_bytes().count(b"\f") + 1 for lang in LANGS}
    result["site_bytes"] = sum(path.stat().st_size for path in (out / "site").rglob("*") if path.is_file())
    print(f"  builds of {len(LANGS)} languages: html {result['build_s']['html']:.2f} s  "
          f"brf {result['build_s']['brf']:.2f} s", flush=True)
    return result


def format_rows(formats: dict) -> list:
    r = formats["in_process_s"]
    pdf = r["pdf_en"]
    table = []
    for fmt, label in (("html", "web page"), ("brf", "braille file")):
        each = [r[f"{fmt}_{lang}"] for lang in LANGS]
        table.append((f"9. {label}, in-process, per leaflet × language",
                      f"{min(each) * 1000:.1f}–{max(each) * 1000:.1f} ms ({pdf / max(each):.0f}× less than "
                      f"a PDF, {pdf * 1000:.0f} ms)", "—", None, formats["other_cores"]))
        build = formats["build_s"][fmt]
        table.append((f"   generate.py build --format {fmt}, {len(LANGS)} languages",
                      f"{build:.2f} s ({build / len(LANGS) * 1000:.0f} ms per leaflet × language)", "—", None,
                      formats["build_other_cores"]))
    sizes = formats["brf_bytes"]
    table.append(("   braille file sizes (pages of 40 × 25)",
                  ", ".join(f"{lang} {size / KIB:.1f} KiB ({formats['brf_pages'][lang]} pages)"
                            for lang, size in sizes.items()), "—", None, None))
    table.append(("   web site, every file (pages, css, fonts, picture)",
                  f"{formats['site_bytes'] / KIB:.0f} KiB", "—", None, None))
    return table


# ---------------------------------------------------------------- 2. batch vs a process per PDF

def matrix() -> list[tuple[str, bool]]:
    return [(lang, large) for lang in LANGS for large in (False, True)]


def per_process(out: Path) -> float:
    """One generate.py process per PDF, one after the other."""
    total = 0.0
    for lang, large in matrix():
        target = out / f"{LEAFLET}.{lang}{'.large-print' if large else ''}.pdf"
        args = ["build", LEAFLET, "--lang", lang, *(["--large-print"] if large else []), "--output", target]
        total += timed_generate(*args)[0]
    return total


def measure_batch(work: Path, batch_runs: int, per_process_runs: int) -> dict:
    batch_out, single_out = fresh_dir(work, "batch"), fresh_dir(work, "single")
    times, loads = interleave({"batch": batch_runs, "per_process": per_process_runs}, {
        "batch": lambda: timed_generate("build", "--out-dir", batch_out, "--force")[0],
        "per_process": lambda: per_process(single_out),
    })
    batch, single = median(times["batch"]), median(times["per_process"])
    print(f"  batch {batch:.2f} s  per-process {single:.2f} s  speed-up {single / batch:.2f}×", flush=True)
    return {"batch_s": batch, "per_process_s": single, "per_process_each_s": single / len(matrix()),
            "speedup": single / batch, "batch_times": times["batch"], "per_process_times": times["per_process"],
            "other_cores": statistics.fmean(loads["batch"] + loads["per_process"]), "other_cores_per_run": loads}


# ---------------------------------------------------------------- 3. pool

def measure_pool(work: Path, runs: int) -> dict:
    out = fresh_dir(work, "pool")
    times, loads = interleave({"jobs1": runs, "jobs2": runs}, {
        "jobs1": lambda: timed_generate("build", "--out-dir", out, "--force", "--jobs", "1")[0],
        "jobs2": lambda: timed_generate("build", "--out-dir", out, "--force", "--jobs", "2")[0],
    })
    one, two = median(times["jobs1"]), median(times["jobs2"])
    print(f"  --jobs 1 {one:.2f} s  --jobs 2 {two:.2f} s  speed-up {one / two:.2f}×", flush=True)
    return {"jobs1_s": one, "jobs2_s": two, "speedup": one / two, "runs": runs, "times": times,
            "other_cores": statistics.fmean(loads["jobs1"] + loads["jobs2"]), "other_cores_per_run": loads}


# ---------------------------------------------------------------- 4. no-op rebuild

def measure_noop(work: Path, full_build_s: float, runs: int) -> dict:
    """A build with nothing to do, after the folder has been built once without --force."""
    out = fresh_dir(work, "noop")
    timed_generate("build", "--out-dir", out, "--force")
    _, after_force = timed_generate("build", "--out-dir", out)  # a forced build records what it built
    _, primed = timed_generate("build", "--out-dir", out)
    times, summary = [], ""
    with OtherLoad() as load:
        for _ in range(runs):
            seconds, summary = timed_generate("build", "--out-dir", out)
            times.append(seconds)
    noop = median(times)
    print(f"  no-op {noop * 1000:.0f} ms ({summary}); first plain build after --force: {after_force}",
          flush=True)
    return {"noop_s": noop, "full_s": full_build_s, "ratio": noop / full_build_s, "summary": summary,
            "first_plain_build_after_force": after_force, "second_plain_build": primed, "runs": runs,
            "times": times, "other_cores": load.cores}


# ---------------------------------------------------------------- 5. memory and sizes

WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def descendants(pid: int) -> list[int]:
    """Every live process below pid, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in parents.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def tree_memory_kib(pids: list[int]) -> tuple[int, int]:
    """Summed RSS and PSS (shared pages divided among sharers) of the processes, in KiB."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss, pss


def measure_memory(work: Path) -> dict:
    """Peak memory of one batch build: the largest single process, and the whole tree sampled."""
    out = fresh_dir(work, "memory")
    command = [sys.executable, "-c", WRAPPER, *GENERATE, "build", "--out-dir", str(out), "--force"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peaks = {"rss": 0, "pss": 0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            rss, pss = tree_memory_kib(descendants(process.pid))
            peaks["rss"], peaks["pss"] = max(peaks["rss"], rss), max(peaks["pss"], pss)
            stop.wait(0.02)

    sampler = threading.Thread(target=sample)
    with OtherLoad() as load:
        sampler.start()
        output, _ = process.communicate()
        stop.set()
        sampler.join()
    maxrss_kib, code = map(int, output.split())
    if code:
        raise SystemExit("the batch build for the memory measure failed")
    sizes = {pdf.name: pdf.stat().st_size for pdf in sorted(out.glob("*.pdf"))}
    print(f"  largest process {maxrss_kib / KIB:.0f} MiB; tree peak RSS {peaks['rss'] / KIB:.0f} MiB, "
          f"PSS {peaks['pss'] / KIB:.0f} MiB", flush=True)
    return {"max_process_rss_mib": maxrss_kib / KIB, "tree_peak_rss_mib": peaks["rss"] / KIB,
            "tree_peak_pss_mib": peaks["pss"] / KIB, "pdf_bytes": sizes,
            "other_cores": load.cores}


def size_target_kib(name: str) -> int:
    return 400 if ".zh" in name else 60


# ---------------------------------------------------------------- 6. synthetic library

def make_library(folder: Path, count: int) -> None:
    """count copies of the sample leaflet, named fd-001 …"""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number in range(1, count + 1):
        shutil.copytree(LEAFLETS / LEAFLET, folder / f"fd-{number:03d}")


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b·x: a, b and R²."""
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    b = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sxx
    a = mean_y - b * mean_x
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, 1 - residual / total if total else 1.0


def build_library(work: Path, count: int) -> tuple[float, int, float, str]:
    """Seconds to build a fresh library of count leaflets in large print, its PDFs, other load, summary."""
    leaflets, out = work / f"library-{count}", fresh_dir(work, f"library-{count}-out")
    make_library(leaflets, count)
    with OtherLoad() as load:
        seconds, summary = timed_generate("build", "--leaflets-dir", leaflets, "--out-dir", out, "--large-print")
    pdfs = len(list(out.glob("*.pdf")))
    shutil.rmtree(leaflets)
    shutil.rmtree(out)
    print(f"  K={count:3}: {pdfs:4} PDFs in {seconds:6.1f} s = {pdfs / seconds:.2f} PDF/s "
          f"(other load {load.cores:.2f} cores)", flush=True)
    return seconds, pdfs, load.cores, summary


def measure_library(work: Path, sizes: tuple[int, ...], runs: int) -> dict:
    """Each library size built runs times, up then down the sizes, so drifting noise hits all of them."""
    measured: dict[int, list] = {count: [] for count in sizes}
    for round_ in range(runs):
        for count in (sizes if round_ % 2 == 0 else sizes[::-1]):
            measured[count].append(build_library(work, count))
    points = []
    for count in sizes:
        seconds = median([m[0] for m in measured[count]])
        pdfs = measured[count][0][1]
        points.append({"leaflets": count, "pdfs": pdfs, "seconds": seconds, "pdfs_per_s": pdfs / seconds,
                       "s_per_pdf": seconds / pdfs, "times": [m[0] for m in measured[count]],
                       "other_cores": statistics.fmean(m[2] for m in measured[count]),
                       "summary": measured[count][-1][3]})
    a, b, r2 = linear_fit([p["pdfs"] for p in points], [p["seconds"] for p in points])
    ratio = points[-1]["s_per_pdf"] / points[0]["s_per_pdf"]
    # Per-PDF time without the fixed start-up: tells superlinear growth apart from amortised start-up.
    marginal = [(p["seconds"] - a) / p["pdfs"] for p in points]
    print(f"  fit: time = {a:.2f} s + {b:.3f} s × PDFs (R² {r2:.4f}); per-PDF time largest/smallest {ratio:.2f}",
          flush=True)
    return {"points": points, "a_s": a, "b_s_per_pdf": b, "r2": r2, "per_pdf_ratio": ratio,
            "marginal_ratio": marginal[-1] / marginal[0], "runs": runs,
            "other_cores": statistics.fmean(p["other_cores"] for p in points)}


# ---------------------------------------------------------------- 8. against an earlier generator

def measure_baseline(work: Path, baseline: Path, runs: int, leaflets: Path | None = None) -> dict:
    """Per-PDF time of a full batch (8 PDFs, --force) with this generator and with another checkout of it.

    Both run in this virtual environment, interleaved, so the machine's noise hits both alike. With
    `leaflets`, the other checkout builds that folder (today's leaflets in its own metadata format), so
    that both lay out the same words; else it builds its own leaflets.
    """
    ours_out, theirs_out = fresh_dir(work, "ours"), fresh_dir(work, "baseline")
    theirs = [sys.executable, str(baseline / "generate.py"), "build", "--out-dir", str(theirs_out), "--force",
              *(["--leaflets-dir", str(leaflets)] if leaflets else [])]

    def baseline_batch() -> float:
        start = time.perf_counter()
        done = subprocess.run(theirs, cwd=baseline, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"the baseline build failed:\n{done.stdout}{done.stderr}")
        return time.perf_counter() - start

    times, loads = interleave({"ours": runs, "baseline": runs}, {
        "ours": lambda: timed_generate("build", "--out-dir", ours_out, "--force")[0],
        "baseline": baseline_batch})
    ours, before = median(times["ours"]), median(times["baseline"])
    count = len(list(ours_out.glob("*.pdf")))
    commit = subprocess.run(["git", "-C", str(baseline), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    pages = {name: sum(page_count(pdf) for pdf in folder.glob("*.pdf"))
             for name, folder in (("ours", ours_out), ("baseline", theirs_out))}
    print(f"  {count} PDFs: ours {ours / count:.3f} s/PDF ({pages['ours']} pages), baseline {commit} "
          f"{before / count:.3f} s/PDF ({pages['baseline']} pages), {before / ours:.2f}×", flush=True)
    return {"ours_s": ours, "baseline_s": before, "pdfs": count, "speedup": before / ours, "commit": commit,
            "pages": pages, "same_leaflets": leaflets is not None, "times": times,
            "other_cores": statistics.fmean(loads["ours"] + loads["baseline"])}


def page_count(pdf: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


# ---------------------------------------------------------------- report

Row = tuple[str, str, str, bool | None, float | None]


def quiet_speedup(pool: dict, limit: float = 0.25) -> float | None:
    """The pool speed-up from only the runs during which other processes used less than limit cores."""
    quiet = {name: [t for t, load in zip(pool["times"][name], pool["other_cores_per_run"][name]) if load < limit]
             for name in ("jobs1", "jobs2")}
    if not quiet["jobs1"] or not quiet["jobs2"]:
        return None
    return median(quiet["jobs1"]) / median(quiet["jobs2"])


def rows(results: dict) -> list[Row]:
    """(measure, value, target, passed, other load) for the table; passed None when there is no target."""
    table: list[Row] = []
    overhead = results["overhead"]
    for lang in (*LANGS, "all"):
        r = overhead[lang]
        table.append((f"1. overhead vs bare WeasyPrint, {lang}",
                      f"{r['ratio']:.3f}× ({r['ours_s'] * 1000:.0f} / {r['bare_s'] * 1000:.0f} ms)",
                      "≤ 1.10×", r["ratio"] <= 1.10, r["other_cores"]))
    batch = results["batch"]
    table.append(("2. batch vs a process per PDF (8 PDFs)",
                  f"{batch['speedup']:.2f}× ({batch['per_process_s']:.1f} / {batch['batch_s']:.2f} s)",
                  "≥ 6×", batch["speedup"] >= 6, batch["other_cores"]))
    table.append(("   one process per PDF, each", f"{batch['per_process_each_s']:.2f} s", "—", None, None))
    pool = results["pool"]
    table.append(("3. pool --jobs 1 vs --jobs 2",
                  f"{pool['speedup']:.2f}× ({pool['jobs1_s']:.2f} / {pool['jobs2_s']:.2f} s)",
                  "≥ 1.7×", pool["speedup"] >= 1.7, pool["other_cores"]))
    quiet = quiet_speedup(pool)
    table.append(("   same, runs with other load < 0.25 core",
                  "no such runs" if quiet is None else f"{quiet:.2f}×", "—", None, None))
    noop = results["noop"]
    table.append(("4. no-op rebuild vs full build",
                  f"{noop['ratio'] * 100:.1f}% ({noop['noop_s'] * 1000:.0f} ms / {noop['full_s']:.2f} s)",
                  "≤ 5%", noop["ratio"] <= 0.05, noop["other_cores"]))
    table.append(("   first plain build after --force", noop["first_plain_build_after_force"], "—", None, None))
    memory = results["memory"]
    table.append(("5. peak memory, largest process (ru_maxrss)",
                  f"{memory['max_process_rss_mib']:.0f} MiB", "—", None, memory["other_cores"]))
    table.append(("   peak memory, batch tree (PSS / RSS sum)",
                  f"{memory['tree_peak_pss_mib']:.0f} / {memory['tree_peak_rss_mib']:.0f} MiB", "—", None, None))
    for name, size in memory["pdf_bytes"].items():
        limit = size_target_kib(name)
        table.append((f"   size {name.removeprefix(LEAFLET + '.')}", f"{size / KIB:.1f} KiB ({size} B)",
                      f"≤ {limit} KiB", size <= limit * KIB, None))
    library = results["library"]
    for point in library["points"]:
        table.append((f"6. library K={point['leaflets']} ({point['pdfs']} PDFs, large print)",
                      f"{point['pdfs_per_s']:.2f} PDF/s ({point['seconds']:.1f} s)", "—", None,
                      point["other_cores"]))
    table.append(("   fit time = a + b·n", f"a {library['a_s']:.2f} s, b {library['b_s_per_pdf']:.3f} s/PDF, "
                  f"R² {library['r2']:.4f}", "linear (R² ≥ 0.99)", library["r2"] >= 0.99, None))
    table.append(("   per-PDF time, largest / smallest K", f"{library['per_pdf_ratio']:.2f}×",
                  "≤ 1.10× (not superlinear)", library["per_pdf_ratio"] <= 1.10, None))
    engines = results["engines"]
    for key, label, target in (("in_process_en", "in-process PDF, en", 5), ("in_process_es", "in-process PDF, es", 5),
                               ("process", "one generate.py process", 2), ("batch", "batch, en + es", None)):
        r = engines[key]
        table.append((f"7. ReportLab vs WeasyPrint, {label}",
                      f"{r['ratio']:.1f}× faster ({r['weasyprint_s'] * 1000:.0f} / {r['reportlab_s'] * 1000:.0f} ms)",
                      f"≥ {target}×" if target else "—", r["ratio"] >= target if target else None,
                      r["other_cores"]))
    if "formats" in results:
        table += format_rows(results["formats"])
    if "baseline" in results:
        r = results["baseline"]
        each = f"{r['baseline_s'] / r['pdfs']:.3f} / {r['ours_s'] / r['pdfs']:.3f} s"
        table.append((f"8. per-PDF batch time vs {r['commit']}", f"{r['speedup']:.2f}× faster ({each})",
                      "≥ 1.25×", r["speedup"] >= 1.25, r["other_cores"]))
    return table


def table_lines(table: list[Row]) -> list[str]:
    """The table as Markdown, padded so it also reads as plain text."""
    header = ("measure", "value", "target", "result", "other load")
    cells = [header] + [(m, v, t, "—" if p is None else "PASS" if p else "MISS",
                         "" if load is None else f"{load:.2f} cores") for m, v, t, p, load in table]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths)) + " |" for line in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines


def machine() -> dict:
    import weasyprint

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "weasyprint": weasyprint.__version__, "platform": platform.platform()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and a smaller library (~2 min)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON results (default: {RESULTS})")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="another checkout of leafletpress (e.g. a git worktree of an older commit) to "
                             "compare the per-PDF batch time with")
    parser.add_argument("--baseline-leaflets", type=Path, metavar="DIR",
                        help="a leaflets folder for the --baseline checkout to build instead of its own (today's "
                             "leaflets in its metadata format), so that both build the same words")
    parser.add_argument("--baseline-only", action="store_true",
                        help="measure only 8 (needs --baseline), added to the results of the last full run")
    parser.add_argument("--formats-only", action="store_true",
                        help="measure only the web page and braille formats (9), added to the results of the last "
                             "full run in --output")
    args = parser.parse_args(argv)
    if args.formats_only:
        return formats_only(args.output, SETTINGS["quick" if args.quick else "full"]["render_runs"])
    if args.baseline_only:
        if not args.baseline:
            parser.error("--baseline-only needs --baseline CHECKOUT")
        return baseline_only(args.output, args.baseline.resolve(), args.baseline_leaflets,
                             SETTINGS["quick" if args.quick else "full"]["batch_runs"])
    mode = "quick" if args.quick else "full"
    settings = SETTINGS[mode]
    started = time.perf_counter()
    results: dict = {"mode": mode, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                     "machine": machine(), "settings": settings}
    with tempfile.TemporaryDirectory(prefix="leafletpress-bench-") as temporary:
        work = Path(temporary)
        print(f"1. overhead, {settings['render_runs']} runs per language", flush=True)
        results["overhead"] = measure_overhead(settings["render_runs"])
        print("2. batch vs a process per PDF", flush=True)
        results["batch"] = measure_batch(work, settings["batch_runs"], settings["per_process_runs"])
        print("3. pool", flush=True)
        results["pool"] = measure_pool(work, settings["pool_runs"])
        print("4. no-op rebuild", flush=True)
        results["noop"] = measure_noop(work, results["batch"]["batch_s"], settings["noop_runs"])
        print("5. memory and sizes", flush=True)
        results["memory"] = measure_memory(work)
        print("6. synthetic library", flush=True)
        results["library"] = measure_library(work, settings["library_sizes"], settings["library_runs"])
        print("7. ReportLab against WeasyPrint", flush=True)
        results["engines"] = measure_engines(work, settings["render_runs"])
        print("9. web page and braille", flush=True)
        results["formats"] = measure_formats(work, settings["render_runs"])
        if args.baseline:
            print(f"8. against {args.baseline}", flush=True)
            results["baseline"] = measure_baseline(work, args.baseline.resolve(), settings["batch_runs"],
                                                   args.baseline_leaflets)
    results["elapsed_s"] = time.perf_counter() - started
    table = rows(results)
    results["table"] = [{"measure": m.strip(), "value": v, "target": t, "other_load_cores": load,
                         "result": None if p is None else ("PASS" if p else "MISS")} for m, v, t, p, load in table]
    print()
    print("\n".join(table_lines(table)))
    print("other load: CPU used by other processes on the machine during the measure (2 cores in all)")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\n{mode} run in {results['elapsed_s']:.0f} s; results written to {args.output}")
    return 0


def formats_only(output: Path, runs: int) -> int:
    """Measure 9 alone and put it into the results of the last full run (its table rewritten)."""
    results = json.loads(output.read_text()) if output.is_file() else {}
    with tempfile.TemporaryDirectory(prefix="leafletpress-bench-") as temporary:
        print("9. web page and braille", flush=True)
        results["formats"] = measure_formats(Path(temporary), runs)
    results["formats"]["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    table = format_rows(results["formats"])
    results["table"] = [row for row in results.get("table", []) if not row["measure"].startswith("9.")
                        and row["measure"] not in {m.strip() for m, *_ in table}]
    results["table"] += [{"measure": m.strip(), "value": v, "target": t, "other_load_cores": load, "result": None}
                         for m, v, t, p, load in table]
    print()
    print("\n".join(table_lines(table)))
    output.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\nresults added to {output}")
    return 0


def baseline_only(output: Path, baseline: Path, leaflets: Path | None, runs: int) -> int:
    """Measure 8 alone and put it into the results of the last full run."""
    results = json.loads(output.read_text()) if output.is_file() else {}
    with tempfile.TemporaryDirectory(prefix="leafletpress-bench-") as temporary:
        print(f"8. against {baseline}", flush=True)
        results["baseline"] = measure_baseline(Path(temporary), baseline, runs, leaflets)
    results["baseline"]["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    output.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"results added to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
