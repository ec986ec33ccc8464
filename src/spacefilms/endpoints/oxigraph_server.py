"""Start and stop the ``oxigraph`` SPARQL server (from the ``oxigraph`` package on PyPI) on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

from spacefilms.endpoints.processes import answers, stop_process
from spacefilms.errors import SpacefilmsError


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable next to this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise SpacefilmsError("the oxigraph server is not installed: pip install oxigraph")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """An ``oxigraph serve`` process over a store directory; use as a context manager.

    ``read_only`` runs ``serve-read-only`` (no SPARQL update, no Graph Store writes).
    """

    def __init__(
        self,
        location: str | Path,
        host: str = "127.0.0.1",
        port: int | None = None,
        read_only: bool = False,
        union_default_graph: bool = True,
        timeout_s: int | None = None,
    ) -> None:
        self.location = Path(location)
        self.host = host
        self.port = port or free_port(host)
        self.read_only = read_only
        self.union_default_graph = union_default_graph
        self.timeout_s = timeout_s
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_endpoint(self) -> str:
        return f"{self.url}/query"

    @property
    def update_endpoint(self) -> str:
        return f"{self.url}/update"

    @property
    def store_endpoint(self) -> str:
        return f"{self.url}/store"

    def command(self) -> list[str]:
        args = [oxigraph_binary(), "serve-read-only" if self.read_only else "serve"]
        args += ["--location", str(self.location), "--bind", f"{self.host}:{self.port}"]
        if self.union_default_graph:
            args.append("--union-default-graph")
        if self.timeout_s:
            args += ["--timeout-s", str(self.timeout_s)]
        return args

    def start(self, wait: float = 20.0) -> OxigraphServer:
        self.process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if answers(self.process, f"{self.url}/query", wait, probe_timeout=1.0, interval=0.05):
            return self
        if (code := self.process.poll()) is not None:
            err = self.process.stderr.read().decode("utf-8", "replace").strip() if self.process.stderr else ""
            self.stop()
            raise SpacefilmsError(f"oxigraph server exited: {err.splitlines()[-1] if err else code}")
        self.stop()
        raise SpacefilmsError(f"oxigraph server did not answer within {wait:.0f}s", self.url)

    def stop(self) -> None:
        stop_process(self.process, grace=10)
        if self.process and self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
