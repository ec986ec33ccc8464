"""The SPARQL 1.1 Protocol as the endpoint speaks it: what one query may cost, which queries are refused (updates,
``SERVICE``), and which result formats are negotiated and converted."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pyoxigraph as ox
from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery, parseUpdate

from spacefilms.namespaces import PREFIXES

RESULTS_FORMATS = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)
GRAPH_FORMATS = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.N3,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.TRIG,
)
_KINDS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


@dataclass(frozen=True)
class Limits:
    """What one query may cost: seconds of engine time, bytes of result, bytes of query text."""

    timeout_s: int = 30
    max_result_bytes: int = 10_000_000
    max_query_bytes: int = 200_000


class Refused(Exception):
    """A request the endpoint will not run: an HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


_parse_lock = threading.Lock()  # pyparsing's packrat cache is shared state


def _walk(node: object) -> list[str]:
    """Names of every rdflib parse-tree node (CompValue) under ``node``."""
    names, stack = [], [node]
    while stack:
        item = stack.pop()
        name = getattr(item, "name", None)
        if isinstance(name, str):
            names.append(name)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(list(item))
    return names


def check_query(text: str) -> tuple[str, str]:
    """Parse ``text`` as a SPARQL 1.1 query; return (kind, the text to run). Raise :class:`Refused` for
    syntax errors, updates and any ``SERVICE`` (federated) pattern, wherever it sits in the query."""
    # The engine gets exactly the text that was checked. Line ends are made one (the SPARQL grammar ends a comment at
    # CR or LF, rdflib's parser only at LF: "# <CR> SERVICE …" would be a comment here and a call there).
    expanded = expandUnicodeEscapes(text).replace("\r\n", "\n").replace("\r", "\n")
    with _parse_lock:
        try:
            tree = parseQuery(expanded)
        except Exception as exc:  # pyparsing's ParseException and friends
            try:
                parseUpdate(expanded)
            except Exception:
                line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
                where = f" at line {line}, column {col}" if line else ""
                detail = getattr(exc, "msg", None) or str(exc).splitlines()[0]
                raise Refused(400, f"SPARQL syntax error{where}: {detail}") from None
            raise Refused(400, "this endpoint is read-only: SPARQL Update is refused") from None
    if "ServiceGraphPattern" in _walk(tree):
        raise Refused(400, "federated queries are refused: this endpoint does not run SERVICE calls to other endpoints")
    kind = _KINDS.get(getattr(tree[1], "name", ""))  # tree: [prologue, query]
    if kind is None:
        raise Refused(400, "not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return kind, expanded


def _accepted(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q=0 dropped, order kept among equals)."""
    ranked = []
    for position, part in enumerate((header or "*/*").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(kind: str, accept: str | None) -> ox.QueryResultsFormat | ox.RdfFormat:
    """The answer format for a ``kind`` of query and an Accept header; raise :class:`Refused` (406) if none fits."""
    graph = kind in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_FORMATS if graph else RESULTS_FORMATS
    for media in _accepted(accept):
        if media in ("*/*", "application/*", "text/*"):
            return offered[0]
        found = (ox.RdfFormat if graph else ox.QueryResultsFormat).from_media_type(media)
        if found in offered:
            return found
    names = ", ".join(f.media_type for f in offered)
    raise Refused(406, f"cannot answer this {kind} query in {accept!r}; available: {names}")


def convert(data: bytes, wire: ox.QueryResultsFormat | ox.RdfFormat, fmt: ox.QueryResultsFormat | ox.RdfFormat) -> bytes:
    """Parse an answer in ``wire`` format (raising SyntaxError if it is cut or broken) and write it in ``fmt``."""
    if isinstance(fmt, ox.RdfFormat):
        triples = [quad.triple for quad in ox.parse(data, format=wire)]
        prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3) else None
        return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""
    results = ox.parse_query_results(data, format=wire)
    try:
        return results.serialize(format=fmt) or b""
    finally:
        del results  # pyoxigraph results must be dropped on the thread that made them
