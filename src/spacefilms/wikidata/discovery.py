"""Find other works filmed in space (or announced to be) from the seed projects, as candidates for review.

Two bounded queries start from what the curated graph links to Wikidata: items filmed (P915) where the graph's
works were filmed (or were to be), and works with a statement pointing at a seed project. Items the graph already links are
left out; every candidate keeps the name of the query that found it, saved next to the candidates file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.backends import Backend
from spacefilms.core.values import pick_label
from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically
from spacefilms.namespaces import compact
from spacefilms.wikidata.client import WikidataClient, chunks, item_iri, qid_of
from spacefilms.wikidata.linking import Link
from spacefilms.wikidata.queries import query_text

CANDIDATES_FILE = "candidates.tsv"

# The seed projects, and every place a work of the graph was filmed at or was to be filmed at (a planned location
# is still where other works may have been filmed): one row each.
_SEEDS = """SELECT DISTINCT ?seed ?place WHERE {
  { GRAPH ?g { ?seed a sf:SpaceFilmProject } ?g a sf:Source . }
  UNION { GRAPH ?gp { ?work sf:filmingLocation|sf:plannedFilmingLocation ?place } ?gp a sf:Source . }
}"""


@dataclass
class Candidate:
    """A Wikidata item that may belong in the graph, and why it was found."""

    item: str
    label_en: str
    label_ru: str
    description_en: str
    found_by: str
    evidence: str
    query: str


@dataclass
class Discovery:
    candidates: list[Candidate]
    queries: dict[str, str]
    known: int = 0  # items found that the graph already links
    unlinked_seeds: list[str] = field(default_factory=list)


def discover(backend: Backend, links: list[Link], client: WikidataClient, limit: int = 50, batch_size: int = 50) -> Discovery:
    """Run the discovery queries (each capped at ``limit`` rows) and describe the new items found."""
    if limit < 1:
        raise SpacefilmsError(f"--limit must be at least 1, got {limit}")
    qid = {link.entity: link.qid for link in links if link.linked}
    name = {link.qid: link.entity for link in links if link.linked}
    seeds, places, unlinked = set(), set(), set()
    for row in backend.select(_SEEDS):
        if row["seed"] is not None:
            seed = row["seed"].value
            (seeds if seed in qid else unlinked).add(seed)
        if row["place"] is not None and row["place"].value in qid:
            places.add(qid[row["place"].value])
    if not seeds and not places:
        raise SpacefilmsError("nothing to start from: no seed project or its filming location is linked (run `spacefilms link`)")
    queries: dict[str, str] = {}
    found: dict[str, tuple[str, str]] = {}  # QID -> (query name, evidence)
    known = set()

    def shown(iri: str) -> str:
        q = qid_of(iri)
        return f"{compact(name[q])} (wd:{q})" if q in name else (f"wd:{q}" if q else iri)

    if places:
        queries["filmed-at"] = query_text("filmed-at", "place", [item_iri(q) for q in sorted(places)], limit)
        for row in (answer := client.select(queries["filmed-at"])).rows:
            item = qid_of(answer.value(row, "item") or "")
            if item:
                found.setdefault(item, ("filmed-at", f"wdt:P915 {shown(answer.value(row, 'place'))}"))
    if seeds:
        queries["linked-to-seed"] = query_text(
            "linked-to-seed", "seed", [item_iri(q) for q in sorted(qid[s] for s in seeds)], limit
        )
        for row in (answer := client.select(queries["linked-to-seed"])).rows:
            item = qid_of(answer.value(row, "item") or "")
            prop = (answer.value(row, "property") or "").rsplit("/", 1)[-1]
            if item:
                found.setdefault(item, ("linked-to-seed", f"wdt:{prop} {shown(answer.value(row, 'seed'))}"))
    known = {q for q in found if q in name}
    new = sorted(set(found) - known)
    labels: dict[str, dict[str, str]] = {q: {} for q in new}
    for batch in chunks(new, batch_size):
        for described in client.select_split(lambda part: query_text("describe", "item", part), [item_iri(q) for q in batch]):
            for row in described.rows:
                item = qid_of(described.value(row, "item") or "")
                for var, key in (("label", None), ("description", "description")):
                    cell = row.get(var)
                    if item and isinstance(cell, ox.Literal):
                        labels[item].setdefault(key or cell.language or "", cell.value)
    candidates = [
        Candidate(
            q,
            pick_label(labels[q], "en", fallbacks=("mul",)),
            labels[q].get("ru", ""),
            labels[q].get("description", ""),
            found[q][0],
            found[q][1],
            f"discovery/{found[q][0]}.rq",
        )
        for q in new
    ]
    return Discovery(candidates, queries, len(known), sorted(unlinked))


def write_discovery(discovery: Discovery, folder: Path) -> Path:
    """Save each query as ``discovery/<name>.rq`` and the candidates as a TSV for review; return the TSV path."""
    (folder / "discovery").mkdir(parents=True, exist_ok=True)
    for query_name, text in discovery.queries.items():
        data = text.encode()
        write_atomically(folder / "discovery" / f"{query_name}.rq", lambda out, d=data: out.write(d))
    out = io.StringIO()
    out.write("# Candidates for review, found by `spacefilms discover`: not curated facts. Each names its query.\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow([f.name for f in fields(Candidate)])
    writer.writerows(astuple(c) for c in discovery.candidates)
    data = out.getvalue().encode()
    return write_atomically(folder / CANDIDATES_FILE, lambda f: f.write(data))
