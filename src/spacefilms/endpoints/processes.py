"""A SPARQL server run as a child process on loopback (Oxigraph's, Virtuoso): the one base class that starts it, waits
until it answers, reads its stderr and stops it."""

from __future__ import annotations

import subprocess
import threading
import time
from collections import deque
from pathlib import Path
from typing import TypeVar

from spacefilms.errors import SpacefilmsError

S = TypeVar("S", bound="LocalServer")


def answers(process: subprocess.Popen, query_url: str, wait: float, probe_timeout: float, interval: float) -> bool:
    """Whether the server started as ``process`` answers ``ASK {}`` at ``query_url`` within ``wait`` seconds; False
    as soon as the process exits, or when the time is up."""
    from spacefilms.http import HttpError, NetworkError, Transport

    probe = Transport(timeout=probe_timeout)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                probe.send("GET", query_url, params={"query": "ASK {}"})
                return True
            except (NetworkError, HttpError):
                time.sleep(interval)
    finally:
        probe.close()
    return False


def stop_process(process: subprocess.Popen | None, grace: float) -> None:
    """Ask ``process`` to end (SIGTERM), and kill it if it has not within ``grace`` seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class LocalServer:
    """A SPARQL server as a child process on loopback, for a subclass to name (``command``, ``query_endpoint``):
    started, waited for until it answers ``ASK {}``, stopped (SIGTERM, then SIGKILL after ``grace`` seconds); use as a
    context manager. Its stderr is always read (a pipe nobody reads fills and freezes the server); the last lines are
    kept in ``said``, to say why it would not start."""

    name = "server"
    grace = 10.0  # seconds between asking it to end and killing it
    probe_timeout, probe_interval = 1.0, 0.05  # each readiness probe's deadline, and the pause between probes
    cwd: Path | None = None

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.said: deque[str] = deque(maxlen=20)  # its last lines on stderr

    @property
    def url(self) -> str:
        raise NotImplementedError

    @property
    def query_endpoint(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def launched(self, process: subprocess.Popen) -> None:
        """Called as soon as the process runs, before it is waited for (say, to limit its memory)."""

    def where_to_look(self) -> str:
        """What to add when it does not answer in time (say, its log file)."""
        return ""

    def start(self: S, wait: float = 20.0) -> S:
        self.process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.cwd)
        self.launched(self.process)
        reader = threading.Thread(target=self._read_errors, args=(self.process,), name=f"{self.name}-stderr", daemon=True)
        reader.start()
        if answers(self.process, self.query_endpoint, wait, self.probe_timeout, self.probe_interval):
            return self
        if (code := self.process.poll()) is not None:
            reader.join(timeout=wait)  # the pipe ends with the process
            self.stop()
            raise SpacefilmsError(f"{self.name} exited: {self.said[-1] if self.said else code}")
        self.stop()
        raise SpacefilmsError(f"{self.name} did not answer within {wait:.0f}s{self.where_to_look()}", self.url)

    def _read_errors(self, process: subprocess.Popen) -> None:
        assert process.stderr is not None
        with process.stderr:
            for line in process.stderr:
                if text := line.decode("utf-8", "replace").strip():
                    self.said.append(text)

    def stop(self) -> None:
        stop_process(self.process, self.grace)  # its stderr reader ends with it and closes the pipe
        self.process = None

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
