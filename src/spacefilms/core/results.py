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
_STRING = "http://www.w3.org/2001/XMLSchema#string"


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


def json_results(body: bytes, where: str) -> dict:
    """SPARQL 1.1 Query Results JSON, checked: an ASK answer, or ``head.vars`` (names) and ``results.bindings``
    (objects whose cells each have a string ``type`` and ``value``). Anything else is an error naming ``where``."""
    try:
        data = json.loads(body)
    except ValueError:
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


def from_json_results(body: bytes, where: str) -> bool | Solutions:
    """The terms of a SPARQL 1.1 JSON results answer (checked by :func:`json_results`)."""
    data = json_results(body, where)
    if "boolean" in data:
        return data["boolean"]
    variables = data["head"].get("vars", [])
    blanks: dict[str, ox.BlankNode] = {}
    rows = []
    for number, binding in enumerate(data["results"]["bindings"], 1):
        try:
            rows.append(tuple(json_term(binding.get(v), blanks) for v in variables))
        except ValueError as exc:
            raise SpacefilmsError(f"row {number} of the answer holds a malformed term ({exc})", where) from None
    return Solutions(variables, rows)


def json_term(cell: dict | None, blanks: dict[str, ox.BlankNode] | None = None) -> Term | None:
    """A pyoxigraph term from one SPARQL 1.1 JSON results binding; a malformed one raises."""
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        table = {} if blanks is None else blanks
        return table.setdefault(value, ox.BlankNode())
    if kind not in ("literal", "typed-literal"):
        raise ValueError(f"unknown term type {kind!r}")
    if cell.get("xml:lang"):
        return ox.Literal(value, language=cell["xml:lang"])
    datatype = cell.get("datatype")
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype and datatype != _STRING else ox.Literal(value)


def _start(body: bytes) -> str:
    return excerpt(body) or "(empty answer)"
