"""The wheel, installed into a clean virtual environment, works from any folder: build, query, diagram, serve,
push, link, enrich (online, then --offline), ``python -m spacefilms``; nothing is written into the package."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from spacefilms.endpoints.oxigraph_server import OxigraphServer, free_port

TIMEOUT = 900  # seconds for pip to install the wheel and its dependencies: a slow mirror, a busy machine


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("installed")
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=TIMEOUT)
    pip = subprocess.run(
        [str(folder / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    yield folder / "venv"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


def run(venv: Path, home: Path, *args: str, program: str = "spacefilms") -> subprocess.CompletedProcess:
    """A command of the installed tool, run from an empty folder with its own home (no store, no checkout)."""
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "MPLBACKEND": "Agg"}
    work = home / "work"
    work.mkdir(exist_ok=True)
    command = [str(venv / "bin" / program), *args] if program == "spacefilms" else [str(venv / "bin" / "python"), *args]
    return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def package_files(venv: Path) -> dict[str, float]:
    (package,) = venv.glob("lib/python*/site-packages/spacefilms")
    return {str(p): p.stat().st_mtime for p in package.rglob("*") if "__pycache__" not in p.parts}


def test_help_loads_no_heavy_library(venv: Path, home: Path) -> None:
    probe = "import sys; from spacefilms.cli import main; import contextlib, io\n"
    probe += "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()): main(['--help'])\n"
    probe += "print(sorted(m for m in ('rdflib', 'pyoxigraph', 'matplotlib', 'networkx', 'httpx') if m in sys.modules))"
    result = run(venv, home, "-c", probe, program="python")
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr


def test_the_installed_tool_works_from_any_folder(venv: Path, home: Path, wikidata_server: OxigraphServer) -> None:
    before = package_files(venv)
    built = run(venv, home, "build")
    assert built.returncode == 0, built.stderr
    assert (home / "data" / "spacefilms" / "store").is_symlink()
    cast = run(venv, home, "query", "cast", "--format", "csv")
    assert cast.returncode == 0 and "Yulia Peresild" in cast.stdout, cast.stderr
    drawn = run(venv, home, "diagram", "film-world", "-o", "world.svg")
    assert drawn.returncode == 0 and (home / "work" / "world.svg").read_text(encoding="utf-8").startswith("<?xml"), drawn.stderr
    module = run(venv, home, "-m", "spacefilms", "stats", program="python")
    assert module.returncode == 0 and "Sources:" in module.stdout, module.stderr

    links = home / "data" / "spacefilms" / "wikidata-links.tsv"
    linked = run(venv, home, "link", "--endpoint", wikidata_server.query_endpoint)
    assert links.is_file() and "Q963226" in links.read_text(encoding="utf-8"), linked.stdout + linked.stderr
    online = run(venv, home, "enrich", "--endpoint", wikidata_server.query_endpoint)
    assert online.returncode == 0, online.stderr
    offline = run(venv, home, "enrich", "--offline", "--endpoint", wikidata_server.query_endpoint)
    assert offline.returncode == 0 and "no network" in offline.stdout, offline.stdout + offline.stderr
    website = run(venv, home, "site", "-o", "site", "--diagrams", "1")  # templates, styles and scripts come from the wheel
    assert website.returncode == 0 and (home / "work" / "site" / "resource" / "yulia-peresild.html").is_file(), website.stderr

    target = home / "target"
    with OxigraphServer(target) as server:
        pushed = run(venv, home, "push", "--endpoint", server.update_endpoint, "--query-endpoint", server.query_endpoint)
        assert pushed.returncode == 0, pushed.stderr
    assert package_files(venv) == before  # nothing written into the installed package


def test_serve_runs_from_the_installed_package(venv: Path, home: Path) -> None:
    assert run(venv, home, "build").returncode == 0
    port = free_port()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    log = (home / "serve.log").open("wb")
    server = subprocess.Popen([str(venv / "bin" / "spacefilms"), "serve", "--port", str(port)], cwd=home, env=env, stderr=log)
    try:
        query = urllib.parse.urlencode({"query": "ASK { ?film a <http://schema.org/Movie> }"})
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?{query}", timeout=30) as answer:
                    assert b'"boolean":true' in answer.read().replace(b" ", b"")
                    break
            except urllib.error.HTTPError:
                raise
            except OSError:  # not listening yet
                assert server.poll() is None and time.monotonic() < deadline, (home / "serve.log").read_text()
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    assert os.path.isdir(home / "data" / "spacefilms")
