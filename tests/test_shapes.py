"""The SHACL shapes checked with SPARQL give exactly pyshacl's problems, and unsupported shapes fall back to pyshacl."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINI, PREFIX_LINES

from spacefilms import workspace as bundled
from spacefilms.store.loading import Locator, load
from spacefilms.store.shapes import compile_shapes
from spacefilms.store.validation import _pyshacl_problems, shacl_problems

# Test fixture entities (not facts), each breaking one or more constraints of ontologies/shapes.ttl.
BROKEN = """
<https://example.org/test-source> {
  sfr:fixture-film a schema:Movie ; rdfs:label "Two"@en , "Deux"@en , "untagged" ;
      schema:director sfr:fixture-org , "a string" ; schema:duration "PT1X"^^xsd:duration , "90" ;
      owl:sameAs <http://example.org/not-wikidata> , "Q5" ;
      foaf:isPrimaryTopicOf <https://en.wikipedia.org/wiki/X> , <http://example.com/x> ;
      sf:minutesShotInSpace "12"^^xsd:integer , "1.5"^^xsd:decimal , "many" ;
      schema:datePublished "2020"^^xsd:gYear , "2020-13-01"^^xsd:date ;
      sf:budget [ a schema:MonetaryAmount ; schema:value "abc"^^xsd:decimal ; schema:currency "rub" , "USD" ] .
  sfr:fixture-org a schema:Organization ; rdfs:label "Org"@ru ; sf:ownedBy sfr:fixture-person , sfr:fixture-milestone .
  sfr:fixture-milestone a sf:Milestone ; rdfs:label "M"@en ; sf:milestoneOf sfr:fixture-org ; schema:startDate "soon" .
  sfr:fixture-role a sf:CastRole ; sf:performer sfr:test-director , sfr:fixture-org .
  sfr:fixture-assignment a sf:FlightAssignment ; sf:assignee sfr:test-director .
  sfr:fixture-flight a sf:Spaceflight ; rdfs:label "F"@en ; sf:launchTime "2008-05-31T17:02:00-04:00"^^xsd:dateTime ;
      sf:payload "Spacehab module"@en , sfr:fixture-milestone .
  sfr:fixture-post a sf:PositionHeld ; sf:heldBy sfr:fixture-person ; sf:replaces sfr:fixture-org .
  sfr:fixture-person a schema:Person ; rdfs:label "P"@en-GB ; schema:birthDate "1970" ; schema:nationality "Russian" .
}
"""


def broken_data(tmp_path: Path):
    graph = tmp_path / "graph"
    shutil.copytree(MINI, graph)
    (graph / "broken.trig").write_text("\n".join(PREFIX_LINES) + BROKEN)
    return load(bundled.ontology_files(), bundled.curated_files(graph))


def test_the_bundled_shapes_compile_to_sparql() -> None:
    checks = compile_shapes(bundled.shapes_file())
    assert checks is not None and sum(len(check.messages) for check in checks) >= 45
    node_shapes = bundled.shapes_file().read_text().count("a sh:NodeShape")
    assert len(checks) <= 2 * node_shapes + 1  # two queries per node shape, one per sh:uniqueLang


@pytest.mark.filterwarnings("ignore:Serializing weird numerical")  # rdflib, on the ill-formed "abc"^^xsd:decimal
def test_sparql_checks_find_what_pyshacl_finds(tmp_path: Path) -> None:
    data = broken_data(tmp_path)
    locator = Locator(data.files)
    ours = shacl_problems(data, bundled.shapes_file(), locator)
    assert ours == _pyshacl_problems(data, bundled.shapes_file(), locator)
    assert len(ours) == 30
    flight = sorted(p.message for p in ours if "fixture-flight" in p.focus)  # a time in UTC; a payload is a made thing or text
    assert (
        len(flight) == 2 and flight[0].startswith("sf:launchTime must be written in UTC") and flight[1].startswith("sf:payload")
    )
    post = sorted(p.message for p in ours if "fixture-post" in p.focus)  # a post needs its title; who came before is a person
    assert len(post) == 2 and post[0].startswith("a position held needs its title") and post[1].startswith("sf:replaces")
    owners = [p.message for p in ours if "sf:ownedBy" in p.message]  # a person may own; a milestone may not
    assert len(owners) == 1 and "fixture-milestone" in owners[0]
    assert {p.focus for p in ours} >= {f"<https://w3id.org/spacefilms/resource/fixture-{n}>" for n in ("film", "org", "role")}


def test_the_bundled_graph_passes_both(tmp_path: Path) -> None:
    data = load(bundled.ontology_files(), bundled.curated_files())
    locator = Locator(data.files)
    assert shacl_problems(data, bundled.shapes_file(), locator) == [] == _pyshacl_problems(data, bundled.shapes_file(), locator)


def test_shapes_beyond_the_compiled_subset_fall_back_to_pyshacl(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "\n".join(PREFIX_LINES)
        + """\n@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x-test:shape> a sh:NodeShape ; sh:targetClass schema:Movie ;
            sh:property [ sh:path schema:inLanguage ; sh:hasValue "ru" ; sh:message "must be in Russian" ] ."""
    )
    assert compile_shapes(shapes) is None
    data = load(bundled.ontology_files(), bundled.curated_files(MINI))
    problems = shacl_problems(data, shapes, Locator(data.files))
    assert [(p.focus, p.message) for p in problems] == [
        ("<https://w3id.org/spacefilms/resource/test-film>", "must be in Russian")
    ]


@pytest.mark.filterwarnings("ignore:Serializing weird numerical")
def test_counts_above_one_find_what_pyshacl_finds(tmp_path: Path) -> None:
    """Bounds above one (n distinct values, looked up per focus node) and unique languages, on the broken fixture."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "\n".join(PREFIX_LINES)
        + """\n@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x-test:shape> a sh:NodeShape ; sh:targetClass schema:Movie , schema:Person , schema:Organization ;
            sh:property [ sh:path rdfs:label ; sh:minCount 3 ; sh:message "three labels" ] ,
                [ sh:path rdfs:label ; sh:maxCount 2 ; sh:message "two labels at most" ] ,
                [ sh:path rdfs:label ; sh:uniqueLang true ; sh:message "one label per language" ] ,
                [ sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "en" "fr" ) ] ; sh:qualifiedMinCount 2 ;
                  sh:message "two English or French labels" ] ."""
    )
    assert compile_shapes(shapes) is not None
    data = broken_data(tmp_path)
    locator = Locator(data.files)
    ours = shacl_problems(data, shapes, locator)
    assert ours == _pyshacl_problems(data, shapes, locator)
    film = [p.message for p in ours if p.focus == "<https://w3id.org/spacefilms/resource/fixture-film>"]
    assert sorted(film) == ["one label per language", "two labels at most"]
    assert {p.message for p in ours} == {
        "three labels",
        "two labels at most",
        "one label per language",
        "two English or French labels",
    }
