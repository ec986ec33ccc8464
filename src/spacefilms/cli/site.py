"""``spacefilms site``."""

from __future__ import annotations

from pathlib import Path

import click

from spacefilms.cli._common import graph_from, graph_options, progress_printer


@click.command(name="site")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write (replaced atomically; must be empty, new, or a previous site).",
)
@click.option(
    "--diagrams",
    "max_diagrams",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="Draw focus diagrams for this many best-connected entities.",
)
@graph_options
@click.pass_obj
def site(obj: dict, output: Path, max_diagrams: int, endpoint: str | None, timeout: float) -> None:
    """Write a static website of the built graph: a page per entity and source, search, queries, diagrams.

    The folder works from file:// and from any static host; it needs no server and asks no other host for anything.
    """
    report = graph_from(obj, endpoint, timeout).site(output, max_diagrams, progress_printer())
    click.echo(
        f"Wrote {report.output}: {report.pages:,} pages ({report.entities:,} entities, {report.sources:,} sources, "
        f"{report.diagrams} focus diagrams), {report.files:,} files, {report.bytes / 1e6:.1f} MB in {report.seconds:.1f}s"
    )
    click.echo(f"Open {(report.output / 'index.html').resolve().as_uri()}")


COMMANDS = [site]
