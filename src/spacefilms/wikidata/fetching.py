"""Fetching statements and labels: the queries, and reading their answers into :class:`Statement` records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from spacefilms.core.results import Term
from spacefilms.wikidata.client import Answer, item_iri, prologue, qid_of, values_block
from spacefilms.wikidata.fields import FIELDS, PQ

PREFERRED = "http://wikiba.se/ontology#PreferredRank"
# English and Russian, and Wikidata's "mul" (default for all languages): since 2024 the label of many Latin-script
# names is only there (phabricator T285156), so it stands in for a missing English or Russian label.
LABEL_LANGUAGES = ("en", "ru", "mul")


def statements_query(kind: str, qids: list[str]) -> str:
    """All non-deprecated statements of this kind's properties for a batch of items, with the details of
    time/quantity values and the wanted qualifiers; plus one row per existing item (``?present``) with its
    revision (``?version``) and last change (``?modified``) where the endpoint has them.

    Generated from :data:`~spacefilms.wikidata.fields.FIELDS`: one explicit block per property
    (``?item p:P57 ?statement . ?statement ps:P57 ?value``) rather than variable predicates joined with the VALUES
    of the items, a shape QLever runs out of memory on (ad-freiburg/qlever#2423, #3103)."""
    items = values_block("item", [item_iri(q) for q in qids])
    blocks = []
    for f in FIELDS[kind]:
        qualifier = (
            f"\n      OPTIONAL {{ ?statement pq:{f.qualifier} ?qvalue . BIND (pq:{f.qualifier} AS ?qualifier) }}"
            if f.qualifier
            else ""
        )
        blocks.append(
            f'    {{ ?item p:{f.pid} ?statement . ?statement ps:{f.pid} ?value ; wikibase:rank ?rank . BIND ("{f.pid}" AS ?pid)\n'
            f"      OPTIONAL {{ ?statement psv:{f.pid} ?node .\n"
            "        OPTIONAL { ?node wikibase:timePrecision ?precision }\n"
            "        OPTIONAL { ?node wikibase:quantityAmount ?amount }\n"
            f"        OPTIONAL {{ ?node wikibase:quantityUnit ?unit }} }}{qualifier} }}"
        )
    return prologue() + (
        "SELECT ?item ?pid ?statement ?rank ?value ?node ?precision ?amount ?unit ?qualifier ?qvalue ?present ?version ?modified WHERE {\n"
        f"  {items}\n"
        "  {\n" + "\n    UNION\n".join(blocks) + "\n    FILTER (?rank != wikibase:DeprecatedRank)\n"
        "  } UNION {\n"
        f"    {{ SELECT ?item (SAMPLE(?anyLabel) AS ?present) WHERE {{ {items} ?item rdfs:label ?anyLabel }} GROUP BY ?item }}\n"
        "    OPTIONAL { ?item schema:version ?version }\n"
        "    OPTIONAL { ?item schema:dateModified ?modified }\n"
        "  }\n"
        "}"
    )


@dataclass
class Statement:
    """One Wikidata statement as fetched: its value, value details and qualifier values."""

    iri: str
    qid: str
    pid: str
    rank: str
    value: Term
    node: str | None
    precision: int | None
    amount: str | None
    unit: str | None
    fetched_at: str
    qualifiers: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Fetched:
    statements: list[Statement] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # QID -> lang -> label
    codes: dict[str, str] = field(default_factory=dict)  # currency QID -> ISO 4217 code
    label_times: dict[str, str] = field(default_factory=dict)
    revisions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # QID -> (version, modified)


def read_statements(answer: Answer, fetched: Fetched) -> None:
    by_iri: dict[str, Statement] = {}
    for row in answer.rows:
        item = qid_of(answer.value(row, "item") or "")
        if item and answer.value(row, "present") is not None:
            fetched.present.add(item)
            fetched.revisions[item] = (answer.value(row, "version"), answer.value(row, "modified"))
        iri, value = answer.value(row, "statement"), row.get("value")
        if not item or iri is None or value is None:
            continue
        statement = by_iri.get(iri)
        if statement is None:
            precision = answer.value(row, "precision")
            statement = by_iri[iri] = Statement(
                iri,
                item,
                answer.value(row, "pid"),
                answer.value(row, "rank") or "",
                value,
                answer.value(row, "node"),
                int(precision) if precision and precision.isdigit() else None,  # else unknown: no date is made
                answer.value(row, "amount"),
                answer.value(row, "unit"),
                answer.fetched_at,
            )
        qualifier, qvalue = answer.value(row, "qualifier"), row.get("qvalue")
        if qualifier and qvalue and qvalue not in statement.qualifiers[qualifier[len(PQ) :]]:
            statement.qualifiers[qualifier[len(PQ) :]].append(qvalue)
    fetched.statements.extend(by_iri.values())


def read_labels(answer: Answer, fetched: Fetched) -> None:
    for row in answer.rows:
        item = qid_of(answer.value(row, "item") or "")
        if item is None:
            continue
        fetched.label_times[item] = answer.fetched_at
        label = row.get("label")
        if isinstance(label, ox.Literal) and label.language in LABEL_LANGUAGES:
            fetched.labels[item].setdefault(label.language, label.value)
        if answer.value(row, "code"):
            fetched.codes[item] = answer.value(row, "code")


def best_ranked(statements: list[Statement]) -> list[Statement]:
    """Wikidata's 'truthy' choice: where an item has preferred statements for a property, only those."""
    preferred = {(s.qid, s.pid) for s in statements if s.rank == PREFERRED}
    return [s for s in statements if s.rank == PREFERRED or (s.qid, s.pid) not in preferred]
