"""The web page for clinicians (leafletpress serve): the real server on a free port, read over HTTP and in Chromium.

One server (uvicorn in a subprocess, one render worker) serves the whole
session; a second, with a queue of one job and a short time limit, shows the
503 and the 504. Statuses, headers and bodies are read with urllib; the
pages are checked by axe-core in headless Chromium, and a clinician's whole
flow is driven with Selenium through Debian's chromium-driver.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from leafletpress.cli import parser
from leafletpress.pdfcache import PdfCache

from .helpers import PROJECT, leaflet
from .pdf import char_sizes, text

LEAFLET = leaflet()
SPANISH_HEADINGS = {s.id: s.heading for s in LEAFLET.translations["es"].sections}
NOTE = "Vuelva el martes 3 a las 10:30 con Zyxwv Qjkplm"  # a note no leaflet could hold by chance
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


# --- The servers ---------------------------------------------------------------------------------

class Running:
    """A server started as a hospital would start it, and what it wrote to its log."""

    def __init__(self, folder: Path, *options: str):
        self.cache, self.log = folder / "cache", folder / "server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "generate.py", "serve", "--port", str(self.port), "--cache-dir", str(self.cache),
                 *options], cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(600):  # the workers load the engine first: seconds, not minutes
            if self.process.poll() is not None:
                raise AssertionError(self.log.read_text())
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=5)
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start: " + self.log.read_text())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def health(self) -> dict:
        return json.loads(get(self.url + "/healthz").body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    running = Running(tmp_path_factory.mktemp("serve"), "--jobs", "1", "--clinic", "clinic.example.yaml")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def tight(tmp_path_factory):
    """A server that takes one render job at a time, and gives each half a second."""
    running = Running(tmp_path_factory.mktemp("tight"), "--jobs", "1", "--queue", "1", "--timeout", "0.5")
    yield running
    running.stop()


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode()


def get(url: str, method: str = "GET") -> Answer:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=120) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def pdf_address(leaflet_id: str = "focal-dystonia", **query) -> str:
    return f"/leaflets/{leaflet_id}/pdf?" + urlencode(query, doseq=True)


def saved(answer: Answer, folder: Path, name: str = "got.pdf") -> Path:
    path = folder / name
    path.write_bytes(answer.body)
    return path


# --- Unit tier: the cache folder and the command ---------------------------------------------------

def test_the_cache_removes_the_files_read_longest_ago(tmp_path):
    cache = PdfCache(tmp_path, limit=2500)
    digests = [f"{n:064x}" for n in range(4)]
    for number, digest in enumerate(digests):
        cache.write(digest, "pdf", b"x" * 1000)
        os.utime(cache.path(digest, "pdf"), ns=(number * 10**9, number * 10**9))
    assert cache.read(digests[0], "pdf") == b"x" * 1000  # read just now: kept
    removed = cache.evict()
    assert sorted(p.name for p in removed) == [f"{digests[1]}.pdf", f"{digests[2]}.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{digests[0]}.pdf", f"{digests[3]}.pdf"]
    assert cache.path(digests[0], "pdf").stat().st_mtime_ns == 0  # a read leaves the write's time


def test_the_cache_takes_no_name_but_a_digest(tmp_path):
    cache = PdfCache(tmp_path, limit=1000)
    for digest, suffix in (("../" + "a" * 61, "pdf"), ("a" * 64, "../x"), ("A" * 64, "pdf"), ("a" * 64, "txt")):
        with pytest.raises(ValueError):
            cache.path(digest, suffix)
    assert cache.read("b" * 64, "pdf") is None


def test_a_pdfs_key_stands_for_the_sources_as_read_at_start(tmp_path):
    from leafletpress.project import Project
    from leafletpress.serve import Choice, Server, Settings, plan_options

    for folder in ("leaflets", "assets"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    project = Project.at(tmp_path)
    server = Server(Settings(project, workers=1))
    leaflet = server.leaflets["focal-dystonia"]
    options = plan_options(leaflet, Choice("es", sections=("treatment",)), None, project)
    key = server.digest(leaflet, options)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    source = tmp_path / "leaflets" / "focal-dystonia" / "es.md"
    source.write_text(source.read_text() + "\nUna frase más.\n")
    assert server.digest(leaflet, options) == key  # it still prints what it read: the key stays
    assert Server(Settings(project, workers=1)).digest(leaflet, options) != key  # started again: read again
    larger = plan_options(leaflet, Choice("es", "large", ("treatment",)), None, project)
    assert server.digest(leaflet, larger) != key


def test_bad_serve_options_are_one_line_before_any_worker_starts(capsys):
    from .helpers import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
        assert capsys.readouterr().err == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    assert main(["serve", "--clinic", "no-such-clinic.yaml", "--port", str(free_port())]) == 2
    assert capsys.readouterr().err == "error: no-such-clinic.yaml: file not found\n"
    assert main(["serve", "--timeout", "0"]) == 2
    assert capsys.readouterr().err == "error: --timeout must be more than 0 seconds, not 0.0\n"
    with pytest.raises(SystemExit) as exit:
        main(["serve", "--port", "70000"])
    assert exit.value.code == 2
    assert capsys.readouterr().err.endswith("argument --port: not a port number (1 to 65535): '70000' (see --help)\n")


def test_serve_listens_on_this_machine_only_unless_told():
    args = parser().parse_args(["serve"])
    assert (args.host, args.port, args.timeout, args.cache_size) == ("127.0.0.1", 8000, 60.0, 1024)


# --- Over HTTP -----------------------------------------------------------------------------------

pdf_tier = pytest.mark.pdf


@pdf_tier
def test_security_headers_on_every_response(server):
    addresses = ["/", "/?q=dyst", "/leaflets/focal-dystonia?lang=ar", pdf_address(lang="en"), "/static/serve.css",
                 "/leaflets/nothing-here", pdf_address(lang="xx"), "/no/such/page", "/static/", "/healthz"]
    for address in addresses:
        answer = get(server.url + address)
        policy = answer.headers["content-security-policy"]
        if answer.headers["content-type"] == "application/pdf":  # the browser's viewer needs its inline styles
            assert policy == "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        else:
            assert "default-src 'none'" in policy and "script-src" not in policy and "unsafe-inline" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff", address
        assert answer.headers["referrer-policy"] == "no-referrer", address
        assert "server" not in answer.headers, address
    assert get(server.url + "/", method="POST").status == 405


@pdf_tier
def test_the_index_names_each_language_in_its_own_script(server):
    page = get(server.url + "/").text
    for code, name in (("en", "English"), ("es", "español"), ("ar", "العربية"), ("zh-Hans", "中文（简体）")):
        direction = "rtl" if code == "ar" else "ltr"
        assert (f'href="/leaflets/focal-dystonia?lang={code}" hreflang="{code}" lang="{code}" dir="{direction}">'
                f'<span class="language">{name}</span> — {LEAFLET.translations[code].title}</a>') in page
    assert '<html lang="en" dir="ltr">' in page and "<script" not in page
    assert '<p class="site-name"><a href="/">Riverside Movement Disorders Clinic</a></p>' in page


@pdf_tier
def test_every_pdf_carries_the_servers_clinic(server, tmp_path):
    answer = get(server.url + pdf_address(lang="en", section="causes", clinic="other.yaml"))  # not for a request
    words = text(saved(answer, tmp_path))
    assert "Riverside Movement Disorders Clinic" in words and "0161 496 0000" in words


@pdf_tier
@pytest.mark.parametrize("query", ["dyst", "DYST", "distonia", "Distonía", "خلل التوتر", "肌张力"])
def test_search_finds_a_leaflet_by_part_of_its_title_in_any_language(server, query):
    page = get(server.url + "/?q=" + quote(query)).text
    assert 'href="/leaflets/focal-dystonia?lang=es"' in page
    assert "1 of 1 leaflets match" in page


@pdf_tier
def test_search_says_when_nothing_matches(server):
    page = get(server.url + "/?q=asthma").text
    assert "focal-dystonia" not in page and "No leaflet has “asthma” in its title" in page


@pdf_tier
def test_a_second_request_for_a_pdf_is_read_from_the_cache(server, tmp_path):
    address = server.url + pdf_address(lang="en", section="symptoms")
    first = get(address)
    assert (first.status, first.headers["x-cache"]) == (200, "miss")
    cached = [p for p in server.cache.iterdir() if p.suffix == ".pdf" and p.read_bytes() == first.body]
    assert len(cached) == 1
    written = cached[0].stat().st_mtime_ns
    second = get(address)
    assert (second.status, second.headers["x-cache"], second.body) == (200, "hit", first.body)
    assert cached[0].stat().st_mtime_ns == written  # sent from the cache, not written again
    assert second.headers["content-disposition"] == 'inline; filename="focal-dystonia.en.symptoms.pdf"'
    assert "What are the symptoms?" in text(saved(second, tmp_path))


@pdf_tier
def test_download_names_the_file_as_the_command_line_does(server):
    answer = get(server.url + pdf_address(lang="es", print="large", section="treatment", paper="a5-booklet",
                                          notes="1", download="1"))
    assert answer.status == 200 and answer.body.startswith(b"%PDF-")
    assert answer.headers["content-disposition"] == \
        'attachment; filename="focal-dystonia.es.treatment.notes.booklet.large-print.pdf"'


@pdf_tier
@pytest.mark.parametrize(("address", "status", "words"), [
    ("/leaflets/asthma/pdf", 404, "unknown leaflet &#39;asthma&#39;; valid: focal-dystonia"),
    ("/leaflets/focal-dystonia?lang=fr", 400, "unknown language &#39;fr&#39;; valid: en, ar, es, zh-Hans"),
    (pdf_address(lang="en", section="treatmnt"), 400, "valid: overview, get-help-urgently, causes"),
    (pdf_address(lang="en", section="treatmnt"), 400, "did you mean &#39;treatment&#39;?"),
    (pdf_address(paper="b5"), 400, "unknown paper &#39;b5&#39;; valid: a4, letter, a5, a5-booklet"),
    (pdf_address(print="huge"), 400, "unknown print size &#39;huge&#39;; valid: standard, large"),
    (pdf_address(lang=["en", "es"]), 400, "&#39;lang&#39; is given 2 times; give it once"),
    (pdf_address(note="x" * 1001), 400, "The note has 1001 characters; at most 1000 fit the notes box"),
    (pdf_address(note="call \x1b[31m"), 400, "The note holds a control character (U+001B)"),
    (pdf_address(note="one\u202etwo"), 400, "The note holds a control character (U+202E)"),
    (pdf_address(lang="en", note="See you \U0001f642"), 400, "The note: no font for &#39;en&#39; can print"),
    ("/leaflets/focal-dystonia/pages/0.png", 404, "this PDF has no page 0"),
    ("/no/such/page", 404, "There is no page at this address."),
])
def test_a_bad_request_gets_a_page_naming_what_is_valid(server, address, status, words):
    answer = get(server.url + address)
    assert answer.status == status
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert words in answer.text
    assert "Traceback" not in answer.text and 'File "' not in answer.text


@pdf_tier
def test_a_note_with_line_breaks_from_a_textarea_is_printed(server, tmp_path):
    answer = get(server.url + pdf_address(lang="en", section="support", note="First line\r\nSecond line"))
    assert answer.status == 200
    assert "First line Second line" in text(saved(answer, tmp_path))


@pdf_tier
def test_nothing_from_a_request_reaches_a_file_path(server):
    before = {p.name for p in server.cache.iterdir()}
    for address in ["/leaflets/..%2F..%2Fetc/pdf", "/leaflets/%2E%2E/pdf", pdf_address(lang="../../etc/passwd"),
                    pdf_address(section="../../leaflet"), "/static/fonts/..%2F..%2Fpyproject.toml",
                    "/static/fonts/", "/static/", "/leaflets/", "/leaflets/focal-dystonia/pages/1.png/../../x"]:
        answer = get(server.url + address)
        assert answer.status in (400, 404), address
        assert b"[build-system]" not in answer.body and b"root:" not in answer.body
    assert {p.name for p in server.cache.iterdir()} == before
    assert all(re.fullmatch(r"[0-9a-f]{64}\.(pdf|pages|p\d+\.png)", p.name) for p in server.cache.iterdir())


@pdf_tier
def test_a_note_is_printed_into_its_pdf_only_never_kept_nor_logged(server, tmp_path):
    before = {p.name: p.stat().st_mtime_ns for p in server.cache.iterdir()}
    answer = get(server.url + pdf_address(lang="es", section="treatment", note=NOTE))
    assert (answer.status, answer.headers["x-cache"], answer.headers["cache-control"]) == (200, "none", "no-store")
    assert NOTE in text(saved(answer, tmp_path))
    page = get(server.url + "/leaflets/focal-dystonia?" + urlencode({"lang": "es", "note": NOTE, "preview": "1"}))
    assert page.status == 200 and 'src="data:image/png;base64,' in page.text  # the previews, not kept either
    assert {p.name: p.stat().st_mtime_ns for p in server.cache.iterdir()} == before
    for path in server.cache.rglob("*"):
        data = path.read_bytes()
        assert NOTE.encode() not in data and NOTE.encode("utf-16-be") not in data
    assert "Zyxwv" not in server.log.read_text()
    assert "GET /leaflets/focal-dystonia/pdf 200" in server.log.read_text()  # logged, without its query


@pdf_tier
def test_the_preview_shows_every_page_of_exactly_that_pdf(server, tmp_path):
    query = {"lang": "ar", "print": "large", "section": "symptoms", "paper": "a5"}
    page = get(server.url + "/leaflets/focal-dystonia?" + urlencode({**query, "preview": "1"})).text
    images = re.findall(r'<img src="(/leaflets/focal-dystonia/pages/\d+\.png\?[^"]+)" alt="Page (\d+) of (\d+)', page)
    pdf = get(server.url + pdf_address(**query))
    assert pdf.headers["x-cache"] == "hit"  # made for the preview
    from pypdf import PdfReader
    pages = len(PdfReader(saved(pdf, tmp_path)).pages)
    assert len(images) == pages > 1 and images[-1][1:] == (str(pages), str(pages))
    first = get(server.url + images[0][0].replace("&amp;", "&"))
    assert first.status == 200 and first.headers["content-type"] == "image/png" and first.headers["x-cache"] == "hit"
    digest = next(p.stem for p in server.cache.glob("*.pdf") if p.read_bytes() == pdf.body)
    evicted = server.cache / f"{digest}.p2.png"
    evicted.unlink()  # as another server trimming the shared folder would
    again = get(server.url + images[1][0].replace("&amp;", "&"))
    assert again.status == 200 and again.headers["x-cache"] == "miss" and evicted.is_file()
    from PIL import Image
    with Image.open(saved(first, tmp_path, "page.png")) as image:
        assert image.width == 360 and round(image.height / image.width, 2) == round(210 / 148, 2)  # an A5 page
    assert f'href="{pdf_address(**query)}"'.replace("&", "&amp;") in page


@pdf_tier
def test_a_full_queue_answers_503_and_a_slow_render_504(tight):
    slow = tight.url + pdf_address(lang="zh-Hans", print="large", paper="a5-booklet", note="一个很慢的工作")
    results: list[Answer] = []
    worker = tight.health()["workers"]
    thread = threading.Thread(target=lambda: results.append(get(slow)))
    thread.start()
    while tight.health()["in_flight"] == 0 and thread.is_alive():
        time.sleep(0.01)
    busy = get(tight.url + pdf_address(lang="en", section="causes"))
    thread.join()
    assert busy.status == 503 and busy.headers["retry-after"] == "5"
    assert "Please try again in 5 seconds" in busy.text
    assert results[0].status == 504 and "took too long" in results[0].text
    health = tight.health()
    assert health["replaced"] == 1 and health["in_flight"] == 0
    assert len(health["workers"]) == 1 and health["workers"] != worker  # a new worker in its place
    assert get(tight.url + "/").status == 200


# --- In the browser: axe-core on every page, and a clinician's flow --------------------------------

AXE_RUN = """const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
  .then((found) => {
    const violations = found.violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target).join(" "));
    document.documentElement.style.fontSize = "200%";
    const wide = document.documentElement.scrollWidth > window.innerWidth + 1;
    done({violations: violations, passes: found.passes.length, wide_at_200: wide,
          lang: document.documentElement.lang, scripts: document.scripts.length});
  });"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's chromium, headless, driven through Debian's chromium-driver; PDFs are saved, not shown."""
    assert CHROMIUM and CHROMEDRIVER, "chromium and chromium-driver are missing: `make test-packages` installs them"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--window-size=1024,900", f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "plugins.always_open_pdf_externally": True})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


