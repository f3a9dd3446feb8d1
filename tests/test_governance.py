"""The PDF says who made it, from what, when it was reviewed, and warns when it must."""

import pytest

from .helpers import main
from .pdf import text

pytestmark = pytest.mark.pdf  # renders PDFs: the slower tier


def build_tiny(leaflets_dir, out, *args):
    target = out / "tiny.pdf"
    assert main(["build", "tiny", "--leaflets-dir", str(leaflets_dir), "--output", str(target), *args]) == 0
    return " ".join(text(target).split())


def test_every_governance_field_is_printed(built):
    words = text(built / "focal-dystonia.en.pdf")
    for expected in ("Produced by: Open patient leaflet project", "Published: 24 November 2026",
                     "Next review: 24 November 2029", "Version 1.0", "Reference: OPL-NEU-001",
                     "Sources", "Not yet reviewed by a clinician.",
                     "Also available in large print and in: Arabic, Spanish and Chinese (Simplified)."):
        assert expected in words
    # Never reviewed: no review date is printed as if a review had happened.
    assert "Last reviewed" not in words and "Clinically reviewed by" not in words


def test_never_reviewed_leaflet_says_draft(built):
    assert "Draft — not yet clinically reviewed" in text(built / "focal-dystonia.en.pdf")
    assert "Borrador: todavía no revisado por un profesional sanitario" in text(
        built / "focal-dystonia.es.pdf")


def test_reviewed_leaflet_in_date_has_no_notice(leaflets_dir, tmp_path):
    words = build_tiny(leaflets_dir, tmp_path, "--as-of", "2026-06-01")
    assert "Draft —" not in words and "Review overdue" not in words
    assert "Clinically reviewed by Dr Test, neurologist on January 15, 2026" in words


def test_overdue_leaflet_says_so(leaflets_dir, tmp_path):
    words = build_tiny(leaflets_dir, tmp_path, "--as-of", "2029-01-16")
    assert ("Review overdue: this leaflet was due for review on January 15, 2029. "
            "Check with your care team that it is still correct.") in words


def test_due_day_itself_is_not_overdue(leaflets_dir, tmp_path):
    assert "Review overdue" not in build_tiny(leaflets_dir, tmp_path, "--as-of", "2029-01-15")


def test_overdue_rebuilds_the_pdf(leaflets_dir, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["build", "tiny", "--leaflets-dir", str(leaflets_dir), "--out-dir", str(out)]
    assert main(args + ["--as-of", "2027-01-01"]) == 0
    assert main(args + ["--as-of", "2027-06-01"]) == 0
    assert "0 built, 2 unchanged" in capsys.readouterr().out.splitlines()[-1]
    assert main(args + ["--as-of", "2030-01-01"]) == 0
    assert "2 built, 0 unchanged" in capsys.readouterr().out.splitlines()[-1]


@pytest.mark.parametrize("date", ["2029-13-01", "soon"])
def test_bad_as_of_date(capsys, date):
    with pytest.raises(SystemExit) as exit:
        main(["build", "--as-of", date])
    assert exit.value.code == 2
    assert f"not a date written YYYY-MM-DD: {date!r}" in capsys.readouterr().err


def test_source_without_an_address_is_printed_without_one(leaflets_dir, tmp_path):
    metadata = leaflets_dir / "tiny" / "leaflet.yaml"
    metadata.write_text(metadata.read_text().replace(
        "sources:\n", "sources:\n  - title: Old article\n    publisher: Health library, 2009\n"))
    words = build_tiny(leaflets_dir, tmp_path)
    assert "Health library, 2009: Old article. Test publisher: Test source. https://example.org/source" in words
