"""Print features: clinic branding, the notes page, the QR code, bookmarks, A5 and booklets."""

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from .helpers import PROJECT, main
from .helpers import leaflet as read_default
from .pdf import char_sizes, figure_alts, page_sizes_mm, structure, text

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier

CLINIC = PROJECT / "clinic.example.yaml"
EN = read_default().translations["en"]
URL = "https://riverside.example.org/leaflets/focal-dystonia/en"


def pages_text(pdf):
    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


def outline_titles(pdf) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)
    walk(PdfReader(pdf).outline)
    return titles


@pytest.fixture(scope="module")
def branded(build_one):
    return build_one("focal-dystonia", "--clinic", str(CLINIC))


def test_clinic_on_the_title_block_and_in_the_care_team_box(branded):
    pages = pages_text(branded)
    assert pages[0].startswith("Riverside Movement Disorders Clinic Focal dystonia")
    back = next(page for page in pages if "Your care team" in page)
    for detail in ("Riverside Movement Disorders Clinic", "Riverside Hospital, Outpatients B",
                   "Phone 0161 496 0000", "Website https://riverside.example.org/neurology"):
        assert detail in back


def test_without_a_clinic_the_leaflet_stays_neutral(built):
    words = text(built / "focal-dystonia.en.pdf")
    assert "Riverside" not in words and "Read this leaflet online" not in words
    assert "Name Phone Clinic" in words  # the lines to write the care team's details on


def test_qr_code_with_the_address_beside_it(branded):
    assert f"Read this leaflet online: {URL}" in " ".join(pages_text(branded))
    assert f"QR code that opens this leaflet online: {URL}" in figure_alts(branded)


def test_leaflet_online_url_gives_a_qr_code_without_a_clinic(leaflets_dir, tmp_path):
    meta = leaflets_dir / "tiny" / "leaflet.yaml"
    meta.write_text(meta.read_text() + 'online_url: "https://leaflets.example.org/{leaflet}/{lang}.html"\n')
    target = tmp_path / "tiny.pdf"
    assert main(["build", "tiny", "--leaflets-dir", str(leaflets_dir), "--output", str(target)]) == 0
    assert "Read this leaflet online: https://leaflets.example.org/tiny/en.html" in text(target)


