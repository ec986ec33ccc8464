"""The one child-process class for local servers: a server that dies says so, one that never answers is stopped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spacefilms.endpoints.oxigraph_server import OxigraphServer, free_port
from spacefilms.endpoints.processes import LocalServer
from spacefilms.errors import SpacefilmsError

pytestmark = pytest.mark.system


class Silent(LocalServer):
    """A child that runs and never answers on its port."""

    name = "silent server"
    grace = 5.0

    def __init__(self) -> None:
        super().__init__()
        self.port = free_port()
        self.children: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_endpoint(self) -> str:
        return f"{self.url}/query"

    def command(self) -> list[str]:
        return [sys.executable, "-c", "import time; time.sleep(600)"]

    def launched(self, process: subprocess.Popen) -> None:
        self.children.append(process)


def test_a_server_that_exits_at_once_says_what_it_said(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    server = OxigraphServer(tmp_path / "file" / "db")
    with pytest.raises(SpacefilmsError) as raised:
        server.start()
    assert raised.value.message.startswith("oxigraph server exited: ") and raised.value.message.split(": ", 1)[1]
    assert server.process is None and raised.value.message.endswith(server.said[-1])


def test_a_server_that_never_answers_is_stopped() -> None:
    server = Silent()
    with pytest.raises(SpacefilmsError) as raised:
        server.start(wait=1.0)
    assert (raised.value.message, raised.value.where) == ("silent server did not answer within 1s", server.url)
    assert server.process is None and [child.poll() for child in server.children] == [-15]  # ended by SIGTERM
