"""The Wikidata SPARQL, kept as data: ``queries/wikidata/*.rq`` (same header format as the bundled queries), each
run with its batch of items bound as the rows of a VALUES block."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.library import NamedQuery, get_query, list_queries
from spacefilms.core.parameters import inline_values
from spacefilms.workspace import data_dir


def wikidata_queries_dir() -> Path:
    return data_dir("queries") / "wikidata"


def wikidata_query(name: str) -> NamedQuery:
    return get_query(name, wikidata_queries_dir())


def all_wikidata_queries() -> list[NamedQuery]:
    return list_queries(wikidata_queries_dir())


def query_text(name: str, variable: str, iris: Iterable[str], limit: int | None = None) -> str:
    """The text of ``queries/wikidata/<name>.rq`` with ``iris`` bound to ``variable`` (and a LIMIT when given)."""
    text = inline_values(wikidata_query(name).text, [variable], [(ox.NamedNode(iri),) for iri in iris])
    return text + (f"LIMIT {int(limit)}\n" if limit else "")
