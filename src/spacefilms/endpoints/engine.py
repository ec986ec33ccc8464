"""The query engine behind ``spacefilms serve``: ``oxigraph serve-read-only`` processes on loopback ports, over the
store the link points to, supervised (started again when one dies, stopped when a query overruns its time).

The front keeps each query's time (and stops an engine that overran it): the engine's own ``--timeout-s`` is not used,
as it keeps a sleeping thread per query for that long (thousands under load), and each thread's stack counts against
the engine's memory limit.

A query that crashes an engine (a stack overflow, its memory limit) takes down every query running in it. Every query
runs first in the shared engine; one whose engine died under it runs once more in a second engine, alone, so that
only the query that crashes that one too fails: the others are answered.

How many queries the shared engine runs at once: one per core and one more (the one whose answer is on its way), in
the order they came; a query still running after :data:`LONG_QUERY_S` gives its turn to the next, so that a few long
queries cannot hold the others back, up to :data:`MAX_RUNNING` in all (each is a thread of the engine). The engine
runs a thread per query it is sent: 32 at once on 2 cores shared every core among them (a 50 ms query took seconds)
and left the front's one thread a thirty-third of the processors, to read, check and send every other answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import threading
import urllib.parse
from pathlib import Path

import anyio
import pyoxigraph as ox

from spacefilms.core.layout import has_merged_default_graph, open_ox
from spacefilms.endpoints.answer_cache import AnswerCache
from spacefilms.endpoints.loopback import Answer, AnswerTooLarge, EngineGone, Loopback
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.endpoints.protocol import Limits, Refused, convert, engine_syntax_error, negotiate, volatile
from spacefilms.workspace import store_path

# What the front asks the engine for: formats it can check before answering (results for SELECT/ASK, triples else).
_WIRE = f"{ox.QueryResultsFormat.JSON.media_type}, {ox.RdfFormat.N_TRIPLES.media_type}"
_BOOLEAN = re.compile(rb'\s*\{\s*"head"\s*:\s*\{\s*\}\s*,\s*"boolean"')
# Answers up to this size are checked and converted on the event loop (a fraction of a millisecond); larger ones in a
# worker thread, so that the loop keeps serving the other requests meanwhile.
_CONVERTED_INLINE = 64_000
LONG_QUERY_S = 1.0  # a query running longer than this no longer holds back the queries after it
MAX_RUNNING = 32  # queries in the shared engine at once, long ones included


class _EngineDied(Exception):
    """The engine process a query ran in ended (or was stopped) before it answered."""


class _Slot:
    """One engine process and the connections to it, started again on the store the link points to now."""

    def __init__(self, link: Path, limits: Limits) -> None:
        self.link, self.limits = link, limits
        self._lock = threading.Lock()
        self._server: OxigraphServer | None = None
        self._store: tuple[int, int, int] | None = None  # the identity of the store folder the engine serves
        self._wire: tuple[OxigraphServer, Loopback] | None = None  # connections to that engine (on the event loop)
        self._closed = False  # stopped for good: serve is stopping, no engine is started again

    def _usable(self, server: OxigraphServer | None) -> bool:
        """Whether ``server`` still runs, over the store the link points to now (one ``stat``, asked for every
        query: resolving the link's path took more of the front's time than the rest of this check)."""
        return (
            server is not None
            and server.process is not None
            and server.process.poll() is None
            and self._store == _identity(self.link)
        )

    def current(self) -> OxigraphServer:
        """The running engine: started again if it died (a crash, a kill), was stopped after a query overran its
        time, or serves a store the link no longer points to. Blocks while an engine starts."""
        with self._lock:
            if self._closed:
                raise Refused(503, "the endpoint is stopping")
            if not self._usable(self._server):
                built = open_ox(self.link)  # a clear error if there is no built store
                union = not has_merged_default_graph(built)  # the default graph: the stored merge, else the union
                del built
                location = self.link.resolve()
                fresh = OxigraphServer(
                    location, read_only=True, union_default_graph=union, memory_bytes=self.limits.engine_memory_bytes
                )
                fresh.start()
                if self._server is not None:
                    self._server.stop()
                self._server, self._store = fresh, _identity(location)
            return self._server

    async def engine(self) -> tuple[OxigraphServer, Loopback]:
        """The running engine and the connections to it, for a query on the event loop: no thread while the engine
        runs; one waits for it while it is started (again)."""
        server = self._server
        if self._closed or not self._usable(server):
            server = await anyio.to_thread.run_sync(self.current)
        assert server is not None
        if self._wire is None or self._wire[0] is not server:
            # Connections kept open to the old engine must not be reused: a new engine may get the same port.
            if self._wire is not None:
                self._wire[1].close()
            self._wire = (server, Loopback(server.host, server.port, self.limits.max_result_bytes))
        return self._wire

    def stop(self, server: OxigraphServer | None = None) -> None:
        """Stop the engine (only if it is still ``server``, when given): a query past its time still runs inside it,
        so the work really ends; the next query starts a fresh one."""
        with self._lock:
            if self._server is not None and server in (None, self._server):
                self._server.stop()
                self._server = None
            if server is None:
                self._closed = True  # a query whose engine dies now must not start another


def _identity(folder: Path) -> tuple[int, int, int] | None:
    """What tells a store folder from the one a rebuild links in its place (an inode number may be reused)."""
    try:
        found = os.stat(folder)
    except OSError:
        return None
    return found.st_dev, found.st_ino, found.st_ctime_ns


class Engine:
    """The engines behind the endpoint, and the answers kept for repeated queries."""

    def __init__(self, store: str | Path | None, limits: Limits, cache_bytes: int = 0) -> None:
        self.link = store_path(store)
        self.limits = limits
        self.cache = AnswerCache(cache_bytes) if cache_bytes else None  # answers of repeated queries, per store
        self._shared = _Slot(self.link, limits)  # every query, at once
        self._alone = _Slot(self.link, limits)  # queries whose engine died under them, one at a time
        self._alone_turn = anyio.Lock()
        self._turns = asyncio.Semaphore(len(os.sched_getaffinity(0)) + 1)  # queries running in turn
        self._running = asyncio.Semaphore(MAX_RUNNING)  # and with the long ones

    def start(self) -> None:
        """Start the shared engine now: a clear error (no store, no oxigraph) before the endpoint opens its port."""
        self._shared.current()

    def stop(self) -> None:
        self._shared.stop()
        self._alone.stop()

    async def run(self, text: str, dataset: dict[str, list[str]], accept: str | None) -> tuple[bytes, str, bool]:
        """Run a query within the limits; return the answer in the format ``accept`` asks for, its media type, and
        whether it came from the cache; or raise :class:`Refused`. The engine parses the query: its syntax errors are
        the client's (400). Answers of queries asking for the time, random numbers or fresh identifiers are not kept."""
        cache = self.cache if self.cache is not None and not volatile(text) else None
        if cache is not None:
            server, _ = await self._shared.engine()
            # The key is a digest: a long query text counts for 32 bytes in the cache, not for its own length.
            key = hashlib.sha256(repr((str(server.location), text, sorted(dataset.items()), accept or "")).encode()).digest()
            if (kept := cache.get(key)) is not None:
                return (*kept, True)
        # The query goes as the body (no URL-encoding to do), the dataset in the URL, as the Protocol allows.
        request = (urllib.parse.urlencode(dataset, doseq=True), text.encode("utf-8"))
        try:
            response = await self._in_turn(request)
        except _EngineDied:
            async with self._alone_turn:
                try:
                    response = await self._ask(self._alone, request)
                except _EngineDied as died:
                    raise Refused(
                        502, f"the query engine failed on this query and is started again for the next: {died}"
                    ) from None
        answer = await _checked(response, accept)
        if cache is not None:
            cache.put(key, answer)
        return (*answer, False)

    async def _in_turn(self, request: tuple[str, bytes]) -> Answer:
        """Ask the shared engine when the query's turn comes (see the module's docstring); the turn ends with the
        engine's answer, before the front checks and converts it."""
        async with self._running:
            await self._turns.acquire()
            held = True

            def give_turn() -> None:
                nonlocal held
                if held:
                    held = False
                    self._turns.release()

            timer = asyncio.get_running_loop().call_later(LONG_QUERY_S, give_turn)
            try:
                return await self._ask(self._shared, request)
            finally:
                timer.cancel()
                give_turn()

    async def _ask(self, slot: _Slot, request: tuple[str, bytes]) -> Answer:
        """The engine's answer to ``request`` (a success: its failures raised as :class:`Refused`)."""
        server, wire = await slot.engine()
        try:
            response = await wire.query(*request, _WIRE, self.limits.timeout_s + 1.0)
        except TimeoutError:
            await anyio.to_thread.run_sync(slot.stop, server)
            raise Refused(503, f"query stopped: it ran past the time limit of {self.limits.timeout_s} s") from None
        except AnswerTooLarge:
            raise Refused(
                400, f"result too large: more than {self.limits.max_result_bytes} bytes; add a LIMIT or ask for fewer columns"
            ) from None
        except EngineGone as gone:
            # A broken connection to our own engine means it is dying, though it may not have exited yet: stopped
            # now, so that the next query starts a fresh one rather than reaching the dying one (seen on a busy CI).
            await anyio.to_thread.run_sync(slot.stop, server)
            raise _EngineDied(str(gone)) from None
        if response.status >= 400:
            message = response.body.decode("utf-8", "replace")
            if response.status == 400:
                raise engine_syntax_error(message) from None
            first = message.strip().splitlines()
            raise Refused(502, f"query failed: {first[0] if first else f'HTTP {response.status}'}") from None
        return response


async def _checked(response: Answer, accept: str | None) -> tuple[bytes, str]:
    """The engine's answer in the format ``accept`` asks for, and its media type, once it parses."""
    data = response.body
    graph = response.content_type == ox.RdfFormat.N_TRIPLES.media_type
    wire_format: ox.QueryResultsFormat | ox.RdfFormat = ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON
    kind = "CONSTRUCT" if graph else "ASK" if _BOOLEAN.match(data) else "SELECT"
    fmt = negotiate(kind, accept)
    try:
        if len(data) <= _CONVERTED_INLINE:
            return convert(data, wire_format, fmt), fmt.media_type
        return await anyio.to_thread.run_sync(convert, data, wire_format, fmt), fmt.media_type
    except (SyntaxError, ValueError):
        # The engine reports a failure met while streaming by appending its message to a 200 answer.
        tail = re.split(r"[\[\]{},\n]", data[-300:].decode("utf-8", "replace"))[-1].strip()
        raise Refused(502, f"query failed: {tail or 'the engine sent a broken answer'}") from None
