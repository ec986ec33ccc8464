"""The one way to read the graph: a :class:`Backend`, either the local Oxigraph store or any SPARQL 1.1 endpoint.

Every read goes through here — bundled queries, conflicts, linking, discovery, diagrams, statistics, validation
— so the rule of which graph a query sees is kept in one place: a built store is queried through its default
graph when that holds the merge of all graphs (each triple once), else through the union of its graphs
(see :func:`spacefilms.core.layout.query_options`); a remote endpoint holding the published layout is asked with
the merge graph as its default graph (see :mod:`spacefilms.core.layout`).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from spacefilms.core.layout import open_ox, query_options
from spacefilms.core.parameters import Value, inline_bindings
from spacefilms.core.results import QueryResult, Solutions, parse_results
from spacefilms.core.sparql import form, names_graphs, syntax_error
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import (
    MANIFEST_GRAPH,
    MERGE_GRAPH,
    ONTOLOGY,
    OWL,
    PREFIXES,
    PROV,
    layout_graph_filter,
    sparql_prologue,
)
from spacefilms.workspace import store_path

Answer = bool | Solutions | list[ox.Triple]
_SELECT_STAR = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_CONSTANT_GRAPH = re.compile(r"\bGRAPH\s*<([^<>\s]*)>", re.IGNORECASE)
Pattern = ox.NamedNode | ox.BlankNode | ox.Literal | None


class Backend(ABC):
    """Anything that answers SPARQL over the graph: :class:`LocalBackend` or :class:`RemoteBackend`.

    The project prefixes (``sf:``, ``sfr:``, ``schema:`` …) are predeclared for every query."""

    name: str

    @abstractmethod
    def _execute(self, text: str) -> Answer:
        """Run ``text`` as the engine answers it."""

    def graph_filter(self, variable: str = "?g") -> str:
        """A FILTER on a graph variable keeping the graph's own named graphs (a store may show others)."""
        return layout_graph_filter(variable)

    def answer(self, text: str) -> Answer:
        """The raw answer to ``text``: a boolean (ASK), :class:`Solutions` (SELECT) or triples (CONSTRUCT). The
        columns of ``SELECT *`` come in the order the variables first appear in the query, as people read it."""
        result = self._execute(text)
        if isinstance(result, Solutions) and _SELECT_STAR.search(text):
            first = {name: n for n, name in reversed(list(enumerate(_VARIABLE.findall(text))))}
            order = sorted(range(len(result.variables)), key=lambda i: first.get(result.variables[i], len(first)))
            result = Solutions([result.variables[i] for i in order], [tuple(row[i] for i in order) for row in result.rows])
        return result

    def run(self, text: str, bindings: Mapping[str, Value] | None = None) -> QueryResult:
        """The answer with ``bindings`` bound, for people and scripts."""
        return QueryResult.of(self.answer(inline_bindings(text, bindings or {})))

    def select(self, text: str, bindings: Mapping[str, Value] | None = None) -> Solutions:
        """The rows of a SELECT query (for the library's own readers)."""
        answer = self.answer(inline_bindings(text, bindings or {}))
        if not isinstance(answer, Solutions):
            raise SpacefilmsError("expected a SELECT query", self.name)
        return answer

    def construct(self, text: str) -> list[ox.Triple]:
        """The triples of a CONSTRUCT (or DESCRIBE) query."""
        answer = self.answer(text)
        if not isinstance(answer, list):
            raise SpacefilmsError("expected a CONSTRUCT or DESCRIBE query", self.name)
        return answer

    def quads(
        self, subject: Pattern = None, predicate: Pattern = None, obj: Pattern = None, graph: Pattern = None
    ) -> Iterator[ox.Quad]:
        """The quads of the named graphs matching a pattern (None matches anything): facts with their sources."""
        bound = {"s": subject, "p": predicate, "o": obj, "g": graph}
        if isinstance(subject, ox.BlankNode) or isinstance(obj, ox.BlankNode):
            return iter(())  # a blank node of an earlier answer cannot be named in a query to an endpoint
        rows = self.select(
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.graph_filter()} }}",
            {name: term for name, term in bound.items() if term is not None},
        )
        return (ox.Quad(s, p, o, g) for s, p, o, g in rows.rows)

    def quads_about(self, subject: ox.NamedNode) -> list[ox.Quad]:
        """Every quad with ``subject`` as subject, and those of the blank nodes it points to (e.g. an amount of
        money), read in one answer so that the blank nodes line up."""
        text = f"""SELECT ?s ?p ?o ?g WHERE {{
          {{ GRAPH ?g {{ ?subject ?p ?o }} BIND (?subject AS ?s) }}
          UNION {{ GRAPH ?g0 {{ ?subject ?p0 ?s }} FILTER (isBlank(?s)) GRAPH ?g {{ ?s ?p ?o }} }}
          {self.graph_filter()}
        }}"""
        return [ox.Quad(s, p, o, g) for s, p, o, g in self.select(text, {"subject": subject}).rows]


