"""Start and stop a private Virtuoso Open Source 7 (Debian's ``virtuoso-opensource``) on loopback, for tests and
benchmarks: a fresh database in a folder of its own, SQL and HTTP ports on 127.0.0.1 only, the default dba account."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from spacefilms.endpoints.oxigraph_server import free_port
from spacefilms.endpoints.processes import LocalServer
from spacefilms.errors import SpacefilmsError

INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here, or None when it can."""
    if not shutil.which("virtuoso-t") or not INI.is_file():
        return "Virtuoso is not installed (apt-get install -y virtuoso-opensource, or `make engines` as root)"
    return None


class VirtuosoServer(LocalServer):
    """``virtuoso-t +foreground`` over a fresh database in ``folder``; use as a context manager. ``buffers`` sizes
    its page cache (8 kB pages), ``max_rows`` caps the rows of an answer (Virtuoso's ResultSetMaxRows)."""

    name = "Virtuoso"
    grace = 60.0  # a checkpoint on the way out takes a while
    probe_timeout, probe_interval = 5.0, 0.2

    def __init__(self, folder: str | Path, buffers: int = 10000, max_rows: int = 10000) -> None:
        super().__init__()
        self.folder = self.cwd = Path(folder)
        self.sql_port, self.http_port = free_port(), free_port()
        self.buffers, self.max_rows = buffers, max_rows

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_endpoint(self) -> str:
        return f"{self.url}/sparql"

    @property
    def update_endpoint(self) -> str:
        return f"{self.url}/sparql-auth"

    @property
    def graph_store_endpoint(self) -> str:
        return f"{self.url}/sparql-graph-crud-auth"

    def _config(self) -> str:
        config = INI.read_text(encoding="utf-8").replace("/var/lib/virtuoso-opensource-7/db", str(self.folder))
        config = config.replace("ServerPort               = 1111", f"ServerPort = 127.0.0.1:{self.sql_port}")
        config = config.replace("ServerPort                  = 8890", f"ServerPort = 127.0.0.1:{self.http_port}")
        config = config.replace("NumberOfBuffers          = 10000", f"NumberOfBuffers = {self.buffers}")
        config = config.replace("ResultSetMaxRows           = 10000", f"ResultSetMaxRows = {self.max_rows}")
        return config.replace("MaxDirtyBuffers          = 6000", f"MaxDirtyBuffers = {self.buffers * 3 // 4}")

    def command(self) -> list[str]:
        return ["virtuoso-t", "+foreground", "+configfile", str(self.folder / "virtuoso.ini")]

    def where_to_look(self) -> str:
        return f" (log: {self.folder / 'virtuoso.log'})"

    def start(self, wait: float = 120.0) -> VirtuosoServer:
        """A fresh configuration in its folder, then the server."""
        if (reason := virtuoso_missing()) is not None:
            raise SpacefilmsError(reason)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "virtuoso.ini").write_text(self._config(), encoding="utf-8")
        return super().start(wait)

    def bulk_load(self, nquads: Path, default_graph: str) -> None:
        """Load an N-Quads file in the server's folder with Virtuoso's bulk loader, the way its documentation gives
        (``ld_dir``, ``rdf_loader_run``, ``checkpoint`` through ``isql-vt``): quads without a graph go to
        ``default_graph``; a file the loader refused is an error."""
        if nquads.resolve().parent != self.folder.resolve():
            raise SpacefilmsError(f"Virtuoso's bulk loader reads only its own folder ({self.folder})", str(nquads))
        if "'" in nquads.name + default_graph:  # both go into SQL text
            raise SpacefilmsError(f"a quote in a file or graph name for Virtuoso's bulk loader: {nquads.name} {default_graph}")
        statements = (
            f"ld_dir('.', '{nquads.name}', '{default_graph}'); rdf_loader_run(); checkpoint; "
            "select 'failed: ' || ll_file || ': ' || ll_error from DB.DBA.load_list where ll_error is not null;"
        )
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=3600,
        )
        failed = [line for line in done.stdout.splitlines() if line.startswith("failed: ")]
        if done.returncode or failed or "*** Error" in done.stdout + done.stderr:
            raise SpacefilmsError(f"Virtuoso's bulk loader: {(failed or [done.stderr.strip() or done.stdout[-300:]])[0]}")

    def version(self) -> str:
        """The version line ``virtuoso-t -?`` prints."""
        lines = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, check=False).stderr.splitlines()
        return next((line.strip() for line in lines if "Version" in line), "virtuoso-opensource 7")
