"""What careless and hostile input does to the PDFs, the gallery and the build folder: nothing hidden or lost."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from leafletpress.engines.reportlab.pictures import picture
from leafletpress.errors import RenderError

from ..helpers import PROJECT
from . import SVG, assert_one_line, edit, make_project, run

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

ENGINES = ["weasyprint", "reportlab"]
YAML = "leaflets/tiny/leaflet.yaml"
TEXT = "leaflets/tiny/en.md"


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)


@pytest.mark.parametrize("engine", ENGINES)
def test_content_can_not_hide_the_draft_notice(capsys, tmp_path, monkeypatch, engine):
    root = make_project(tmp_path / "project")
    hostile = 'Tiny "} } .warning, main, .title-block { display: none } @page { @bottom-left { content: "x" } } /*'
    edit(root / YAML, lambda text: text.replace("clinical_reviewer: Dr Test, neurologist\n", ""))
    edit(root / TEXT, lambda text: text.replace("title: Tiny leaflet", f"title: '{hostile}'"))
    monkeypatch.chdir(root)
    target = tmp_path / "out.pdf"
    code, _, err = run(capsys, "build", "tiny", "--engine", engine, "--output", target)
    assert (code, err) == (0, "")
    words = text_of(target)
    assert "Draft — not yet clinically reviewed" in words and "Treatment words here." in words
    assert words.count("display: none") >= 2  # the title and the footer print it as text


@pytest.mark.parametrize("engine", ENGINES)
def test_a_word_longer_than_the_line_stays_on_the_page(capsys, tmp_path, monkeypatch, engine):
    root = make_project(tmp_path / "project", figure=False)
    edit(root / TEXT, lambda text: text.replace("A short **first** section.", "K" * 3000))
    monkeypatch.chdir(root)
    target = tmp_path / "out.pdf"
    assert run(capsys, "build", "tiny", "--engine", engine, "--large-print", "--output", target)[0] == 0
    with pdfplumber.open(target) as pdf:
        placed = [(char["x0"], char["x1"], page.width) for page in pdf.pages for char in page.chars
                  if char["text"] == "K"]
    assert len(placed) == 3000
    assert all(x0 > 0 and x1 < width for x0, x1, width in placed)


def test_an_address_too_long_for_a_qr_code_once_filled_in_is_one_line(capsys, tmp_path, monkeypatch):
    root = make_project(tmp_path / "project")
    long_id = "a" * 64
    os.rename(root / "leaflets/tiny", root / "leaflets" / long_id)
    edit(root / "leaflets" / long_id / "leaflet.yaml",
         lambda text: text + 'online_url: "https://example.org/' + "{leaflet}/" * 20 + '"\n')
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", long_id, "--output", tmp_path / "out.pdf")
    assert_one_line(code, err, f"leaflets/{long_id}/leaflet.yaml: the online address is 1320 bytes long once "
                               "{leaflet} and {lang} are filled in; a QR code holds at most 1000")
    assert not (tmp_path / "out.pdf").exists()


def test_a_note_no_font_can_print_names_the_note(capsys, tmp_path, monkeypatch):
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", "tiny", "--note", "See you soon 🙂", "--output", tmp_path / "out.pdf")
    assert_one_line(code, err, "--note: no font for 'en' can print '🙂' (U+1F642 SLIGHTLY SMILING FACE)")


def test_one_broken_leaflet_or_language_does_not_stop_the_others(capsys, tmp_path, monkeypatch):
    root = make_project(tmp_path / "project")
    for name in ("typo", "spanish"):
        (root / "leaflets" / name).mkdir()
        for file in ("leaflet.yaml", "en.md"):
            (root / "leaflets" / name / file).write_text((root / "leaflets/tiny" / file).read_text())
    edit(root / "leaflets/typo/leaflet.yaml", lambda text: text.replace("section: overview", "section: overveiw"))
    (root / "leaflets/spanish/es.md").write_text((root / TEXT).read_text().replace(
        "title: Tiny leaflet", 'title: Folleto\ntranslation:\n  translated_by: Test\n  source_hash: "abc"'))
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "build", "--engine", "reportlab", "--lang", "es", "--lang", "en", "--large-print",
                         "--out-dir", tmp_path / "out")
    assert code == 2
    assert out.splitlines()[-1] == "3 built, 0 unchanged, 3 failed"
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "spanish.en.reportlab.large-print.pdf", "spanish.es.reportlab.large-print.pdf",
        "tiny.en.reportlab.large-print.pdf"]
    assert err.splitlines() == [
        "error: leaflets/typo/leaflet.yaml:15: unknown section 'overveiw'; valid: overview, treatment; did you mean "
        "'overview'?",
        "error: leaflets/tiny: unknown language 'es'; valid: en; did you mean 'en'?",
        "error: leaflets/typo: unknown language 'es'; valid: (none)"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_failed_rebuild_leaves_the_earlier_pdf_as_it_was(capsys, tmp_path, monkeypatch, engine):
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    out = tmp_path / "out"
    assert run(capsys, "build", "tiny", "--engine", engine, "--large-print", "--out-dir", out)[0] == 0
    before = {pdf.name: pdf.read_bytes() for pdf in out.glob("*.pdf")}
    (root / "assets/pic.svg").write_text(SVG.replace("<rect", '<image href="../../x.png"/><rect'))
    code, _, err = run(capsys, "build", "tiny", "--engine", engine, "--large-print", "--out-dir", out)
    assert_one_line(code, err, "refers to '../../x.png'")
    assert {pdf.name: pdf.read_bytes() for pdf in out.glob("*.pdf")} == before
    assert sorted(p.name for p in out.iterdir()) == [".leafletpress.json", *before]


def test_the_reportlab_engine_checks_a_picture_again_when_it_draws_it(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "pic.svg").write_text(SVG.replace("<rect", '<use href="../secret.svg#a"/><rect'))
    with pytest.raises(RenderError, match=r"pic.svg: line 1: refers to '../secret.svg#a'"):
        picture(assets / "pic.svg", assets, width=100)


def test_a_project_named_by_a_relative_path_builds(tmp_path, monkeypatch, capsys):
    make_project(tmp_path / "project")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "build", "tiny", "--root", "project", "--output", "out.pdf")
    assert (code, err) == (0, "")
    assert "Drawn for the tests" in text_of(tmp_path / "out.pdf")


def test_a_dangling_link_in_assets_does_not_stop_a_build(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path / "project")
    (root / "assets/gone.svg").symlink_to(root / "nowhere.svg")
    monkeypatch.chdir(root)
    for _ in range(2):  # read afresh, then from the cache
        code, _, err = run(capsys, "build", "tiny", "--engine", "reportlab", "--out-dir", tmp_path / "out")
        assert (code, err) == (0, "")


def test_a_crafted_cache_is_ignored_and_the_leaflet_read_afresh(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    args = ("build", "tiny", "--engine", "reportlab", "--large-print", "--out-dir", tmp_path / "out")
    assert run(capsys, *args)[0] == 0
    [cached] = (root / ".cache/leaflets").glob("*.json")
    data = json.loads(cached.read_text())
    data["leaflet"]["provenance"]["published"] = "2026-01-01"  # a string where a date belongs
    data["leaflet"]["translations"]["items"]["en"]["path"] = {"type": "path", "value": "/dev/zero"}
    data["leaflet"]["id"] = "javascript:alert(1)"
    cached.write_text(json.dumps(data))
    code, out, err = run(capsys, *args, "--force")
    assert (code, err) == (0, "")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["tiny.en.reportlab.large-print.pdf"]
    cached.unlink()
    os.mkfifo(cached)  # a pipe would block for ever
    assert run(capsys, *args, "--force")[0] == 0


def built_folder(capsys, tmp_path, monkeypatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    out = tmp_path / "out"
    assert run(capsys, "build", "tiny", "--engine", "reportlab", "--out-dir", out)[0] == 0
    return out


def test_preview_never_replaces_a_gallery_page_it_did_not_write(capsys, tmp_path, monkeypatch):
    out = built_folder(capsys, tmp_path, monkeypatch)
    (out / "index.html").write_text("<html>my own page</html>")
    code, _, err = run(capsys, "preview", "--out-dir", out)
    assert_one_line(code, err, "index.html: already exists and was not written by leafletpress")
    assert (out / "index.html").read_text() == "<html>my own page</html>"


def test_preview_and_clean_never_write_or_remove_through_a_link(capsys, tmp_path, monkeypatch):
    out = built_folder(capsys, tmp_path, monkeypatch)
    elsewhere = tmp_path / "photos"
    elsewhere.mkdir()
    (elsewhere / "tiny.en.reportlab.png").write_text("my photo")
    (out / "thumbnails").symlink_to(elsewhere)
    code, _, err = run(capsys, "preview", "--out-dir", out)
    assert_one_line(code, err, "thumbnails: is a link; refusing to write thumbnails through it")
    assert run(capsys, "clean", "--out-dir", out)[0] == 0
    assert [p.name for p in elsewhere.iterdir()] == ["tiny.en.reportlab.png"]
    assert (out / "thumbnails").is_symlink()


def test_preview_leaves_out_what_is_not_a_readable_pdf(capsys, tmp_path, monkeypatch):
    out = built_folder(capsys, tmp_path, monkeypatch)
    (out / "tiny.en.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n")  # truncated
    (out / "tiny.en.a5.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type"
                                         b"/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R"
                                         b"/MediaBox[0 0 0 0]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    (out / "tiny.en.letter.pdf").symlink_to(out / "tiny.en.reportlab.pdf")
    code, stdout, err = run(capsys, "preview", "--out-dir", out)
    assert code == 0
    assert err == f"warning: left out of the gallery: {out}/tiny.en.pdf can't be read as a PDF\n"
    # pdfium draws a page of no size at its default size; the link is left out
    assert sorted(p.name for p in (out / "thumbnails").iterdir()) == ["tiny.en.a5.png", "tiny.en.reportlab.large-print"
                                                                     ".png", "tiny.en.reportlab.png"]


def test_a_reader_that_goes_away_does_not_stop_the_build(tmp_path):
    root = make_project(tmp_path / "project")
    shell = (f"{sys.executable} {PROJECT / 'generate.py'} build --root '{root}' --engine reportlab --jobs 1 "
             f"--out-dir '{tmp_path / 'out'}' | head -c 1")
    result = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, timeout=120)
    assert result.stderr == ""
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["tiny.en.reportlab.large-print.pdf",
                                                                        "tiny.en.reportlab.pdf"]


def test_two_builds_into_one_folder_at_once_both_record_what_they_wrote(tmp_path):
    root = make_project(tmp_path / "project")
    out = tmp_path / "out"
    command = [sys.executable, str(PROJECT / "generate.py"), "build", "--root", str(root), "--engine", "reportlab",
               "--out-dir", str(out)]
    builds = [subprocess.Popen([*command, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for extra in (["--paper", "letter"], ["--paper", "a5"], [])]
    results = [build.communicate(timeout=120) for build in builds]
    assert [build.returncode for build in builds] == [0, 0, 0], results
    record = json.loads((out / ".leafletpress.json").read_text())["pdfs"]
    assert sorted(record) == sorted(p.name for p in out.glob("*.pdf"))
    assert len(record) == 6


@pytest.fixture
def full_disk(tmp_path):
    """A 300 KB file system, mounted for the test (the tests run as root)."""
    mount = tmp_path / "full"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)  # the test may still stand in it


def fill(folder: Path, leave: int) -> None:
    """Fill the file system until about leave bytes are free."""
    stat = os.statvfs(folder)
    (folder / "filler").write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))


def test_a_full_disk_leaves_one_line_per_pdf_and_no_partial_file(capsys, tmp_path, monkeypatch, full_disk):
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    out = full_disk / "out"
    assert run(capsys, "build", "tiny", "--engine", "reportlab", "--large-print", "--out-dir", out)[0] == 0
    before = (out / "tiny.en.reportlab.large-print.pdf").read_bytes()
    edit(root / TEXT, lambda text: text.replace("Treatment words here.", "Other treatment words here."))
    fill(full_disk, 2048)
    code, stdout, err = run(capsys, "build", "tiny", "--engine", "reportlab", "--out-dir", out)
    assert code == 2 and stdout.splitlines()[-1] == "0 built, 0 unchanged, 2 failed"
    assert set(err.splitlines()) == {f"error: {out}/tiny.en.reportlab{size}.pdf: cannot write here: No space left "
                                     "on device" for size in (".large-print", "")}
    assert (out / "tiny.en.reportlab.large-print.pdf").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["tiny.en.reportlab.large-print.pdf"]  # no record, no temp file
    (full_disk / "filler").unlink()
    assert run(capsys, "build", "tiny", "--engine", "reportlab", "--out-dir", out)[1].endswith("2 built, 0 unchanged,"
                                                                                               " 0 failed\n")


def test_a_full_disk_under_the_font_cache_is_one_line_and_leaves_no_half_font(capsys, tmp_path, monkeypatch,
                                                                              full_disk):
    root = make_project(full_disk / "project", figure=False)
    (root / "leaflets/tiny/zh-Hans.md").write_text((root / TEXT).read_text().replace(
        "title: Tiny leaflet", 'title: 小册子\ntranslation:\n  translated_by: Test\n  source_hash: "abc"'))
    fill(full_disk, 8192)
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", "tiny", "--lang", "zh", "--output", tmp_path / "out.pdf")
    assert_one_line(code, err, ".cache/fonts/NotoSansCJK-Regular-2-", ": cannot write a subset of Noto Sans CJK SC: "
                    "No space left on device")
    assert list((root / ".cache/fonts").iterdir()) == []
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("linked", [False, True])
def test_make_clean_never_removes_through_a_linked_cache_folder(tmp_path, linked):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(PROJECT / "Makefile", project / "Makefile")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "leaflets").mkdir(parents=True)
    (elsewhere / "leaflets" / "mine.txt").write_text("mine")
    if linked:
        (project / ".cache").symlink_to(elsewhere)
    else:
        shutil.copytree(elsewhere, project / ".cache")
    result = subprocess.run(["make", "--no-print-directory", "clean"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "leaflets" / "mine.txt").read_text() == "mine"
    assert (project / ".cache").is_symlink() if linked else not (project / ".cache" / "leaflets").exists()


def test_a_read_only_build_folder_is_one_line_per_command(capsys, tmp_path, monkeypatch, full_disk):
    out = full_disk / "out"
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    assert run(capsys, "build", "tiny", "--engine", "reportlab", "--out-dir", out)[0] == 0
    before = {pdf.name: pdf.read_bytes() for pdf in out.glob("*.pdf")}
    subprocess.run(["mount", "-o", "remount,ro", str(full_disk)], check=True)
    code, stdout, err = run(capsys, "build", "tiny", "--engine", "reportlab", "--force", "--out-dir", out)
    assert code == 2 and set(err.splitlines()) == {f"error: {out}/{name}: cannot write here: Read-only file system"
                                                   for name in before}
    code, _, err = run(capsys, "preview", "--out-dir", out)
    assert_one_line(code, err, "thumbnails/tiny.en.reportlab", ": cannot write here: Read-only file system")
    code, _, err = run(capsys, "clean", "--out-dir", out)
    assert_one_line(code, err, f"error: {out}/", ": cannot remove it: Read-only file system")
    assert {pdf.name: pdf.read_bytes() for pdf in out.glob("*.pdf")} == before


def test_a_file_name_too_long_for_the_file_system_is_one_line(capsys, tmp_path, monkeypatch):
    root = make_project(tmp_path / "project")
    long_id = "a" * 300
    edit(root / TEXT, lambda text: text.replace("{#treatment}", "{#" + long_id + "}"))
    monkeypatch.chdir(root)
    code, _, err = run(capsys, "build", "tiny", "--engine", "reportlab", "--section", long_id, "--large-print",
                       "--out-dir", tmp_path / "out")
    assert_one_line(code, err, f"tiny.en.{long_id}.reportlab.large-print.pdf: cannot write here: File name too long")
    code, _, err = run(capsys, "build", "tiny", "--output", tmp_path / ("x" * 300 + ".pdf"))
    assert_one_line(code, err, "x.pdf: cannot write here: File name too long")
