"""Export: every format written, parseable and complete; a bad path changes nothing."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from spacefilms.core.layout import named_quads, open_ox, published_quads
from spacefilms.namespaces import MANIFEST_GRAPH, MERGE_GRAPH

FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_round_trips(cli, built_store: Path, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"graph.{fmt}"
    result = cli("export", "--format", fmt, "--output", str(output))
    assert result.exit_code == 0, result.stderr
    parsed = list(ox.parse(path=output, format=FORMATS[fmt]))
    store = open_ox(built_store)
    if FORMATS[fmt].supports_datasets:
        _assert_published_layout(parsed, store)
    else:
        distinct = {(t.subject, t.predicate, t.object) for t in parsed}
        expected = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }")))
        assert len(distinct) == int(expected["n"].value)
    if fmt == "jsonld":
        assert "@context" in json.loads(output.read_text())  # compact JSON-LD, not the expanded form


def _assert_published_layout(parsed: list[ox.Quad], store: ox.Store) -> None:
    """Every fact in its source's graph; their merge (each triple once) in the default graph and beside them."""
    named = [q for q in parsed if isinstance(q.graph_name, ox.NamedNode)]
    by_graph = {g: {q.triple for q in named if q.graph_name.value == g} for g in (MERGE_GRAPH, MANIFEST_GRAPH)}
    sources = [q for q in named if q.graph_name.value not in by_graph]
    default = [q.triple for q in parsed if isinstance(q.graph_name, ox.DefaultGraph)]
    assert set(sources) == set(named_quads(store)) and len(sources) == len(set(sources))
    assert by_graph[MERGE_GRAPH] == {q.triple for q in sources} == set(default)  # every format: the same dataset
    assert len(default) == len(set(default))
    assert len(by_graph[MANIFEST_GRAPH]) == len({q.graph_name for q in sources}) + 2  # its type, and the merge
    assert {q.graph_name.value for q in parsed if isinstance(q.graph_name, ox.NamedNode)} >= {
        "https://w3id.org/spacefilms/graph/ontology"
    }


def test_nquads_of_a_store_without_repeated_facts_hold_the_published_layout(tmp_path: Path) -> None:
    """A store whose graphs repeat no triple keeps no merge (queries read the union): the export writes the union
    as the merge, in the default graph and as the merge graph."""
    from synthetic import generate

    from spacefilms.core.layout import has_merged_default_graph
    from spacefilms.store.build import build
    from spacefilms.store.export import export

    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "synthetic.nq").write_bytes(ox.serialize(generate(3000), format=ox.RdfFormat.N_QUADS))
    build(tmp_path / "graph", tmp_path / "store")
    store = open_ox(tmp_path / "store")
    assert not has_merged_default_graph(store)
    output = export(store, "nq", tmp_path / "graph.nq")
    _assert_published_layout(list(ox.parse(path=output, format=ox.RdfFormat.N_QUADS)), store)


def test_export_to_unwritable_path_fails_cleanly(cli, tmp_path: Path) -> None:
    existing = tmp_path / "keep.ttl"
    existing.write_text("# previous export\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    # (the tests run as root on CI, so a chmod-ed folder would still be writable: use paths no one can write)
    for target in (existing / "graph.ttl", tmp_path / "missing-dir" / "graph.ttl"):
        result = cli("export", "--format", "ttl", "--output", str(target))
        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: {target}: cannot write here"), result.stderr
    result = cli("export", "--format", "ttl", "--output", str(tmp_path))
    assert result.exit_code != 0
    assert existing.read_text() == "# previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_export_over_existing_file_replaces_it_whole(cli, tmp_path: Path) -> None:
    output = tmp_path / "graph.nt"
    output.write_text("old")
    assert cli("export", "--format", "nt", "--output", str(output)).exit_code == 0
    assert output.read_text() != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt", "graph.void.ttl"]  # no temporary file left


def test_the_format_follows_the_file_name(cli, tmp_path: Path) -> None:
    from rdflib import Graph

    turtle = tmp_path / "graph.ttl"
    assert cli("export", "-o", str(turtle)).exit_code == 0
    assert len(Graph().parse(turtle, format="turtle")) > 1000  # Turtle, not TriG, in a .ttl file
    turtle.write_text("kept", encoding="utf-8")
    clash = cli("export", "-o", str(turtle), "--format", "trig")
    assert clash.exit_code == 1 and "ends in .ttl (ttl) but --format trig" in clash.stderr
    assert turtle.read_text(encoding="utf-8") == "kept"
    unknown = cli("export", "-o", str(tmp_path / "graph.rdf"))
    assert unknown.exit_code == 1 and "cannot tell the format" in unknown.stderr and not (tmp_path / "graph.rdf").exists()


def test_json_ld_has_a_context_of_the_project_prefixes(cli, built_store: Path, tmp_path: Path) -> None:
    from rdflib import Dataset

    output = tmp_path / "graph.jsonld"
    assert cli("export", "-o", str(output)).exit_code == 0
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["@context"]["schema"] == "http://schema.org/" and document["@context"]["sfr"].endswith("/resource/")
    assert '"schema:director"' in output.read_text(encoding="utf-8")
    parsed = Dataset().parse(output, format="json-ld")
    assert len(list(parsed.quads())) == len(published_quads(named_quads(open_ox(built_store)), default_graph=True))


def test_every_dataset_format_holds_the_same_dataset(cli, tmp_path: Path) -> None:
    parsed = {}
    for fmt in ("trig", "nq", "jsonld"):
        output = tmp_path / f"graph.{fmt}"
        assert cli("export", "-o", str(output)).exit_code == 0
        quads = list(ox.parse(path=output, format=FORMATS[fmt]))
        parsed[fmt] = (len(quads), sum(isinstance(q.graph_name, ox.DefaultGraph) for q in quads))
    assert parsed["trig"] == parsed["nq"] == parsed["jsonld"] and parsed["trig"][1] > 1000, parsed


def test_blank_nodes_nested_too_deep_for_json_ld_are_one_line(tmp_path: Path) -> None:
    from spacefilms.errors import SpacefilmsError
    from spacefilms.store.export import export

    store, nodes = ox.Store(), [ox.BlankNode() for _ in range(100_000)]
    graph, link = ox.NamedNode("https://w3id.org/spacefilms/graph/x"), ox.NamedNode("http://schema.org/about")
    store.extend([ox.Quad(ox.NamedNode("http://e/s"), link, nodes[0], graph)])
    store.extend(ox.Quad(a, link, b, graph) for a, b in itertools.pairwise(nodes))
    output = tmp_path / "deep.jsonld"
    with pytest.raises(SpacefilmsError, match="nested too deep for the JSON-LD writer; export to TriG or N-Quads"):
        export(store, "jsonld", output)
    assert list(tmp_path.iterdir()) == []
    assert len(list(ox.parse(path=export(store, "nq", tmp_path / "deep.nq"), format=ox.RdfFormat.N_QUADS))) > 100_000
