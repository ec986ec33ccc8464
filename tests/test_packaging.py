"""The wheel carries the bundled data (graph/, ontologies/, queries/) and the package finds it there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def test_wheel_ships_and_finds_the_bundled_data(tmp_path: Path, wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("graph/the-challenge.trig", "ontologies/shapes.ttl", "queries/cast.rq", "graph/wikidata-ids.tsv"):
        assert f"spacefilms/_data/{path}" in names
    for path in ("templates/entity.html", "static/search.js", "static/site.css"):  # the website's (`spacefilms site`)
        assert f"spacefilms/site/{path}" in names
    # what only the tests and benchmarks use stays out of the installed package
    assert not any(name.endswith(("synthetic.py", "virtuoso_server.py")) for name in names)
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    found = subprocess.run(
        [sys.executable, "-c", "from spacefilms.workspace import data_dir; print(data_dir('queries'))"],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(unpacked)},
        cwd=tmp_path,
    ).stdout.strip()
    assert found == str(unpacked / "spacefilms" / "_data" / "queries")
