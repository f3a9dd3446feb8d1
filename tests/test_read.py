"""The shipped focal dystonia leaflet, read into the model: repaired, complete and in order."""

from leafletpress.model import Figure, ListBlock, Paragraph

from .helpers import LEAFLETS
from .helpers import leaflet as read_default

SECTIONS = ["overview", "get-help-urgently", "causes", "risk-factors", "symptoms", "diagnosis", "treatment",
            "worsening-factors", "prevention", "living-with", "support"]


def leaflet():
    return read_default()


def test_sections_in_order():
    assert leaflet().translations["en"].section_ids == SECTIONS


def test_no_export_debris():
    for path in (LEAFLETS / "focal-dystonia").iterdir():
        text = path.read_text()
        assert "]]>" not in text and "<![CDATA[" not in text, path
        assert "Nucleus Medical Art" not in text or path.name == "leaflet.yaml", path


def test_every_sentence_that_introduces_a_list_has_one():
    for section in leaflet().translations["en"].sections:
        blocks = [b for b in section.blocks if not isinstance(b, Figure)]
        for block, after in zip(blocks, [*blocks[1:], None]):
            if isinstance(block, Paragraph) and block.runs[-1].text.rstrip().endswith(":"):
                assert isinstance(after, ListBlock) and after.items, (section.id, block)


def test_restored_lists():
    text = leaflet().translations["en"]
    treatment = next(s for s in text.sections if s.id == "treatment")
    prevention = next(s for s in text.sections if s.id == "prevention")
    assert any(isinstance(b, ListBlock) and len(b.items) >= 3 for b in treatment.blocks)
    assert any(isinstance(b, ListBlock) and len(b.items) >= 3 for b in prevention.blocks)


def test_figure_beside_the_causes():
    causes = next(s for s in leaflet().translations["en"].sections if s.id == "causes")
    figure = causes.blocks[0]
    assert isinstance(figure, Figure)
    assert figure.path.name == "carbon-monoxide-oxygen.svg" and figure.path.is_file()
    assert figure.alt and figure.caption and figure.credit
    assert "Nucleus" not in figure.credit


def test_provenance_names_sources():
    provenance = leaflet().provenance
    assert provenance.version and provenance.produced_by
    assert provenance.next_review > provenance.published
    assert len(provenance.sources) >= 2
    assert all(source.url.startswith("https://") for source in provenance.sources if source.url)
    # The 2009 health-library export the structure came from kept no address.
    assert [source.publisher for source in provenance.sources if not source.url] == [
        "Health-library article, 2009 (publisher not recorded)"]
