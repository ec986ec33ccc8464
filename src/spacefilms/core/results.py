"""Answers to queries. Inside, terms are pyoxigraph's (:class:`Solutions`); at the edge, where people and scripts
read them, :class:`QueryResult` holds rdflib terms. Answers that come over the network are checked against the
shape SPARQL 1.1 JSON results must have before anything uses them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from spacefilms.errors import SpacefilmsError, excerpt

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Solutions:
    """The rows of a SELECT answer, in pyoxigraph terms, by variable name."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]

    def __iter__(self) -> Iterator[dict[str, Term | None]]:
        return (dict(zip(self.variables, row)) for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class QueryResult:
    """The answer to a query, in rdflib terms: a boolean (ASK), rows (SELECT) or a graph (CONSTRUCT/DESCRIBE)."""

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


def rdflib_terms():
    """A converter of pyoxigraph terms to rdflib terms that converts each distinct term once (answers repeat
    labels and IRIs)."""
    seen: dict[Term, Identifier] = {}

    def term(value: Term | None) -> Identifier | None:
        if value is None:
            return None
        converted = seen.get(value)
        if converted is None:
            converted = seen[value] = _rdflib(value)
        return converted

    return term


def _rdflib(value: Term) -> Identifier:
    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    if value.language:
        return Literal(value.value, lang=value.language)
    return Literal(value.value, datatype=URIRef(value.datatype.value), normalize=False)  # the lexical form as stated


def to_query_result(answer: bool | Solutions | list[ox.Triple]) -> QueryResult:
    """The rdflib view of an answer."""
    if isinstance(answer, bool):
        return QueryResult("ASK", boolean=answer)
    term = rdflib_terms()
    if isinstance(answer, Solutions):
        return QueryResult("SELECT", list(answer.variables), [tuple(term(v) for v in row) for row in answer.rows])
    graph = Graph()
    graph += ((term(t.subject), term(t.predicate), term(t.object)) for t in answer)
    return QueryResult("CONSTRUCT", graph=graph)


def parse_results(body: bytes, where: str, media_type: str | None = None) -> bool | Solutions:
    """A SPARQL 1.1 results answer (JSON unless ``media_type`` says XML, CSV or TSV), read by pyoxigraph's parser:
    an ASK answer or rows of terms. Anything that is not well-formed results of that format is an error naming
    ``where`` — checked whole before any row is used (the parser reads lazily, so every row is read here)."""
    fmt = (ox.QueryResultsFormat.from_media_type(media_type) if media_type else None) or ox.QueryResultsFormat.JSON
    try:
        if fmt == ox.QueryResultsFormat.JSON and b'"bnode"' in body:
            body = _blank_labels_renamed(body)
        answer = ox.parse_query_results(body, format=fmt)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        return Solutions([v.value for v in answer.variables], [tuple(solution) for solution in answer])
    except (SyntaxError, ValueError, RecursionError) as exc:
        name = fmt.name.removeprefix("SPARQL Results in ")
        raise SpacefilmsError(f"not SPARQL {name} results ({_first_line(exc)}): {_start(body)}", where) from None


def _blank_labels_renamed(body: bytes) -> bytes:
    """The answer with each blank node label made one RDF accepts: stores label them as they like (Virtuoso's
    ``nodeID://b10001``), and a label means nothing outside its answer but its sameness, which is kept."""
    data = json.loads(body)
    names: dict[str, str] = {}
    for binding in data.get("results", {}).get("bindings", []) if isinstance(data, dict) else []:
        for cell in binding.values() if isinstance(binding, dict) else []:
            if isinstance(cell, dict) and cell.get("type") == "bnode" and isinstance(cell.get("value"), str):
                cell["value"] = names.setdefault(cell["value"], f"b{len(names)}")
    return json.dumps(data).encode()


def json_results(body: bytes, where: str) -> dict:
    """The JSON of a SPARQL 1.1 JSON results answer as it came, checked for its shape only: an ASK answer, or
    ``head.vars`` (names) and ``results.bindings`` (objects whose cells each have a string ``type`` and ``value``).

    For the Wikidata client alone, which records answers for replay and must read them row by row: Wikidata's answers
    carry IRIs that are not valid RDF (Commons file names with spaces and pipes), which the enrichment counts and
    skips one by one, where :func:`parse_results` rightly refuses the whole answer."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise SpacefilmsError(f"not SPARQL JSON results: {_start(body)}", where) from None
    if isinstance(data, dict) and isinstance(data.get("boolean"), bool):
        return data
    try:
        variables, bindings = data["head"].get("vars", []), data["results"]["bindings"]
        if not (isinstance(variables, list) and all(isinstance(v, str) for v in variables) and isinstance(bindings, list)):
            raise TypeError
    except (KeyError, TypeError, AttributeError):
        raise SpacefilmsError(f"not SPARQL JSON results (no head.vars / results.bindings): {_start(body)}", where) from None
    for number, binding in enumerate(bindings, 1):
        cells = binding.values() if isinstance(binding, dict) else [None]
        if not all(isinstance(c, dict) and isinstance(c.get("type"), str) and isinstance(c.get("value"), str) for c in cells):
            raise SpacefilmsError(
                f"row {number} of the answer holds a malformed term: {_start(json.dumps(binding).encode())}", where
            )
    return data


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _start(body: bytes) -> str:
    return excerpt(body) or "(empty answer)"
