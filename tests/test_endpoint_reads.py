"""Every command that reads the graph reads it as well from a real SPARQL server (``oxigraph serve`` on 127.0.0.1
holding the export) as from the local store: one backend interface behind all of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_server_store

from spacefilms.core.backends import LocalBackend, RemoteBackend
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.store.stats import graph_stats
from spacefilms.wikidata.linking import curated_entities

pytestmark = pytest.mark.system  # every test here reads a real oxigraph server


def test_curated_entities_are_the_same_from_the_endpoint(exported_server: OxigraphServer, local: LocalBackend) -> None:
    remote = curated_entities(RemoteBackend(exported_server.query_endpoint, timeout=60))
    assert remote == curated_entities(local) and len(remote) > 50


def test_stats_count_the_same_from_the_endpoint(exported_server: OxigraphServer, local: LocalBackend) -> None:
    remote, here = graph_stats(RemoteBackend(exported_server.query_endpoint, timeout=60)), graph_stats(local)
    assert (remote.quads, remote.triples, remote.sources, remote.classes) == (
        here.quads,
        here.triples,
        here.sources,
        here.classes,
    )


def test_conflicts_from_the_endpoint(cli, exported_server: OxigraphServer) -> None:
    result = cli("conflicts", "--format", "csv", "--endpoint", exported_server.query_endpoint)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "entity,property,curated,curatedSources,wikidata,wikidataGraphs"


def test_diagram_from_the_endpoint_draws_what_the_store_draws(cli, exported_server: OxigraphServer, tmp_path: Path) -> None:
    args = ["diagram", "--focus", "sfr:oleg-novitsky", "--date", "2026-01-01"]
    remote = cli(*args, "-o", str(tmp_path / "remote.graphml"), "--endpoint", exported_server.query_endpoint)
    local = cli(*args, "-o", str(tmp_path / "local.graphml"))
    assert remote.exit_code == 0 and local.exit_code == 0, remote.output + local.output
    drawn = (tmp_path / "remote.graphml").read_text(encoding="utf-8")
    # the same nodes and edges; the endpoint may list the quads in another order (the graphs named one by one)
    assert sorted(drawn.splitlines()) == sorted((tmp_path / "local.graphml").read_text(encoding="utf-8").splitlines())
    assert "Soyuz MS-18" in drawn


def test_link_and_discover_read_the_curated_graph_from_the_endpoint(
    cli, exported_server: OxigraphServer, wikidata_server: OxigraphServer, tmp_path: Path
) -> None:
    links = tmp_path / "links.tsv"
    common = ["--endpoint", wikidata_server.query_endpoint, "--graph-endpoint", exported_server.query_endpoint]
    linked = cli("link", *common, "--links", str(links))
    assert linked.exit_code in (0, 1) and links.is_file(), linked.output
    assert "wd:Q963226" in links.read_text(encoding="utf-8") or "Q963226" in links.read_text(encoding="utf-8")
    found = cli("discover", *common, "--links", str(links))
    assert found.exit_code == 0, found.output
    assert "candidate(s)" in found.stdout


def test_a_dead_endpoint_is_one_line_for_every_reading_command(cli, tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/query"
    for args in (["conflicts"], ["stats"], ["diagram", "film-world", "-o", str(tmp_path / "x.svg")]):
        result = cli(*args, "--endpoint", url, "--timeout", "5")
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert result.exit_code == 1 and errors == [result.stderr.splitlines()[-1]] and url in errors[0], (args, result.output)
    assert not (tmp_path / "x.svg").exists()


def test_export_from_the_endpoint_keeps_every_source_graph(cli, exported_server: OxigraphServer, tmp_path: Path) -> None:
    import pyoxigraph as ox

    remote = cli("export", "--format", "nq", "-o", str(tmp_path / "remote.nq"), "--endpoint", exported_server.query_endpoint)
    local = cli("export", "--format", "nq", "-o", str(tmp_path / "local.nq"))
    assert remote.exit_code == 0 and local.exit_code == 0, remote.output + local.output

    def ground(path: Path) -> tuple[set, int]:
        quads = list(ox.parse(path=path, format=ox.RdfFormat.N_QUADS))
        return {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}, len(
            quads
        )

    assert ground(tmp_path / "remote.nq") == ground(tmp_path / "local.nq")


def test_an_empty_answer_says_why(cli, built_store: Path, tmp_path: Path) -> None:
    """A server holding only the source graphs (no merge graph, no manifest): the answer is empty, and stderr says
    why and what to do; its own default graph, when it is the union, answers."""
    import pyoxigraph as ox

    from spacefilms.core.layout import named_quads, open_ox

    dump = tmp_path / "sources-only.nq"
    dump.write_bytes(ox.serialize(list(named_quads(open_ox(built_store))), format=ox.RdfFormat.N_QUADS))
    load_server_store(tmp_path / "db", dump)
    with OxigraphServer(tmp_path / "db", read_only=True, union_default_graph=False) as bare:
        result = cli("query", "cast", "--endpoint", bare.query_endpoint)
        conflicts = cli("conflicts", "--endpoint", bare.query_endpoint)
        own = cli("query", "cast", "--endpoint", bare.query_endpoint, "--default-graph", "")
    assert result.exit_code == 0 and "(0 rows)" in result.stdout
    expected = (
        "hint: the endpoint's default graph is empty: read from <https://w3id.org/spacefilms/graph/all> (default-graph-uri)"
    )
    assert expected in result.stderr and "`spacefilms push`" in result.stderr and "--default-graph ''" in result.stderr
    assert "hint: the endpoint's default graph is empty" in conflicts.stderr
    assert "hint: the endpoint's default graph is empty: read from the endpoint's own default graph" in own.stderr
    with OxigraphServer(tmp_path / "db", read_only=True) as union:
        # its own default graph holds the spacefilms graph and no manifest: read as it is (the union, as before)
        answered = cli("query", "cast", "--endpoint", union.query_endpoint)
    assert "Yulia Peresild" in answered.stdout and "hint:" not in answered.stderr
    unknown = cli("query", "cast", "-p", "film=sfr:the-chalenge")
    assert "hint: no such entity sfr:the-chalenge (parameter 'film'); did you mean sfr:the-challenge" in unknown.stderr
    assert "no Wikidata facts in this graph yet" in cli("conflicts").stderr
    assert cli("query", "cast").stderr == ""  # an answer with rows needs no hint


def test_a_server_without_a_manifest_says_so(cli, built_store: Path, tmp_path: Path) -> None:
    """The merge graph without the manifest (and no merge in the default graph): facts answer, provenance cannot,
    and the hint says why."""
    import pyoxigraph as ox

    from spacefilms.core.layout import named_quads, open_ox, published_quads
    from spacefilms.namespaces import MANIFEST_GRAPH

    quads = [q for q in published_quads(named_quads(open_ox(built_store))) if q.graph_name.value != MANIFEST_GRAPH]
    dump = tmp_path / "no-manifest.nq"
    dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    load_server_store(tmp_path / "db", dump)
    with OxigraphServer(tmp_path / "db", read_only=True, union_default_graph=False) as server:
        result = cli("query", "cast", "--endpoint", server.query_endpoint)
        facts = cli("query", "people-in-space", "--endpoint", server.query_endpoint)
    assert "(0 rows)" in result.stdout and f"hint: the endpoint has no manifest graph <{MANIFEST_GRAPH}>" in result.stderr
    assert "Yulia Peresild" in facts.stdout


def test_a_graph_named_in_a_query_reads_the_same_as_a_variable(local: LocalBackend) -> None:
    """For Virtuoso (see RemoteBackend's notes) a ``GRAPH <iri>`` is sent as ``VALUES ?v { <iri> } GRAPH ?v``: the
    same answer, without the added variable."""
    from spacefilms.core.backends import _graphs_as_variables
    from spacefilms.core.library import get_query

    text = get_query("source-kinds").text
    rewritten, added = _graphs_as_variables(text)
    assert added == [f"spacefilmsGraph{n}" for n in range(text.count("GRAPH <"))] and added and "GRAPH <" not in rewritten
    assert local.select(rewritten).rows == local.select(text).rows and local.select(text).rows


def test_a_malformed_answer_is_one_line_for_every_reading_command(cli, exported_server: OxigraphServer) -> None:
    """Answers are read by pyoxigraph's results parser, whole, before use: nested JSON, wrong term shapes, HTML."""
    from fault_proxy import FaultProxy, answer

    hostile = [
        b'{"head": {"vars": ["a"]}, "results": {"bindings": [' + b'{"a": ' * 20000 + b"1" + b"}" * 20000 + b"]}}",
        b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "literal", "value": 1}}]}}',
        b"<html><body>Service Unavailable</body></html>",
    ]
    with FaultProxy(exported_server.url) as proxy:
        for body in hostile:
            proxy.reset()
            proxy.always(answer(body))
            for args in (["query", "cast"], ["stats"]):
                result = cli(*args, "--endpoint", proxy.query_endpoint)
                lines = result.output.strip().splitlines()
                assert result.exit_code == 1 and "not SPARQL JSON results" in lines[-1], result.output
                assert "Traceback" not in result.output and "RecursionError" not in result.output
