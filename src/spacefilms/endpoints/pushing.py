"""``spacefilms push``: copy the built graph into an external triple store over the SPARQL 1.1 standards.

Two ways in, whichever the store speaks:

* SPARQL 1.1 Update (``protocol="update"``): the data goes in batches of inserts into a fresh staging
  graph, the staging graph's triple count is checked, and one ``MOVE`` request puts it in place of the target.
  Until that last request the target is untouched; the swap is atomic where the store runs one update request
  atomically (Oxigraph does).
* SPARQL 1.1 Graph Store Protocol (``protocol="gsp"``): one ``PUT`` of the whole graph to the target, which the
  store replaces as a whole (a cut or broken upload leaves the previous version).

How the source graphs map: by default the union of every graph (each triple once) goes into one target named
graph. With ``keep_graphs`` every graph keeps its own name (the source page URL, the ontology, sources and build
graphs), so the bundled queries run unchanged against the target; this needs SPARQL Update, and all graphs are
swapped in one request. A manifest graph lists what was pushed, so the next push drops graphs that are gone.
Blank nodes stay whole: every statement that shares a blank node travels in the same request, and a batch with blank
nodes is sent as ``INSERT { … } WHERE { }`` (same meaning; some stores, Virtuoso among them, refuse blank nodes
in ``INSERT DATA``).
"""

from __future__ import annotations

import contextlib
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import GRAPH_BASE, PROV, RDF
from spacefilms.querying.library import to_term
from spacefilms.querying.results import json_results
from spacefilms.store.ondisk import named_quads

DEFAULT_GRAPH = GRAPH_BASE + "all"
MANIFEST_GRAPH = GRAPH_BASE + "push-manifest"
STAGING_BASE = GRAPH_BASE + "staging/"
PROTOCOLS = ("update", "gsp")
AUTH_SCHEMES = ("basic", "digest")

Progress = Callable[[str], None]
Statement = ox.Triple | ox.Quad


@dataclass
class Endpoint:
    """Where and how to reach the external store."""

    url: str  # the SPARQL Update endpoint, or the Graph Store Protocol endpoint with protocol="gsp"
    protocol: str = "update"
    query_url: str | None = None  # SPARQL query endpoint used to count triples [default: url]
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 300.0


@dataclass
class PushReport:
    """What a push put where."""

    graphs: list[str]
    statements: int  # triples (one target graph) or quads (--keep-graphs, manifest included)
    batches: int
    dropped: list[str]
    seconds: float


class Remote:
    """HTTP calls to one external store through the project's transport: SPARQL updates, counting queries, Graph
    Store PUTs. Credentials go only to the store's own origin (never on after a redirect elsewhere)."""

    def __init__(self, endpoint: Endpoint) -> None:
        from spacefilms.http import Transport

        if endpoint.protocol not in PROTOCOLS:
            raise SpacefilmsError(f"unknown protocol {endpoint.protocol!r}; use one of {', '.join(PROTOCOLS)}")
        if endpoint.auth not in AUTH_SCHEMES:
            raise SpacefilmsError(f"unknown auth scheme {endpoint.auth!r}; use one of {', '.join(AUTH_SCHEMES)}")
        self.endpoint = endpoint
        credentials = (endpoint.user, endpoint.password or "") if endpoint.user is not None else None
        self.transport = Transport(
            timeout=endpoint.timeout, credentials=credentials, auth_scheme=endpoint.auth, headers=dict(endpoint.headers)
        )

    def _call(self, method: str, url: str, body: bytes | None, content_type: str | None, accept: str | None = None) -> bytes:
        headers = {name: value for name, value in (("Content-Type", content_type), ("Accept", accept)) if value}
        return self.transport.send(method, url, content=body, headers=headers).body

    def update(self, text: str) -> None:
        self._call("POST", self.endpoint.url, text.encode("utf-8"), "application/sparql-update")

    def select(self, text: str) -> list[dict[str, str]]:
        """Rows of a SELECT query as plain strings; every row must bind every variable the query projects (an
        answer that does not is an error, never a row to misread)."""
        url = self.endpoint.query_url or self.endpoint.url
        body = urllib.parse.urlencode({"query": text}).encode()
        data = self._call("POST", url, body, "application/x-www-form-urlencoded", "application/sparql-results+json")
        rows = [
            {name: value["value"] for name, value in row.items()}
            for row in json_results(data, url).get("results", {}).get("bindings", [])
        ]
        wanted = set(re.findall(r"\?(\w+)", text.split("WHERE", 1)[0]))
        for row in rows:
            if not wanted <= set(row):
                raise SpacefilmsError(f"the store's answer lacks {', '.join(sorted(wanted - set(row)))}: {row}", url)
        return rows

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        separator = "&" if "?" in self.endpoint.url else "?"
        url = f"{self.endpoint.url}{separator}{urllib.parse.urlencode({'graph': graph})}"
        self._call("PUT", url, ntriples, "application/n-triples")

    def graph_sizes(self, graphs: Iterable[str]) -> dict[str, int]:
        """How many triples each of ``graphs`` holds on the store (absent graphs: 0)."""
        names = list(graphs)
        sizes = dict.fromkeys(names, 0)
        for chunk in (names[i : i + 200] for i in range(0, len(names), 200)):
            values = " ".join(f"<{name}>" for name in chunk)
            query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
            for row in self.select(query):
                if "g" not in row or not row.get("n", "").isdigit():
                    raise SpacefilmsError(
                        f"the store's answer to a count has no graph and number: {row}",
                        self.endpoint.query_url or self.endpoint.url,
                    )
                sizes[row["g"]] = int(row["n"])
        return sizes


