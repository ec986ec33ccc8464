"""Export the whole store (ontology included) to a standard RDF file, atomically."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically
from spacefilms.namespaces import PREFIXES
from spacefilms.querying.backends import Backend, LocalBackend

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def export(source: ox.Store | Backend, fmt: str, output: str | Path) -> Path:
    """Write the graph ``source`` holds (a store, or what a backend reads) to ``output`` in ``fmt`` (ttl, nt, trig,
    nq, jsonld).

    Dataset formats (trig, nq, jsonld) keep each fact in its source's named graph (the merged default graph is
    left out: it is derived); triple formats (ttl, nt) write the union of all graphs, each triple once.
    """
    backend = LocalBackend(source) if isinstance(source, ox.Store) else source
    if fmt not in FORMATS:
        raise SpacefilmsError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format = FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None

    def write(out) -> None:
        if rdf_format.supports_datasets:
            ox.serialize(backend.quads(), out, rdf_format, prefixes=prefixes)
        else:
            triples = backend.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            ox.serialize(triples, out, rdf_format, prefixes=prefixes)

    return write_atomically(output, write)
