"""Render query results as a terminal table, CSV, TSV, SPARQL JSON or Markdown.

Text from the graph (or from an endpoint) is data, never instructions: in a table or Markdown, control characters
(escape sequences) and bidirectional overrides are shown as ``\\x1b`` / ``\\u202e`` rather than acted on by the
terminal; a CSV or TSV cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) starts with ``'``
(numbers stay numbers). JSON keeps every character (its own escaping is safe).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import textwrap

import pyoxigraph as ox

from spacefilms.core.formats import QUERY, names
from spacefilms.core.results import QueryResult, Term
from spacefilms.namespaces import PREFIXES, compact

# The prefix table for Turtle: one prefix per namespace, the one compact() writes (dct:, not dcterms:).
_TURTLE_PREFIXES = {prefix: iri for prefix, iri in PREFIXES.items() if compact(iri + "x") == f"{prefix}:x"}
FORMATS = names(QUERY)
MIN_COLUMN = 12  # a column is never squeezed narrower than this (or its header)
# C0 and C1 controls (tab and newline are turned into spaces first), and the bidirectional marks, embeddings,
# overrides and isolates that can reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def shown(text: str) -> str:
    """``text`` safe to print: controls and bidirectional overrides as visible escapes, line breaks as spaces."""
    text = text.replace("\n", " ").replace("\t", " ")
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def spreadsheet_cell(text: str) -> str:
    """A CSV/TSV cell a spreadsheet will not run: one starting like a formula gets a leading ``'``; numbers stay."""
    return "'" + text if _FORMULA.match(text) and not _NUMBER.fullmatch(text) else text


def display(term: Term | None, full_iris: bool = False) -> str:
    """A readable cell: literals as their text, IRIs as prefixed names unless ``full_iris``, blank nodes by label."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode) and not full_iris:
        return compact(term.value)
    return term.value


def terminal_width() -> int:
    """The terminal's width ($COLUMNS, else the terminal's, else 120 when not a terminal)."""
    return shutil.get_terminal_size((120, 24)).columns


def _fit(natural: list[int], headers: list[int], width: int) -> list[int]:
    """Column widths that fit ``width`` (two spaces between columns): narrow columns keep their width, the wide
    ones share what is left equally (none below :data:`MIN_COLUMN` or its header). If even that does not fit, the
    table is wider than the terminal rather than unreadable."""
    room = width - 2 * (len(natural) - 1)
    if sum(natural) <= room:
        return list(natural)
    cap = max(natural)
    while cap > MIN_COLUMN and sum(min(n, cap) for n in natural) > room:
        cap -= 1
    return [max(min(n, cap), min(n, max(MIN_COLUMN, h))) for n, h in zip(natural, headers)]


def _wrap(text: str, width: int) -> list[str]:
    """A cell's lines: words kept whole where they fit, long words (URLs) broken at the width; nothing dropped."""
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _table(variables: list[str], cells: list[list[str]], width: int) -> str:
    natural = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(variables)]
    widths = _fit(natural, [len(v) for v in variables], width)
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    for row in cells:
        wrapped = [_wrap(cell, w) for cell, w in zip(row, widths)]
        for n in range(max(len(part) for part in wrapped)):
            lines.append("  ".join((part[n] if n < len(part) else "").ljust(w) for part, w in zip(wrapped, widths)).rstrip())
    return "\n".join([*lines, f"({len(cells)} row{'s' if len(cells) != 1 else ''})"])


def _json_term(term: Term) -> dict:
    """A term of SPARQL 1.1 JSON results as ``--format json`` has always written it: every literal with its language
    or datatype, ``xsd:string`` included, which pyoxigraph's writer leaves out (and it writes live answers only)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def format_result(result: QueryResult, fmt: str = "table", full_iris: bool = False, width: int | None = None) -> str:
    """The result as text in ``fmt``; CONSTRUCT results are written as Turtle whatever ``fmt``. A table fits
    ``width`` (default: the terminal's) by wrapping long cells over several lines, never by cutting them."""
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean}) if fmt == "json" else str(result.boolean).lower()
    if result.triples is not None:
        return ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=_TURTLE_PREFIXES).decode()
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
        return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2)
    cells = [[display(t, full_iris) for t in row] for row in result.rows]
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([[spreadsheet_cell(display(t, True)) for t in row] for row in result.rows])
        return out.getvalue().rstrip("\n")
    cells = [[shown(c) for c in row] for row in cells]
    if fmt == "markdown":
        lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines)
    return _table(result.variables, cells, width or terminal_width())
