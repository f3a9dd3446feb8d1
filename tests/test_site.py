"""The web site: a page per leaflet × language, read in headless Chromium and checked by axe-core.

axe-core (npm, pinned in package.json, installed by `make test-packages`) runs
inside Chromium against every page: WCAG 2 A/AA, 2.1 and 2.2 AA rules, no
violation allowed. Each page is also read with its text at 200%: nothing may
run off the side.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from leafletpress.formats.site import page_path, write_site

from .helpers import PROJECT, leaflet, serving

pytestmark = pytest.mark.pdf  # renders PDFs and runs Chromium: the slower tier

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
LEAFLET = leaflet()
PAGES = ["index.html", *(page_path(LEAFLET.id, lang) for lang in LEAFLET.languages)]

# Loads each page in a frame of the same origin, runs axe-core in it, then reads it again with the text at
# 200% and measures whether anything is wider than the window; reports every page's result.
PROBE = """<!DOCTYPE html><html lang="en"><head><title>probe</title></head><body>
<iframe id="frame" style="width:1024px;height:768px" title="page"></iframe><script>
const pages = %s, results = {};
const load = (src) => new Promise((done) => { frame.onload = done; frame.src = src; });
(async () => {
  for (const page of pages) {
    await load(page);
    const doc = frame.contentDocument, win = frame.contentWindow;
    const axe = doc.createElement("script"); axe.src = "/axe.min.js";
    await new Promise((done) => { axe.onload = done; doc.head.appendChild(axe); });
    const found = await win.axe.run(doc, {runOnly: {type: "tag",
      values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
    doc.documentElement.style.fontSize = "200%%";
    const wide = doc.documentElement.scrollWidth > win.innerWidth + 1;
    results[page] = {violations: found.violations.map((v) => v.id + ": " + v.nodes.length),
                     passes: found.passes.length, lang: doc.documentElement.lang, dir: doc.dir,
                     wide_at_200: wide};
  }
  document.body.dataset.result = JSON.stringify(results);
})();
</script></body></html>"""


@pytest.fixture(scope="module")
def site(built, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    write_site([LEAFLET], folder, built)
    return folder


@pytest.fixture(scope="module")
def server(site):
    with serving(site) as address:
        yield address


def test_a_page_per_language_with_its_pdfs_and_the_others(site):
    for lang in LEAFLET.languages:
        page = (site / page_path(LEAFLET.id, lang)).read_text()
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
        assert f'href="../../pdf/focal-dystonia.{lang}.pdf"' in page
        assert f'href="../../pdf/focal-dystonia.{lang}.large-print.pdf"' in page
        for other in LEAFLET.languages:
            if other != lang:
                assert f'href="../../{page_path(LEAFLET.id, other)}" lang="{other}"' in page
        translation = LEAFLET.translations[lang]
        for section in translation.sections:
            assert section.heading in page
    assert (site / "assets" / "carbon-monoxide-oxygen.svg").is_file()
    assert sorted(p.name for p in (site / "pdf").iterdir()) == sorted(
        f"focal-dystonia.{lang}{size}.pdf" for lang in LEAFLET.languages for size in ("", ".large-print"))


def test_the_site_says_what_the_pdf_says_about_itself(site):
    page = (site / page_path(LEAFLET.id, "es")).read_text()
    for words in ("Borrador: todavía no revisado por un profesional sanitario", "Sobre este folleto",
                  "Referencia: OPL-NEU-001", 'alt="Un vaso sanguíneo'):
        assert words in page, words


def test_same_bytes_and_nothing_rewritten(site, built):
    stamps = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    assert write_site([LEAFLET], site, built) == []
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == stamps


def test_every_page_passes_axe_and_reads_at_200_percent(site, server, tmp_path):
    assert CHROMIUM, "Chromium is missing: `make test` installs Debian's chromium"
    assert AXE.is_file(), "axe-core is missing: `make test-packages` installs it with npm"
    shutil.copy(AXE, site / "axe.min.js")
    (site / "probe.html").write_text(PROBE % json.dumps(PAGES))
    result = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                             "--virtual-time-budget=60000", "--dump-dom", f"{server}/probe.html"],
                            capture_output=True, text=True, timeout=180)
    found = result.stdout.split('data-result="', 1)
    assert len(found) == 2, result.stderr[-2000:]
    report = json.loads(found[1].split('"', 1)[0].replace("&quot;", '"'))
    assert sorted(report) == sorted(PAGES)
    for page, outcome in report.items():
        assert outcome["violations"] == [], (page, outcome)
        assert outcome["passes"] > 10 and outcome["lang"] and not outcome["wide_at_200"], (page, outcome)
    assert report[page_path(LEAFLET.id, "ar")]["dir"] == "rtl"
