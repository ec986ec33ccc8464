"""``spacefilms stats``."""

from __future__ import annotations

import click

from spacefilms.store.ondisk import open_ox
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
@click.pass_obj
def stats(obj: dict) -> None:
    """Print triple, source and entity counts of the built store."""
    print_stats(graph_stats(open_ox(obj["store"])))


COMMANDS = [stats]