class LocalBackend(Backend):
    """A pyoxigraph store: the built on-disk store (a path, or None for the workspace's) or any store in memory."""

    def __init__(self, store: ox.Store | str | Path | None = None, **options: Any) -> None:
        if isinstance(store, ox.Store):
            self.store, self.options = store, options
            self.name = "in-memory store"
        else:
            self.store = open_ox(store)
            self.options = {**query_options(self.store), **options}
            self.name = str(store_path(store))

    def graph_filter(self, variable: str = "?g") -> str:
        return ""  # a built store holds its own graphs only

    def _execute(self, text: str) -> Answer:
        try:
            result = self.store.query(text, prefixes=PREFIXES, **self.options)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if isinstance(result, ox.QueryTriples):
                return list(result)
            return Solutions([v.value for v in result.variables], [tuple(row) for row in result])
        except SyntaxError as exc:
            raise syntax_error(str(exc), text, "query") from None
        except (RuntimeError, OSError, ValueError) as exc:
            raise SpacefilmsError(f"query failed: {exc}") from None

    def quads(
        self, subject: Pattern = None, predicate: Pattern = None, obj: Pattern = None, graph: Pattern = None
    ) -> Iterator[ox.Quad]:
        found = self.store.quads_for_pattern(subject, predicate, obj, graph)
        return (q for q in found if not isinstance(q.graph_name, ox.DefaultGraph))

    def quads_about(self, subject: ox.NamedNode) -> list[ox.Quad]:
        about = list(self.quads(subject))
        blanks = {q.object for q in about if isinstance(q.object, ox.BlankNode)}
        return about + [q for blank in blanks for q in self.quads(blank)]


