"""``spacefilms push`` into a second, writable ``oxigraph`` server over each protocol: the published layout read
back (every graph, the merge, the manifest), atomic replacement, failures half-way (a killed server, a cut upload)
that leave the previous version in place, a Graph Store push resumed from its journal."""

from __future__ import annotations

import re
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINI
from engines.compare import rows
from fault_proxy import FaultProxy, status

from spacefilms.core.backends import LocalBackend, RemoteBackend
from spacefilms.core.layout import open_ox
from spacefilms.core.library import get_query
from spacefilms.endpoints.graph_store import journal_path
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.endpoints.pushing import MANIFEST_GRAPH, MERGE_GRAPH, STAGING_BASE, Endpoint, Remote, push
from spacefilms.errors import SpacefilmsError
from spacefilms.store.build import build
from spacefilms.store.stats import graph_stats


@pytest.fixture(scope="module")
def mini_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second, different version of the graph: the tiny test fixture graph."""
    return build(MINI, tmp_path_factory.mktemp("mini") / "store").store


@pytest.fixture()
def target(tmp_path: Path) -> Iterator[OxigraphServer]:
    """An empty, writable ``oxigraph serve`` on 127.0.0.1: the external store we push to."""
    with OxigraphServer(tmp_path / "target") as server:
        yield server


def update_endpoint(server: OxigraphServer) -> Endpoint:
    return Endpoint(server.update_endpoint, "update", server.query_endpoint)


def graph_size(server: OxigraphServer, graph: str = MERGE_GRAPH) -> int:
    return Remote(update_endpoint(server)).graph_sizes([graph])[graph]


def staging_graphs(server: OxigraphServer) -> list[dict[str, str]]:
    return Remote(update_endpoint(server)).select(
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} FILTER (STRSTARTS(STR(?g), "{STAGING_BASE}")) }}'
    )


def graphs_on(server: OxigraphServer) -> set[str]:
    return {row["g"] for row in Remote(update_endpoint(server)).select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}


def test_update_push_replaces_the_previous_version(target: OxigraphServer, built_store: Path, mini_store: Path) -> None:
    first = push(open_ox(mini_store), update_endpoint(target), batch_size=50)
    assert first.requests > 1
    assert graph_size(target) == graph_stats(LocalBackend(mini_store)).triples
    second = push(open_ox(built_store), update_endpoint(target))
    assert graph_size(target) == graph_stats(LocalBackend(built_store)).triples
    assert staging_graphs(target) == [] and graphs_on(target) == set(second.graphs)
    assert set(first.graphs) - set(second.graphs) == set(second.dropped) and second.dropped


def test_graph_store_protocol_push_keeps_every_graph(target: OxigraphServer, built_store: Path, mini_store: Path) -> None:
    gsp = Endpoint(target.store_endpoint, "gsp", target.query_endpoint)
    push(open_ox(mini_store), gsp)
    report = push(open_ox(built_store), gsp)
    assert report.requests == len(report.graphs) and len(report.graphs) > 100
    assert graphs_on(target) == set(report.graphs) and report.dropped
    assert graph_size(target) == graph_stats(LocalBackend(built_store)).triples
    members = Remote(gsp).manifest_members()
    assert members == set(report.graphs) - {MANIFEST_GRAPH}


@pytest.mark.system  # starts a server itself
def test_dataset_push_replaces_the_whole_store(tmp_path: Path, built_store: Path, mini_store: Path) -> None:
    with OxigraphServer(tmp_path / "target", union_default_graph=False) as target:
        dataset = Endpoint(target.store_endpoint, "dataset", target.query_endpoint)
        push(open_ox(mini_store), dataset)
        report = push(open_ox(built_store), dataset)
        assert report.requests == 1 and graphs_on(target) == set(report.graphs) and report.dropped
        merge = graph_stats(LocalBackend(built_store)).triples  # in the default graph too: read there as locally
        assert report.statements == sum(Remote(dataset).graph_sizes(report.graphs).values()) + merge
        assert Remote(dataset).select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": str(merge)}]
        remote = RemoteBackend(target.query_endpoint)
        assert remote.mode() == "own" and graph_stats(remote).quads == graph_stats(LocalBackend(built_store)).quads


def test_an_interrupted_graph_store_push_resumes_from_its_journal(
    target: OxigraphServer, built_store: Path, tmp_path: Path
) -> None:
    gsp = Endpoint(target.store_endpoint, "gsp", target.query_endpoint)
    journal = journal_path(tmp_path, gsp.url)

    def crash(message: str) -> None:
        if message.startswith("graphs ") and not message.startswith("graphs 1/"):
            raise KeyboardInterrupt  # the process dies half-way

    with pytest.raises(KeyboardInterrupt):
        push(open_ox(built_store), gsp, progress=crash, journal=journal)
    sent = len(journal.read_text(encoding="utf-8").splitlines())
    assert sent > 1 and MANIFEST_GRAPH not in graphs_on(target)
    lines: list[str] = []
    report = push(open_ox(built_store), gsp, progress=lines.append, journal=journal)
    assert report.skipped == sent and report.requests == len(report.graphs) - sent
    assert lines[0] == f"resuming: {sent} graph(s) in the journal {journal}" and not journal.exists()
    assert graphs_on(target) == set(report.graphs) and graph_size(target) == graph_stats(LocalBackend(built_store)).triples


def test_blank_nodes_stay_whole_across_batches(target: OxigraphServer, built_store: Path) -> None:
    """Budgets are blank nodes with a value and a currency: tiny batches must not split them."""
    push(open_ox(built_store), update_endpoint(target), batch_size=7)
    query = """SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?film <https://w3id.org/spacefilms/ontology#budget> ?b .
               ?b <http://schema.org/value> ?v ; <http://schema.org/currency> ?c } FILTER (?g != <%s>) }"""
    local = next(iter(open_ox(built_store).query(query % MERGE_GRAPH)))[0].value
    assert int(local) > 0
    # in the source graphs, and in the merge (the same blank nodes, pushed in the same requests)
    assert Remote(update_endpoint(target)).select(query % MERGE_GRAPH) == [{"n": local}]
    assert Remote(update_endpoint(target)).select(query % "urn:x-none") == [{"n": str(2 * int(local))}]


