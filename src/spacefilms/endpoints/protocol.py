"""The SPARQL 1.1 Protocol as the endpoint speaks it: what one query may cost, which queries are refused (updates,
``SERVICE``), and which result formats are negotiated and converted.

The engine (``oxigraph serve-read-only``) parses every query itself: there is no second parser here that could read
a query differently from it. Two refusals come first, and neither needs a parse: a query in which the word
``SERVICE`` appears anywhere (in any letter case, after codepoint escapes are expanded: the engine cannot see that
keyword without those seven letters, so no way of hiding it gets through), and an update, which the read-only engine
cannot run at all; for the message alone, an engine's syntax error on text that starts like an update says so.
Beside them, a cost bound the engine lacks: brackets nested past a depth (a few thousand overflow the engine's stack
and crash it for everyone) and string-building calls nested inside one another (each ``REPLACE`` level can multiply a
string's size: 8 levels in 300 bytes asked the engine for 1.1 GB; the engine runs under a memory limit besides).
Both are counted on the text with strings, comments and IRIs blanked out, as is the use of a function whose answer
changes from run to run (``NOW()``, ``RAND()``…: such answers are not kept for repeated queries).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

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
READ_ONLY = "this endpoint is read-only: SPARQL Update is refused"
FEDERATED = (
    "federated queries are refused: this endpoint does not run SERVICE calls to other endpoints "
    "(the word 'service' may not appear anywhere in a query, not even in a string, an IRI or a comment)"
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE = re.compile(
    r"^\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*)*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
_ENGINE_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
# What holds no syntax: strings (long ones first), comments, IRIs (an IRI cannot hold a space, so ``?a < 1 && ?b > 2``
# is not one). An IRI becomes a word, so that ``<f>(`` still reads as a call; the rest becomes "".
_LITERAL = re.compile(  # each begins with one of ' " # < (looked for first: most of a text is none of them)
    r"""(?=['"#<])(?:"""
    r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|#[^\n]*"
    r'|(<[^<>"{}|^`\\\x00-\x20]*>))',
    re.DOTALL,
)
_NESTING = re.compile(r"(?<![?$\w])([A-Za-z_][\w.:-]*)\s*\(|[({\[]|[)}\]]")
_BUILDING = {"REPLACE", "CONCAT", "GROUP_CONCAT", "ENCODE_FOR_URI"}  # each level can multiply a string's size
_BUILDING_CALL = re.compile(rf"(?<![?$\w])(?:{'|'.join(sorted(_BUILDING, key=len, reverse=True))})\s*\(", re.IGNORECASE)
_VOLATILE = re.compile(r"(?=[NRUSB])(?<![?$\w:.-])(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
_VOLATILE_NAMES = ("NOW", "RAND", "UUID", "BNODE")  # STRUUID holds UUID
MAX_DEPTH = 64
MAX_BUILDS = 4


@dataclass(frozen=True)
class Limits:
    """What one query may cost: seconds of engine time, bytes of result, bytes of query text; and the seconds a client
    has to send a request's head (after connecting, or after its last answer), then again its body."""

    timeout_s: int = 30
    max_result_bytes: int = 10_000_000
    max_query_bytes: int = 200_000
    request_s: float = 10.0
    engine_memory_bytes: int = 1_000_000_000  # the engine process's heap: a query asking more ends it, not the machine


class Refused(Exception):
    """A request the endpoint will not run: an HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _expanded(text: str) -> str:
    """``text`` with SPARQL codepoint escapes (``\\u0041``, ``\\U00000041``) replaced by their characters, as the
    SPARQL 1.1 grammar does before parsing (19.2); an escape of a character that cannot be one is refused."""

    def character(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(400, f"SPARQL syntax error: {match.group(0)} is not a character")
        return chr(code)

    return _ESCAPE.sub(character, text)


def _names_service(text: str) -> bool:
    """Whether the letters of ``service`` appear in ``text`` in any case, counting look-alikes that case mapping turns
    into them (ſ, ı, compatibility forms)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "service" in folded or "SERVICE" in text.upper() or "service" in text.lower()


def check_query(text: str) -> str:
    """The text the engine is to run for ``text`` (codepoint escapes expanded, line ends made one); raise
    :class:`Refused` for any ``SERVICE`` and for updates recognisable before the engine parses the query."""
    expanded = _expanded(text).replace("\r\n", "\n").replace("\r", "\n")
    if _names_service(expanded):
        raise Refused(400, FEDERATED)
    if _UPDATE.match(expanded):
        raise Refused(400, READ_ONLY)
    _check_nesting(_syntax(expanded))
    return expanded


def _syntax(text: str) -> str:
    """``text`` with its strings and comments emptied and its IRIs made one word: what is left is syntax."""
    return _LITERAL.sub(lambda found: "iri" if found.group(1) else '""', text)


def _check_nesting(syntax: str) -> None:
    """Refuse brackets nested deeper than :data:`MAX_DEPTH`, or string-building calls inside one another (within one
    group ``{}``) deeper than :data:`MAX_BUILDS`. A text with no more brackets, or calls, than that in all cannot
    nest them deeper: counted at once, that spares most queries the walk through their brackets."""
    opened = syntax.count("(") + syntax.count("{") + syntax.count("[")
    if opened <= MAX_DEPTH and len(_BUILDING_CALL.findall(syntax)) <= MAX_BUILDS:
        return
    builds: list[int] = []  # for each open bracket: the string-building calls open in its group, itself included
    for found in _NESTING.finditer(syntax):
        mark = found.group()
        if mark in ")}]":
            if builds:
                builds.pop()
            continue
        grows = bool(found.group(1)) and found.group(1).upper() in _BUILDING
        builds.append(0 if mark == "{" else (builds[-1] if builds else 0) + grows)
        if len(builds) > MAX_DEPTH:
            raise Refused(400, f"query nested too deeply: more than {MAX_DEPTH} brackets inside one another")
        if builds[-1] > MAX_BUILDS:
            names = "/".join(sorted(_BUILDING))
            raise Refused(400, f"expression too costly: more than {MAX_BUILDS} calls of {names} inside one another")


def volatile(text: str) -> bool:
    """Whether the query calls a function whose value changes between runs (its answer is not to be kept). Blanking
    strings, comments and IRIs makes no call appear: a text without one as written needs no blanking; nor does a
    text without their names in upper case (which every letter the pattern takes for one of theirs becomes, but
    U+0130, which it takes for I): the pattern tries every letter it may start with, 0.1-0.2 ms on a 2 KB query."""
    upper = text.upper().replace("\u0130", "I")
    return (
        any(name in upper for name in _VOLATILE_NAMES)
        and _VOLATILE.search(text) is not None
        and _VOLATILE.search(_syntax(text)) is not None
    )


def engine_syntax_error(message: str) -> Refused:
    """The engine's syntax error (``error at L:C: …``) as the endpoint reports it."""
    found = _ENGINE_SYNTAX.match(message.strip())
    if not found:
        return Refused(400, f"query failed: {message.strip().splitlines()[0] if message.strip() else 'refused by the engine'}")
    line, column, detail = found.groups()
    return Refused(400, f"SPARQL syntax error at line {line}, column {column}: {detail.splitlines()[0]}")


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
    """Parse an answer in ``wire`` format (raising SyntaxError if it is cut or broken) and write it in ``fmt``; an
    XML answer that would hold a character XML 1.0 cannot carry is refused (406) rather than sent malformed."""
    if isinstance(fmt, ox.RdfFormat):
        triples = [quad.triple for quad in ox.parse(data, format=wire)]
        prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3) else None
        written = ox.serialize(triples, format=fmt, prefixes=prefixes) or b""
    else:
        results = ox.parse_query_results(data, format=wire)
        try:
            written = results.serialize(format=fmt) or b""
        finally:
            del results  # pyoxigraph results must be dropped on the thread that made them
    if fmt in (ox.QueryResultsFormat.XML, ox.RdfFormat.RDF_XML) and (bad := _NOT_XML.search(written)):
        raise Refused(
            406,
            f"the answer holds a character XML 1.0 cannot carry (U+{ord(bad.group().decode('utf-8')):04X}): "
            "ask for JSON, CSV or TSV (or Turtle, N-Triples for a graph)",
        )
    return written


# Characters XML 1.0 forbids even escaped (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF).
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
