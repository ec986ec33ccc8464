"""A small fault-injecting HTTP proxy for tests: it forwards SPARQL requests to a real server on 127.0.0.1 and,
on request, answers instead with 429/503 + Retry-After, 500, a slow answer, truncated JSON or an empty result; or as
Wikidata's query service and QLever really fail: a WDQS timeout (500 with the Java exception; or 200 whose JSON is cut
off with the exception appended), a QLever cancellation (429 without Retry-After), a body of the test's choosing, or
a hostile server that drips its answer's head (or body) one byte at a time, without end."""

from __future__ import annotations

import itertools
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EMPTY_RESULT = b'{"head": {"vars": ["item"]}, "results": {"bindings": []}}'


@dataclass(frozen=True)
class Fault:
    """What to do with one request: ``status`` (answer this code), ``slow`` (wait, then forward),
    ``truncate`` (forward a cut body with a matching length), ``cut`` (announce the full length, send part),
    ``empty`` (200 with no bindings), ``wdqs-timeout`` (WDQS's timeout as a 500), ``wdqs-cut`` (a 200 cut off with
    the timeout appended, as WDQS streams it), ``body`` (200 with ``body``), ``drip-head`` / ``drip-body`` (one byte
    every ``seconds`` of a head, or of a body, that never ends) or ``pass`` (forward unchanged)."""

    kind: str
    status: int = 200
    headers: dict = field(default_factory=dict)
    seconds: float = 0.0
    body: bytes = b""


def status(code: int, retry_after: str | None = None) -> Fault:
    return Fault("status", code, {"Retry-After": retry_after} if retry_after is not None else {})


SLOW = Fault("slow", seconds=1.0)
TRUNCATE = Fault("truncate")
CUT = Fault("cut")
EMPTY = Fault("empty")
PASS = Fault("pass")
# What WDQS sends when a query runs past its 60 s deadline (Blazegraph's query timeout), as a 500 or appended to a
# 200 answer already under way.
TIMEOUT_TEXT = (
    b"SPARQL-QUERY: queryStr=SELECT ...\njava.util.concurrent.TimeoutException\n"
    b"\tat java.util.concurrent.FutureTask.get(FutureTask.java:205)\n"
)
WDQS_TIMEOUT = Fault("wdqs-timeout", 500)
WDQS_CUT = Fault("wdqs-cut")
QLEVER_CANCELLED = Fault("status", 429)  # QLever: a cancelled or timed-out query, no Retry-After
DRIP_HEAD = Fault("drip-head", seconds=0.05)
DRIP_BODY = Fault("drip-body", seconds=0.05)


def answer(body: bytes) -> Fault:
    """Answer 200 with this body (e.g. well-formed JSON holding what the test needs)."""
    return Fault("body", body=body)


@dataclass
class Seen:
    method: str
    user_agent: str
    fault: str


class FaultProxy:
    """Use as a context manager; ``plan(*faults)`` queues faults for the next requests, ``always`` sets the
    fault used once the queue is empty (default: forward). ``seen`` records every request received."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.queue: deque[Fault] = deque()
        self.default = PASS
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True  # a deliberately slow answer must not hold up shutdown
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def query_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/query"

    @property
    def store_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/store"

    def plan(self, *faults: Fault) -> FaultProxy:
        self.queue.extend(faults)
        return self

    def always(self, fault: Fault) -> FaultProxy:
        self.default = fault
        return self

    def reset(self) -> None:
        self.queue.clear()
        self.default = PASS
        self.seen.clear()

    def _next(self, method: str, agent: str) -> Fault:
        with self._lock:
            fault = self.queue.popleft() if self.queue else self.default
            self.seen.append(Seen(method, agent, fault.kind if fault.kind != "status" else str(fault.status)))
            return fault

    def _forward(self, method: str, path: str, body: bytes | None, headers) -> tuple[int, str, bytes]:
        keep = {k: v for k, v in headers.items() if k.lower() in ("content-type", "accept", "user-agent")}
        request = urllib.request.Request(self.upstream + path, data=body, headers=keep, method=method)
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read()

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                fault = proxy._next(method, self.headers.get("User-Agent", ""))
                try:
                    if fault.kind == "status":
                        self._reply(fault.status, "text/plain", f"injected HTTP {fault.status}".encode(), fault.headers)
                        return
                    if fault.kind == "empty":
                        self._reply(200, "application/sparql-results+json", EMPTY_RESULT)
                        return
                    if fault.kind == "wdqs-timeout":
                        self._reply(500, "text/plain", TIMEOUT_TEXT)
                        return
                    if fault.kind == "body":
                        self._reply(200, "application/sparql-results+json", fault.body)
                        return
                    if fault.kind.startswith("drip"):
                        self._drip(fault)
                        return
                    if fault.kind == "slow":
                        time.sleep(fault.seconds)
                    code, kind, data = proxy._forward(method, self.path, body, self.headers)
                    if fault.kind == "truncate":
                        data = data[: len(data) // 2]
                    if fault.kind == "wdqs-cut":
                        data = data[: len(data) // 2] + b"\n" + TIMEOUT_TEXT
                    if fault.kind == "cut":
                        self._reply(code, kind, data[: len(data) // 2], {"Content-Length": str(len(data))})
                        self.close_connection = True
                        return
                    self._reply(code, kind, data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to answer

            def _drip(self, fault: Fault) -> None:
                """One byte every ``fault.seconds`` until the client hangs up or the proxy closes: a head that never
                ends, or a complete head and then a body that never does."""
                self.close_connection = True
                if fault.kind == "drip-body":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n")
                    self.wfile.write(b"Content-Length: 1000000000\r\n\r\n")
                    start, again = b'{"head": {"vars": ["x"]}, "results": {"bindings": [', b" "
                else:
                    start, again = b"HTTP/1.1 200 OK\r\n", b"X-Drip: still coming\r\n"
                for byte in itertools.chain(start, itertools.cycle(again)):
                    if proxy._closing.wait(fault.seconds):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()

            def _reply(self, code: int, kind: str, data: bytes, headers: dict | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                extra = dict(headers or {})
                self.send_header("Content-Length", extra.pop("Content-Length", str(len(data))))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PUT(self) -> None:
                self._serve("PUT")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

        return Handler

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()