def test_the_bundled_queries_run_unchanged_after_a_push(target: OxigraphServer, built_store: Path) -> None:
    push(open_ox(built_store), update_endpoint(target), batch_size=1000)
    remote = RemoteBackend(target.query_endpoint, timeout=300)
    local = LocalBackend(built_store)
    for name in ("source-counts", "flight-crews", "facts-about", "source-disagreements"):
        query = get_query(name)
        answers = [rows(backend.select(query.text, query.bind({})), query.text)[1] for backend in (remote, local)]
        assert answers[0] and answers[0] == answers[1], name  # GROUP_CONCAT items in any order, blank nodes alike


@pytest.mark.system  # starts a server itself
def test_server_killed_half_way_keeps_the_previous_version(tmp_path: Path, built_store: Path, mini_store: Path) -> None:
    location = tmp_path / "target"
    with OxigraphServer(location) as server:
        push(open_ox(mini_store), update_endpoint(server))
        before = graph_size(server)

        def kill_after_two_batches(message: str) -> None:
            if message.startswith("batch 2/"):
                server.process.send_signal(signal.SIGKILL)
                server.process.wait()

        with pytest.raises(SpacefilmsError, match="push failed, the store keeps its previous version"):
            push(open_ox(built_store), update_endpoint(server), batch_size=200, progress=kill_after_two_batches)
    with OxigraphServer(location, port=server.port) as restarted:
        assert graph_size(restarted) == before
        assert len(staging_graphs(restarted)) > 1  # the dead push's staging graphs, never moved in
        push(open_ox(built_store), update_endpoint(restarted))  # the next push clears it
        assert staging_graphs(restarted) == []
        assert graph_size(restarted) == graph_stats(LocalBackend(built_store)).triples


@pytest.mark.system  # starts a server itself
def test_a_server_killed_during_parallel_puts_leaves_a_true_journal(tmp_path: Path, built_store: Path, mini_store: Path) -> None:
    """Several PUTs are under way when the store dies: the journal lists exactly graphs the store took, the manifest
    stays the previous one, and the push resumed on the restarted store completes."""
    location = tmp_path / "target"
    with OxigraphServer(location) as server:
        gsp = Endpoint(server.store_endpoint, "gsp", server.query_endpoint, timeout=60)
        before = set(push(open_ox(mini_store), gsp).graphs)
        journal = journal_path(tmp_path, gsp.url)
        progress: list[str] = []

        def kill_after_three_progress_lines(message: str) -> None:
            progress.append(message)
            if len(progress) == 3:
                server.process.send_signal(signal.SIGKILL)
                server.process.wait()

        with pytest.raises(SpacefilmsError, match=r"push stopped at graph \d+/\d+ <[^>]+>: it and the graphs not sent"):
            push(open_ox(built_store), gsp, progress=kill_after_three_progress_lines, journal=journal, jobs=4)
    journaled = [line.split("\t")[1] for line in journal.read_text(encoding="utf-8").splitlines()]
    assert len(journaled) > 2
    with OxigraphServer(location, port=server.port) as restarted:
        gsp = Endpoint(restarted.store_endpoint, "gsp", restarted.query_endpoint, timeout=60)
        assert Remote(gsp).manifest_members() == before - {MANIFEST_GRAPH}
        taken = Remote(gsp).graph_sizes(journaled)
        report = push(open_ox(built_store), gsp, journal=journal, jobs=4)
        assert report.skipped == len(journaled) and graphs_on(restarted) == set(report.graphs)
        assert Remote(gsp).graph_sizes(journaled) == taken and all(taken.values())


