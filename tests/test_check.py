"""`generate.py check`: findings one per line, translations tracked against their source."""

import json
import shutil

import pytest

from leafletpress.errors import display
from leafletpress.read import source_hash

from .helpers import FIXTURES, main


def make_translation(leaflets_dir, lang="fr", drop_section=False, source_version=None):
    tiny = leaflets_dir / "tiny"
    text = (tiny / "en.md").read_text()
    if drop_section:
        text = text.split("## How it is treated")[0]
    version = source_version or source_hash(tiny / "en.md")
    text = text.replace("subtitle: For tests\n", f"subtitle: Pour les tests\ntranslation:\n"
                        f"  translated_by: Team\n  source_hash: \"{version}\"\n"
                        f"  reviewed_by: Dr Test\n  reviewed_on: 2026-02-01\n")
    (tiny / f"{lang}.md").write_text(text)
    return tiny / f"{lang}.md"


def check(capsys, leaflets_dir, *args):
    code = main(["check", "tiny", "--leaflets-dir", str(leaflets_dir), *args])
    return code, capsys.readouterr().out


def test_up_to_date_translation_passes(capsys, leaflets_dir):
    make_translation(leaflets_dir)
    code, out = check(capsys, leaflets_dir, "--quiet")
    assert (code, out) == (0, "0 errors, 0 warnings\n")


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
    assert "stale-translation" in json.dumps(json.loads(check(capsys, leaflets_dir, "--format", "json")[1]))


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