class RemoteBackend(Backend):
    """A SPARQL 1.1 Protocol endpoint, reached through the project's one HTTP transport (POST, a deadline, a size
    cap, every answer read whole by pyoxigraph before use); the query's form (:mod:`spacefilms.core.sparql`) says what to accept.

    How it reads the published layout (see :mod:`spacefilms.core.layout`) is asked once (:meth:`mode`):

    * ``own``: the endpoint's own default graph holds the spacefilms graph but not the manifest — the merge, as a
      dataset push to Oxigraph or Fuseki leaves it, or ``spacefilms serve`` — so queries go as they are, as locally;
    * ``named``: each query goes with ``default-graph-uri`` ``default_graph`` (the merge graph, by default), and the
      endpoint still runs ``GRAPH ?g`` over its named graphs (Virtuoso). Virtuoso then finds nothing in a
      ``GRAPH <iri>``, so each becomes ``VALUES ?g { <iri> } GRAPH ?g`` (the same meaning; the variable is dropped
      from the answer);
    * ``listed``: as ``named``, plus ``named-graph-uri`` each graph the endpoint's manifest lists for a query that
      reads named graphs: the SPARQL 1.1 Protocol gives a query only the named graphs a request names once it names
      a default graph, and Oxigraph keeps to it. The store then looks up each graph: slow on many graphs.

    Other named graphs a store shows (Virtuoso's system graphs) are left out of the library's own readings by
    :meth:`graph_filter`. ``default_graph=None`` always reads the endpoint's own default graph."""

    def __init__(self, endpoint: str, timeout: float = 60.0, transport=None, default_graph: str | None = MERGE_GRAPH) -> None:
        from spacefilms.http import Transport

        self.endpoint = self.name = endpoint
        self.default_graph = default_graph or None
        self.transport = transport or Transport(timeout=timeout)
        self._named: list[str] | None = None
        self._mode: str | None = None

    def mode(self) -> str:
        """``own``, ``named`` or ``listed`` (see the class's notes), asked once."""
        if self._mode is None:
            own = f"ASK {{ <{ONTOLOGY}> a <{OWL.Ontology}> FILTER NOT EXISTS {{ <{MANIFEST_GRAPH}> a <{PROV.Collection}> }} }}"
            shown = f"ASK {{ GRAPH ?g {{ <{MANIFEST_GRAPH}> a <{PROV.Collection}> }} }}"
            if not self.default_graph or self._post(own, {}) is True:
                self._mode = "own"
            else:
                self._mode = "named" if self._post(shown, {"default-graph-uri": self.default_graph}) is True else "listed"
        return self._mode

    def named_graphs(self) -> list[str]:
        """The graphs the endpoint's manifest lists, but the default graph (read once; none without a manifest)."""
        if self._named is None:
            query = f"SELECT ?g WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ <{MANIFEST_GRAPH}> <{PROV.hadMember}> ?g }} }}"
            answer = self._post(query, {})
            if not isinstance(answer, Solutions):
                raise SpacefilmsError("the endpoint did not answer a SELECT query with rows", self.endpoint)
            self._named = sorted({row[0].value for row in answer.rows if row[0] is not None} - {self.default_graph})
        return self._named

    def _execute(self, text: str) -> Answer:
        query, dataset, added = sparql_prologue() + text, {}, []
        if self.mode() == "named":
            query, added = _graphs_as_variables(query)
            dataset = {"default-graph-uri": self.default_graph}
        elif self.mode() == "listed":
            dataset = {"default-graph-uri": self.default_graph}
            if names_graphs(query):
                dataset["named-graph-uri"] = self.named_graphs()
        answer = self._post(query, dataset)
        if added and isinstance(answer, Solutions):
            keep = [i for i, name in enumerate(answer.variables) if name not in added]
            answer = Solutions([answer.variables[i] for i in keep], [tuple(row[i] for i in keep) for row in answer.rows])
        return answer

    def _post(self, query: str, dataset: dict[str, str | list[str]]) -> Answer:
        kind = form(query, self.endpoint)
        accept = "application/n-triples, text/turtle;q=0.9" if kind == "CONSTRUCT" else "application/sparql-results+json"
        response = self.transport.send("POST", self.endpoint, data={"query": query, **dataset}, headers={"Accept": accept})
        if cap := response.headers.get("x-sparql-maxrows"):  # Virtuoso says so when it cut the answer
            raise SpacefilmsError(
                f"the endpoint cut its answer at {cap} rows (Virtuoso: ResultSetMaxRows in virtuoso.ini): "
                "raise that limit or narrow the query",
                self.endpoint,
            )
        if kind == "CONSTRUCT":
            fmt = ox.RdfFormat.from_media_type(response.content_type) or ox.RdfFormat.N_TRIPLES
            try:
                return list(ox.parse(response.body, fmt))
            except (SyntaxError, ValueError) as exc:
                raise SpacefilmsError(f"the endpoint's {fmt.name} answer does not parse: {exc}", self.endpoint) from None
        return parse_results(response.body, self.endpoint, response.content_type)


def _graphs_as_variables(query: str) -> tuple[str, list[str]]:
    """``query`` with each ``GRAPH <iri>`` written ``VALUES ?v { <iri> } GRAPH ?v``, and the variables added."""
    added: list[str] = []

    def swap(match: re.Match) -> str:
        added.append(f"spacefilmsGraph{len(added)}")
        return f"VALUES ?{added[-1]} {{ <{match.group(1)}> }} GRAPH ?{added[-1]}"

    return _CONSTANT_GRAPH.sub(swap, query), added


def open_backend(
    store: str | Path | None = None, endpoint: str | None = None, timeout: float = 60.0, default_graph: str | None = MERGE_GRAPH
) -> Backend:
    """The endpoint when one is given (read with ``default_graph`` as its default graph, see :class:`RemoteBackend`),
    else the built store (``store``, or the workspace's)."""
    return RemoteBackend(endpoint, timeout=timeout, default_graph=default_graph) if endpoint else LocalBackend(store)
