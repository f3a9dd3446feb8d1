"""`generate.py check`: findings one per line, translations tracked against their source."""

import json
import shutil

from leafletpress.cli import main
from leafletpress.read import source_hash

from .conftest import FIXTURES


def make_translation(leaflets_dir, lang="fr", drop_section=False, source_version=None):
    tiny = leaflets_dir / "tiny"
    text = (tiny / "en.md").read_text()
    if drop_section:
        text = text.split("## How it is treated")[0]
    version = source_version or source_hash(tiny / "en.md")
    text = text.replace("subtitle: For tests\n", f"subtitle: Pour les tests\ntranslation:\n"
                        f"  translated_by: Team\n  source_hash: \"{version}\"\n")
    (tiny / f"{lang}.md").write_text(text)
    return tiny / f"{lang}.md"


def check(capsys, leaflets_dir, *args):
    code = main(["check", "tiny", "--leaflets-dir", str(leaflets_dir), *args])
    return code, capsys.readouterr().out


def test_up_to_date_translation_passes(capsys, leaflets_dir):
    make_translation(leaflets_dir)
    assert check(capsys, leaflets_dir) == (0, "0 errors, 0 warnings\n")


def test_stale_translation_warns(capsys, leaflets_dir):
    path = make_translation(leaflets_dir, source_version="000000000000")
    code, out = check(capsys, leaflets_dir)
    assert code == 0
    current = source_hash(leaflets_dir / "tiny" / "en.md")
    assert (f"{path}: warning: translated from source version 000000000000, but "
            f"{leaflets_dir}/tiny/en.md is now version {current}") in out
    assert check(capsys, leaflets_dir, "--strict")[0] == 1


def test_editing_the_source_makes_translations_stale(capsys, leaflets_dir):
    make_translation(leaflets_dir)
    source = leaflets_dir / "tiny" / "en.md"
    source.write_text(source.read_text().replace("Treatment words", "New treatment words"))
    code, out = check(capsys, leaflets_dir)
    assert "warning: translated from source version" in out and out.endswith("0 errors, 1 warnings\n")


def test_missing_section_warns(capsys, leaflets_dir):
    path = make_translation(leaflets_dir, drop_section=True)
    code, out = check(capsys, leaflets_dir)
    assert f"{path}: warning: section 'treatment' of {leaflets_dir}/tiny/en.md is missing" in out


def test_translation_without_record_is_an_error(capsys, leaflets_dir):
    tiny = leaflets_dir / "tiny"
    shutil.copy(tiny / "en.md", tiny / "fr.md")
    code, out = check(capsys, leaflets_dir)
    assert code == 1
    assert f"{tiny}/fr.md: error: missing 'translation'" in out


def test_json_report(capsys, leaflets_dir):
    make_translation(leaflets_dir, source_version="000000000000")
    code, out = check(capsys, leaflets_dir, "--format", "json")
    report = json.loads(out)
    assert report["errors"] == 0 and report["warnings"] == 1
    finding = report["findings"][0]
    assert finding["code"] == "stale-translation" and finding["severity"] == "warning"
    assert finding["file"].endswith("tiny/fr.md")


def test_shipped_translations_are_current(capsys):
    assert main(["check", "--strict"]) == 0
    assert capsys.readouterr().out == "0 errors, 0 warnings\n"


def test_fixtures_folder_is_there():
    assert (FIXTURES / "leaflets" / "tiny" / "en.md").is_file()
