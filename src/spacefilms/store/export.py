"""Export the whole store (ontology included) to a standard RDF file, atomically."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically
from spacefilms.namespaces import PREFIXES
from spacefilms.querying.backends import LocalBackend
from spacefilms.store.ondisk import has_merged_default_graph, named_quads

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def export(store: ox.Store, fmt: str, output: str | Path) -> Path:
    """Write ``store`` to ``output`` in ``fmt`` (ttl, nt, trig, nq, jsonld).

    Dataset formats (trig, nq, jsonld) keep each fact in its source's named graph;
    triple formats (ttl, nt) write the union of all graphs, each triple once.
    """
    if fmt not in FORMATS:
        raise SpacefilmsError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format = FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None

    def write(out) -> None:
        if rdf_format.supports_datasets and has_merged_default_graph(store):
            ox.serialize(named_quads(store), out, rdf_format, prefixes=prefixes)  # not the merge: it is derived
        elif rdf_format.supports_datasets:
            store.dump(out, rdf_format, prefixes=prefixes)
        else:
            triples = LocalBackend(store).construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            ox.serialize(triples, out, rdf_format, prefixes=prefixes)

    return write_atomically(output, write)
