"""The command listing that lets ``spacefilms --help`` answer without importing the library matches the commands; the
commands at the edges of the shell: the prefix table, a reader who leaves early, the option an error names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from conftest import MINI

from spacefilms.cli import COMMANDS, main
from spacefilms.core.backends import LocalBackend
from spacefilms.namespaces import PREFIXES


def test_every_listed_command_exists_with_the_listed_help() -> None:
    ctx = click.Context(main)
    for name, (_, help_text) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
        assert command.get_short_help_str(limit=1000) == help_text, name


def test_an_unknown_command_is_a_usage_error(cli) -> None:
    result = cli("qurey", "cast")
    assert result.exit_code == 2 and "No such command 'qurey'" in result.stderr


def test_prefixes_lists_the_one_table_and_every_listed_prefix_works_undeclared(cli) -> None:
    result = cli("prefixes")
    assert result.exit_code == 0
    assert [line.split() for line in result.stdout.splitlines()] == [[f"{p}:", iri] for p, iri in PREFIXES.items()]
    for common in ("dcterms", "dct", "foaf", "owl", "prov", "skos", "xsd", "wd", "wdt"):
        assert common in PREFIXES
    answer = cli("query", "--sparql", "SELECT ?licence WHERE { ?o a owl:Ontology ; dct:license ?licence }", "--format", "csv")
    assert answer.stdout.splitlines() == ["licence", "https://creativecommons.org/licenses/by/4.0/"]
    declared = cli("prefixes", "--sparql").stdout
    assert declared.splitlines()[5:7] == [
        "PREFIX dcterms: <http://purl.org/dc/terms/>",
        "PREFIX dct: <http://purl.org/dc/terms/>",
    ]


def test_an_unknown_timeline_project_is_blamed_on_project_and_nothing_is_drawn(cli, tmp_path) -> None:
    result = cli("timeline", "-p", "sfr:nope", "-o", str(tmp_path / "t.svg"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("error: --project: unknown entity 'sfr:nope'")
    assert list(tmp_path.iterdir()) == []


def test_a_build_whose_reader_has_left_still_builds_the_store(tmp_path: Path) -> None:
    """`spacefilms build 2>&1 | head -3`: every line after the third meets a closed pipe. Here the pipe is closed
    before the first line, so that every write meets it, whatever the timing."""
    store = tmp_path / "store"
    reader, writer = os.pipe()
    os.close(reader)
    try:
        command = [sys.executable, "-m", "spacefilms", "--store", str(store), "build", "--graph-dir", str(MINI)]
        done = subprocess.run(command, stdout=writer, stderr=writer, timeout=300)
    finally:
        os.close(writer)
    assert done.returncode == 0
    assert store.is_symlink()
    assert LocalBackend(store).select("SELECT ?f WHERE { ?f a <http://schema.org/Movie> }").rows
