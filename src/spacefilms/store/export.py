"""Export the whole store (ontology included) to a standard RDF file, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.backends import Backend, LocalBackend
from spacefilms.core.formats import EXPORT, formats, suffixes
from spacefilms.core.layout import published_quads
from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically
from spacefilms.namespaces import PREFIXES
from spacefilms.store.description import write_void

FORMATS = {name: f.rdf for name, f in formats(EXPORT).items() if f.rdf}
SUFFIXES = suffixes(EXPORT)  # what each file name ending means; .json is JSON-LD


def format_for(output: str | Path, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` when given (it must agree with the file name's ending, when that names one),
    else the one the ending names. A Turtle file never receives TriG."""
    named = SUFFIXES.get(Path(output).suffix.lower())
    if fmt is not None and fmt not in FORMATS:
        raise SpacefilmsError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt is not None and named is not None and named != fmt:
        raise SpacefilmsError(
            f"the name ends in {Path(output).suffix} ({named}) but --format {fmt} was asked: make them agree", str(output)
        )
    chosen = fmt or named
    if chosen is None:
        raise SpacefilmsError(
            f"cannot tell the format from the name; end it in {', '.join(SUFFIXES)} or give --format", str(output)
        )
    return chosen


def export(source: ox.Store | Backend, fmt: str, output: str | Path) -> Path:
    """Write the graph ``source`` holds (a store, or what a backend reads) to ``output`` in ``fmt`` (ttl, nt, trig,
    nq, jsonld).

    Dataset formats (trig, nq, jsonld) write one and the same dataset, the published layout (see
    :mod:`spacefilms.core.layout`): each fact in its source's named graph, their merge as the named graph
    ``…/graph/all`` and in the default graph, and the manifest; triple formats (ttl, nt) write the merge alone. The
    VoID description of the graph goes beside it, naming it as its dump (``graph.void.ttl`` for ``graph.trig``: see
    :mod:`spacefilms.store.description`).
    """
    backend = LocalBackend(source) if isinstance(source, ox.Store) else source
    if fmt not in FORMATS:
        raise SpacefilmsError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format = FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None

    def write(out) -> None:
        if fmt == "jsonld":
            out.write(_json_ld(published_quads(backend.quads(), default_graph=True)))
        elif rdf_format.supports_datasets:
            ox.serialize(published_quads(backend.quads(), default_graph=True), out, rdf_format, prefixes=prefixes)
        else:
            triples = backend.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {backend.graph_filter()} }}")
            ox.serialize(triples, out, rdf_format, prefixes=prefixes)

    path = write_atomically(output, write)
    write_void(backend, path)
    return path


def _json_ld(quads: list[ox.Quad]) -> bytes:
    """JSON-LD with an ``@context`` of the project prefixes (compact IRIs such as ``schema:director``), one
    ``@graph`` per source and the default graph's nodes at the top: rdflib's JSON-LD writer, as pyoxigraph's writes
    expanded JSON-LD only. rdflib nests blank nodes recursively: a chain deeper than Python's stack is an error."""
    from rdflib import Dataset

    from spacefilms.core.results import rdflib_terms

    term, dataset = rdflib_terms(), Dataset()
    for quad in quads:
        triple = (term(quad.subject), term(quad.predicate), term(quad.object))
        dataset.add(triple if isinstance(quad.graph_name, ox.DefaultGraph) else (*triple, term(quad.graph_name)))
    try:
        document = json.loads(dataset.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True))
    except RecursionError:
        raise SpacefilmsError(
            "blank nodes nested too deep for the JSON-LD writer; export to TriG or N-Quads (same dataset)"
        ) from None
    # rdflib writes the default graph as a graph object without @id, which readers take for a blank-named graph:
    # its nodes go to the top level, where JSON-LD keeps the default graph.
    nodes = document.get("@graph", [])
    document["@graph"] = [n for n in nodes if n.keys() != {"@graph"}] + [
        m for n in nodes if n.keys() == {"@graph"} for m in n["@graph"]
    ]
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
