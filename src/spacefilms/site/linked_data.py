"""Each entity's facts as data next to its page, and the schema.org description embedded in the page.

* ``X.trig`` — every fact about X (and the amounts of money or ranges it points to) **in the named graph of the
  source page stating it**, plus those sources' descriptions in the sources graph: the dataset form, provenance kept.
* ``X.jsonld`` — the same dataset as JSON-LD (one ``@graph`` per source).
* ``X.ttl`` — the same facts as plain Turtle, each once, without their sources (Turtle has no graphs): for tools
  that want only the description; the ``.trig`` is the one to cite from.
"""

from __future__ import annotations

import pyoxigraph as ox

from spacefilms.core.formats import SITE, formats
from spacefilms.namespaces import PREFIXES, SCHEMA, SF, SOURCES_GRAPH
from spacefilms.site.index import ALT_LABEL, LABEL, SiteData
from spacefilms.site.paths import is_resource

FORMATS = {name: (f.rdf, f.media_type) for name, f in formats(SITE).items() if f.rdf}  # suffix -> (format, media type)
_SCHEMA_TYPES = {
    str(SF.Milestone): "Event",
    str(SF.Spaceflight): "Event",
    str(SF.Expedition): "Event",
    str(SF.SpaceStation): "Place",
    str(SF.LaunchSite): "Place",
    str(SF.SpaceAgency): "GovernmentOrganization",
    str(SF.LaunchVehicle): "Product",
    str(SF.SpaceFilmProject): "CreativeWork",
}


def entity_quads(data: SiteData, iri: str) -> list[ox.Quad]:
    """The entity's facts in their graphs, the blank nodes they reach, and the descriptions of their sources."""
    subject = ox.NamedNode(iri)
    quads, graphs, seen = [], set(), set()
    pending = [(subject, p, o, g) for p, o, g in data.entity(iri).out]
    while pending:
        s, p, o, g = pending.pop(0)
        quads.append(ox.Quad(s, ox.NamedNode(p), o, ox.NamedNode(g)))
        graphs.add(g)
        if isinstance(o, ox.BlankNode) and o.value not in seen:
            seen.add(o.value)
            pending += [(o, bp, bo, bg) for bp, bo, bg in data.blank(o)]
    for graph in sorted(graphs):
        quads += data.source_description(graph)
    return quads


def serialize(quads: list[ox.Quad], suffix: str) -> bytes:
    fmt = FORMATS[suffix][0]
    if suffix == "ttl":
        facts = {ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value != SOURCES_GRAPH}
        return ox.serialize(sorted(facts, key=str), format=fmt, prefixes=PREFIXES)
    if suffix == "trig":
        return ox.serialize(quads, format=fmt, prefixes=PREFIXES)
    return ox.serialize(quads, format=fmt)


def schema_org(data: SiteData, iri: str, links: list[str]) -> dict:
    """A schema.org description of the entity (names, type, description, schema.org facts, same-as links)."""
    entity = data.entity(iri)
    types = sorted(
        {t[len(str(SCHEMA)) :] for t in entity.types if t.startswith(str(SCHEMA))}
        | {_SCHEMA_TYPES[t] for t in entity.types if t in _SCHEMA_TYPES}
    )
    doc: dict = {"@context": "https://schema.org", "@id": iri, "@type": types[0] if len(types) == 1 else (types or "Thing")}
    doc["name"] = data.label(iri)
    alternates = sorted(
        {o.value for p, o, _ in entity.out if p in (LABEL, ALT_LABEL) and isinstance(o, ox.Literal)} - {doc["name"]}
    )
    if alternates:
        doc["alternateName"] = alternates
    for predicate, obj, _ in entity.out:
        if not predicate.startswith(str(SCHEMA)) or isinstance(obj, ox.BlankNode):
            continue
        key = predicate[len(str(SCHEMA)) :]
        if isinstance(obj, ox.Literal):
            value: object = obj.value if not obj.language else {"@value": obj.value, "@language": obj.language}
        elif is_resource(obj.value) or data.names(obj.value):
            value = {"@id": obj.value, "name": data.label(obj.value)}
        else:
            value = obj.value
        values = doc.setdefault(key, [])
        if value not in values:
            values.append(value)
    if links:
        doc["sameAs"] = links
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 and k != "sameAs" else v) for k, v in doc.items()}
