"""The README's Python example runs as written and prints what it promises."""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def python_example() -> str:
    text = README.read_text(encoding="utf-8")
    return re.search(r"From Python.*?```python\n(.*?)```", text, re.DOTALL).group(1)


def test_the_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPACEFILMS_STORE", str(tmp_path / "store"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(python_example(), str(README), "exec"), {})
    printed = ast.literal_eval(out.getvalue().strip())
    assert {"Yulia Peresild", "Oleg Novitsky"} <= set(printed) and printed == sorted(printed)
    assert (tmp_path / "store").is_symlink()


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
    from spacefilms.querying.library import list_queries

    table = README.read_text(encoding="utf-8").split("## Queries", 1)[1].split("```", 1)[0]
    assert set(re.findall(r"^\| `([\w-]+)` \|", table, re.MULTILINE)) == {q.name for q in list_queries()}


def test_the_markdown_sample_is_what_the_query_prints(cli) -> None:
    sample = (
        README.read_text(encoding="utf-8").split("$ spacefilms query flight-crews --format markdown\n", 1)[1].split("```", 1)[0]
    )
    assert cli("query", "flight-crews", "--format", "markdown").stdout == sample