def test_a_put_the_store_failed_is_sent_again(target: OxigraphServer, built_store: Path) -> None:
    """Virtuoso fails one of several PUTs at once with HTTP 500 (SR197) on a busy machine: a PUT replaces its graph
    whole, so it is sent again and the push completes."""
    with FaultProxy(f"http://{target.host}:{target.port}") as proxy:
        proxy.plan(status(500), status(500))  # the first PUT fails twice (queries go to the store directly)
        report = push(open_ox(built_store), Endpoint(proxy.store_endpoint, "gsp", target.query_endpoint), jobs=1)
    assert [(seen.method, seen.fault) for seen in proxy.seen[:3]] == [("PUT", "500"), ("PUT", "500"), ("PUT", "pass")]
    assert graphs_on(target) == set(report.graphs)
    assert graph_size(target) == graph_stats(LocalBackend(built_store)).triples


class CutUpload:
    """A loopback relay that forwards a request with only half of its body, then hangs up (a dropped upload)."""

    def __init__(self, upstream: OxigraphServer) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._relay, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/store"

    def _relay(self) -> None:
        client, _ = self.listener.accept()
        self.listener.close()  # the PUT sent again finds no store: refused at once, not waited for
        with client, socket.create_connection((self.upstream.host, self.upstream.port)) as server:
            data = b""
            while b"\r\n\r\n" not in data:
                data += client.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
            while len(body) < length:
                body += client.recv(65536)
            server.sendall(head + b"\r\n\r\n" + body[: length // 2])

    def close(self) -> None:
        self.listener.close()


def test_cut_upload_keeps_the_previous_version(target: OxigraphServer, built_store: Path, mini_store: Path) -> None:
    before = push(open_ox(mini_store), update_endpoint(target))
    relay = CutUpload(target)
    try:
        with pytest.raises(SpacefilmsError, match=r"push stopped at graph 1/\d+ <[^>]+>: it and the graphs not sent yet keep"):
            push(open_ox(built_store), Endpoint(relay.url, "gsp", target.query_endpoint, timeout=10), jobs=1)
    finally:
        relay.close()
    assert graphs_on(target) == set(before.graphs)
    assert graph_size(target) == graph_stats(LocalBackend(mini_store)).triples


def test_push_command(cli, target: OxigraphServer, built_store: Path) -> None:
    result = cli("push", "--endpoint", target.update_endpoint, "--query-endpoint", target.query_endpoint)
    assert result.exit_code == 0, result.stderr
    assert re.match(rf"Pushed \d+ quads in {len(graphs_on(target))} graphs to {target.update_endpoint} with", result.stdout)
    assert graph_size(target) == graph_stats(LocalBackend(built_store)).triples
    assert "swapping" in result.stderr


def test_push_command_over_the_graph_store_protocol_and_as_a_dataset(cli, target: OxigraphServer, built_store: Path) -> None:
    query = ("--query-endpoint", target.query_endpoint)
    gsp = cli("push", "--protocol", "gsp", "--endpoint", target.store_endpoint, *query)
    assert gsp.exit_code == 0 and re.search(r"graphs \d+/\d+: \d+ triples", gsp.stderr) and " graphs to " in gsp.stdout, (
        gsp.stderr
    )
    assert not list(built_store.parent.glob("push-journal-*"))  # a push that completes leaves no journal
    dataset = cli("push", "--protocol", "dataset", "--endpoint", target.store_endpoint, *query)
    assert dataset.exit_code == 0 and "with 1 request(s)" in dataset.stdout, dataset.stderr
    assert graph_size(target) == graph_stats(LocalBackend(built_store)).triples


def test_push_to_nowhere_is_one_clear_error(cli) -> None:
    result = cli("push", "--endpoint", "http://127.0.0.1:9/update")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: http://127.0.0.1:9/update: request failed")


def test_a_graph_name_cannot_carry_update_text(
    target: OxigraphServer, built_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every graph name goes into update text: each is checked as an IRI before any request (pyoxigraph already
    refuses such names in a store; this is the second guard)."""
    import spacefilms.endpoints.pushing as pushing

    other = Remote(update_endpoint(target))
    other.update("INSERT DATA { GRAPH <urn:x-test:another-team> { <urn:a> <urn:b> <urn:c> } }")
    hostile = "urn:x> ; DROP ALL ; INSERT DATA { GRAPH <urn:y> { <urn:s> <urn:p> <urn:o> } } ; DROP SILENT GRAPH <urn:y"
    monkeypatch.setattr(pushing, "by_graph", lambda quads: {hostile: []})
    with pytest.raises(SpacefilmsError, match="is not a valid IRI"):
        push(open_ox(built_store), update_endpoint(target))
    assert graph_size(target, "urn:x-test:another-team") == 1  # nothing was dropped


def test_a_wrong_answer_from_the_target_is_one_line(cli, target: OxigraphServer) -> None:
    from fault_proxy import FaultProxy, answer

    wrong = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}'
    with FaultProxy(target.query_endpoint) as proxy:
        proxy.always(answer(wrong))
        result = cli("push", "--endpoint", target.update_endpoint, "--query-endpoint", proxy.query_endpoint)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("error: ") and "the store's answer lacks g" in result.stderr
