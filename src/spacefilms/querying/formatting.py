"""Render query results as a terminal table, CSV, TSV, SPARQL JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from spacefilms.namespaces import PREFIXES, compact
from spacefilms.querying.results import QueryResult

FORMATS = ("table", "csv", "tsv", "json", "markdown")
TABLE_CELL_WIDTH = 60  # longer cells are cut with "…" in the terminal table; csv/tsv/json/markdown keep them whole


def display(term: Identifier | None, full_iris: bool = False) -> str:
    """A readable cell: literals as their text, IRIs as prefixed names unless ``full_iris``."""
    if term is None:
        return ""
    if isinstance(term, URIRef) and not full_iris:
        return compact(str(term))
    return str(term)


def _cut(text: str) -> str:
    return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"


def _json_term(term: Identifier) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def format_result(result: QueryResult, fmt: str = "table", full_iris: bool = False) -> str:
    """The result as text in ``fmt``; CONSTRUCT results are written as Turtle whatever ``fmt``."""
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean}) if fmt == "json" else str(result.boolean).lower()
    if result.graph is not None:
        for prefix, ns in PREFIXES.items():
            result.graph.bind(prefix, ns)
        return result.graph.serialize(format="turtle")
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
        return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2)
    cells = [[display(t, full_iris) for t in row] for row in result.rows]
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([[display(t, True) for t in row] for row in result.rows])
        return out.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
        lines += ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in row) + " |" for row in cells]
        return "\n".join(lines)
    cells = [[_cut(c.replace("\n", " ")) for c in row] for row in cells]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join([line, rule, *body, f"({len(cells)} row{'s' if len(cells) != 1 else ''})"])
