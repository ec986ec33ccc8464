"""The external store ``push`` writes to: where it is (:class:`Endpoint`), the HTTP calls it takes
(:class:`Remote`: SPARQL Update, counting queries, Graph Store PUT and DELETE, a dataset PUT) and what a push did."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacefilms.core.results import Solutions, parse_results
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import MANIFEST_GRAPH, PROV

PROTOCOLS = ("update", "gsp", "dataset")
AUTH_SCHEMES = ("basic", "digest")

Progress = Callable[[str], None]


@dataclass
class Endpoint:
    """Where and how to reach the external store."""

    url: str  # the SPARQL Update endpoint, the Graph Store Protocol endpoint (gsp) or the dataset endpoint (dataset)
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

    graphs: list[str]  # every graph now on the store, the merge and the manifest included
    statements: int  # quads sent, the merge and the manifest included
    requests: int  # data requests: update batches, graph PUTs, or the one dataset PUT
    dropped: list[str]  # graphs of the previous push no longer in the build
    seconds: float = 0.0
    skipped: int = 0  # graphs a resumed push found already sent (the journal)


class Remote:
    """HTTP calls to one external store through the project's transport: SPARQL updates, counting queries, Graph
    Store PUTs. Credentials go only to the store's own origin (never on after a redirect elsewhere). Only a Graph
    Store PUT is sent again after a failure (the transport's retry rule, twice at most, 0.5 s then 1 s apart): it
    replaces its graph whole, where an update sent twice might apply twice."""

    def __init__(self, endpoint: Endpoint) -> None:
        from spacefilms.http import Transport

        if endpoint.protocol not in PROTOCOLS:
            raise SpacefilmsError(f"unknown protocol {endpoint.protocol!r}; use one of {', '.join(PROTOCOLS)}")
        if endpoint.auth not in AUTH_SCHEMES:
            raise SpacefilmsError(f"unknown auth scheme {endpoint.auth!r}; use one of {', '.join(AUTH_SCHEMES)}")
        self.endpoint = endpoint
        credentials = (endpoint.user, endpoint.password or "") if endpoint.user is not None else None
        self.transport = Transport(
            timeout=endpoint.timeout,
            credentials=credentials,
            auth_scheme=endpoint.auth,
            headers=dict(endpoint.headers),
            retries=2,
            backoff=0.5,
        )

    def _call(self, method: str, url: str, body: bytes | None, content_type: str | None, accept: str | None = None) -> bytes:
        return self.transport.send(method, url, content=body, headers=_headers(content_type, accept)).body

    def update(self, text: str) -> None:
        self._call("POST", self.endpoint.url, text.encode("utf-8"), "application/sparql-update")

    def select(self, text: str) -> list[dict[str, str]]:
        """Rows of a SELECT query as plain strings; every row must bind every variable the query projects (an
        answer that does not is an error, never a row to misread)."""
        url = self.endpoint.query_url or self.endpoint.url
        body = urllib.parse.urlencode({"query": text}).encode()
        data = self._call("POST", url, body, "application/x-www-form-urlencoded", "application/sparql-results+json")
        answer = parse_results(data, url)
        if not isinstance(answer, Solutions):
            raise SpacefilmsError("the store answered a SELECT query with a boolean", url)
        rows = [{name: term.value for name, term in row.items() if term is not None} for row in answer]
        wanted = set(re.findall(r"\?(\w+)", text.split("WHERE", 1)[0]))
        for row in rows:
            if not wanted <= set(row):
                raise SpacefilmsError(f"the store's answer lacks {', '.join(sorted(wanted - set(row)))}: {row}", url)
        return rows

    def _graph_url(self, graph: str) -> str:
        separator = "&" if "?" in self.endpoint.url else "?"
        return f"{self.endpoint.url}{separator}{urllib.parse.urlencode({'graph': graph})}"

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` with ``ntriples`` (Graph Store Protocol PUT), sent again where the transport retries:
        Virtuoso fails one of several PUTs at once that add the same new term (HTTP 500, "SR197 Non unique primary
        key"), seen on a busy machine."""
        headers = _headers("application/n-triples; charset=utf-8", None)  # not Latin-1
        self.transport.request("PUT", self._graph_url(graph), lambda _: None, content=ntriples, headers=headers)

    def delete_graph(self, graph: str) -> None:
        """Drop ``graph`` (Graph Store Protocol DELETE); one already gone is no error."""
        from spacefilms.http import HttpError

        try:
            self._call("DELETE", self._graph_url(graph), None, None)
        except HttpError as exc:
            if exc.response.status != 404:
                raise

    def put_dataset(self, nquads: bytes) -> None:
        """Replace the whole dataset with ``nquads`` (PUT to the store's dataset endpoint, no graph parameter)."""
        self._call("PUT", self.endpoint.url, nquads, "application/n-quads; charset=utf-8")

    def manifest_members(self) -> set[str]:
        """The graphs the store's manifest lists: what the previous push put there."""
        query = f"SELECT ?g WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ <{MANIFEST_GRAPH}> <{PROV.hadMember}> ?g }} }}"
        return {row["g"] for row in self.select(query)}

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


def _headers(content_type: str | None, accept: str | None) -> dict[str, str]:
    return {name: value for name, value in (("Content-Type", content_type), ("Accept", accept)) if value}


def check_sizes(remote: Remote, expected: dict[str, int], stage: str) -> None:
    """Raise unless every graph of ``expected`` holds that many triples on the store."""
    found = remote.graph_sizes(expected)
    wrong = [f"<{g}> has {found[g]} triples, expected {n}" for g, n in expected.items() if found[g] != n]
    if wrong:
        raise SpacefilmsError(f"{stage}: {wrong[0]}" + (f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""))
