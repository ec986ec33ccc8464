"""`query money` names the kind of each page it cites for an amount, so that a secondary copy restating a budget is
flagged as one, never passed off as a source of its own (issue 25; issue 22: never cite a copy alone).

The build refuses a copy as the only page of an amount, and an amount is a blank node of its page's graph, so a copy's
restatement never matches the original's (store/ validation): the copy's graph is added to a published export here,
as a store built by other means (or an endpoint holding more graphs) would hold it, and read on a real Oxigraph server.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
from conftest import MINI, load_server_store

from spacefilms.core.backends import RemoteBackend
from spacefilms.core.layout import open_ox
from spacefilms.core.library import get_query
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.namespaces import MERGE_GRAPH, SOURCES_GRAPH
from spacefilms.store.build import build
from spacefilms.store.export import export

FACTS = """@prefix sf: <https://w3id.org/spacefilms/ontology#> .
@prefix sfr: <https://w3id.org/spacefilms/resource/> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{graph}> {{ sfr:test-film sf:budget [ a schema:MonetaryAmount ; schema:value "5000000"^^xsd:decimal ; schema:currency "USD" ] . }}
"""
COPY = "https://mirror.example/film"
DECLARED = f"""<{COPY}> a <https://w3id.org/spacefilms/ontology#Source> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "a mirror"@en ;
    <https://w3id.org/spacefilms/ontology#sourceKind> <https://w3id.org/spacefilms/ontology#SecondaryCopy> ."""


def test_a_copy_cited_for_an_amount_is_flagged(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    shutil.copytree(MINI, graph)
    (graph / "money.trig").write_text(FACTS.format(graph="https://example.org/test-source"), encoding="utf-8")
    build(graph, tmp_path / "store")
    dump = export(open_ox(tmp_path / "store"), "nq", tmp_path / "graph.nq")
    copied = list(ox.parse(FACTS.format(graph=COPY), format=ox.RdfFormat.TRIG))
    declared = list(ox.parse(DECLARED, format=ox.RdfFormat.TURTLE))
    extra = copied + [  # the copy's graph, its declaration, and both in the merge of all graphs
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
        for g in (SOURCES_GRAPH, MERGE_GRAPH)
        for t in (declared if g == SOURCES_GRAPH else [*declared, *copied])
    ]
    with dump.open("ab") as out:
        out.write(ox.serialize(extra, format=ox.RdfFormat.N_QUADS))
    load_server_store(tmp_path / "db", dump)
    with OxigraphServer(tmp_path / "db", read_only=True) as server:
        query = get_query("money")
        result = RemoteBackend(server.query_endpoint, timeout=300, default_graph=None).run(
            query.text, query.bind({"film": "sfr:test-film"})
        )
    column = {name: i for i, name in enumerate(result.variables)}
    kinds = {row[column["source"]].value: row[column["sourceKind"]].value for row in result.rows}
    assert kinds == {"https://example.org/test-source": "news agency or newspaper", COPY: "secondary copy"}
