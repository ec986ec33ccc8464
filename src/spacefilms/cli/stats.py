"""``spacefilms stats``."""

from __future__ import annotations

import click

from spacefilms.cli._common import backend_from, graph_options
from spacefilms.store.stats import GraphStats, graph_stats


def print_stats(stats: GraphStats) -> None:
    click.echo(f"Triples: {stats.triples} ({stats.curated_triples} curated facts, {stats.quads} quads)")
    click.echo(f"Sources: {stats.sources}")
    if stats.built_at:
        click.echo(f"Built at: {stats.built_at}")
    click.echo("Entities by class:")
    width = max((len(label) for _, label, _ in stats.classes), default=0)
    for _, label, count in stats.classes:
        click.echo(f"  {label:<{width}}  {count:>5}")


@click.command()
@graph_options
@click.pass_obj
def stats(obj: dict, endpoint: str | None, timeout: float) -> None:
    """Print triple, source and entity counts of the built store (or of the graph at --endpoint)."""
    print_stats(graph_stats(backend_from(obj, endpoint, timeout)))


COMMANDS = [stats]
