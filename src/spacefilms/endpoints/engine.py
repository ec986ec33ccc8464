"""The query engine behind ``spacefilms serve``: ``oxigraph serve-read-only`` processes on loopback ports, over the
store the link points to, supervised (started again when one dies, stopped when a query overruns its time).

The front keeps each query's time (and stops an engine that overran it): the engine's own ``--timeout-s`` is not used,
as it keeps a sleeping thread per query for that long (thousands under load), and each thread's stack counts against
the engine's memory limit.

A query that crashes an engine (a stack overflow, its memory limit) takes down every query running in it. Every query
runs first in the shared engine; one whose engine died under it runs once more in a second engine, alone, so that
only the query that crashes that one too fails: the others are answered.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.layout import has_merged_default_graph, open_ox
from spacefilms.endpoints.answer_cache import AnswerCache
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.endpoints.protocol import Limits, Refused, convert, engine_syntax_error, negotiate, volatile
from spacefilms.http import DeadlinePassed, HttpError, NetworkError, TooLarge, Transport
from spacefilms.workspace import store_path

# What the front asks the engine for: formats it can check before answering (results for SELECT/ASK, triples else).
_WIRE = f"{ox.QueryResultsFormat.JSON.media_type}, {ox.RdfFormat.N_TRIPLES.media_type}"
_BOOLEAN = re.compile(rb'\s*\{\s*"head"\s*:\s*\{\s*\}\s*,\s*"boolean"')


class _EngineDied(Exception):
    """The engine process a query ran in ended (or was stopped) before it answered."""


class _Slot:
    """One engine process and the connections to it, started again on the store the link points to now."""

    def __init__(self, link: Path, limits: Limits) -> None:
        self.link, self.limits = link, limits
        self.transport = self._transport()
        self._lock = threading.Lock()
        self._server: OxigraphServer | None = None
        self._closed = False  # stopped for good: serve is stopping, no engine is started again

    def current(self) -> tuple[OxigraphServer, Transport]:
        """The running engine and the way to it: started again if it died (a crash, a kill), was stopped after a
        query overran its time, or serves a store the link no longer points to."""
        with self._lock:
            if self._closed:
                raise Refused(503, "the endpoint is stopping")
            location = self.link.resolve()
            dead = self._server is not None and self._server.process is not None and self._server.process.poll() is not None
            if self._server is None or self._server.location != location or dead:
                built = open_ox(self.link)  # a clear error if there is no built store
                union = not has_merged_default_graph(built)  # the default graph: the stored merge, else the union
                del built
                fresh = OxigraphServer(
                    location, read_only=True, union_default_graph=union, memory_bytes=self.limits.engine_memory_bytes
                )
                fresh.start()
                if self._server is not None:
                    self._server.stop()
                self._server = fresh
                # Connections kept open to the old engine must not be reused: a new engine may get the same port. The
                # old pool is dropped, not closed: a request in another thread may still hold it (closing it would make
                # that request fail with an error the front does not expect, rather than the 5xx of a dead engine).
                self.transport = self._transport()
            return self._server, self.transport

    def _transport(self) -> Transport:
        """How the front reaches the engine: within the query's time (plus a second) and the result's size."""
        return Transport(timeout=self.limits.timeout_s + 1.0, max_bytes=self.limits.max_result_bytes)

    def stop(self, server: OxigraphServer | None = None) -> None:
        """Stop the engine (only if it is still ``server``, when given): a query past its time still runs inside it,
        so the work really ends; the next query starts a fresh one."""
        with self._lock:
            if self._server is not None and server in (None, self._server):
                self._server.stop()
                self._server = None
            if server is None:
                self._closed = True  # a query whose engine dies now must not start another
                self.transport.close()


class Engine:
    """The engines behind the endpoint, and the answers kept for repeated queries."""

    def __init__(self, store: str | Path | None, limits: Limits, cache_bytes: int = 0) -> None:
        self.link = store_path(store)
        self.limits = limits
        self.cache = AnswerCache(cache_bytes) if cache_bytes else None  # answers of repeated queries, per store
        self._shared = _Slot(self.link, limits)  # every query, at once
        self._alone = _Slot(self.link, limits)  # queries whose engine died under them, one at a time
        self._alone_turn = threading.Lock()

    def start(self) -> None:
        """Start the shared engine now: a clear error (no store, no oxigraph) before the endpoint opens its port."""
        self._shared.current()

    def stop(self) -> None:
        self._shared.stop()
        self._alone.stop()

    def run(self, text: str, dataset: dict[str, list[str]], accept: str | None) -> tuple[bytes, str, bool]:
        """Run a query within the limits; return the answer in the format ``accept`` asks for, its media type, and
        whether it came from the cache; or raise :class:`Refused`. The engine parses the query: its syntax errors are
        the client's (400). Answers of queries asking for the time, random numbers or fresh identifiers are not kept."""
        server, _ = self._shared.current()
        cache = self.cache if self.cache is not None and not volatile(text) else None
        # The key is a digest: a long query text counts for 32 bytes in the cache, not for its own length.
        key = hashlib.sha256(repr((str(server.location), text, sorted(dataset.items()), accept or "")).encode()).digest()
        if cache is not None and (kept := cache.get(key)) is not None:
            return (*kept, True)
        try:
            answer = self._ask(self._shared, text, dataset, accept)
        except _EngineDied:
            with self._alone_turn:
                try:
                    answer = self._ask(self._alone, text, dataset, accept)
                except _EngineDied as died:
                    raise Refused(
                        502, f"the query engine failed on this query and is started again for the next: {died}"
                    ) from None
        if cache is not None:
            cache.put(key, answer)
        return (*answer, False)

    def _ask(self, slot: _Slot, text: str, dataset: dict[str, list[str]], accept: str | None) -> tuple[bytes, str]:
        server, transport = slot.current()
        try:
            response = transport.send("POST", f"{server.url}/query", data={"query": text, **dataset}, headers={"Accept": _WIRE})
        except DeadlinePassed:
            slot.stop(server)
            raise Refused(503, f"query stopped: it ran past the time limit of {self.limits.timeout_s} s") from None
        except TooLarge:
            raise Refused(
                400, f"result too large: more than {self.limits.max_result_bytes} bytes; add a LIMIT or ask for fewer columns"
            ) from None
        except HttpError as error:
            message = error.response.body.decode("utf-8", "replace")
            if error.response.status == 400:
                raise engine_syntax_error(message) from None
            first = message.strip().splitlines()
            raise Refused(502, f"query failed: {first[0] if first else f'HTTP {error.response.status}'}") from None
        except NetworkError as exc:
            # A broken connection to our own engine means it is dying, though it may not have exited yet: stopped
            # now, so that the next query starts a fresh one rather than reaching the dying one (seen on a busy CI).
            slot.stop(server)
            raise _EngineDied(exc.message) from None
        data = response.body
        graph = response.content_type == ox.RdfFormat.N_TRIPLES.media_type
        wire: ox.QueryResultsFormat | ox.RdfFormat = ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON
        kind = "CONSTRUCT" if graph else "ASK" if _BOOLEAN.match(data) else "SELECT"
        fmt = negotiate(kind, accept)
        try:
            return convert(data, wire, fmt), fmt.media_type
        except (SyntaxError, ValueError):
            # The engine reports a failure met while streaming by appending its message to a 200 answer.
            tail = re.split(r"[\[\]{},\n]", data[-300:].decode("utf-8", "replace"))[-1].strip()
            raise Refused(502, f"query failed: {tail or 'the engine sent a broken answer'}") from None
