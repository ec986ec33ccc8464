"""Connection rules of the endpoint's HTTP server (uvicorn's HTTP/1.1 protocol, extended): how many connections may
be open at once, in all and from one client address, and how long a connection may take to send a request's head
(or stay idle between requests) before it is closed. Over a limit, a connection is told to retry and closed at once."""

from __future__ import annotations

import asyncio
from collections import Counter

from uvicorn.protocols.http.h11_impl import H11Protocol

TOO_MANY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 28\r\nConnection: close\r\n"
    b"Retry-After: 1\r\n\r\ntoo many connections, retry\n"
)


def guarded_protocol(max_connections: int, per_client: int, head_seconds: float) -> type[H11Protocol]:
    """An HTTP/1.1 protocol class with these limits, for ``uvicorn.Config(http=...)``."""
    by_client: Counter[str] = Counter()

    class Guarded(H11Protocol):
        _client_key: str | None = None
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            key = self.client[0] if self.client else ""
            if len(self.connections) > max_connections or by_client[key] >= per_client:
                transport.write(TOO_MANY)
                transport.close()
                return
            self._client_key = key
            by_client[key] += 1
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._client_key is not None:
                by_client[self._client_key] -= 1
                if not by_client[self._client_key]:
                    del by_client[self._client_key]
                self._client_key = None
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
