"""``spacefilms stats``."""

from __future__ import annotations

import click

from spacefilms.cli._common import graph_from, graph_options
from spacefilms.store.stats import GraphStats


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
@click.option("--sources", is_flag=True, help="Also: sources by kind, and entities linkable to Wikipedia/Wikidata by class.")
@graph_options
@click.pass_obj
def stats(obj: dict, sources: bool, endpoint: str | None, timeout: float) -> None:
    """Print triple, source and entity counts of the built store (or of the graph at --endpoint)."""
    graph = graph_from(obj, endpoint, timeout)
    print_stats(graph.stats())
    if sources:
        from spacefilms.core.formatting import format_result

        for name in ("source-kinds", "linkable-entities"):
            click.echo(f"\n{graph.named_query(name).title} (spacefilms query {name}):")
            click.echo(format_result(graph.query(name)))


COMMANDS = [stats]
