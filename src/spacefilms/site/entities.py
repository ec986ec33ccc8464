"""What one entity's page shows: names, types, its descriptions each with the pages stating it, every fact grouped by
relation with its sources, where the sources disagree (side by side), what points at it, links to other sites, and its
dated milestones."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from spacefilms.core.precision import same_but_precision
from spacefilms.namespaces import FOAF, OWL, SCHEMA, SF, WD, WDT, compact
from spacefilms.site.index import ALT_LABEL, LABEL, TYPE, SiteData, Term
from spacefilms.site.paths import class_page, resource_page, source_page
from spacefilms.site.values import Shown, show
from spacefilms.templating import is_web_link

DESCRIPTION = str(SCHEMA.description)
# Relations whose different values are a disagreement between sources, not several facts (as in source-disagreements.rq).
DISAGREEABLE = {
    str(p)
    for p in (
        SCHEMA.startDate,
        SCHEMA.endDate,
        SF.launchTime,
        SF.landingTime,
        SCHEMA.duration,
        SF.minutesShotInSpace,
        SCHEMA.birthDate,
        SCHEMA.datePublished,
    )
}
HEADER_ORDER = [TYPE, LABEL, ALT_LABEL, DESCRIPTION]
COPY, ENCYCLOPEDIA = str(SF.SecondaryCopy), str(SF.Encyclopedia)
# A length of time in an English description ("12 days", "35–40 minutes"); amounts joined by "," or "and" in falling
# units ("11 days, 22 hours and 13 minutes") are one amount, counted in the unit it begins with.
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(?:\s*[–-]\s*(\d+(?:\.\d+)?))?\s+(week|day|hour|minute)s?\b", re.IGNORECASE)
_MINUTES = {"week": 10080, "day": 1440, "hour": 60, "minute": 1}
_JOINED = re.compile(r"\s*(?:,|and|,\s*and)\s*")
ARTICLE, WIKIDATA_ITEM = str(FOAF.isPrimaryTopicOf), str(WD)
START, MILESTONE_TYPE, MILESTONE = str(SCHEMA.startDate), str(SF.milestoneType), str(SF.Milestone)
_LINK_PREDICATES = {ARTICLE, str(OWL.sameAs), str(SCHEMA.sameAs), str(SCHEMA.url)}
_ID_LINKS = {  # identifiers the graph may hold as literals (fetched from Wikidata): the page they name
    str(WDT.P345): ("IMDb", lambda v: f"https://www.imdb.com/{'name' if v.startswith('nm') else 'title'}/{v}/"),
    str(WDT.P2603): ("Kinopoisk", lambda v: f"https://www.kinopoisk.ru/film/{v}/"),
}


@dataclass
class SourceRef:
    href: str  # the source's page in this site
    url: str  # the source itself
    name: str
    title: str
    kind: str  # a CSS-friendly key: news, encyclopedia, …
    kind_label: str
    lang: str = ""  # the title's language, when not English


@dataclass
class Value:
    shown: Shown
    sources: list[SourceRef]
    disputed: bool = False


@dataclass
class Group:
    predicate: str
    label: str
    curie: str
    values: list[Value] = field(default_factory=list)
    disputed: bool = False


@dataclass
class Milestone:
    shown: Shown
    dates: list[Shown]
    kind: str


@dataclass
class EntityPage:
    iri: str
    path: str
    root: str
    label: str
    label_lang: str  # "" for English
    label_ru: str
    curie: str
    alt_labels: list[Shown]
    types: list[tuple[str, str]]  # (label, href)
    kind: str
    descriptions: list[Value]  # in the order to read them (see described), each with its sources
    groups: list[Group]
    disagreements: list[Group]
    incoming: list[Group]
    links_out: list[tuple[str, str]]
    milestones: list[Milestone]
    source_count: int
    diagram: str = ""  # path of the focus diagram, relative to this page
    diagram_note: str = ""


def kind_key(kind_iri: str) -> str:
    """``sf:NewsSource`` → ``news`` (a class name for the badge's colour)."""
    if kind_iri == "wikidata":
        return "wikidata"
    local = re.split(r"[#/]", kind_iri)[-1]
    return {"NewsSource": "news", "OfficialSource": "official", "SecondaryCopy": "copy"}.get(local, local.lower() or "unknown")


def source_ref(data: SiteData, graph: str, root: str) -> SourceRef:
    key = ("source", graph, root)
    if key not in data.cache:
        data.cache[key] = _source_ref(data, graph, root)
    return data.cache[key]


def _source_ref(data: SiteData, graph: str, root: str) -> SourceRef:
    source = data.source(graph)
    kind_label = "Wikidata" if source.kind == "wikidata" else (data.term_label(source.kind) if source.kind else "undeclared")
    name = source.label or source.publisher or graph
    short = name if len(name) <= 64 else name[:63].rstrip() + "…"
    return SourceRef(root + source_page(graph), graph, short, source.name, kind_key(source.kind), kind_label, source.label_lang)


def _refs(data: SiteData, graphs: set[str], root: str) -> list[SourceRef]:
    refs = [source_ref(data, g, root) for g in graphs]
    return sorted(refs, key=lambda r: (r.kind == "copy", r.name.casefold(), r.url))


def fact_groups(data: SiteData, facts: list[tuple[str, Term, str]], root: str) -> list[Group]:
    by_predicate: dict[str, dict[Term, set[str]]] = defaultdict(lambda: defaultdict(set))
    for predicate, obj, graph in facts:
        by_predicate[predicate][obj].add(graph)
    groups = []
    for predicate, values in by_predicate.items():
        group = Group(predicate, data.term_label(predicate), compact(predicate))
        group.values = [Value(show(data, obj, root), _refs(data, graphs, root)) for obj, graphs in values.items()]
        group.values.sort(key=lambda v: (v.shown.sort_key or v.shown.text.casefold(), v.shown.text))
        groups.append(group)
    order = {p: i for i, p in enumerate(HEADER_ORDER)}
    groups.sort(key=lambda g: (order.get(g.predicate, len(order)), g.label.casefold()))
    return groups


def _disputed(data: SiteData, group: Group, facts: list[tuple[str, Term, str]]) -> bool:
    """Citable sources (not copies) give values of ``group`` that differ by more than precision."""
    if group.predicate not in DISAGREEABLE:
        return False
    cited = {o.value for p, o, g in facts if p == group.predicate and isinstance(o, ox.Literal) and data.source(g).kind != COPY}
    return any(not same_but_precision(a, b) for a in cited for b in cited)


def amounts(text: str) -> dict[str, list[tuple[float, float]]]:
    """The lengths of time an English text states, by the unit each begins with, as (low, high) minutes:
    "spent 12 days" → ``{"day": [(17280, 17280)]}``, "11 days, 22 hours and 13 minutes (35–40 minutes of production)"
    → ``{"day": [(17173, 17173)], "minute": [(35, 40)]}``."""
    found: dict[str, list[tuple[float, float]]] = defaultdict(list)
    unit, end, scale = "", 0, 0
    for match in _AMOUNT.finditer(text):
        low, high, named = float(match[1]), float(match[2] or match[1]), match[3].lower()
        joined = unit and _MINUTES[named] < scale and _JOINED.fullmatch(text[end : match.start()])
        scale = _MINUTES[named]
        if joined:
            first, last = found[unit][-1]
            found[unit][-1] = (first + low * scale, last + high * scale)
        else:
            unit = named
            found[unit].append((low * scale, high * scale))
        end = match.end()
    return found


def described(data: SiteData, facts: list[tuple[str, Term, str]], root: str) -> tuple[list[Value], list[Group]]:
    """Each description with the pages stating it — first the one the entity's own encyclopedia article states, then
    any encyclopedia's, then the most cited — and, per unit of time, the descriptions that state lengths of time no
    other one's overlap (12 days against 11 days, 22 hours and 13 minutes) as a disagreement. Copies are no witness."""
    stated: dict[Term, set[str]] = defaultdict(set)
    for predicate, obj, graph in facts:
        if predicate == DESCRIPTION:
            stated[obj].add(graph)
    article = {o.value for p, o, _ in facts if p == ARTICLE and isinstance(o, ox.NamedNode)}

    def rank(item: tuple[Term, set[str]]) -> tuple:
        obj, graphs = item
        cited = [g for g in graphs if data.source(g).kind != COPY]
        encyclopedia = any(data.source(g).kind == ENCYCLOPEDIA for g in graphs)
        lang = getattr(obj, "language", None) or ""
        return (not graphs & article, not encyclopedia, -len(cited), lang not in ("en", ""), lang, obj.value)

    ordered = sorted(stated.items(), key=rank)
    values = [Value(show(data, obj, root), _refs(data, graphs, root)) for obj, graphs in ordered]
    by_unit: dict[str, list[tuple[int, list[tuple[float, float]]]]] = defaultdict(list)
    for number, (obj, graphs) in enumerate(ordered):
        if isinstance(obj, ox.Literal) and any(data.source(g).kind != COPY for g in graphs):
            for unit, found in amounts(obj.value).items():
                by_unit[unit].append((number, found))
    disagreements = []
    for unit, stating in by_unit.items():
        apart = {  # the descriptions with a length no other one's overlaps
            number
            for number, found in stating
            for other, theirs in stating
            if other != number and not any(lo <= t_hi and t_lo <= hi for lo, hi in found for t_lo, t_hi in theirs)
        }
        if apart:  # shown beside every other description stating lengths in that unit
            group = Group(DESCRIPTION, f"{data.term_label(DESCRIPTION)}: lengths of time in {unit}s", compact(DESCRIPTION))
            group.values = [values[number] for number, _ in stating]
            group.disputed = True
            for number in apart:
                values[number].disputed = True
            disagreements.append(group)
    return values, disagreements


def links_out(data: SiteData, facts: list[tuple[str, Term, str]]) -> list[tuple[str, str]]:
    """Other sites about the entity that the graph names: Wikipedia articles, the Wikidata item, IMDb, Kinopoisk."""
    found: dict[str, str] = {}
    for predicate, obj, _ in facts:
        if predicate in _LINK_PREDICATES and isinstance(obj, ox.NamedNode) and is_web_link(obj.value):
            url = obj.value
            if url.startswith(WIKIDATA_ITEM):
                item = url[len(WIKIDATA_ITEM) :]
                found[f"https://www.wikidata.org/wiki/{item}"] = f"Wikidata {item}"
                continue
            host = re.sub(r"^https?://(www\.)?", "", url).split("/", 1)[0]
            wiki = re.match(r"^([a-z-]+)\.(m\.)?wikipedia\.org$", host)
            name = f"Wikipedia ({wiki[1]})" if wiki else {"imdb.com": "IMDb", "kinopoisk.ru": "Kinopoisk"}.get(host, host)
            found[url] = name
        elif predicate in _ID_LINKS and isinstance(obj, ox.Literal) and re.fullmatch(r"[A-Za-z0-9]+", obj.value):
            name, make = _ID_LINKS[predicate]
            found[make(obj.value)] = f"{name} {obj.value}"
    return sorted(((name, url) for url, name in found.items()), key=lambda item: (not item[0].startswith("Wikipedia (en)"), item))


def milestones(data: SiteData, iri: str, root: str) -> list[Milestone]:
    found = []
    for subject, _, _ in data.entity(iri).incoming:  # of a project, or with the entity as agent, place …
        if MILESTONE not in data.entities.get(subject, ()):
            continue
        facts = data.entity(subject).out
        dates = sorted({o for p, o, _ in facts if p == START and isinstance(o, ox.Literal)}, key=lambda o: o.value)
        kinds = sorted({data.term_label(o.value) for p, o, _ in facts if p == MILESTONE_TYPE and isinstance(o, ox.NamedNode)})
        found.append(Milestone(show(data, ox.NamedNode(subject), root), [show(data, d, root) for d in dates], ", ".join(kinds)))
    unique = {m.shown.href: m for m in found}
    return sorted(unique.values(), key=lambda m: (m.dates[0].sort_key if m.dates else "9999", m.shown.text))


def entity_page(data: SiteData, iri: str, kind: str = "") -> EntityPage:
    entity = data.entity(iri)
    path = resource_page(iri)
    root = "../" * path.count("/")
    groups = fact_groups(data, entity.out, root)
    disagreements = []
    for group in groups:
        if _disputed(data, group, entity.out):
            group.disputed = True
            for value in group.values:
                value.disputed = True
            disagreements.append(group)
    incoming = fact_groups(data, [(p, ox.NamedNode(s), g) for s, p, g in entity.incoming], root)
    by_predicate = {g.predicate: g for g in groups}
    names = [v.shown for v in by_predicate.get(LABEL, Group("", "", "")).values]
    label = data.label(iri)
    label_ru = data.names(iri).get("ru", "")
    alt = [n for n in names if n.text not in (label, label_ru)]
    alt += [v.shown for v in by_predicate.get(ALT_LABEL, Group("", "", "")).values]
    about, differing = described(data, entity.out, root)
    disagreements += differing
    types = sorted((data.term_label(t), root + class_page(t)) for t in entity.types)
    return EntityPage(
        iri=iri,
        path=path,
        root=root,
        label=label,
        label_lang=data.label_lang(iri),
        label_ru=label_ru,
        curie=compact(iri),
        alt_labels=alt,
        types=types,
        kind=kind,
        descriptions=about,
        groups=groups,
        disagreements=disagreements,
        incoming=incoming,
        links_out=links_out(data, entity.out),
        milestones=milestones(data, iri, root),
        source_count=len({g for _, _, g in entity.out}),
    )
