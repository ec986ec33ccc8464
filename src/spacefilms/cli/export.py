"""``spacefilms export``."""

from __future__ import annotations

from pathlib import Path

import click

from spacefilms.cli._common import graph_from, graph_options
from spacefilms.store.description import void_path
from spacefilms.store.export import FORMATS, format_for


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="trig/nq/jsonld keep the source graphs; ttl/nt write their union [default: from the file name's ending].",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (replaced atomically).",
)
@graph_options
@click.pass_obj
def export(obj: dict, fmt: str | None, output: Path, endpoint: str | None, timeout: float) -> None:
    """Write the whole graph, ontology included, to one RDF file."""
    fmt = format_for(output, fmt)
    path = graph_from(obj, endpoint, timeout).export(output, fmt)
    click.echo(f"Wrote {path} ({path.stat().st_size} bytes, {fmt}) and its VoID description {void_path(path)}")


COMMANDS = [export]
