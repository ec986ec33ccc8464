"""The works filmed in space as the website lists them: on the home page by kind of work, on the class pages of films,
series, videos and projects, and on each work's page where, when and by whom it was filmed in space, with sources.

A work was filmed in space when a source names a space station (or outer space) as its filming location, or a
spaceflight it was recorded during: the rule of the bundled query ``precedents``. A planned location and archival
footage from a flight do not count. Every work with a kind of work (``sf:workKind``) is listed too, under the kind
fewest works share (:func:`spacefilms.diagrams.timeline.main_kind`, as the timeline of works draws it); announced
projects, never filmed, apart, with their latest dated milestone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import pyoxigraph as ox

from spacefilms.diagrams.timeline import main_kind
from spacefilms.namespaces import SCHEMA, SF, SFR
from spacefilms.site.entities import Group, Milestone, fact_groups, milestones
from spacefilms.site.index import SiteData, Term
from spacefilms.site.paths import resource_page
from spacefilms.site.values import Shown, show

FILMED_AT, RECORDED_AT = str(SF.filmingLocation), str(SCHEMA.recordedAt)
CAMERA, ARCHIVAL, PLANNED = str(SF.cameraOperatorInSpace), str(SF.archivalFootageFrom), str(SF.plannedFilmingLocation)
KIND, ANNOUNCED = str(SF.workKind), str(SF.AnnouncedProject)
STATION, MILESTONE_OF, MILESTONE_TYPE = str(SF.SpaceStation), str(SF.milestoneOf), str(SF.milestoneType)
START, PUBLISHED = str(SCHEMA.startDate), str(SCHEMA.datePublished)
FILMING_IN_SPACE = str(SF.FilmingInSpace)
OUTER_SPACE = str(SFR["outer-space"])
# the work page's section on filming in space, in this order (the filming dates first)
SECTION = [FILMING_IN_SPACE, FILMED_AT, RECORDED_AT, CAMERA, PLANNED, ARCHIVAL]
UNKINDED = "of no stated kind"
_HEADINGS = {FILMING_IN_SPACE: "filmed in space (date)", FILMED_AT: "filmed in space at", RECORDED_AT: "filmed during"}


@dataclass
class Work:
    iri: str
    href: str  # its page, from the site's root
    label: str
    lang: str  # of its label, when not English
    kinds: list[str]  # the labels of its kinds of work
    group: str  # the kind it is listed under
    announced: bool  # an announced project, never filmed
    filmed: list[str]  # every year a source gives for its filming in space
    released: str  # the year of its earliest release ("" when none is known)
    where: list[Shown]  # the stations (or outer space) and flights it was filmed at
    archival: list[Shown]  # the flights whose footage it uses
    planned: list[Shown]  # where it was to be filmed
    status: Milestone | None  # its latest dated milestone
    sort_key: str


def in_space(data: SiteData, iri: str) -> list[tuple[str, Term, str]]:
    """The facts (predicate, place or flight, source) that say the work was filmed in space (see the module docstring)."""

    def off_earth(place: str) -> bool:
        return place == OUTER_SPACE or STATION in data.entities.get(place, ())

    return [
        (p, o, g)
        for p, o, g in data.entity(iri).out
        if isinstance(o, ox.NamedNode) and (p == RECORDED_AT or (p == FILMED_AT and off_earth(o.value)))
    ]


def filming_dates(data: SiteData, iri: str) -> list[tuple[str, Term, str]]:
    """The dates of the work's filming in space, as (``sf:FilmingInSpace``, date, source) facts."""
    found = []
    for subject, predicate, _ in data.entity(iri).incoming:
        if predicate == MILESTONE_OF and subject in data.entities:
            facts = data.entity(subject).out
            if any(p == MILESTONE_TYPE and o.value == FILMING_IN_SPACE for p, o, _ in facts):
                found += [(FILMING_IN_SPACE, o, g) for p, o, g in facts if p == START]
    return sorted(set(found), key=lambda f: (f[1].value, f[2]))


