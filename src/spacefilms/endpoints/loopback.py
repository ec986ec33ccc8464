"""The front's way to its engine: HTTP/1.1 over kept-alive loopback connections, on the server's own event loop.

Why not :class:`spacefilms.http.Transport`, the one client for every request to the network: the engine is no
network peer but a child process the front started on 127.0.0.1, speaking plain HTTP/1.1, and the front serves on an
event loop where the transport is synchronous (httpx in a worker thread per query). Under 50 clients that thread hop
cost the front more CPU than the engine's own work on small answers: 3.4 ms of front CPU per query through it, 2.2 ms
here (benchmarks/bench_serve.py, commit e5cfa3e). What the transport guarantees and the engine needs is kept: one
deadline for the whole exchange and a cap on the answer's size; what it adds for the network (User-Agent and
credentials, redirects, TLS, retries) has no use for a local child, whose failure the front reports at once. Here a
query is one write and a few reads of an asyncio stream, no thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

import anyio


class EngineGone(Exception):
    """No complete answer: the engine refused the connection, closed it, or sent something that is not HTTP."""


class AnswerTooLarge(Exception):
    """The answer was larger than the cap: the rest was not read."""


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str  # without parameters, lower case
    body: bytes


_HEAD_LIMIT = 64 * 1024  # an engine's answer head is a few hundred bytes
# How long a connection is used for: on a connection idle for 60 s (its HTTP timeout) the engine writes, unasked, a
# "500 Resource temporarily unavailable (os error 11)", which the next query sent on it read as its answer.
_CONNECTION_S = 30.0


class Loopback:
    """Kept-alive connections to one engine at ``host:port``; a connection goes back to the pool only after a
    complete exchange, so a cancelled or failed one is never reused."""

    def __init__(self, host: str, port: int, max_bytes: int) -> None:
        self.host, self.port, self.max_bytes = host, port, max_bytes
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []  # and when it was opened
        self._closed = False  # the engine is replaced: connections are no longer kept
        self._host = f"Host: {host}:{port}\r\n"

    def close(self) -> None:
        self._closed = True
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()

    async def query(self, dataset: str, query: bytes, accept: str, seconds: float) -> Answer:
        """POST ``query`` (``application/sparql-query``) to ``/query?`` ``dataset`` (URL-encoded); raise :class:`TimeoutError` past ``seconds`` for the whole
        exchange, :class:`AnswerTooLarge` past the cap, :class:`EngineGone` when no answer came. A kept-alive
        connection the engine closed while it was idle is dropped and the request sent on another."""
        target = f"/query?{dataset}" if dataset else "/query"
        request = (
            f"POST {target} HTTP/1.1\r\n{self._host}Accept: {accept}\r\nContent-Type: application/sparql-query\r\n"
            f"Content-Length: {len(query)}\r\n\r\n"
        ).encode("latin-1") + query
        with anyio.fail_after(seconds):
            while self._idle:
                reader, writer, opened = self._idle.pop()
                if time.monotonic() - opened > _CONNECTION_S:
                    writer.close()
                    continue
                with contextlib.suppress(_Stale):
                    return await self._exchange(reader, writer, opened, request, reused=True)
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port, limit=_HEAD_LIMIT)
            except OSError as exc:
                raise EngineGone(f"cannot connect: {exc.strerror or exc}") from None
            return await self._exchange(reader, writer, time.monotonic(), request, reused=False)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, opened: float, request: bytes, reused: bool
    ) -> Answer:
        kept = False
        try:
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
            except (OSError, asyncio.IncompleteReadError) as exc:
                if reused and not (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                    raise _Stale from None
                raise EngineGone(f"connection lost: {exc}") from None
            except asyncio.LimitOverrunError:
                raise EngineGone("the engine's answer has no readable head") from None
            status, headers = _parse_head(head)
            try:
                body, whole = await self._body(reader, headers)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                raise EngineGone(f"connection lost in the answer: {exc}") from None
            if whole and not self._closed and headers.get("connection", "").lower() != "close":
                self._idle.append((reader, writer, opened))
                kept = True
            return Answer(status, headers.get("content-type", "").split(";")[0].strip().lower(), body)
        finally:
            if not kept:
                writer.close()

    async def _body(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> tuple[bytes, bool]:
        """The answer's body, and whether the connection can carry another exchange after it."""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks, size = [], 0
            while True:
                length = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
                if length == 0:
                    while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, if any
                        pass
                    return b"".join(chunks), True
                size += length
                if size > self.max_bytes:
                    raise AnswerTooLarge
                chunks.append((await reader.readexactly(length + 2))[:-2])
        if "content-length" in headers:
            length = int(headers["content-length"])
            if length > self.max_bytes:
                raise AnswerTooLarge
            return await reader.readexactly(length), True
        body = await reader.read(self.max_bytes + 1)  # ends with the connection
        while len(body) <= self.max_bytes and (more := await reader.read(self.max_bytes + 1 - len(body))):
            body += more
        if len(body) > self.max_bytes:
            raise AnswerTooLarge
        return body, False


class _Stale(Exception):
    """A kept-alive connection the engine had closed before this request: nothing of an answer came."""


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise EngineGone(f"the engine's answer is not HTTP: {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers
