"""``spacefilms serve`` against hostile or unlucky clients, on 127.0.0.1 only and bounded in time and count: stalled
and trickling connections, too many connections (in all and from one address), queries that crash the engine, and a
stop requested while queries run. No test asserts a wall-clock time: each waits far longer than the step needs."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import SPACEFILMS, Served, alive, children, post

from spacefilms.endpoints.app import _fields
from spacefilms.endpoints.loopback import Answer, AnswerTooLarge, Loopback
from spacefilms.endpoints.protocol import volatile

OVERFLOW = "ASK { FILTER(" + "+".join(["1"] * 8000) + " > 0) }"  # 16 KB: overflows the engine's stack
# 25 million rows counted: about 2 s of the engine's time, idle
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a { ?a ?b ?c } LIMIT 5000 } { SELECT ?d { ?d ?e ?f } LIMIT 5000 } }"
LONG = (
    "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a { GRAPH ?g { ?a ?b ?c } } LIMIT 7000 } "
    "{ SELECT ?d { GRAPH ?h { ?d ?e ?f } } LIMIT 7000 } }"
)


@pytest.fixture(scope="module")
def served(built_store: Path) -> Iterator[Served]:
    server = Served(built_store, "--max-connections", "12", "--max-connections-per-client", "8", "--request-timeout", "2")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tight(built_store: Path) -> Iterator[Served]:
    """An endpoint with a small engine and small answers."""
    server = Served(built_store, "--engine-memory-mb", "200", "--max-result-bytes", "1000", "--timeout", "5")
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


def busy(served: Served, source: str = "127.0.0.1") -> socket.socket:
    """A connection busy with a request: its head read by the server (it says so: 100 Continue), its body never sent."""
    sock = connect(served, source)
    sock.sendall(b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
    assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
    return sock


@pytest.mark.system  # starts a server itself
def test_idle_connections_cannot_lock_others_out_busy_ones_make_newcomers_retry(built_store: Path) -> None:
    crowded = Served(built_store, "--max-connections", "12", "--max-connections-per-client", "8", "--request-timeout", "600")
    held: list[socket.socket] = []
    try:
        held += [connect(crowded) for _ in range(8)]  # the most one address may hold, all idle (half-open)
        assert post(crowded, {"query": "ASK {}"})[0] == 200  # in place of the address's own oldest idle connection
        assert until_closed(held.pop(0)) == b""
        held += [connect(crowded, "127.0.0.3") for _ in range(5)]  # 12 in all: the limit
        assert post(crowded, {"query": "ASK {}"}, source="127.0.0.4")[0] == 200  # in place of one of the biggest holder's
        assert until_closed(held.pop(0)) == b""
        for sock in held:
            sock.close()
        assert post(crowded, {"query": "ASK {}"})[0] == 200  # after the closed connections are gone
        held = [busy(crowded) for _ in range(8)]
        refused = until_closed(connect(crowded))  # busy connections are never pushed out
        assert refused.startswith(b"HTTP/1.1 503 Service Unavailable") and b"too many connections, retry" in refused
        held += [busy(crowded, "127.0.0.3") for _ in range(4)]
        assert until_closed(connect(crowded, "127.0.0.4")).startswith(b"HTTP/1.1 503 ")
    finally:
        for sock in held:
            sock.close()
        crowded.stop()


def test_a_page_with_no_origin_of_its_own_is_refused(served: Served) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    try:  # Origin: null is what a file:// page or a sandboxed frame sends
        connection.request("GET", "/query?query=ASK%7B%7D", headers={"Origin": "null"})
        response = connection.getresponse()
        assert (response.status, response.read()) == (403, b"requests from pages of null are refused\n")
    finally:
        connection.close()


def test_deeply_nested_queries_are_refused_before_they_reach_the_engine(served: Served) -> None:
    engines = served.engine_pids()
    deep = "SELECT * WHERE " + "{" * 4000 + "}" * 4000  # crashed the engine (its stack) for everyone
    assert post(served, {"query": deep})[::2] == (400, "query nested too deeply: more than 64 brackets inside one another\n")
    replaced = "?x"
    for _ in range(8):  # 300 bytes that asked the engine for 1.1 GB
        replaced = f'REPLACE({replaced}, ".", "0123456789")'
    status, _, body = post(served, {"query": f'SELECT (STRLEN({replaced}) AS ?n) WHERE {{ BIND("0123456789" AS ?x) }}'})
    assert (status, body) == (
        400,
        "expression too costly: more than 4 calls of CONCAT/ENCODE_FOR_URI/GROUP_CONCAT/REPLACE inside one another\n",
    )
    braces = "{" * 100  # in strings, comments and IRIs brackets are not syntax
    quoted = f'ASK {{ FILTER("{braces}" != """{braces}""" && <urn:x:{"(" * 100}> != <urn:y>) }} # {braces}'
    assert post(served, {"query": quoted})[0] == 200
    assert served.engine_pids() == engines and all(map(alive, engines))


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


def test_a_query_that_crashes_the_engine_does_not_take_other_clients_queries_with_it(served: Served) -> None:
    answers: list[tuple[int, str, str]] = []
    other = threading.Thread(target=lambda: answers.append(post(served, {"query": CROSS}, source="127.0.0.2")))
    engines = served.engine_pids()
    busy = sum(map(cpu_ticks, engines))
    other.start()
    for _ in range(600):  # wait (bounded) until the engine works on the other client's query
        if sum(map(cpu_ticks, engines)) > busy + 5:
            break
        threading.Event().wait(0.05)
    assert post(served, {"query": OVERFLOW})[0] == 502  # the engine dies under both queries
    other.join(timeout=120)
    status, _, body = answers[0]
    assert (status, json.loads(body)["results"]["bindings"][0]["n"]["value"]) == (200, "25000000")


def test_a_query_past_the_engine_s_memory_fails_alone(tight: Served) -> None:
    grown = "?x"
    for _ in range(4):  # 10 characters grown 100 times at each level: a billion
        grown = f'REPLACE({grown}, ".", "{"0123456789" * 10}")'
    status, _, body = post(tight, {"query": f'SELECT (STRLEN({grown}) AS ?n) WHERE {{ BIND("0123456789" AS ?x) }}'})
    assert status == 502 and body.startswith("the query engine failed on this query and is started again for the next")
    status, _, body = post(tight, {"query": "ASK { ?s ?p ?o }"})
    assert (status, json.loads(body)["boolean"]) == (200, True)


def test_the_engine_s_messages_never_fill_a_pipe(tight: Served) -> None:
    # The engine writes a line on stderr (about 100 bytes) for each answer cut at the size limit: 1,500 lines are
    # more than a pipe holds; unread, they froze the engine until the query deadline.
    def ask(count: int) -> Counter[int]:
        return Counter(post(tight, {"query": "SELECT * WHERE { ?s ?p ?o }"})[0] for _ in range(count))

    results: list[Counter[int]] = []
    clients = [threading.Thread(target=lambda: results.append(ask(375))) for _ in range(4)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=600)
    assert sum(results, Counter()) == {400: 1500}


def test_answers_that_change_from_run_to_run_are_not_kept(served: Served) -> None:
    query = {"query": "SELECT (STRUUID() AS ?u) (NOW() AS ?t) WHERE {}"}
    first, second = post(served, query), post(served, query)
    assert first[0] == second[0] == 200 and first[2] != second[2]


TEMP_SITE = ".site.spacefilms-tmp-*"  # how the website's build names its folder (see spacefilms.files)


@pytest.mark.system  # starts a server itself
def test_a_stop_while_the_website_is_built_stops_the_build_and_leaves_nothing(built_store: Path, tmp_path: Path) -> None:
    (tmp_path / "store").symlink_to(built_store.resolve())  # the site is built beside the link: here
    server = Served(tmp_path / "store", site=True)
    try:
        for _ in range(1200):  # wait (bounded) until the build writes its temporary folder
            if list(tmp_path.glob(TEMP_SITE)):
                break
            threading.Event().wait(0.05)
        children = server.engine_pids()
        assert list(tmp_path.glob(TEMP_SITE)) and len(children) == 2  # the engine and the build
        assert server.interrupt() == (0, "Stopped.\n")
        assert sorted(path.name for path in tmp_path.iterdir()) == ["store"] and not any(map(alive, children))
    finally:
        server.stop()


@pytest.mark.system  # starts a server itself
def test_a_stop_while_the_engine_starts_is_clean(built_store: Path) -> None:
    process = subprocess.Popen(
        [SPACEFILMS, "--store", str(built_store), "serve", "--port", "0", "--no-site"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(1200):  # wait (bounded) until serve starts its engine
        if children(process.pid):
            break
        threading.Event().wait(0.01)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, out.splitlines()[-1:], err) == (0, ["Stopped."], "")


@pytest.mark.system  # starts a server itself
def test_a_corrupt_store_is_one_clear_line(built_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(built_store.resolve(), store)
    (store / "CURRENT").write_text("")  # what an interrupted copy can leave
    result = subprocess.run(
        [SPACEFILMS, "--store", str(store), "serve", "--port", "0", "--no-site"], capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"error: {store}: cannot open the store: Corruption: ") and result.stderr.count("\n") == 1


@pytest.mark.system  # starts a server itself
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


def test_long_queries_cannot_hold_back_a_short_one(built_store: Path) -> None:
    # The engine runs a query per core and one more at once; one that has run a while (a second) gives its turn to the
    # next. One long query per turn (49 million rows counted: seconds each): a short query sent after them is
    # answered while every one of them still runs, and each of them is answered in full.
    server = Served(built_store)
    try:
        answers: list[tuple[int, str, str]] = []
        workers = [
            threading.Thread(target=lambda: answers.append(post(server, {"query": LONG})))
            for _ in range(len(os.sched_getaffinity(0)) + 1)
        ]
        engines = server.engine_pids()
        busy = sum(map(cpu_ticks, engines))
        for worker in workers:
            worker.start()
        for _ in range(600):  # wait (bounded) until the engine works on them
            if sum(map(cpu_ticks, engines)) > busy + 5:
                break
            threading.Event().wait(0.05)
        status, _, body = post(server, {"query": "ASK { ?s ?p ?o }"})
        assert (status, json.loads(body)["boolean"], answers) == (200, True, [])
        for worker in workers:
            worker.join(timeout=120)
        assert [(status, json.loads(body)["results"]["bindings"][0]["n"]["value"]) for status, _, body in answers] == [
            (200, "49000000")
        ] * len(workers)
    finally:
        server.stop()


def test_forms_and_calls_that_change_from_run_to_run_are_read_as_by_their_reference() -> None:
    # The front's own form reader against urllib's, on escapes well-formed and not, and text that is not ASCII.
    for text in ("query=ASK%20%7B%7D+%23%C3%A9&default-graph-uri=", "a=%4&a=%zz%41&&b", "q=%ff\\%5C", "q=é%C3%A9", "x"):
        assert _fields(text) == urllib.parse.parse_qs(text, keep_blank_values=True)
    # The volatile check looks for the names before its pattern: every spelling the pattern takes (İ for I) still counts.
    assert [volatile(text) for text in ("SELECT (UUİD() AS ?u) {}", "SELECT (ſtrUUID() AS ?u) {}", "ASK { ?x <p> 'now()' }")] == [
        True,
        True,
        False,
    ]


def test_a_body_announced_too_large_is_refused_before_it_is_read(served: Served) -> None:
    sock = connect(served)
    sock.sendall(
        b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 50000000\r\n\r\n"
    )
    answer = until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 413 ") and answer.endswith(b"request body too large (at most 604096 bytes)\n")


def test_answers_are_kept_within_their_budget_keys_counted_least_recently_used_out() -> None:
    from spacefilms.endpoints.answer_cache import AnswerCache

    cache = AnswerCache(max_bytes=100)
    cache.put(b"a", (b"x" * 9, "text/csv"))  # 10 bytes with its key
    cache.put(b"big", (b"x" * 8, "text/csv"))  # 11 with its key: over a tenth of the budget, not kept
    assert cache.get(b"a") == (b"x" * 9, "text/csv") and cache.get(b"big") is None
    for n in range(9):
        cache.put(bytes([n]), (b"y" * 9, "text/csv"))  # 100 bytes: all kept
    cache.get(b"a")  # used again: now the most recent
    cache.put(b"\x09", (b"y" * 9, "text/csv"))  # 110 bytes asked for: the least recently used (0) goes
    assert cache.get(b"\x00") is None and cache.get(b"a") is not None
    assert all(cache.get(bytes([n])) is not None for n in range(1, 10))


def test_a_repeated_query_is_answered_from_the_cache_of_its_store(served: Served) -> None:
    def answered(lines: list[str]) -> list[str]:
        return [line for line in lines if "POST /query 200" in line]

    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c } # cache probe"}
    before = len(answered(served.log().splitlines()))
    first, second = post(served, query), post(served, query)
    assert first == second and first[0] == 200
    lines = answered(served.log_lines_once(lambda lines: len(answered(lines)) >= before + 2))
    assert lines[-1].endswith("— answered from the cache") and not lines[-2].endswith("cache")


def test_an_xml_answer_never_holds_what_xml_cannot_carry(served: Served) -> None:
    """Literals may hold any character; XML 1.0 cannot carry U+0000 or U+001B even escaped: such an answer is refused
    in XML, one line saying why, and given in the other formats."""
    query = {"query": 'SELECT ?x WHERE { BIND ("escape \\u001B[31m and null \\u0000" AS ?x) }'}
    status, media, body = post(served, query, accept="application/sparql-results+xml")
    assert (status, media.split(";")[0]) == (406, "text/plain") and "XML 1.0 cannot carry (U+001B)" in body
    construct = {"query": 'CONSTRUCT { <http://example.org/a> <http://example.org/b> "\\u0000" } WHERE {}'}
    assert post(served, construct, accept="application/rdf+xml")[0] == 406
    status, _, body = post(served, query, accept="application/sparql-results+json")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == "escape \x1b[31m and null \x00"


class _Engine(threading.Thread):
    """A stand-in engine on 127.0.0.1: answers each request on a connection with ``answer``, then drops the
    connection unasked if ``drop`` (as the engine does with a kept-alive connection left idle)."""

    def __init__(self, answer: bytes, drop: bool) -> None:
        super().__init__(daemon=True)
        self.answer, self.drop, self.connections = answer, drop, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(60)
                received = b""
                while b"\r\n\r\n" not in received:
                    received += conn.recv(65536)
                head, _, body = received.partition(b"\r\n\r\n")
                length = int(next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))[15:])
                while len(body) < length:
                    body += conn.recv(65536)
                conn.sendall(self.answer)
                if not self.drop:
                    conn.recv(1)  # until the client closes


def _ask(engine: _Engine, times: int, max_bytes: int = 1000) -> list[Answer | str]:
    """``times`` queries over one :class:`Loopback` to ``engine``: each answer, or "too large"."""

    async def run() -> list[Answer | str]:
        wire, results = Loopback("127.0.0.1", engine.port, max_bytes), list[Answer | str]()
        for _ in range(times):
            try:
                results.append(await wire.query("", b"ASK {}", "*/*", 60))
            except AnswerTooLarge:
                results.append("too large")
        wire.close()
        return results

    try:
        return asyncio.run(run())
    finally:
        engine.listener.close()


def test_a_connection_the_engine_dropped_while_idle_is_not_the_next_query_s_failure() -> None:
    engine = _Engine(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok", drop=True)
    engine.start()
    answers = _ask(engine, 3)
    assert answers == [Answer(200, "text/plain", b"ok")] * 3
    assert engine.connections == 3


def test_a_chunked_answer_past_the_cap_is_not_read_on() -> None:
    chunk = b"x" * 600
    engine = _Engine(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + (b"258\r\n" + chunk + b"\r\n") * 2 + b"0\r\n\r\n", drop=False
    )
    engine.start()
    assert _ask(engine, 1) == ["too large"]
    engine2 = _Engine(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + chunk + b"\r\n0\r\n\r\n", drop=False)
    engine2.start()
    assert _ask(engine2, 1) == [Answer(200, "", chunk)]