def filming_section(data: SiteData, iri: str, root: str) -> tuple[str, list[Group]]:
    """The work page's section on filming in space: when, where, on which flight, who held the camera, what was
    planned, whose footage it uses — each value with the pages stating it — and its heading, which says whether the
    work was filmed in space, only planned to be, or made of footage from space."""
    facts = filming_dates(data, iri) + [f for f in data.entity(iri).out if f[0] in (CAMERA, PLANNED, ARCHIVAL)]
    groups = fact_groups(data, facts + in_space(data, iri), root)
    for group in groups:
        group.label = _HEADINGS.get(group.predicate, group.label)
    groups.sort(key=lambda g: SECTION.index(g.predicate))
    found = {g.predicate for g in groups}
    if found - {PLANNED, ARCHIVAL}:
        return "Filmed in space", groups
    return ("Planned filming in space" if PLANNED in found else "Footage from space"), groups


def site_works(data: SiteData) -> list[Work]:
    """Every work (see the module docstring) in the order of its filming in space (else release), as a page in the
    site's root folder lists it (:func:`rooted` for a page deeper down). Found once per site: it reads every work's
    milestones."""
    if "works" not in data.cache:
        data.cache["works"] = _works(data)
    return data.cache["works"]


def rooted(work: Work, root: str) -> Work:
    """``work`` as a page ``root`` away from the site's root lists it: its links to this site's pages made relative."""

    def moved(shown: Shown) -> Shown:
        return replace(shown, href=root + shown.href) if shown.href and not shown.external else shown

    status = work.status and replace(work.status, shown=moved(work.status.shown), dates=[moved(d) for d in work.status.dates])
    return replace(
        work,
        where=[moved(s) for s in work.where],
        archival=[moved(s) for s in work.archival],
        planned=[moved(s) for s in work.planned],
        status=status,
    )


def _works(data: SiteData) -> list[Work]:
    root = ""
    kinds: dict[str, set[str]] = defaultdict(set)
    for quad in data.facts(predicate=KIND):
        if quad.subject.value in data.entities:
            kinds[quad.subject.value].add(quad.object.value)
    filmed = {q.subject.value for p in (RECORDED_AT, FILMED_AT) for q in data.facts(predicate=p)}
    chosen = sorted(kinds.keys() | {iri for iri in filmed & data.entities.keys() if in_space(data, iri)})
    sizes = Counter(data.term_label(kind) for iri in chosen for kind in kinds[iri])
    works = []
    for iri in chosen:
        labels = sorted({data.term_label(kind) for kind in kinds[iri]})
        out = data.entity(iri).out
        dates = sorted({o.value for _, o, _ in filming_dates(data, iri)})
        released = sorted(o.value for p, o, _ in out if p == PUBLISHED)
        dated = [m for m in milestones(data, iri, root) if m.dates]
        works.append(
            Work(
                iri=iri,
                href=resource_page(iri),
                label=data.label(iri),
                lang=data.label_lang(iri),
                kinds=labels,
                group=main_kind(labels or [UNKINDED], sizes),
                announced=ANNOUNCED in kinds[iri],
                filmed=sorted({d[:4] for d in dates}),
                released=released[0][:4] if released else "",
                where=_shown(data, in_space(data, iri), root),
                archival=_shown(data, [f for f in out if f[0] == ARCHIVAL], root),
                planned=_shown(data, [f for f in out if f[0] == PLANNED], root),
                status=max(dated, key=lambda m: m.dates[-1].sort_key) if dated else None,
                sort_key=(dates or released or [m.dates[0].sort_key for m in dated] or ["9999"])[0],
            )
        )
    return sorted(works, key=lambda w: (w.sort_key, w.label.casefold()))


def _shown(data: SiteData, facts: list[tuple[str, Term, str]], root: str) -> list[Shown]:
    """The values of ``facts``, each once, in name order."""
    found = {o.value: show(data, o, root) for _, o, _ in facts}
    return sorted(found.values(), key=lambda v: v.sort_key)


def works_by_kind(data: SiteData) -> tuple[list[tuple[str, list[Work]]], list[Work]]:
    """The works in groups by kind (the largest first), and the announced projects apart, for the home page."""
    groups: dict[str, list[Work]] = {}
    for work in site_works(data):
        if not work.announced:
            groups.setdefault(work.group, []).append(work)
    apart = [work for work in site_works(data) if work.announced]
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])), apart
