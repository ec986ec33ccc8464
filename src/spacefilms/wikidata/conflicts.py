"""Where the curated graph and Wikidata disagree: the bundled ``conflicts-with-wikidata`` query (plus the money
amounts it cannot compare), one row per entity and property, values shown readably and differences of mere
precision left out."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from spacefilms.core.backends import Backend
from spacefilms.core.library import get_query
from spacefilms.core.precision import same_but_precision
from spacefilms.core.results import QueryResult
from spacefilms.core.values import format_money
from spacefilms.namespaces import RDFS, SCHEMA, SF, WIKIDATA_GRAPH_BASE

COLUMNS = ["entity", "property", "curated", "curatedSources", "wikidata", "wikidataGraphs"]

# The bundled query compares values by their text, which a blank node has none of: amounts are compared here.
_AMOUNTS = f"""
SELECT ?subjectLabel ?property ?curated ?curatedSource ?wikidata ?wikidataGraph ?cv ?cc ?wv ?wc WHERE {{
  VALUES ?property {{ sf:budget sf:boxOffice }}
  GRAPH ?wikidataGraph {{ ?subject ?property ?wikidata }}
  FILTER (STRSTARTS(STR(?wikidataGraph), "{WIKIDATA_GRAPH_BASE}"))
  GRAPH ?curatedSource {{ ?subject ?property ?curated }}
  ?curatedSource a sf:Source .
  ?subject rdfs:label ?subjectLabel . FILTER (LANG(?subjectLabel) = "en")
  OPTIONAL {{ ?curated schema:value ?cv ; schema:currency ?cc }}
  OPTIONAL {{ ?wikidata schema:value ?wv ; schema:currency ?wc }}
}}"""

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class _Reader:
    """Shows values of the store as text a reader can compare."""

    def __init__(self, backend: Backend, values: dict[Term, dict[str, list[Term]]]) -> None:
        self.backend = backend
        self.values = values  # what the answers said about blank nodes (amounts), which cannot be asked about again

    def objects(self, node: Term, predicate: str) -> list[Term]:
        if isinstance(node, ox.BlankNode):
            return self.values.get(node, {}).get(predicate, [])
        return [q.object for q in self.backend.quads(node, ox.NamedNode(predicate))]

    def amount(self, node: Term) -> tuple[Decimal, str] | None:
        values, currencies = self.objects(node, SCHEMA.value), self.objects(node, SCHEMA.currency)
        try:
            return (Decimal(values[0].value), currencies[0].value) if values and currencies else None
        except InvalidOperation:
            return None

    def render(self, node: Term) -> str:
        if isinstance(node, ox.Literal):
            return node.value
        amount = self.amount(node)
        if amount:
            return format_money(f"{amount[0].normalize():f}", amount[1])
        performers = self.objects(node, SF.performer)
        if performers:
            characters = sorted(c.value for c in self.objects(node, SF.character) if c.language in ("en", None))
            return self.render(performers[0]) + (f" as {characters[0]}" if characters else "")
        labels = sorted(x.value for x in self.objects(node, RDFS.label) if x.language == "en")
        return labels[0] if labels else (node.value if isinstance(node, ox.NamedNode) else "(blank node)")

    def key(self, node: Term) -> object:
        """What two values must share to be the same: amounts by number and currency, the rest by their text."""
        return (None if isinstance(node, ox.Literal) else self.amount(node)) or self.render(node)


def conflicts(backend: Backend) -> QueryResult:
    """Facts the curated graph and Wikidata state differently, grouped by entity and property, with both sources."""
    amounts: dict[Term, dict[str, list[Term]]] = {}
    reader = _Reader(backend, amounts)
    grouped: dict[tuple[str, str], dict[str, dict]] = defaultdict(lambda: {"curated": {}, "wikidata": {}})
    for text in (get_query("conflicts-with-wikidata").text, _AMOUNTS):
        for row in backend.select(text):
            for node, value, currency in (("curated", "cv", "cc"), ("wikidata", "wv", "wc")):
                if row.get(value) is not None and row.get(currency) is not None:
                    amounts[row[node]] = {SCHEMA.value: [row[value]], SCHEMA.currency: [row[currency]]}
            entry = grouped[(row["subjectLabel"].value, row["property"].value)]
            entry["curated"].setdefault(row["curated"], set()).add(row["curatedSource"].value)
            entry["wikidata"].setdefault(row["wikidata"], set()).add(row["wikidataGraph"].value)
    rows = []
    for (label, prop), sides in sorted(grouped.items()):
        curated = {reader.key(v): (reader.render(v), s) for v, s in sides["curated"].items()}
        wikidata = {reader.key(v): (reader.render(v), s) for v, s in sides["wikidata"].items()}
        for key in set(curated) & set(wikidata):
            del curated[key], wikidata[key]
        for c in list(curated):
            for w in list(wikidata):
                if c in curated and w in wikidata and same_but_precision(curated[c][0], wikidata[w][0]):
                    del curated[c], wikidata[w]
        if curated and wikidata:
            rows.append((ox.Literal(label), ox.NamedNode(prop), *_cells(curated), *_cells(wikidata)))
    return QueryResult("SELECT", COLUMNS, rows)


def _cells(side: dict[object, tuple[str, set[str]]]) -> tuple[ox.Literal, ox.Literal]:
    values = "; ".join(sorted(text for text, _ in side.values()))
    sources = " ".join(sorted(set().union(*(s for _, s in side.values()))))
    return ox.Literal(values), ox.Literal(sources)
