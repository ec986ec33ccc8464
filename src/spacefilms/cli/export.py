"""``spacefilms export``."""

from __future__ import annotations

from pathlib import Path

import click

from spacefilms.store.export import FORMATS
from spacefilms.store.export import export as export_store
from spacefilms.store.ondisk import open_ox


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="trig",
    show_default=True,
    help="trig/nq/jsonld keep the source graphs; ttl/nt write their union.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (replaced atomically).",
)
@click.pass_obj
def export(obj: dict, fmt: str, output: Path) -> None:
    """Write the whole graph, ontology included, to one RDF file."""
    path = export_store(open_ox(obj["store"]), fmt, output)
    click.echo(f"Wrote {path} ({path.stat().st_size} bytes, {fmt})")


COMMANDS = [export]
