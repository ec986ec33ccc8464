"""Start and stop the ``oxigraph`` SPARQL server (from the ``oxigraph`` package on PyPI) on loopback."""

from __future__ import annotations

import contextlib
import resource
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from spacefilms.endpoints.processes import LocalServer
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


class OxigraphServer(LocalServer):
    """An ``oxigraph serve`` process over a store directory; use as a context manager.

    ``read_only`` runs ``serve-read-only`` (no SPARQL update, no Graph Store writes). With ``memory_bytes`` the
    process's heap is limited (RLIMIT_DATA): an allocation past it ends the process instead of exhausting the machine.
    It writes a line to stderr per failed write to a client: the base class reads them.
    """

    name = "oxigraph server"

    def __init__(
        self,
        location: str | Path,
        host: str = "127.0.0.1",
        port: int | None = None,
        read_only: bool = False,
        union_default_graph: bool = True,
        timeout_s: int | None = None,
        memory_bytes: int | None = None,
    ) -> None:
        super().__init__()
        self.location = Path(location)
        self.host = host
        self.port = port or free_port(host)
        self.read_only = read_only
        self.union_default_graph = union_default_graph
        self.timeout_s = timeout_s
        self.memory_bytes = memory_bytes

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

    def launched(self, process: subprocess.Popen) -> None:
        if self.memory_bytes:  # set from here, not in the child before exec: a fork of a threaded process may deadlock
            with contextlib.suppress(ProcessLookupError):  # it exited at once: start says so
                resource.prlimit(process.pid, resource.RLIMIT_DATA, (self.memory_bytes, self.memory_bytes))
