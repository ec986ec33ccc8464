"""Connection rules of the endpoint's HTTP server (uvicorn's HTTP/1.1 protocol, extended): how many connections may
be open at once, in all and from one client address, and how long a connection may take to send a request's head
(or stay idle between requests) before it is closed. Over a limit, a connection is told to retry and closed at once.

Idle connections (no request under way: just opened, half a head sent, or kept alive between requests) cannot lock
others out: when all places are taken, or all its address's, a newcomer takes the place of the oldest idle connection
of the address holding most if that holds more than the newcomer's own, else of its own address (130 half-open
connections from 127.0.0.1 had every other local client told to retry, and from three addresses everyone). Only
connections busy with a request make a newcomer wait.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

TOO_MANY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 28\r\nConnection: close\r\n"
    b"Retry-After: 1\r\n\r\ntoo many connections, retry\n"
)


class _Coalesced:
    """A connection's transport that sends the writes of one turn of the event loop as one: uvicorn writes an
    answer's head and its body apart, which (with ``TCP_NODELAY``) are two packets and two wake-ups of the client per
    answer. Closing sends what is pending first; everything else is the transport's own."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport, self._loop = transport, loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._transport, name)


def guarded_protocol(max_connections: int, per_client: int, head_seconds: float) -> type[H11Protocol]:
    """An HTTP/1.1 protocol class with these limits, for ``uvicorn.Config(http=...)``."""
    by_client: dict[str, list[Guarded]] = {}  # each address's open connections, oldest first

    def make_room(newcomer: str, full: bool) -> bool:
        """Close the oldest idle connection of the address holding most (when all places are taken and it holds
        more than ``newcomer``'s would), else of ``newcomer``'s own; False if there is none."""
        own = len(by_client.get(newcomer, ()))
        holder = max(by_client, key=lambda key: len(by_client[key]), default=newcomer)
        if not full or len(by_client.get(holder, ())) <= own + 1:
            holder = newcomer
        idle = next((held for held in by_client.get(holder, ()) if held.idle), None)
        if idle is None:
            return False
        idle.release()
        idle.transport.close()
        return True

    class Guarded(H11Protocol):
        _client_key: str | None = None
        _head_timer: asyncio.TimerHandle | None = None

        @property
        def idle(self) -> bool:
            """Whether it waits for a request's head (armed), rather than serving a request."""
            return self._head_timer is not None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            key = self.client[0] if self.client else ""
            full = len(self.connections) > max_connections
            if (full or len(by_client.get(key, ())) >= per_client) and not make_room(key, full):
                transport.write(TOO_MANY)
                transport.close()
                return
            self.transport = _Coalesced(transport, self.loop)  # type: ignore[assignment]
            self._client_key = key
            by_client.setdefault(key, []).append(self)
            self._arm()

        def release(self) -> None:
            """No longer count this connection for its address."""
            if self._client_key is not None:
                held = by_client[self._client_key]
                held.remove(self)
                if not held:
                    del by_client[self._client_key]
                self._client_key = None

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            self.release()
            super().connection_lost(exc)

        def handle_events(self) -> None:
            cycle = self.cycle
            super().handle_events()
            if self.cycle is not cycle:  # a request's head has arrived: the application takes it from here
                self._disarm()

        def on_response_complete(self) -> None:
            self._arm()  # before: a request already waiting (pipelined) is handled inside and disarms it
            super().on_response_complete()

        def _arm(self) -> None:
            self._disarm()
            self._head_timer = self.loop.call_later(head_seconds, self._expire)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _expire(self) -> None:
            self._head_timer = None
            if not self.transport.is_closing():
                self.transport.close()

    return Guarded
