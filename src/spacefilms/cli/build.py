"""``spacefilms build`` and ``spacefilms validate``."""

from __future__ import annotations

from pathlib import Path

import click

from spacefilms.cli._common import outliving_the_reader, progress_printer
from spacefilms.cli.stats import print_stats
from spacefilms.store.build import build as build_graph
from spacefilms.store.build import load_and_validate

_graph_option = click.option(
    "--graph-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of curated .trig/.ttl files [default: the bundled graph/].",
)


@click.command()
@_graph_option
@click.pass_obj
def build(obj: dict, graph_dir: Path | None) -> None:
    """Load ontology + facts into the store, validate them, print a summary.

    On a parse error or a rule violation nothing is written and the previous store stays.
    """
    report = build_graph(graph_dir, obj["store"], progress=progress_printer())
    with outliving_the_reader(1):
        click.echo(f"Built {report.store} from {report.files} files in {report.seconds:.1f}s")
        print_stats(report.stats)


@click.command()
@_graph_option
def validate(graph_dir: Path | None) -> None:
    """Check the curated facts (syntax, sources, labels, types, SHACL) without touching the store."""
    data = load_and_validate(graph_dir, progress=progress_printer())
    click.echo(f"OK: {len(data.files)} files, {data.curated_quads()} curated quads, no problems")


COMMANDS = [build, validate]
