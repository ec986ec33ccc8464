"""The one reader of SPARQL text. Oxigraph's parser — the engine that runs the queries, locally and behind
``serve`` — tells a query's form and its syntax errors; the project's prefixes are predeclared to it, so a user's
text is parsed as typed and an error points at the user's own line and column. One small tokenizer (comments,
strings, IRIs, braces) serves what a parser does not expose: the WHERE group where parameters go, and whether a
query names graphs.

Parsing never evaluates: the query is prepared against an empty store and its lazy answer is dropped unread."""

from __future__ import annotations

import re

import pyoxigraph as ox

from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import PREFIXES

TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)|(?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<iri><[^<>"{}|^`\\\s]*>)|(?P<open>\{)|(?P<close>\})|(?P<where>\bWHERE\b)|(?P<kind>\b(?:SELECT|ASK|CONSTRUCT|DESCRIBE)\b)"""
    r"""|(?P<graph>\bGRAPH\b)""",
    re.IGNORECASE | re.DOTALL,
)
_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:")


def form(text: str, where: str = "query") -> str:
    """``SELECT``, ``ASK`` or ``CONSTRUCT`` (DESCRIBE answers as CONSTRUCT does) for a query Oxigraph accepts, with
    the project's prefixes predeclared; else a :class:`SpacefilmsError` ``where:line:column: …`` on one line, at the
    position in the user's own text (the prefixes are given to the parser, not written before the text)."""
    try:
        answer = ox.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise syntax_error(str(exc), text, where) from None
    kind = "ASK" if isinstance(answer, ox.QueryBoolean) else "CONSTRUCT" if isinstance(answer, ox.QueryTriples) else "SELECT"
    del answer  # never read: nothing is evaluated
    return kind


def syntax_error(message: str, text: str, where: str) -> SpacefilmsError:
    """Oxigraph's ``error at L:C: expected one of …`` as one line a person can act on: the position in their own
    text, and the cause in words where it is known (an undeclared prefix)."""
    found = _ERROR.match(message.strip())
    if not found:
        return SpacefilmsError(f"SPARQL syntax error: {message.strip().splitlines()[0] if message.strip() else 'refused'}", where)
    line, column, detail = int(found[1]), int(found[2]), found[3]
    shown = f"{where}:{line}:{column}"
    if "Prefix not found" in detail:
        prefix = _prefix_before(text, line, column)
        known = ", ".join(f"{p}:" for p in sorted(PREFIXES))
        return SpacefilmsError(f"unknown prefix {prefix}: declare it with PREFIX, or use one of {known}", shown)
    expected = detail.splitlines()[0].removeprefix("expected one of ").removeprefix("expected ").split(", ")
    listed = ", ".join(e for e in expected[:6] if e != "[_]") + (", …" if len(expected) > 6 else "")
    if not text[_offset(text, line, column) :].strip():
        # Oxigraph places many errors at the very end, and what it "expected" there is the last alternative it tried
        # (LATERAL, OPTIONAL…): no help to a person, so only advice is given
        advice = "check that every brace and parenthesis is closed and every triple and expression is complete"
        return SpacefilmsError(f"SPARQL syntax error: the query cannot be read to its end ({advice})", shown)
    return SpacefilmsError(f"SPARQL syntax error: expected {listed or 'something else'} here", shown)


def _offset(text: str, line: int, column: int) -> int:
    """The index in ``text`` of (line, column), both counted from 1."""
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _prefix_before(text: str, line: int, column: int) -> str:
    """The prefix of the prefixed name that ends at (line, column) of ``text``."""
    lines = text.split("\n")
    before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    names = _PREFIXED.findall(before)
    return names[-1] if names else ""


def names_graphs(text: str) -> bool:
    """Whether the query reads named graphs (the keyword ``GRAPH`` outside comments, strings and IRIs)."""
    return any(m.lastgroup == "graph" for m in TOKENS.finditer(text))
