"""Answers to queries, in pyoxigraph terms throughout (:class:`Solutions` for the library's readers,
:class:`QueryResult` for people and scripts); rdflib terms only here, made when a user asks for them
(:meth:`QueryResult.to_rdflib`, :meth:`QueryResult.graph`) or rdflib's writers and pyshacl need them
(:func:`rdflib_terms`). Answers that come over the network are checked against the shape SPARQL 1.1 results must
have before anything uses them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

import pyoxigraph as ox

from spacefilms.errors import SpacefilmsError, excerpt

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Identifier

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = tuple[Term | None, ...]


@dataclass
class Solutions:
    """The rows of a SELECT answer, in pyoxigraph terms, by variable name."""

    variables: list[str]
    rows: list[Row]

    def __iter__(self) -> Iterator[dict[str, Term | None]]:
        return (dict(zip(self.variables, row)) for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class QueryResult:
    """The answer to a query, in pyoxigraph terms: a boolean (ASK), rows (SELECT) or triples (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None

    @classmethod
    def of(cls, answer: bool | Solutions | list[ox.Triple]) -> QueryResult:
        """The result of a backend's answer."""
        if isinstance(answer, bool):
            return cls("ASK", boolean=answer)
        if isinstance(answer, Solutions):
            return cls("SELECT", list(answer.variables), list(answer.rows))
        return cls("CONSTRUCT", triples=list(answer))

    def column(self, name: str) -> list[Term | None]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def values(self, name: str) -> list[str]:
        """The bound values of one column as plain strings (an IRI, a literal's text): handy in tests and scripts."""
        return [v.value for v in self.column(name) if v is not None]

    def to_rdflib(self) -> list[tuple[Identifier | None, ...]]:
        """The rows in rdflib terms, for code built on rdflib."""
        term = rdflib_terms()
        return [tuple(term(v) for v in row) for row in self.rows]

    def graph(self) -> rdflib.Graph:
        """A CONSTRUCT or DESCRIBE answer as an rdflib ``Graph``, for code built on rdflib."""
        from rdflib import Graph

        if self.triples is None:
            raise SpacefilmsError(f"a {self.kind} answer is not a graph: only CONSTRUCT and DESCRIBE answers are")
        term, graph = rdflib_terms(), Graph()
        graph += ((term(t.subject), term(t.predicate), term(t.object)) for t in self.triples)
        return graph


def rdflib_terms() -> Callable[[Term | None], Identifier | None]:
    """A converter of pyoxigraph terms to rdflib terms (the only one: for users who ask for rdflib, rdflib's
    JSON-LD writer and pyshacl) that converts each distinct term once (answers repeat labels and IRIs)."""
    from rdflib import BNode, Literal, URIRef

    seen: dict[Term, Identifier] = {}

    def convert(value: Term) -> Identifier:
        if isinstance(value, ox.NamedNode):
            return URIRef(value.value)
        if isinstance(value, ox.BlankNode):
            return BNode(value.value)
        if value.language:
            return Literal(value.value, lang=value.language)
        return Literal(value.value, datatype=URIRef(value.datatype.value), normalize=False)  # the lexical form as stated

    def term(value: Term | None) -> Identifier | None:
        if value is None:
            return None
        converted = seen.get(value)
        if converted is None:
            converted = seen[value] = convert(value)
        return converted

    return term


def parse_results(body: bytes, where: str, media_type: str | None = None, keep_invalid_iris: bool = False) -> bool | Solutions:
    """A SPARQL 1.1 results answer (JSON unless ``media_type`` says XML, CSV or TSV), read by pyoxigraph's parser:
    an ASK answer or rows of terms. Anything that is not well-formed results of that format is an error naming
    ``where`` — checked whole before any row is used (the parser reads lazily, so every row is read here).

    ``keep_invalid_iris`` (JSON only): an IRI that is not valid RDF becomes :data:`NOT_AN_IRI` followed by its
    percent-encoded text, for a reader that counts and skips such values one by one (Wikidata's answers carry
    Commons file names with spaces and pipes), where otherwise the whole answer is refused."""
    fmt = (ox.QueryResultsFormat.from_media_type(media_type) if media_type else None) or ox.QueryResultsFormat.JSON
    try:
        if fmt == ox.QueryResultsFormat.JSON and (keep_invalid_iris or b'"bnode"' in body):
            body = _cells_made_rdf(body, keep_invalid_iris)
        answer = ox.parse_query_results(body, format=fmt)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        return Solutions([v.value for v in answer.variables], [tuple(solution) for solution in answer])
    except (SyntaxError, ValueError, RecursionError) as exc:
        name = fmt.name.removeprefix("SPARQL Results in ")
        raise SpacefilmsError(f"not SPARQL {name} results ({_first_line(exc)}): {_start(body)}", where) from None


# What an IRI an answer carries that RDF refuses is read as (see parse_results): an IRI of no scheme anyone serves.
NOT_AN_IRI = "urn:spacefilms:not-an-iri:"


def _cells_made_rdf(body: bytes, keep_invalid_iris: bool) -> bytes:
    """The JSON answer with each blank node label made one RDF accepts: stores label them as they like (Virtuoso's
    ``nodeID://b10001``), and a label means nothing outside its answer but its sameness, which is kept; and, with
    ``keep_invalid_iris``, each invalid IRI written as :data:`NOT_AN_IRI` and its percent-encoded text. Anything
    not shaped like results is left for the parser to refuse."""
    data = json.loads(body)
    names: dict[str, str] = {}
    bindings = data.get("results", {}).get("bindings", []) if isinstance(data, dict) else []
    for binding in bindings if isinstance(bindings, list) else []:
        for cell in binding.values() if isinstance(binding, dict) else []:
            if not (isinstance(cell, dict) and isinstance(cell.get("value"), str)):
                continue
            if cell.get("type") == "bnode":
                cell["value"] = names.setdefault(cell["value"], f"b{len(names)}")
            elif cell.get("type") == "uri" and keep_invalid_iris:
                try:
                    ox.NamedNode(cell["value"])
                except ValueError:
                    cell["value"] = NOT_AN_IRI + quote(cell["value"], safe="")
    return json.dumps(data).encode()


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _start(body: bytes) -> str:
    return excerpt(body) or "(empty answer)"
