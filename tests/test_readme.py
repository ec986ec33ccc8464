"""The README's Python example runs as written and prints what it promises."""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
SERVE_URL = "http://127.0.0.1:7878/query"  # where the README's blocks find `spacefilms serve`


def python_blocks() -> list[tuple[int, str]]:
    """Every ```python block of the README, with the line it starts on."""
    text = README.read_text(encoding="utf-8")
    return [
        (text[: m.start()].count("\n") + 2, m.group(1)) for m in re.finditer(r"^```python\n(.*?)^```", text, re.DOTALL | re.M)
    ]


def test_every_python_block_runs_and_prints_what_it_promises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocks run in order in one fresh folder, as a reader would paste them: the first builds the store; a
    block that asks `spacefilms serve` asks one started here on the built store."""
    from served import Served

    monkeypatch.setenv("SPACEFILMS_STORE", str(tmp_path / "store"))
    monkeypatch.chdir(tmp_path)
    printed, server = [], None
    try:
        for line, block in python_blocks():
            if SERVE_URL in block:
                server = server or Served(tmp_path / "store")
                block = block.replace(SERVE_URL, server.endpoint)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile("\n" * (line - 1) + block, str(README), "exec"), {})
            text = out.getvalue().strip()
            printed.append(tuple(map(int, text.split())) if re.fullmatch(r"[\d ]+", text) else ast.literal_eval(text))
    finally:
        if server:
            server.stop()
    performers, network_labels, (films, directed) = printed  # one answer per block: a new block needs its assertion
    from spacefilms.core.backends import LocalBackend

    store = LocalBackend(tmp_path / "store")
    assert films == len(store.select("SELECT ?film WHERE { ?film a schema:Movie }")) >= 20
    assert directed == len(store.select("SELECT DISTINCT ?f ?d WHERE { ?f schema:director ?d }")) >= 10
    assert {"Yulia Peresild", "Oleg Novitsky"} <= set(performers) and performers == sorted(performers)
    assert (tmp_path / "store").is_symlink()
    drawn = (tmp_path / "film-world.svg").read_text(encoding="utf-8")
    assert drawn.startswith("<?xml") and "Klim Shipenko" in drawn
    assert {"The Challenge", "Klim Shipenko"} <= set(network_labels)


def test_the_command_table_names_every_command() -> None:
    from spacefilms.cli import COMMANDS

    table = README.read_text(encoding="utf-8").split("## Commands", 1)[1].split("## Queries", 1)[0]
    named = set(re.findall(r"`spacefilms (\w+)", table)) | set(re.findall(r"/ `(\w+)`", table))
    assert named == set(COMMANDS)


def test_the_sources_section_shows_what_stats_prints(cli) -> None:
    result = cli("stats", "--sources")
    assert result.exit_code == 0, result.output
    printed = result.stdout[result.stdout.index("Sources by kind") :].rstrip("\n")
    section = README.read_text(encoding="utf-8").split("$ spacefilms stats --sources\n…\n", 1)[1].split("```", 1)[0]
    assert section.rstrip("\n") == printed


def test_the_build_sample_is_what_a_build_prints(cli, tmp_path: Path) -> None:
    result = cli("build", store=tmp_path / "store")
    assert result.exit_code == 0, result.output
    sample = README.read_text(encoding="utf-8").split("$ spacefilms build\n", 1)[1].split("```", 1)[0].splitlines()
    printed = result.stdout.splitlines()
    assert (
        re.sub(r"Built \S+ ", "Built STORE ", sample[0]).split(" in ")[0]
        == re.sub(r"Built \S+ ", "Built STORE ", printed[0]).split(" in ")[0]
    )
    assert sample[1:3] == printed[1:3]  # triples, facts, quads, sources
    assert sample[3].startswith("Built at: ") and printed[3].startswith("Built at: ")
    shown = [line for line in sample[4:] if line.strip() != "…"]
    assert shown == printed[4 : 4 + len(shown)]  # the first classes and their counts


def test_the_query_table_lists_every_bundled_query() -> None:
    from spacefilms.core.library import list_queries

    table = README.read_text(encoding="utf-8").split("## Queries", 1)[1].split("```", 1)[0]
    assert set(re.findall(r"^\| `([\w-]+)` \|", table, re.MULTILINE)) == {q.name for q in list_queries()}


def test_the_markdown_sample_is_what_the_query_prints(cli) -> None:
    sample = (
        README.read_text(encoding="utf-8").split("$ spacefilms query flight-crews --format markdown\n", 1)[1].split("```", 1)[0]
    )
    assert cli("query", "flight-crews", "--format", "markdown").stdout == sample
