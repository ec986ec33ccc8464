"""What ``spacefilms serve`` answers on ``GET /query`` without a query: the SPARQL 1.1 Service Description of the
endpoint, with the VoID description of the graph it serves (:mod:`spacefilms.store.description`), in the RDF format
the client negotiates (Turtle unless it asks for JSON-LD or another the endpoint writes). Counted once per store:
after a rebuild the store link points elsewhere, and the next request counts the new store."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from spacefilms.core.backends import LocalBackend
from spacefilms.endpoints.protocol import GRAPH_FORMATS, RESULTS_FORMATS, negotiate
from spacefilms.store.description import Counts, count, serialize, service_triples
from spacefilms.workspace import store_path

# The IRI of each format the endpoint answers in (http://www.w3.org/ns/formats/); pyoxigraph names JSON-LD otherwise.
FORMATS = [
    "http://www.w3.org/ns/formats/JSON-LD" if fmt == ox.RdfFormat.JSON_LD else fmt.iri
    for fmt in (*RESULTS_FORMATS, *GRAPH_FORMATS)
]


class Describer:
    """The endpoint's description, counted from the store the link points to now."""

    def __init__(self, store: str | Path | None) -> None:
        self.link = store_path(store)
        self._lock = threading.Lock()
        self._counted: tuple[Path, Counts] | None = None

    def counts(self) -> Counts:
        with self._lock:
            location = self.link.resolve()
            if self._counted is None or self._counted[0] != location:
                self._counted = (location, count(LocalBackend(location)))
            return self._counted[1]

    def __call__(self, request: Request) -> Response:
        """The description for ``request`` (its own address is the endpoint's); :class:`Refused` (406) for a format
        the endpoint does not write."""
        fmt = negotiate("CONSTRUCT", request.headers.get("accept"))
        endpoint = str(request.url.replace(query="", fragment=""))
        body = serialize(service_triples(self.counts(), endpoint, FORMATS), fmt)
        return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
