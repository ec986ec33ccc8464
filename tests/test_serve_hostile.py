"""``spacefilms serve`` against hostile or unlucky clients, on 127.0.0.1 only and bounded in time and count: stalled
and trickling connections, too many connections (in all and from one address), queries that crash the engine, and a
stop requested while queries run. No test asserts a wall-clock time: each waits far longer than the step needs."""

from __future__ import annotations

import json
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import Served, alive, post

OVERFLOW = "ASK { FILTER(" + "+".join(["1"] * 8000) + " > 0) }"  # 16 KB: overflows the engine's stack


@pytest.fixture(scope="module")
def served(built_store: Path) -> Iterator[Served]:
    server = Served(built_store, "--max-connections", "12", "--max-connections-per-client", "8", "--request-timeout", "2")
    yield server
    server.stop()


def until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (it must, well within 2 minutes)."""
    sock.settimeout(120)
    received = b""
    try:
        while chunk := sock.recv(4096):
            received += chunk
    except ConnectionResetError:
        pass
    sock.close()
    return received


def cpu_ticks(pid: int) -> int:
    """CPU time a process has used, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def connect(served: Served, source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(("127.0.0.1", served.port), timeout=30, source_address=(source, 0))


def test_half_sent_requests_are_answered_408_and_closed_without_blocking_others(served: Served) -> None:
    stalled = []
    for _ in range(6):  # heads sent, bodies never finished
        sock = connect(served)
        sock.sendall(b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nquery=")
        stalled.append(sock)
    assert post(served, {"query": "ASK { ?s ?p ?o }"})[0] == 200  # everyone else is still served
    for sock in stalled:  # and the server closes the stalled ones itself, after its --request-timeout
        assert until_closed(sock).startswith(b"HTTP/1.1 408 ")


def test_a_head_sent_one_byte_at_a_time_is_cut_off(served: Served) -> None:
    sock = connect(served)
    head = b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    stop = threading.Event()

    def trickle() -> None:  # a byte every half second, for longer than the server allows a head to take
        for byte in head:
            if stop.wait(0.5):
                return
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        assert until_closed(sock) == b""  # closed with no answer: the head never arrived in time
    finally:
        stop.set()
        sender.join(timeout=30)


def test_connections_over_the_limits_are_told_to_retry(served: Served) -> None:
    held = [connect(served) for _ in range(8)]  # the most one address may hold
    try:
        assert until_closed(connect(served)).startswith(b"HTTP/1.1 503 Service Unavailable")
        assert post(served, {"query": "ASK {}"}, source="127.0.0.2")[0] == 200  # another address is still served
        held += [connect(served, "127.0.0.3") for _ in range(4)]  # 12 in all: the limit
        refused = until_closed(connect(served, "127.0.0.4"))
        assert refused.startswith(b"HTTP/1.1 503") and b"too many connections, retry" in refused
    finally:
        for sock in held:
            sock.close()
    for _ in range(100):  # the server notices the closed connections soon after
        if post(served, {"query": "ASK {}"})[0] == 200:
            break
    assert post(served, {"query": "ASK { ?s ?p ?o }"})[0] == 200


def test_a_query_that_crashes_the_engine_fails_alone(served: Served) -> None:
    (engine,) = served.engine_pids()
    status, _, body = post(served, {"query": OVERFLOW})
    assert status == 502 and body.startswith("the query engine failed on this query and is started again for the next")
    for _ in range(1200):  # the crashed process may take a moment to be gone
        if not alive(engine):
            break
        threading.Event().wait(0.05)
    assert not alive(engine)
    status, _, body = post(served, {"query": "ASK { ?s ?p ?o }"})
    assert (status, json.loads(body)["boolean"]) == (200, True)
    for _ in range(2):  # again: each time only that query fails
        assert post(served, {"query": OVERFLOW})[0] == 502
        assert post(served, {"query": "ASK { ?s ?p ?o }"})[0] == 200


def test_sigterm_while_queries_run_stops_everything_cleanly(built_store: Path) -> None:
    server = Served(built_store, "--timeout", "60")
    (engine,) = server.engine_pids()
    slow = threading.Thread(
        target=post, args=(server, {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}), daemon=True
    )
    slow.start()
    busy = cpu_ticks(engine)
    for _ in range(600):  # wait (bounded) until the engine works on the slow query
        if cpu_ticks(engine) > busy + 5:
            break
        threading.Event().wait(0.05)
    server.process.send_signal(signal.SIGTERM)
    out, _ = server.process.communicate(timeout=60)
    assert (server.process.returncode, out) == (0, "Stopped.\n")
    assert not alive(engine)
    server.stop()


def test_a_long_query_is_parsed_by_the_engine_alone_while_others_are_served(served: Served) -> None:
    # 190 kB of VALUES: the rdflib parser of the old front took minutes over this, holding a lock everyone waited on.
    values = " ".join(f'"{n}"' for n in range(25_000))
    long = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?v {{ {values} }} }}"
    assert 150_000 < len(long) < 200_000
    answers: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: answers.append(post(served, {"query": long})))
    worker.start()
    assert post(served, {"query": "ASK { ?s ?p ?o }"})[0] == 200
    worker.join(timeout=120)
    status, _, body = answers[0]
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "25000"
    status, _, body = post(served, {"query": long + " " * 10_000 + "# " + "x" * 10_000})
    assert (status, body) == (413, "query too long (at most 200000 bytes)\n")


def test_a_body_announced_too_large_is_refused_before_it_is_read(served: Served) -> None:
    sock = connect(served)
    sock.sendall(
        b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 50000000\r\n\r\n"
    )
    answer = until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 413 ") and answer.endswith(b"request body too large (at most 604096 bytes)\n")


def test_answers_are_kept_within_their_budget_least_recently_used_out() -> None:
    from spacefilms.endpoints.answer_cache import AnswerCache

    cache = AnswerCache(max_bytes=100)
    cache.put("a", (b"x" * 10, "text/csv"))
    cache.put("big", (b"x" * 11, "text/csv"))  # over a tenth of the budget: not kept
    assert cache.get("a") == (b"x" * 10, "text/csv") and cache.get("big") is None
    for n in range(9):
        cache.put(n, (b"y" * 10, "text/csv"))  # 100 bytes: all kept
    cache.get("a")  # used again: now the most recent
    cache.put(9, (b"y" * 10, "text/csv"))  # 110 bytes asked for: the least recently used (0) goes
    assert cache.get(0) is None and cache.get("a") is not None and all(cache.get(n) is not None for n in range(1, 10))


def test_a_repeated_query_is_answered_from_the_cache_of_its_store(served: Served) -> None:
    def answered(lines: list[str]) -> list[str]:
        return [line for line in lines if "POST /query 200" in line]

    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c } # cache probe"}
    before = len(answered(served.log().splitlines()))
    first, second = post(served, query), post(served, query)
    assert first == second and first[0] == 200
    lines = answered(served.log_lines_once(lambda lines: len(answered(lines)) >= before + 2))
    assert lines[-1].endswith("— answered from the cache") and not lines[-2].endswith("cache")