@pytest.mark.parametrize("content, message", [
    ("name: X\nfax: 1\n", "clinic.yaml:2: unknown clinic field 'fax'"),
    ("phone: 1\n", "clinic.yaml: missing 'name'"),
    ("name: X\nlogo: nope.svg\nlogo_alt: X\n", "clinic.yaml:2: illustration 'nope.svg' not found in assets/"),
    ("name: X\nlogo: carbon-monoxide-oxygen.svg\n", "clinic.yaml:2: a logo needs logo_alt"),
    ("name: X\nleaflet_url: http://x.org/{leaflet}\n", "clinic.yaml:2: 'leaflet_url' must be an https:// address"),
    ("name: [X\n", "clinic.yaml:2: malformed YAML"),
])
def test_broken_clinic_file(capsys, tmp_path, content, message):
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text(content)
    out = tmp_path / "out"
    code = main(["build", "focal-dystonia", "--clinic", str(clinic), "--out-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert not out.exists()


def test_notes_page(build_one):
    pdf = build_one("focal-dystonia", "--notes")
    last = pages_text(pdf)[-1]
    assert last.startswith("Notes from your care team Patient's name Date")
    with pdfplumber.open(pdf) as document:
        page = document.pages[-1]
        rules = [edge for edge in page.edges if edge["orientation"] == "h"
                 and edge["width"] > page.width / 2]
        assert len(rules) >= 14
    assert "Notes from your care team" in outline_titles(pdf)
    plain = build_one("focal-dystonia")
    headings = [tag for _, tag in structure(pdf)].count("/H2")
    assert headings == [tag for _, tag in structure(plain)].count("/H2") + 1  # the notes page's own


def test_notes_in_spanish(build_one):
    last = pages_text(build_one("focal-dystonia", "--lang", "es", "--notes"))[-1]
    assert last.startswith("Notas de su equipo de atención")


def test_bookmarks_for_every_section(built):
    titles = outline_titles(built / "focal-dystonia.en.pdf")
    assert titles[0] == EN.title
    for section in EN.sections:
        assert section.heading in titles


def test_a5_leaflet(build_one):
    pdf = build_one("focal-dystonia", "--paper", "a5")
    assert page_sizes_mm(pdf) == {(148, 210)}
    assert min(size for size, _ in char_sizes(pdf)) >= 12


def test_booklet_is_imposed_two_up_on_a4_landscape(build_one):
    plain = build_one("focal-dystonia", "--paper", "a5")
    booklet = build_one("focal-dystonia", "--booklet")
    pages = len(PdfReader(plain).pages)
    padded = -(-pages // 4) * 4
    assert page_sizes_mm(booklet) == {(297, 210)}
    assert len(PdfReader(booklet).pages) == padded // 2
    with pdfplumber.open(booklet) as document:
        front = document.pages[0]
        right = front.crop((front.width / 2, 0, front.width, front.height)).extract_text()
        left = front.crop((0, 0, front.width / 2, front.height)).extract_text()
        assert right.startswith(EN.title) and f"Page 1 of {pages}" in right
        if padded > pages:
            assert left.strip() == ""  # a blank page pads the booklet
        else:
            assert left.strip().endswith(f"Page {pages} of {pages}")
        back = document.pages[1]
        assert f"Page 2 of {pages}" in back.crop((0, 0, back.width / 2, back.height)).extract_text()


def test_booklet_bytes_are_reproducible(build_one, tmp_path):
    again = tmp_path / "again.pdf"
    assert main(["build", "focal-dystonia", "--booklet", "--output", str(again)]) == 0
    assert again.read_bytes() == build_one("focal-dystonia", "--booklet").read_bytes()


def test_booklet_needs_a_sheet_to_fold(capsys, tmp_path):
    assert main(["build", "focal-dystonia", "--booklet", "--paper", "a5", "--out-dir", str(tmp_path)]) == 2
    assert "--booklet folds a4 or letter sheets in half; not 'a5'" in capsys.readouterr().err


def test_page_numbers_are_artifacts_and_tags_survive(branded):
    with pikepdf.open(branded) as pdf:
        content = b"".join(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page))
                           for page in pdf.pages)
        assert content.count(b"/Artifact") >= len(pdf.pages)
        assert pdf.Root.MarkInfo.Marked
    tags = {tag for _, tag in structure(branded)}
    assert {"/H1", "/H2", "/Figure", "/L"} <= tags


def test_booklet_keeps_title_language_and_metadata(build_one):
    plain, booklet = build_one("focal-dystonia", "--paper", "a5"), build_one("focal-dystonia", "--booklet")
    with pikepdf.open(plain) as source, pikepdf.open(booklet) as imposed:
        assert str(imposed.Root.Lang) == str(source.Root.Lang) == "en"
        assert str(imposed.docinfo.Title) == str(source.docinfo.Title) == EN.title
        assert bool(imposed.Root.ViewerPreferences.DisplayDocTitle)
        assert "/Direction" not in imposed.Root.ViewerPreferences
        xmp = imposed.Root.Metadata.read_bytes().decode()
        assert xmp == source.Root.Metadata.read_bytes().decode().replace(
            '<rdf:Description rdf:about="" pdfuaid:part="1"/>', "")  # untagged: it claims no PDF/UA
        assert f"<rdf:li xml:lang=\"x-default\">{EN.title}</rdf:li>" in xmp


def test_arabic_booklet_is_bound_on_the_right(build_one):
    from leafletpress.booklet import saddle_order

    plain = build_one("focal-dystonia", "--lang", "ar", "--paper", "a5")
    booklet = build_one("focal-dystonia", "--lang", "ar", "--booklet")
    with pdfplumber.open(plain) as source:
        source_words = [set(page.extract_text().split()) for page in source.pages]
    with pikepdf.open(booklet) as imposed:
        assert str(imposed.Root.Lang) == "ar" and imposed.Root.ViewerPreferences.Direction == "/R2L"

    def source_page(half) -> int | None:
        words = set((half.extract_text() or "").split())
        if not words:
            return None  # a blank page padding the booklet
        overlap = [len(words & page) / len(words | page) for page in source_words]
        assert max(overlap) > 0.9
        return overlap.index(max(overlap))

    with pdfplumber.open(booklet) as document:
        found = [tuple(source_page(side.crop(box)) for box in (
            (0, 0, side.width / 2, side.height), (side.width / 2, 0, side.width, side.height)))
            for side in document.pages]
    pages = len(source_words)
    expected = [tuple(index if index < pages else None for index in side)
                for side in saddle_order(-(-pages // 4) * 4, right_to_left=True)]
    assert found == expected
    assert found[0][0] == 0  # the first page on the left of the outer sheet: it folds to the front, spine right
