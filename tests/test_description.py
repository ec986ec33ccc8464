"""The graph describes itself: the SPARQL service description on ``GET /query`` (Turtle or JSON-LD, as asked), and
the VoID description of the dataset there, beside an export and on the website, every number counted from the store."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from served import Served

from spacefilms.core.backends import LocalBackend
from spacefilms.store.description import DATASET, SD, VOID, count, void_turtle

DATASET_NODE = ox.NamedNode(DATASET)


@pytest.fixture(scope="module")
def served(built_store: Path) -> Iterator[Served]:
    server = Served(built_store)
    yield server
    server.stop()


def fetch(url: str, accept: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def objects(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def number(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> int:
    (value,) = objects(store, subject, predicate)
    return int(value.value)


def parsed(data: bytes, fmt: ox.RdfFormat, base: str | None = None) -> ox.Store:
    store = ox.Store()
    store.load(data, format=fmt, base_iri=base)
    return store


def check_void(description: ox.Store, local: LocalBackend, cli) -> None:
    """The VoID numbers are the store's: those `spacefilms stats` prints, and the entities counted here."""
    printed = cli("stats", "--sources").output
    assert number(description, DATASET_NODE, VOID + "triples") == int(re.search(r"^Triples: (\d+) ", printed, re.M).group(1))
    stats = local_stats(local)
    partitions = {
        objects(description, p, VOID + "class")[0].value: number(description, p, VOID + "entities")
        for p in objects(description, DATASET_NODE, VOID + "classPartition")
    }
    assert partitions == {iri: n for iri, _, n in stats.classes} and len(partitions) >= 15
    for _, label, n in stats.classes:
        assert re.search(rf"^  {re.escape(label)} +{n}$", printed, re.M)  # as `stats` prints each class
    kinds = {
        objects(description, s, "http://purl.org/dc/terms/type")[0].value: number(description, s, VOID + "triples")
        for s in objects(description, DATASET_NODE, VOID + "subset")
    }
    assert kinds and all(re.search(rf"^sf:{iri.rsplit('#', 1)[1]} .* {facts}$", printed, re.M) for iri, facts in kinds.items())
    sfr = "https://w3id.org/spacefilms/resource/"
    entities = local.select(
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?s), "{sfr}") }}'
    )
    assert number(description, DATASET_NODE, VOID + "entities") == int(entities.rows[0][0].value) > 100
    licenses = [o.value for o in objects(description, DATASET_NODE, "http://purl.org/dc/terms/license")]
    assert licenses == ["https://creativecommons.org/licenses/by/4.0/"]  # the ontology's


def local_stats(local: LocalBackend):
    from spacefilms.store.stats import graph_stats

    return graph_stats(local)


def test_get_query_without_a_query_describes_the_service(served: Served, local: LocalBackend, cli) -> None:
    status, media, body = fetch(served.endpoint, "text/turtle")
    assert (status, media) == (200, "text/turtle; charset=utf-8")
    description = parsed(body, ox.RdfFormat.TURTLE)
    (service,) = [q.subject for q in description.quads_for_pattern(None, None, ox.NamedNode(SD + "Service"))]
    assert objects(description, service, SD + "endpoint") == [ox.NamedNode(served.endpoint)]
    assert objects(description, service, SD + "supportedLanguage") == [ox.NamedNode(SD + "SPARQL11Query")]
    formats = {o.value.rsplit("/", 1)[1] for o in objects(description, service, SD + "resultFormat")}
    assert {
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
    } <= formats
    assert objects(description, service, SD + "defaultDataset") == [DATASET_NODE]
    (default,) = objects(description, DATASET_NODE, SD + "defaultGraph")
    assert number(description, default, VOID + "triples") == local_stats(local).triples
    graphs = {}
    for named in objects(description, DATASET_NODE, SD + "namedGraph"):
        (name,), (graph,) = objects(description, named, SD + "name"), objects(description, named, SD + "graph")
        graphs[name.value] = number(description, graph, VOID + "triples")
    in_store = local.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert graphs == {g.value: int(n.value) for g, n in in_store.rows} and len(graphs) > 300
    assert objects(description, DATASET_NODE, VOID + "sparqlEndpoint") == [ox.NamedNode(served.endpoint)]
    check_void(description, local, cli)
    # JSON-LD when asked for it: the same description
    status, media, body = fetch(served.endpoint, "application/ld+json")
    assert (status, media.split(";")[0]) == (200, "application/ld+json")
    assert len(parsed(body, ox.RdfFormat.JSON_LD)) == len(description)
    # no format it does not write; /sparql describes itself too, under its own name
    status, _, body = fetch(served.endpoint, "text/html")
    assert status == 406 and body.decode().startswith("cannot answer this CONSTRUCT query in 'text/html'; available: text/turtle")
    sparql = parsed(fetch(served.url + "sparql", "*/*")[2], ox.RdfFormat.TURTLE)
    assert [q.object for q in sparql.quads_for_pattern(None, ox.NamedNode(SD + "endpoint"), None)] == [
        ox.NamedNode(served.url + "sparql")
    ]


def test_an_export_carries_its_void_description(cli, local: LocalBackend, tmp_path: Path) -> None:
    result = cli("export", "-o", str(tmp_path / "graph.trig"))
    assert result.exit_code == 0 and result.output.strip().endswith(f"and its VoID description {tmp_path / 'graph.void.ttl'}")
    text = (tmp_path / "graph.void.ttl").read_bytes()
    assert b"void:dataDump <graph.trig>" in text  # relative: the two files move together
    description = parsed(text, ox.RdfFormat.TURTLE, base=(tmp_path / "graph.void.ttl").as_uri())
    assert objects(description, DATASET_NODE, VOID + "dataDump") == [ox.NamedNode((tmp_path / "graph.trig").as_uri())]
    assert objects(description, DATASET_NODE, VOID + "sparqlEndpoint") == []
    check_void(description, local, cli)


def test_the_description_follows_the_store(local: LocalBackend, tmp_path: Path) -> None:
    """Counted, not written down: a store with one fact more says one triple more."""
    from spacefilms.core.layout import named_quads

    store = ox.Store()
    store.extend(named_quads(local.store))
    before = count(LocalBackend(store)).stats.triples
    graph = ox.NamedNode("https://example.org/source")
    store.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/spacefilms/resource/x"), ox.NamedNode("http://schema.org/name"), ox.Literal("x"), graph
        )
    )
    after = parsed(void_turtle(LocalBackend(store)), ox.RdfFormat.TURTLE)
    assert number(after, DATASET_NODE, VOID + "triples") == before + 1
