"""The preview: page-1 thumbnails and build/index.html, opened in headless Chromium."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from .helpers import main, serving

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]

# Loads the index in a frame of the same origin, then reports every image that
# did not load and every link that does not answer.
PROBE = """<!DOCTYPE html><html><body><iframe id="frame" src="index.html"></iframe><script>
frame.onload = async () => {
  const page = frame.contentDocument;
  const images = [...page.images], links = [...page.querySelectorAll("a[href]")], broken = [];
  for (const image of images) if (!(image.complete && image.naturalWidth > 0)) broken.push(image.src);
  for (const link of links) {
    const answer = await fetch(link.href, {method: "HEAD"});
    if (!answer.ok) broken.push(link.href);
  }
  document.body.dataset.result = JSON.stringify(
    {images: images.length, links: links.length, broken, title: page.title});
};
</script></body></html>"""


@pytest.fixture(scope="module")
def gallery(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gallery")
    for pdf in built.glob("*.pdf"):
        shutil.copy(pdf, folder)
    assert main(["preview", "--out-dir", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def server(gallery):
    with serving(gallery) as address:
        yield address


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "Chromium is missing: `make test` installs Debian's chromium"
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120)


def test_a_thumbnail_for_every_pdf(gallery):
    pdfs = sorted(p.stem for p in gallery.glob("*.pdf"))
    thumbnails = sorted(p.stem for p in (gallery / "thumbnails").glob("*.png"))
    assert thumbnails == pdfs and len(pdfs) == 8
    with Image.open(gallery / "thumbnails" / "focal-dystonia.en.png") as image:
        assert image.width == 240 and image.height > 300


def test_index_groups_by_leaflet_and_language(gallery):
    page = (gallery / "index.html").read_text()
    assert page.count('<a href="focal-dystonia.') == 8
    for heading in ("English — Focal dystonia", "español · Spanish — Distonía focal",
                    "العربية · Arabic — خلل التوتر العضلي البؤري",
                    "中文（简体） · Chinese (Simplified) — 局灶性肌张力障碍"):
        assert heading in page
    assert page.index("English") < page.index("العربية") < page.index("español") < page.index("中文")
    assert "Large print" in page and "Standard print" in page


def test_a_second_preview_rewrites_nothing(gallery):
    files = [gallery / "thumbnails" / "focal-dystonia.en.png", gallery / "index.html", gallery / "gallery.css"]
    before = [path.stat().st_mtime_ns for path in files]
    assert main(["preview", "--out-dir", str(gallery)]) == 0
    assert [path.stat().st_mtime_ns for path in files] == before


def test_page_loads_with_every_link_and_image_in_chromium(server, tmp_path, gallery):
    (gallery / "probe.html").write_text(PROBE)
    result = chromium(tmp_path, "--virtual-time-budget=15000", "--dump-dom", f"{server}/probe.html")
    found = result.stdout.split('data-result="', 1)
    assert len(found) == 2, result.stderr[-2000:]
    report = json.loads(found[1].split('"', 1)[0].replace("&quot;", '"'))
    assert report == {"images": 8, "links": 8, "broken": [], "title": "Patient leaflets — 8 PDFs"}


def test_screenshot_shows_the_thumbnails(server, tmp_path):
    shot = tmp_path / "index.png"
    result = chromium(tmp_path, "--window-size=1280,1600", f"--screenshot={shot}", f"{server}/index.html")
    assert shot.exists(), result.stderr[-2000:]
    with Image.open(shot) as image:
        data = image.convert("RGB").tobytes()
    # The pale yellow of the "Draft" notice is drawn only inside the thumbnails.
    yellow = sum(1 for i in range(0, len(data), 3)
                 if data[i] > 245 and 230 < data[i + 1] < 250 and 150 < data[i + 2] < 200)
    assert yellow > 200
