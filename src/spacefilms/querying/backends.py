"""Run SPARQL against the local store or a remote SPARQL 1.1 endpoint, with parameters bound safely."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from oxrdflib._converter import from_ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from spacefilms import __version__
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import PREFIXES
from spacefilms.store.ondisk import open_ox, query_options

USER_AGENT = f"spacefilms/{__version__} (https://github.com/spacefilms/spacefilms; knowledge graph of films made in space)"


@dataclass
class QueryResult:
    """The answer to a query: a boolean (ASK), rows (SELECT) or a graph (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Identifier | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def column(self, name: str) -> list[Identifier | None]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def values(self, name: str) -> list[str]:
        """The bound values of one column as plain strings (handy in tests and scripts)."""
        return [str(v) for v in self.column(name) if v is not None]


class Backend(Protocol):
    """Anything that answers SPARQL queries: the local store or a remote endpoint."""

    def run(self, text: str, bindings: dict[str, Identifier] | None = None) -> QueryResult: ...


class LocalBackend:
    """The built Oxigraph store, queried with pyoxigraph; the default graph holds every triple of every graph once
    (see :func:`spacefilms.store.query_options`) and the project prefixes are predeclared. Answers come back as
    rdflib terms."""

    def __init__(self, store: str | Path | None = None) -> None:
        self.store = open_ox(store)
        self.options = query_options(self.store)

    def run(self, text: str, bindings: dict[str, Identifier] | None = None) -> QueryResult:
        try:
            result = self.store.query(inline_bindings(text, bindings or {}), prefixes=PREFIXES, **self.options)
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(result))
            term = _converter()
            if isinstance(result, ox.QueryTriples):
                graph = Graph()
                graph += ((term(t.subject), term(t.predicate), term(t.object)) for t in result)
                return QueryResult("CONSTRUCT", graph=graph)
            variables = [v.value for v in result.variables]
            return QueryResult("SELECT", variables, [tuple(term(value) for value in row) for row in result])
        except SyntaxError as exc:
            raise SpacefilmsError(f"SPARQL syntax error: {exc}") from None
        except (RuntimeError, OSError, ValueError) as exc:
            raise SpacefilmsError(f"query failed: {exc}") from None


def _converter() -> Callable[[ox.NamedNode | ox.BlankNode | ox.Literal | None], Identifier | None]:
    """pyoxigraph terms to rdflib terms, each distinct term converted once (answers repeat labels and IRIs)."""
    seen: dict = {}

    def term(value):
        if value is None:
            return None
        converted = seen.get(value)
        if converted is None:
            converted = seen[value] = from_ox(value)
        return converted

    return term


class RemoteBackend:
    """A SPARQL 1.1 Protocol endpoint through SPARQLWrapper (POST, JSON results, a User-Agent, a timeout)."""

    def __init__(self, endpoint: str, timeout: float = 60.0, user_agent: str = USER_AGENT) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.user_agent = user_agent

    def run(self, text: str, bindings: dict[str, Identifier] | None = None) -> QueryResult:
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        query = inline_bindings(text, bindings or {})
        client = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        client.setMethod(POST)
        client.setTimeout(int(self.timeout))
        client.setQuery(query)
        kind = client.queryType
        client.setReturnFormat(TURTLE if kind in ("CONSTRUCT", "DESCRIBE") else JSON)
        try:
            response = client.query().convert()
        except HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise SpacefilmsError(
                f"endpoint answered HTTP {exc.code}: {detail[0] if detail else exc.reason}", self.endpoint
            ) from None
        except (URLError, OSError, SPARQLWrapperException) as exc:
            message = str(getattr(exc, "reason", exc)).strip().splitlines()[0]
            raise SpacefilmsError(f"endpoint request failed: {message}", self.endpoint) from None
        if kind in ("CONSTRUCT", "DESCRIBE"):
            data = response.decode() if isinstance(response, bytes) else str(response)
            return QueryResult(kind, graph=Graph().parse(data=data, format="turtle"))
        if "boolean" in response:
            return QueryResult("ASK", boolean=bool(response["boolean"]))
        variables = response["head"].get("vars", [])
        rows = [tuple(json_term(b.get(v)) for v in variables) for b in response["results"]["bindings"]]
        return QueryResult("SELECT", variables, rows)


def json_term(value: dict | None) -> Identifier | None:
    """An rdflib term from one SPARQL 1.1 JSON results binding."""
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    return Literal(value["value"], lang=value.get("xml:lang"), datatype=value.get("datatype"))


_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)|(?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<iri><[^<>"{}|^`\\\s]*>)|(?P<open>\{)|(?P<close>\})|(?P<where>\bWHERE\b)|(?P<kind>\b(?:SELECT|ASK|CONSTRUCT|DESCRIBE)\b)""",
    re.IGNORECASE | re.DOTALL,
)


def inline_bindings(text: str, bindings: dict[str, Identifier]) -> str:
    """Put ``bindings`` in a VALUES block at the start of the query's WHERE group.

    The same mechanism serves the local store and remote endpoints, so both give the same answers.
    Values are serialised as RDF terms (IRIs checked, literals escaped by rdflib); the query's own
    text is never edited, so a value cannot change the query's shape.
    """
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }} "
    depth, kind, after_where = 0, None, False
    for match in _TOKENS.finditer(text):
        token = match.lastgroup
        if token == "kind" and kind is None:
            kind = match.group().upper()
        elif token == "where" and depth == 0:
            after_where = True
        elif token == "open":
            if depth == 0 and (after_where or kind in ("SELECT", "ASK")):
                return text[: match.end()] + block + text[match.end() :]
            depth += 1
        elif token == "close":
            depth -= 1
    raise SpacefilmsError("cannot find the WHERE group of the query to bind its parameters")
