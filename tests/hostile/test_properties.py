"""Random input to every reader: the only outcomes are a model (or an ignored cache) or one LeafletError line.

Property-based (hypothesis): random YAML, front matter, Markdown, clinic files,
model-cache files and manifests. The unit tier: nothing is rendered.
"""

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leafletpress.cache import FORMAT, Manifest, decode, encode, load_cached, plain_pdf_name
from leafletpress.errors import LeafletError
from leafletpress.model import Clinic, Leaflet
from leafletpress.read import load_yaml, parse_sections, read_clinic, read_leaflet

from . import TINY

SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

#: Characters that make YAML and Markdown do things: indicators, breaks, tabs, odd code points.
SYNTAX = ":-[]{}&*!|>'\"#%@`?,\n\t \\~=+_()<>0123456789abcxyzé\u202e\x00\x0c\r\ufeff"
yaml_noise = st.text(alphabet=SYNTAX, max_size=200)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.sampled_from(["2026-02-30", "2026-01-15", "https://x.org/{leaflet}", "{lang.__class__}",
                                     "yes", "0123", "1.10", "&a", "*a", "!!python/name:os.system"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                      max_leaves=20)
KEYS = ["source_language", "version", "published", "last_reviewed", "next_review", "clinical_reviewer",
        "produced_by", "sources", "figures", "online_url", "title", "subtitle", "translation", "name", "phone",
        "address", "website", "email", "logo", "logo_alt", "leaflet_url"]
mappings = st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=10)), values, max_size=8)
yaml_texts = st.one_of(yaml_noise, mappings.map(lambda data: yaml.safe_dump(data, allow_unicode=True)),
                       st.tuples(mappings.map(yaml.safe_dump), yaml_noise).map("".join))


def one_line(error: LeafletError) -> bool:
    return "\n" not in str(error) and bool(str(error))


@SETTINGS
@given(yaml_texts)
def test_any_yaml_is_a_mapping_or_one_line(text):
    try:
        data, lines = load_yaml(Path("leaflet.yaml"), text)
    except LeafletError as error:
        assert one_line(error)
        return
    assert isinstance(data, dict) and all(isinstance(key, str) for key in data)


TINY_YAML = (TINY / "leaflet.yaml").read_text()
TINY_TEXT = (TINY / "en.md").read_text()
markdown_noise = st.text(alphabet=SYNTAX + "*_[]()!<>#`|~-.\n", max_size=300)
markdown_lines = st.lists(st.sampled_from([
    "## Heading {#a}", "## Other {#b}", "### Sub", "# Big", "- item", "1. one", "  - nested", "> quote", "```",
    "| a | b |", "|---|---|", "**bold**", "*it*", "[x](https://x.org)", "[x](javascript:x)", "<b>x</b>", "&#x202e;",
    "![i](x.png)", "---", "***", "", "Plain words.", "    code", "Setext", "===", "[](https://x.org)"]),
    max_size=20).map("\n".join)


@SETTINGS
@given(st.one_of(markdown_noise, markdown_lines, st.tuples(markdown_lines, markdown_noise).map("\n".join)))
def test_any_markdown_is_sections_or_one_line(body):
    try:
        sections = parse_sections(Path("en.md"), body, 5, {})
    except LeafletError as error:
        assert one_line(error)
        return
    assert sections and all(section.blocks for section in sections)


