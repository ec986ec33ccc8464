"""The query engine behind ``spacefilms serve``: an ``oxigraph serve-read-only`` process on a loopback port, over the
store the link points to, supervised (started again when it dies, stopped when a query overruns its time)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.layout import has_merged_default_graph, open_ox
from spacefilms.endpoints.answer_cache import AnswerCache
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.endpoints.protocol import Limits, Refused, convert, engine_syntax_error, negotiate
from spacefilms.http import DeadlinePassed, HttpError, NetworkError, TooLarge, Transport
from spacefilms.workspace import store_path

# What the front asks the engine for: formats it can check before answering (results for SELECT/ASK, triples else).
_WIRE = f"{ox.QueryResultsFormat.JSON.media_type}, {ox.RdfFormat.N_TRIPLES.media_type}"
_CANCELLED = b"operation has been cancelled"
_BOOLEAN = re.compile(rb'\s*\{\s*"head"\s*:\s*\{\s*\}\s*,\s*"boolean"')


class Engine:
    """The ``oxigraph serve-read-only`` process on loopback, restarted on a new store after a rebuild."""

    def __init__(self, store: str | Path | None, limits: Limits, cache_bytes: int = 0) -> None:
        self.link = store_path(store)
        self.limits = limits
        self.cache = AnswerCache(cache_bytes) if cache_bytes else None  # answers of repeated queries, per store
        self.transport = self._transport()
        self._lock = threading.Lock()
        self._server: OxigraphServer | None = None

    def current(self) -> OxigraphServer:
        """The running engine over the store the link points to now: started again if it died (a crash, a kill)
        or was stopped after a query overran its time."""
        with self._lock:
            location = self.link.resolve()
            dead = self._server is not None and self._server.process is not None and self._server.process.poll() is not None
            if self._server is None or self._server.location != location or dead:
                built = open_ox(self.link)  # a clear error if there is no built store
                union = not has_merged_default_graph(built)  # the default graph: the stored merge, else the union
                del built
                fresh = OxigraphServer(location, read_only=True, union_default_graph=union, timeout_s=self.limits.timeout_s)
                fresh.start()
                if self._server is not None:
                    self._server.stop()
                self._server = fresh
                # Connections kept open to the old engine must not be reused: a new engine may get the same port. The
                # old pool is dropped, not closed: a request in another thread may still hold it (closing it would make
                # that request fail with an error the front does not expect, rather than the 5xx of a dead engine).
                self.transport = self._transport()
            return self._server

    def _transport(self) -> Transport:
        """How the front reaches the engine: within the query's time (plus a second) and the result's size."""
        return Transport(timeout=self.limits.timeout_s + 1.0, max_bytes=self.limits.max_result_bytes)

    def stop(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
            self.transport.close()

    def run(self, text: str, dataset: dict[str, list[str]], accept: str | None) -> tuple[bytes, str, bool]:
        """Run a query within the limits; return the answer in the format ``accept`` asks for, its media type, and
        whether it came from the cache; or raise :class:`Refused`. The engine parses the query: its syntax errors are
        the client's (400)."""
        server = self.current()
        key = (server.location, text, tuple(sorted((k, tuple(v)) for k, v in dataset.items())), accept or "")
        if self.cache is not None and (kept := self.cache.get(key)) is not None:
            return (*kept, True)
        answer = self._ask(server, text, dataset, accept)
        if self.cache is not None:
            self.cache.put(key, answer)
        return (*answer, False)

    def _ask(self, server: OxigraphServer, text: str, dataset: dict[str, list[str]], accept: str | None) -> tuple[bytes, str]:
        try:
            response = self.transport.send(
                "POST", f"{server.url}/query", data={"query": text, **dataset}, headers={"Accept": _WIRE}
            )
        except DeadlinePassed:
            self._stop_runaway(server)
            raise self._too_slow() from None
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
            raise Refused(
                502, f"the query engine failed on this query and is started again for the next: {exc.message}"
            ) from None
        data = response.body
        graph = response.content_type == ox.RdfFormat.N_TRIPLES.media_type
        wire: ox.QueryResultsFormat | ox.RdfFormat = ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON
        kind = "CONSTRUCT" if graph else "ASK" if _BOOLEAN.match(data) else "SELECT"
        fmt = negotiate(kind, accept)
        try:
            return convert(data, wire, fmt), fmt.media_type
        except (SyntaxError, ValueError):
            # The engine reports a failure met while streaming by appending its message to a 200 answer.
            if _CANCELLED in data[-200:]:
                self._stop_runaway(server)
                raise self._too_slow() from None
            tail = re.split(r"[\[\]{},\n]", data[-300:].decode("utf-8", "replace"))[-1].strip()
            raise Refused(502, f"query failed: {tail or 'the engine sent a broken answer'}") from None

    def _stop_runaway(self, server: OxigraphServer) -> None:
        """A query past its time may still run inside the engine (its own timeout does not always stop it): stop that
        engine, so the work really ends; the next query starts a fresh one."""
        with self._lock:
            if self._server is server:
                server.stop()
                self._server = None

    def _too_slow(self) -> Refused:
        return Refused(503, f"query stopped: it ran past the time limit of {self.limits.timeout_s} s")
