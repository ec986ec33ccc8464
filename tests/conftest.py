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
from spacefilms.store.build import build
from spacefilms.store.export import export

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]
PIP_TIMEOUT = 900  # seconds for pip to build or install: a slow mirror, a busy machine


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