@pdf_tier
@pytest.mark.parametrize("address", [
    "/", "/?q=dyst", "/?q=asthma", "/leaflets/focal-dystonia?lang=en",
    "/leaflets/focal-dystonia?lang=en&print=large&section=treatment&notes=1&note=Come+back+on+Tuesday&preview=1",
    "/leaflets/focal-dystonia?lang=ar&preview=1", "/leaflets/focal-dystonia?lang=zh-Hans",
    "/leaflets/focal-dystonia?lang=fr", "/leaflets/asthma", "/no/such/page",
])
def test_every_page_passes_axe_and_reads_at_200_percent(server, browser, address):
    assert AXE.is_file(), "axe-core is missing: `make test-packages` installs it with npm"
    browser.get(server.url + address)
    browser.execute_script(AXE.read_text())  # by the driver: the pages' own policy allows no script
    outcome = browser.execute_async_script(AXE_RUN)
    assert outcome["violations"] == [], outcome
    assert outcome["passes"] > 5 and outcome["lang"] == "en" and not outcome["wide_at_200"], outcome
    assert outcome["scripts"] == 0  # the page works without JavaScript: it has none


@pdf_tier
def test_the_arabic_page_sets_its_text_right_to_left(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/leaflets/focal-dystonia?lang=ar")
    title = browser.find_element(By.TAG_NAME, "h1")
    assert (title.get_attribute("lang"), title.get_attribute("dir")) == ("ar", "rtl")
    label = browser.find_element(By.CSS_SELECTOR, 'label[for="section-treatment"]')
    assert label.value_of_css_property("direction") == "rtl"
    assert label.text == LEAFLET.translations["ar"].sections[6].heading


@pdf_tier
def test_a_clinician_prints_the_treatment_section_in_spanish_large_print(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url)
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    def arrive(part: str) -> None:  # a key press loads a new page: find nothing on the old one
        WebDriverWait(browser, 30).until(expected_conditions.url_contains(part))
        WebDriverWait(browser, 30).until(lambda driver: driver.execute_script("return document.readyState")
                                         == "complete")

    search = browser.find_element(By.ID, "q")
    search.send_keys("dyst", Keys.ENTER)  # the keyboard alone, from here to the PDF
    arrive("q=dyst")
    browser.find_element(By.CSS_SELECTOR, 'a[hreflang="es"]').send_keys(Keys.ENTER)
    arrive("lang=es")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Distonía focal"
    assert browser.find_element(By.ID, "lang-es").is_selected()
    browser.find_element(By.ID, "print-large").send_keys(Keys.SPACE)
    browser.find_element(By.ID, "section-treatment").send_keys(Keys.SPACE)
    assert browser.find_element(By.ID, "print-large").is_selected()
    assert [box.get_attribute("value") for box in browser.find_elements(By.NAME, "section") if box.is_selected()] \
        == ["treatment"]
    opened = next(b for b in browser.find_elements(By.TAG_NAME, "button") if b.text == "Open to print")
    opened.send_keys(Keys.ENTER)
    pdf = browser.downloads / "focal-dystonia.es.treatment.large-print.pdf"
    for _ in range(600):
        if pdf.is_file() and not list(browser.downloads.glob("*.crdownload")):
            break
        time.sleep(0.1)
    words = text(pdf)
    assert "Distonía focal" in words and SPANISH_HEADINGS["treatment"] in words
    assert "Su equipo de atención" in words  # the care-team box
    printed = {section for section, heading in SPANISH_HEADINGS.items() if heading in words}
    assert printed == {"treatment", *LEAFLET.urgent_sections}  # urgent advice goes with every part
    sizes = char_sizes(pdf)
    assert sizes and min(size for size, _ in sizes) >= 16, min(sizes)
