"""A ``spacefilms serve`` process for tests, and the few calls they make to it."""

from __future__ import annotations

import contextlib
import http.client
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from spacefilms.endpoints.oxigraph_server import free_port

SPACEFILMS = str(Path(sys.executable).parent / "spacefilms")


class Served:
    """A ``spacefilms serve`` process on a free loopback port."""

    def __init__(self, store: Path, *options: str, site: bool = False) -> None:
        self.port = free_port()
        options = options if site else (*options, "--no-site")  # the website is built only where a test looks at it
        # the request log goes to a file, so that it can never fill a pipe nobody reads; closed (and removed) in stop()
        self.errors = tempfile.NamedTemporaryFile("w+", prefix="serve-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [SPACEFILMS, "--store", str(store), "serve", "--port", str(self.port), *options],
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )
        self.banner = self.process.stdout.readline()
        if not self.banner.startswith("Serving"):
            raise RuntimeError(f"serve did not start: {self.banner}{self.log()}")

    def log(self) -> str:
        return Path(self.errors.name).read_text(encoding="utf-8")

    def log_lines_once(self, done: Callable[[list[str]], bool], wait: float = 60.0) -> list[str]:
        """The log's lines once ``done`` holds for them, or as they are after ``wait`` seconds: a request is logged
        just after its answer has gone, so a client can read its answer before the line is written."""
        deadline = time.monotonic() + wait
        while not done(lines := self.log().splitlines()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return lines

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def endpoint(self) -> str:
        return self.url + "query"

    def engine_pids(self) -> list[int]:
        """The engine processes (and a website build): children of any thread of ``serve``."""
        return children(self.process.pid)

    def interrupt(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=15)
        return self.process.returncode, out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.interrupt()
        self.errors.close()


def post(
    served: Served, body: dict[str, str], accept: str = "application/sparql-results+json", source: str = "127.0.0.1"
) -> tuple[int, str, str]:
    """POST a form to the endpoint from the loopback address ``source``: (status, content type, body)."""
    data = urllib.parse.urlencode(body).encode()
    host, port = served.endpoint.split("/")[2].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60, source_address=(source, 0))
    try:
        connection.request(
            "POST", "/query", body=data, headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        )
        response = connection.getresponse()
        return response.status, response.headers["Content-Type"], response.read().decode()
    finally:
        connection.close()


def children(pid: int) -> list[int]:
    """The child processes of any thread of ``pid`` (a restarted engine is started by a request's thread)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread that has just ended
            found += [int(child) for child in (task / "children").read_text().split()]
    return sorted(found)


def alive(pid: int) -> bool:
    """Whether any thread of a process still runs. A killed multithreaded process shows its main thread as a zombie
    while the others are still ending; its parent can reap it (and see it dead) only once they all have."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except (FileNotFoundError, ProcessLookupError):
        return False
    return any(_running(task / "stat") for task in tasks)


def _running(stat: Path) -> bool:
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False