def test_shipped_leaflets_pass_with_no_error(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(" warnings\n") and "\n0 errors," in out
    assert "error:" not in out and "stale-translation" not in out


DEFECTS = FIXTURES / "defects"


@pytest.mark.parametrize("name, line, severity, message", [
    ("markup-debris.md", 9, "error", "markup debris ']]>' left by an export: delete it"),
    ("lost-list.md", 7, "error",
     "'Medications used to treat dystonia include:' introduces a list, but no list follows"),
    ("credit-in-text.md", 9, "error",
     "a credit line fell into the text: move it to the figure's credit in leaflet.yaml"),
    ("placeholder.md", 7, "error", "placeholder text 'TODO': finish or remove it"),
    ("repeated-paragraph.md", 11, "warning", "repeats the paragraph at line 7"),
    ("html-entity.md", 7, "error", "HTML entity '&rsquo;': write the character itself"),
    ("stray-tag.md", 7, "error", "stray HTML tag '<b>': leaflet text is Markdown"),
    ("empty-section.md", 5, "error", "section 'risk-factors' is empty"),
    ("skipped-heading.md", 7, "error", "headings must not skip a level"),
    ("lost-heading.md", 5, "error", "text before the first section; start with '## Heading {#id}'"),
])
def test_each_defect_is_found_at_its_line(capsys, name, line, severity, message):
    code = main(["check", str(DEFECTS / name)])
    out = capsys.readouterr().out.splitlines()
    assert code == (1 if severity == "error" else 0)
    assert out[0].startswith(f"{display(DEFECTS / name)}:{line}: {severity}: {message}")


def test_the_damaged_seed_is_reported_line_by_line(capsys):
    seed = DEFECTS / "seed-export.txt"
    assert main(["check", str(seed), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    by_code = {}
    for finding in findings:
        by_code.setdefault(finding["code"], []).append(finding["line"])
    assert by_code == {
        "source": [1],  # no front matter, no section headings: the headings were lost
        "markup-debris": [22, 23, 24, 62, 64, 65, 66, 69, 70, 86, 100],
        "credit-in-text": [32, 73],
        "lost-list": [77, 80, 100],
    }


def test_readability_matches_textstat_on_a_known_text():
    import textstat

    from leafletpress.model import ListBlock, Paragraph, Run, Section
    from leafletpress.readability import score

    section = Section("overview", "What is focal dystonia", (
        Paragraph((Run("Focal dystonia is a movement disorder. It affects one part of your body."),)),
        ListBlock(((Run("Eyelid spasms"),), (Run("Neck twisting"),))),
    ))
    known = ("What is focal dystonia. Focal dystonia is a movement disorder. "
             "It affects one part of your body. Eyelid spasms. Neck twisting.")
    textstat.set_lang("en")
    result = score(section, "en")
    assert result.value == round(textstat.flesch_kincaid_grade(known), 1)
    assert result.words_per_sentence == round(len(known.split()) / 5, 1)
    assert result.hardest[0] == "Focal dystonia is a movement disorder."


def test_hard_section_is_named_with_its_hardest_sentences(capsys, leaflets_dir):
    text = leaflets_dir / "tiny" / "en.md"
    hard = ("Pharmacological interventions encompassing anticholinergic medications "
            "occasionally necessitate comprehensive neurological reassessment considerations.")
    text.write_text(text.read_text().replace("Treatment words here.", hard))
    code, out = check(capsys, leaflets_dir)
    assert code == 0
    line = next(row for row in out.splitlines() if "readability" in row or "Flesch" in row)
    assert line.startswith(f"{text}:13: warning: section 'treatment' scores ")
    assert "on Flesch–Kincaid grade (target ≤ 8); hardest sentences: 'Pharmacological" in line
    assert "← misses the target" in out


def test_review_status_warnings(capsys, leaflets_dir):
    meta = leaflets_dir / "tiny" / "leaflet.yaml"
    meta.write_text(meta.read_text().replace("clinical_reviewer: Dr Test, neurologist\n", "")
                    .replace("next_review: 2029-01-15", "next_review: 2026-02-01"))
    code, out = check(capsys, leaflets_dir)
    assert code == 0
    assert f"{meta}: warning: never clinically reviewed" in out
    assert f"{meta}: warning: review overdue since 2026-02-01" in out
    assert f"{meta}: warning: last_reviewed is 2026-01-15 but no clinical_reviewer" in out


@pytest.mark.parametrize("change, message", [
    (("next_review: 2029-01-15", "next_review: 2029-06-01"),
     "next_review must be at most 3 years after last_reviewed (2029-01-15)"),
    (("last_reviewed: 2026-01-15", "last_reviewed: 2025-01-15"), "last_reviewed can't come before published"),
    (("produced_by: Test clinic\n", ""), "missing 'produced_by'"),
    (("last_reviewed: 2026-01-15\n", ""), "missing 'last_reviewed'"),
])
def test_governance_fields_are_required(capsys, leaflets_dir, change, message):
    meta = leaflets_dir / "tiny" / "leaflet.yaml"
    meta.write_text(meta.read_text().replace(*change))
    code, out = check(capsys, leaflets_dir)
    assert code == 1 and message in out


def test_fixtures_folder_is_there():
    assert (FIXTURES / "leaflets" / "tiny" / "en.md").is_file()


def test_untranslated_fixed_wording_is_an_error(capsys, tmp_path, monkeypatch):
    import leafletpress.i18n

    catalogs = tmp_path / "locale"
    shutil.copytree(leafletpress.i18n.CATALOGS, catalogs)
    po = catalogs / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text()
    po.write_text(text.replace('msgstr "Fuentes"', 'msgstr ""'))
    monkeypatch.setattr(leafletpress.i18n, "CATALOGS", catalogs)
    code = main(["check", "--quiet"])
    out = capsys.readouterr().out
    line = text[:text.index('msgstr "Fuentes"')].count("\n")
    assert code == 1
    assert f"{po}:{line}: error: 'Sources' is not translated" in out


def test_a_review_date_without_a_reviewer_is_reported(capsys, leaflets_dir):
    meta = leaflets_dir / "tiny" / "leaflet.yaml"
    meta.write_text(meta.read_text().replace("clinical_reviewer: Dr Test, neurologist\n", ""))
    code, out = check(capsys, leaflets_dir)
    assert code == 0
    assert (f"{meta}: warning: last_reviewed is 2026-01-15 but no clinical_reviewer is named: a review date "
            "needs the clinician who made the review (the PDF prints none until then)") in out


def test_an_internal_code_in_the_printed_text_is_an_error(capsys, leaflets_dir):
    make_translation(leaflets_dir)
    french = leaflets_dir / "tiny" / "fr.md"
    french.write_text(french.read_text().replace("translated_by: Team", "translated_by: Team df92a7857ebf"))
    code, out = check(capsys, leaflets_dir, "--quiet")
    assert code == 1
    assert (f"{french}: error: the PDF would print 'df92a7857ebf', an internal code that means nothing to a "
            "patient") in out


@pytest.mark.parametrize("locale, msgid, msgstr, message", [
    ("zh_Hans", "Sources", "参考资料:", "the ASCII ':' where the language writes '：'"),
    ("zh_Hans", "Published: %(date)s", "发布日期(%(date)s)", "the ASCII '(' where the language writes '（'"),
    ("ar", "Sources", "المصادر?", "the ASCII '?' where the language writes '؟'"),
])
def test_fixed_wording_in_the_languages_own_punctuation(capsys, tmp_path, monkeypatch, locale, msgid, msgstr,
                                                         message):
    from babel.messages.pofile import read_po, write_po

    import leafletpress.i18n

    catalogs = tmp_path / "locale"
    shutil.copytree(leafletpress.i18n.CATALOGS, catalogs)
    po = catalogs / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as stream:
        catalog = read_po(stream)
    catalog[msgid].string = msgstr
    with po.open("wb") as stream:
        write_po(stream, catalog)
    monkeypatch.setattr(leafletpress.i18n, "CATALOGS", catalogs)
    code = main(["check", "--quiet"])
    out = capsys.readouterr().out
    assert code == 1 and f"error: {msgid!r} is translated with {message}" in out
