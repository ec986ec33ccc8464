"""Shared fixtures: the bundled graph built once into a temporary store, a CLI runner, local SPARQL servers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from browser import Chromium, chromium_binary
from click.testing import CliRunner, Result

from spacefilms.core.backends import LocalBackend
from spacefilms.core.layout import open_ox
from spacefilms.endpoints.oxigraph_server import OxigraphServer, oxigraph_binary
from spacefilms.namespaces import PREFIXES
from spacefilms.store.build import build
from spacefilms.store.export import export

ROOT = Path(__file__).parents[1]  # the project: README, graph/, src/
DATA = Path(__file__).parent / "data"  # the tests' own data files
MINI = DATA / "mini"  # a small curated graph that builds in a second
# The project's prefixes as Turtle lines, for a test file of curated facts: its body's line n is the file's line
# len(PREFIX_LINES) + n.
PREFIX_LINES = [f"@prefix {prefix}: <{iri}> ." for prefix, iri in PREFIXES.items()]
# Tests that use these fixtures start servers or Chromium as child processes (`system`), or take minutes: a wheel, a
# virtualenv, other SPARQL engines, a large graph (`slow`); `pytest -m "not system"` runs the fast core. A test that
# starts a server itself carries the marker in its module.
SYSTEM_FIXTURES = {
    "exported_server", "wikidata_server", "chromium", "served", "tight", "target", "session_proxy", "venv",
    "oxigraph", "oxigraph_gsp", "virtuoso_server", "virtuoso", "virtuoso_bulk", "jena", "engine",
}  # fmt: skip
SLOW_FIXTURES = {"wheel", "venv", "big_graph", "virtuoso_server", "virtuoso_bulk", "jena", "engine"}
PIP_TIMEOUT = 900  # seconds for pip to build or install: a slow mirror, a busy machine


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & SYSTEM_FIXTURES:
            item.add_marker(pytest.mark.system)
        if used & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once for the suite (what `pip install spacefilms` would install)."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=PIP_TIMEOUT,
    )
    (built,) = folder.glob("spacefilms-*.whl")
    return built


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph, built once per test session."""
    return build(store=tmp_path_factory.mktemp("built") / "store").store


@pytest.fixture(scope="session")
def local(built_store: Path) -> LocalBackend:
    return LocalBackend(built_store)


@pytest.fixture()
def cli(built_store: Path):
    """Run the ``spacefilms`` CLI in-process against ``store`` (the built one unless given)."""
    from spacefilms.cli import main

    def run(*args: str, store: Path | None = None) -> Result:
        return CliRunner().invoke(main, ["--store", str(store or built_store), *args], catch_exceptions=False)

    return run


def load_server_store(location: Path, rdf_file: Path) -> None:
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(location), "--file", str(rdf_file)], check=True, capture_output=True
    )


@pytest.fixture(scope="session")
def exported_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real ``oxigraph serve`` on 127.0.0.1 holding the exported graph (union default graph, read-only)."""
    folder = tmp_path_factory.mktemp("server")
    dump = export(open_ox(built_store), "nq", folder / "graph.nq")
    load_server_store(folder / "db", dump)
    with OxigraphServer(folder / "db", read_only=True) as server:
        yield server


@pytest.fixture(scope="session")
def wikidata_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real `oxigraph serve` holding the Wikidata-shaped FIXTURE data."""
    location = tmp_path_factory.mktemp("wikidata") / "db"
    store = ox.Store(str(location))
    store.load(path=DATA / "wikidata" / "fixture.ttl", format=ox.RdfFormat.TURTLE)
    store.flush()
    del store
    with OxigraphServer(location, read_only=True) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """One headless Chromium for the page tests (query page, website, interactive diagram)."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip("Debian's chromium is not installed (`make browser` runs apt-get install -y chromium as root)")
    browser = Chromium(binary)
    yield browser
    browser.close()
