"""Every file and answer format the package reads or writes, in one table: its name, media type, the file name
endings that mean it, the pyoxigraph RDF format behind it (if any) and the commands that take it. Each command asks
the table, so adding a format, an ending or a command to a format happens in one row."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

# The commands (and the build's file reader) that take a format from the table.
QUERY, EXPORT, SITE, LOAD, DIAGRAM, TIMELINE = "query", "export", "site", "load", "diagram", "timeline"


@dataclass(frozen=True)
class Format:
    """One format: ``suffixes`` are the file name endings that name it (the first is the one written)."""

    name: str
    media_type: str
    suffixes: tuple[str, ...]
    commands: frozenset[str]
    rdf: ox.RdfFormat | None = None
    family: str = ""  # for diagrams: static (a picture), interactive (a page), export (a network for other tools)


def _row(name: str, media_type: str, suffixes: str, commands: str, rdf: ox.RdfFormat | None = None, family: str = "") -> Format:
    return Format(name, media_type, tuple(suffixes.split()), frozenset(commands.split()), rdf, family)


TABLE: tuple[Format, ...] = (
    # query results, printed or written by `query` and `wikidata`
    _row("table", "text/plain", "", QUERY),
    _row("csv", "text/csv", ".csv", QUERY),
    _row("tsv", "text/tab-separated-values", ".tsv", QUERY),
    _row("json", "application/sparql-results+json", ".json", QUERY),
    _row("markdown", "text/markdown", ".md", QUERY),
    # RDF: the export, the website's data files beside each page, the graph files a build reads (.json is JSON-LD)
    _row("ttl", "text/turtle", ".ttl", f"{EXPORT} {SITE} {LOAD}", ox.RdfFormat.TURTLE),
    _row("nt", "application/n-triples", ".nt", EXPORT, ox.RdfFormat.N_TRIPLES),
    _row("trig", "application/trig", ".trig", f"{EXPORT} {SITE} {LOAD}", ox.RdfFormat.TRIG),
    _row("nq", "application/n-quads", ".nq", f"{EXPORT} {LOAD}", ox.RdfFormat.N_QUADS),
    _row("jsonld", "application/ld+json", ".jsonld .json", f"{EXPORT} {SITE}", ox.RdfFormat.JSON_LD),
    # diagrams and timelines
    _row("png", "image/png", ".png", f"{DIAGRAM} {TIMELINE}", family="static"),
    _row("svg", "image/svg+xml", ".svg", f"{DIAGRAM} {TIMELINE}", family="static"),
    _row("pdf", "application/pdf", ".pdf", f"{DIAGRAM} {TIMELINE}", family="static"),
    _row("html", "text/html", ".html .htm", DIAGRAM, family="interactive"),
    _row("graphml", "application/graphml+xml", ".graphml", DIAGRAM, family="export"),
    _row("gexf", "application/gexf+xml", ".gexf", DIAGRAM, family="export"),
    _row("dot", "text/vnd.graphviz", ".dot .gv", DIAGRAM, family="export"),
)


def formats(command: str, family: str | None = None) -> dict[str, Format]:
    """The formats ``command`` takes (of one diagram ``family`` when given), by name, in the table's order."""
    return {f.name: f for f in TABLE if command in f.commands and family in (None, f.family)}


def names(command: str, family: str | None = None) -> tuple[str, ...]:
    return tuple(formats(command, family))


def suffixes(command: str) -> dict[str, str]:
    """The file name endings ``command`` understands (``.ttl``), each to its format's name, in the table's order."""
    return {suffix: f.name for f in formats(command).values() for suffix in f.suffixes}
