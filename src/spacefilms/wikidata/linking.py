"""Link curated entities to Wikidata items: by their English Wikipedia article (the item's sitelink), or by a
verified QID the curated graph already states (owl:sameAs). Nothing is guessed: an entity with neither, an
article no item claims, or answers that disagree are reported, never resolved by hand-waving.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path
from urllib.parse import quote, unquote

from spacefilms.core.backends import Backend
from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically
from spacefilms.namespaces import SCHEMA, SF
from spacefilms.wikidata.client import ENWIKI, Answer, WikidataClient, chunks, item_iri, qid_of
from spacefilms.wikidata.queries import query_text

# The kind of entity decides which Wikidata properties enrichment fetches; first matching class wins.
KINDS: list[tuple[str, str]] = [
    (SCHEMA.Movie, "film"),
    (SF.SpaceFilmProject, "film"),
    (SF.Spaceflight, "spaceflight"),
    (SCHEMA.Person, "person"),
    (SCHEMA.Organization, "organisation"),
    (SF.Expedition, "expedition"),
    (SF.LaunchVehicle, "launch-vehicle"),
    (SCHEMA.Country, "place"),
    (SF.SpaceStation, "place"),
    (SF.LaunchSite, "place"),
    (SCHEMA.Place, "place"),
]

_ENTITIES = """
SELECT ?entity ?type ?label ?article ?sameAs WHERE {
  VALUES ?type { %s }
  GRAPH ?g { ?entity a ?type } ?g a sf:Source .
  FILTER (STRSTARTS(STR(?entity), STR(sfr:)))
  OPTIONAL { ?entity rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL { GRAPH ?ga { ?entity foaf:isPrimaryTopicOf ?article } ?ga a sf:Source .
             FILTER (STRSTARTS(STR(?article), "https://en.wikipedia.org/wiki/")) }
  OPTIONAL { GRAPH ?gs { ?entity owl:sameAs ?sameAs } ?gs a sf:Source .
             FILTER (STRSTARTS(STR(?sameAs), "http://www.wikidata.org/entity/")) }
}"""


@dataclass
class Entity:
    """A curated entity with what the curated graph says about its Wikipedia article and Wikidata item."""

    iri: str
    kind: str
    label: str
    articles: list[str]
    same_as: list[str]


@dataclass
class Link:
    """One row of the links file: how (and whether) an entity was resolved to a Wikidata item."""

    entity: str
    kind: str
    label: str
    qid: str
    status: str  # linked | missing | ambiguous | conflict | merged | not-found
    method: str  # sitelink | verified-qid | sitelink+verified-qid | none
    article: str
    wikidata_label: str
    detail: str
    resolved_at: str

    @property
    def linked(self) -> bool:
        return self.status == "linked"


def curated_entities(backend: Backend) -> list[Entity]:
    """Every curated entity of a linkable class, with its English article(s) and owl:sameAs QIDs."""
    types = " ".join(f"<{iri}>" for iri, _ in KINDS)
    rank = {iri: i for i, (iri, _) in enumerate(KINDS)}
    found: dict[str, dict] = {}
    for row in backend.select(_ENTITIES % types):
        entry = found.setdefault(row["entity"].value, {"types": set(), "labels": set(), "articles": set(), "same": set()})
        entry["types"].add(row["type"].value)
        for key, name in (("labels", "label"), ("articles", "article"), ("same", "sameAs")):
            if row[name] is not None:
                entry[key].add(row[name].value)
    kinds = dict(KINDS)
    return [
        Entity(
            iri,
            kinds[min(e["types"], key=rank.__getitem__)],
            min(e["labels"], default=""),
            sorted(e["articles"]),
            sorted(q for q in (qid_of(s) for s in e["same"]) if q),
        )
        for iri, e in sorted(found.items())
    ]


def sitelink_form(article: str) -> str:
    """The article URL as Wikidata writes sitelinks: title percent-encoded like MediaWiki's wfUrlencode."""
    prefix = ENWIKI + "wiki/"
    title = unquote(article[len(prefix) :]).replace(" ", "_")
    return prefix + quote(title, safe=";@$!*(),/~:")


@dataclass
class _Answers:
    """What the endpoint said: items per article, which QIDs exist, English labels, and when it said so."""

    items: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # article -> QIDs
    existing: set[str] = field(default_factory=set)
    merged: dict[str, str] = field(default_factory=dict)  # QID -> the QID it was merged into (a redirect)
    labels: dict[str, str] = field(default_factory=dict)  # QID -> English label at the endpoint
    when: dict[str, str] = field(default_factory=dict)  # article or QID -> fetch time

    def read(self, answer: Answer, asked: list[str], key: str) -> None:
        for name in asked:
            self.when[qid_of(name) or name] = answer.fetched_at
        for row in answer.rows:
            item = qid_of(answer.value(row, "item") or "")
            if item is None:
                continue
            if key == "article":
                self.items[answer.value(row, "article")].add(item)
            elif answer.value(row, "present") is not None:
                self.existing.add(item)
            elif qid_of(answer.value(row, "mergedInto") or ""):
                self.merged[item] = qid_of(answer.value(row, "mergedInto"))
            if answer.value(row, "label"):
                self.labels[item] = answer.value(row, "label")


def resolve(entities: list[Entity], client: WikidataClient, batch_size: int = 50) -> list[Link]:
    """Ask the endpoint which item has each article as its English sitelink, and whether each verified QID
    exists; decide every entity's status from the answers."""
    variants = {e.iri: {a: sorted({a, sitelink_form(a)}) for a in e.articles} for e in entities}
    articles = sorted({v for per in variants.values() for forms in per.values() for v in forms})
    qids = sorted({q for e in entities for q in e.same_as})
    said = _Answers()
    for batch in chunks(articles, batch_size):
        for answer in client.select_split(lambda part: query_text("sitelinks", "article", part), batch, variable="article"):
            said.read(answer, batch, "article")
    for batch in chunks(qids, batch_size):
        iris = [item_iri(q) for q in batch]
        # No "empty answer means rejected" check here: a batch of merged or deleted items rightly answers nothing,
        # and Wikimedia rejects a client with a 403 or a text body, which the client's JSON check catches.
        for answer in client.select_split(lambda part: query_text("items", "item", part), iris):
            said.read(answer, iris, "item")
    return _mark_duplicates([_decide(e, variants[e.iri], said) for e in entities])


def _decide(entity: Entity, variants: dict[str, list[str]], said: _Answers) -> Link:
    article = entity.articles[0] if entity.articles else ""

    def link(status: str, method: str, qid: str = "", detail: str = "", *keys: str) -> Link:
        when = max((said.when.get(k, "") for k in keys), default="")
        return Link(entity.iri, entity.kind, entity.label, qid, status, method, article, said.labels.get(qid, ""), detail, when)

    forms = [f for fs in variants.values() for f in fs]
    per_article = {a: set().union(*(said.items.get(f, set()) for f in fs)) for a, fs in variants.items()}
    sitelinked = set().union(*per_article.values()) if per_article else set()
    if len(entity.same_as) > 1:
        return link("ambiguous", "verified-qid", "", f"several curated owl:sameAs: {', '.join(entity.same_as)}")
    if len(sitelinked) > 1:
        detail = "; ".join(f"{a} -> {', '.join(sorted(i)) or 'none'}" for a, i in sorted(per_article.items()))
        return link("ambiguous", "sitelink", "", f"the article(s) resolve to several items: {detail}", *forms)
    if entity.same_as:
        qid = entity.same_as[0]
        if qid in said.merged:
            target = said.merged[qid]
            detail = f"wd:{qid} was merged into wd:{target}: update graph/wikidata-ids.tsv and graph/wikidata-ids.trig"
            return link("merged", "verified-qid", qid, detail, qid)
        if qid not in said.existing:
            return link("not-found", "verified-qid", qid, "the endpoint has no item with this QID (deleted?)", qid)
        if sitelinked and sitelinked != {qid}:
            other = next(iter(sitelinked))
            detail = f"curated owl:sameAs wd:{qid} but {article} is the sitelink of wd:{other}: fix the curated data"
            return link("conflict", "sitelink+verified-qid", qid, detail, qid, *forms)
        if sitelinked:
            return link("linked", "sitelink+verified-qid", qid, "the sitelink confirms the curated owl:sameAs", qid, *forms)
        return link("linked", "verified-qid", qid, "curated owl:sameAs (graph/wikidata-ids.tsv); the item exists", qid)
    if sitelinked:
        qid = next(iter(sitelinked))
        return link("linked", "sitelink", qid, "English Wikipedia sitelink", *forms)
    if entity.articles:
        return link("missing", "sitelink", "", "no item has this English Wikipedia article as its sitelink", *forms)
    return link("missing", "none", "", "no English Wikipedia article and no verified QID in the curated data")


def _mark_duplicates(links: list[Link]) -> list[Link]:
    """Two entities resolved to one item cannot both be right: report both as ambiguous."""
    by_qid: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        if link.linked:
            by_qid[link.qid].append(link)
    for qid, group in by_qid.items():
        if len(group) > 1:
            for link in group:
                others = ", ".join(o.entity for o in group if o is not link)
                link.status, link.detail = "ambiguous", f"wd:{qid} is also resolved for {others}"
    return links


# ---------------------------------------------------------------- the links file

_HEADER = [f.name for f in fields(Link)]


def write_links(links: list[Link], path: Path, endpoint: str) -> Path:
    """Write the reviewable links file (TSV). A row that did not change keeps its earlier ``resolved_at``."""
    previous = {(old.entity, old.qid, old.status, old.method, old.article): old.resolved_at for old in _read_if_any(path)}
    out = io.StringIO()
    out.write("# Wikidata links of the curated entities, written by `spacefilms link`: review before committing.\n")
    out.write("# status linked = used by `spacefilms enrich`; missing / ambiguous / conflict / not-found are never guessed.\n")
    out.write(f"# endpoint: {endpoint}\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(_HEADER)
    for link in sorted(links, key=lambda x: x.entity):
        link.resolved_at = previous.get((link.entity, link.qid, link.status, link.method, link.article), link.resolved_at)
        writer.writerow(astuple(link))
    data = out.getvalue().encode()
    return write_atomically(path, lambda f: f.write(data))


def _read_if_any(path: Path) -> list[Link]:
    return read_links(path) if Path(path).is_file() else []


def read_links(path: Path) -> list[Link]:
    """The rows of a links file; a malformed file is an error naming the line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpacefilmsError(
            f"cannot read the links file ({exc.strerror or exc}); run `spacefilms link` first", str(path)
        ) from None
    # Rows end at "\n" only (as written): a label may hold U+2028 or another character str.splitlines breaks at.
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter="\t") if row and not row[0].startswith("#")]
    if not rows or rows[0] != _HEADER:
        raise SpacefilmsError(f"not a links file: the header must be {' '.join(_HEADER)}", str(path))
    links = []
    for number, row in enumerate(rows[1:], 2):
        if len(row) != len(_HEADER):
            raise SpacefilmsError(f"row {number} has {len(row)} columns, expected {len(_HEADER)}", str(path))
        link = Link(*row)
        if link.linked and qid_of(item_iri(link.qid)) is None:
            raise SpacefilmsError(f"row {number}: {link.qid!r} is not a QID", str(path))
        links.append(link)
    return links