def leaflet_folder(root: Path, meta: str, text: str) -> Path:
    folder = root / "tiny"
    folder.mkdir(exist_ok=True)
    (folder / "leaflet.yaml").write_text(meta, encoding="utf-8", errors="surrogatepass")
    (folder / "en.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    return folder


def read_or_one_line(folder: Path, assets: Path) -> None:
    try:
        leaflet = read_leaflet(folder, assets)
    except LeafletError as error:
        assert one_line(error)
        return
    assert isinstance(leaflet, Leaflet) and leaflet.translations


@SETTINGS
@given(st.one_of(yaml_texts, mappings.map(lambda extra: TINY_YAML + yaml.safe_dump(extra) if extra else TINY_YAML),
                 st.tuples(st.integers(0, len(TINY_YAML)), yaml_noise).map(
                     lambda cut: TINY_YAML[:cut[0]] + cut[1] + TINY_YAML[cut[0]:])))
def test_any_leaflet_yaml_is_a_leaflet_or_one_line(meta):
    with tempfile.TemporaryDirectory() as root:
        read_or_one_line(leaflet_folder(Path(root), meta, TINY_TEXT), Path(root))


FRONT_END = TINY_TEXT.index("\n---\n") + 5


@SETTINGS
@given(st.one_of(
    yaml_texts.map(lambda front: f"---\n{front}\n---\n" + TINY_TEXT[FRONT_END:]),
    markdown_lines.map(lambda body: TINY_TEXT[:FRONT_END] + body),
    st.tuples(st.integers(0, len(TINY_TEXT)), markdown_noise).map(
        lambda cut: TINY_TEXT[:cut[0]] + cut[1] + TINY_TEXT[cut[0]:])))
def test_any_language_file_is_a_leaflet_or_one_line(text):
    with tempfile.TemporaryDirectory() as root:
        read_or_one_line(leaflet_folder(Path(root), TINY_YAML, text), Path(root))


@SETTINGS
@given(st.one_of(yaml_texts, mappings.map(lambda extra: "name: Clinic\n" + yaml.safe_dump(extra))))
def test_any_clinic_file_is_a_clinic_or_one_line(text):
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "clinic.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            clinic = read_clinic(path, Path(root))
        except LeafletError as error:
            assert one_line(error)
            return
        assert isinstance(clinic, Clinic) and clinic.name


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                     st.text(max_size=20), st.sampled_from(["path", "date", "tuple", "dict", "Leaflet",
                                                                            "Run", "frozenset", "2026-01-15"])),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.sampled_from(["type", "items", "value", "id",
                                                                                    "text", "path"]), inner,
                                                                   max_size=4)),
                           max_leaves=25)
GOOD = encode(read_leaflet(TINY, TINY.parent))


def replace_somewhere(data, choices, value):
    """A copy of data with one value, chosen by choices, replaced."""
    if not isinstance(data, (dict, list)) or not data or not choices:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[choices[0] % len(keys)]
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[key] = replace_somewhere(data[key], choices[1:], value)
    return copy


@SETTINGS
@given(st.one_of(json_values, st.tuples(st.lists(st.integers(0, 50), max_size=8), json_values).map(
    lambda change: replace_somewhere(GOOD, *change))))
def test_any_cached_model_is_the_model_or_ignored(crafted):
    with tempfile.TemporaryDirectory() as root:
        cached = Path(root) / "tiny.json"
        cached.write_text(json.dumps({"format": FORMAT, "version": __import__("leafletpress").__version__,
                                      "leaflet": crafted}))
        leaflet = load_cached(cached, TINY.parent, TINY)
    assert leaflet is None or (isinstance(leaflet, Leaflet) and decode(encode(leaflet)) == leaflet
                               and leaflet.folder == TINY)


@SETTINGS
@given(st.one_of(st.binary(max_size=200), json_values.map(lambda value: json.dumps(value).encode()),
                 st.dictionaries(st.text(max_size=20), json_values, max_size=5).map(
                     lambda pdfs: json.dumps({"format": FORMAT, "pdfs": pdfs, "created_folder": True}).encode())))
def test_any_manifest_is_a_record_of_plain_names(data):
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / ".leafletpress.json").write_bytes(data)
        manifest = Manifest.load(Path(root))
    assert all(plain_pdf_name(name) and isinstance(digest, str) for name, digest in manifest.pdfs.items())
    assert isinstance(manifest.created_folder, bool)