def _blank_nodes(statement: Statement) -> list[ox.BlankNode]:
    terms = [statement.subject, statement.object] + ([statement.graph_name] if isinstance(statement, ox.Quad) else [])
    return [term for term in terms if isinstance(term, ox.BlankNode)]


def batches(statements: Sequence[Statement], size: int) -> list[list[Statement]]:
    """Split ``statements`` into batches of about ``size``; statements linked by blank nodes stay together."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for statement in statements:
        nodes = _blank_nodes(statement)
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    groups: dict[object, list[Statement]] = {}
    for index, statement in enumerate(statements):
        nodes = _blank_nodes(statement)
        groups.setdefault(root(nodes[0]) if nodes else index, []).append(statement)
    out: list[list[Statement]] = [[]]
    for group in groups.values():
        if out[-1] and len(out[-1]) + len(group) > size:
            out.append([])
        out[-1].extend(group)
    return [batch for batch in out if batch]


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    return (ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _insert(batch: list[Statement], graph_of: Callable[[Statement], str]) -> str:
    """One update adding ``batch``: ``INSERT DATA``, or ``INSERT … WHERE {}`` when it has blank nodes."""
    by_graph: dict[str, list[ox.Triple]] = {}
    for statement in batch:
        by_graph.setdefault(graph_of(statement), []).append(statement.triple if isinstance(statement, ox.Quad) else statement)
    blocks = "".join(f"GRAPH <{graph}> {{\n{_ntriples(triples)}}}\n" for graph, triples in by_graph.items())
    if any(_blank_nodes(statement) for statement in batch):
        return f"INSERT {{\n{blocks}}} WHERE {{ }}"
    return f"INSERT DATA {{\n{blocks}}}"


def _graph_name(quad: ox.Quad) -> str:
    if not isinstance(quad.graph_name, ox.NamedNode):
        raise SpacefilmsError("the store has statements outside any named graph; --keep-graphs cannot name them")
    return quad.graph_name.value


def _manifest(graphs: Iterable[str]) -> list[ox.Quad]:
    manifest = ox.NamedNode(MANIFEST_GRAPH)
    member = ox.NamedNode(str(PROV.hadMember))
    quads = [ox.Quad(manifest, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PROV.Collection)), manifest)]
    return quads + [ox.Quad(manifest, member, ox.NamedNode(g), manifest) for g in graphs]


def push(
    store: ox.Store,
    endpoint: Endpoint,
    graph: str = DEFAULT_GRAPH,
    keep_graphs: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> PushReport:
    """Copy ``store`` to ``endpoint``, replacing the previous version; on failure the previous version stays."""
    started = time.perf_counter()
    graph = str(to_term(graph, "iri", "--graph"))  # checked like a query parameter: it goes into Update text
    remote = Remote(endpoint)
    say = progress or (lambda message: None)
    if endpoint.protocol == "update":
        _drop_leftovers(remote, say)
    if keep_graphs:
        if endpoint.protocol != "update":
            raise SpacefilmsError("--keep-graphs swaps many graphs at once and needs SPARQL Update (--protocol update)")
        report = _push_graphs(store, remote, batch_size, say)
    elif endpoint.protocol == "gsp":
        report = _push_union_gsp(store, remote, graph, say)
    else:
        report = _push_union_update(store, remote, graph, batch_size, say)
    report.seconds = time.perf_counter() - started
    return report


def _drop_leftovers(remote: Remote, say: Progress) -> None:
    """Drop staging graphs that an interrupted push left behind (pushes to one store must not overlap)."""
    query = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} FILTER (STRSTARTS(STR(?g), "{STAGING_BASE}")) }}'
    leftovers = [row["g"] for row in remote.select(query)]
    if leftovers:
        say(f"dropping {len(leftovers)} staging graph(s) left by an interrupted push")
        remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))


def _union(store: ox.Store) -> list[ox.Triple]:
    return list(dict.fromkeys(quad.triple for quad in named_quads(store)))


def _check(remote: Remote, expected: dict[str, int], stage: str) -> None:
    found = remote.graph_sizes(expected)
    wrong = [f"<{g}> has {found[g]} triples, expected {n}" for g, n in expected.items() if found[g] != n]
    if wrong:
        raise SpacefilmsError(f"{stage}: {wrong[0]}" + (f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""))


def _push_union_gsp(store: ox.Store, remote: Remote, graph: str, say: Progress) -> PushReport:
    triples = _union(store)
    say(f"PUT {len(triples)} triples to <{graph}>")
    try:
        remote.put_graph(graph, _ntriples(triples).encode("utf-8"))
    except SpacefilmsError as exc:
        raise SpacefilmsError(f"push failed, the store keeps its previous <{graph}>: {exc.message}", exc.where) from None
    _check(remote, {graph: len(triples)}, "after the upload")
    return PushReport([graph], len(triples), 1, [], 0.0)


def _staged(remote: Remote, staging: list[str], work: Callable[[], PushReport]) -> PushReport:
    """Run ``work``; if it fails, drop the staging graphs (best effort) and say the target is unchanged."""
    try:
        return work()
    except SpacefilmsError as exc:
        with contextlib.suppress(SpacefilmsError):
            remote.update(";\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging))
        raise SpacefilmsError(f"push failed, the store keeps its previous version: {exc.message}", exc.where) from None


def _push_union_update(store: ox.Store, remote: Remote, graph: str, batch_size: int, say: Progress) -> PushReport:
    triples = _union(store)
    staging = f"{STAGING_BASE}{uuid.uuid4()}"
    chunks = batches(triples, batch_size)

    def work() -> PushReport:
        remote.update(f"DROP SILENT GRAPH <{staging}>")
        for number, chunk in enumerate(chunks, 1):
            remote.update(_insert(chunk, lambda _: staging))
            say(f"batch {number}/{len(chunks)}: {len(chunk)} triples into the staging graph")
        _check(remote, {staging: len(triples)}, "staging graph")
        say(f"swapping <{graph}> for the staging graph")
        remote.update(f"MOVE <{staging}> TO <{graph}>")
        return PushReport([graph], len(triples), len(chunks), [], 0.0)

    report = _staged(remote, [staging], work)
    _check(remote, {graph: len(triples)}, "after the swap")
    return report


def _push_graphs(store: ox.Store, remote: Remote, batch_size: int, say: Progress) -> PushReport:
    quads = sorted(named_quads(store), key=_graph_name)
    names = list(dict.fromkeys(_graph_name(q) for q in quads))
    quads += _manifest(names)
    names.append(MANIFEST_GRAPH)
    sizes: dict[str, int] = {}
    for quad in quads:
        sizes[_graph_name(quad)] = sizes.get(_graph_name(quad), 0) + 1
    staging_base = f"{STAGING_BASE}{uuid.uuid4()}/"
    staging = {name: f"{staging_base}{i}" for i, name in enumerate(names)}
    chunks = batches(quads, batch_size)

    def work() -> PushReport:
        previous = {
            row["g"] for row in remote.select(f"SELECT ?g WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ ?m <{PROV.hadMember}> ?g }} }}")
        }
        stale = sorted(previous - set(names))
        for number, chunk in enumerate(chunks, 1):
            remote.update(_insert(chunk, lambda q: staging[_graph_name(q)]))
            say(f"batch {number}/{len(chunks)}: {len(chunk)} quads into staging graphs")
        _check(remote, {staging[n]: sizes[n] for n in names}, "staging graphs")
        say(f"swapping {len(names)} graphs in one request" + (f", dropping {len(stale)} that are gone" if stale else ""))
        operations = [f"MOVE <{staging[n]}> TO <{n}>" for n in names] + [f"DROP SILENT GRAPH <{g}>" for g in stale]
        remote.update(" ;\n".join(operations))
        return PushReport(names, len(quads), len(chunks), stale, 0.0)

    report = _staged(remote, list(staging.values()), work)
    _check(remote, sizes, "after the swap")
    return report
