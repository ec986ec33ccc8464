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
@click.option("--sources", is_flag=True, help="Also: sources by kind, and entities linkable to Wikipedia/Wikidata by class.")
@graph_options
@click.pass_obj
def stats(obj: dict, sources: bool, endpoint: str | None, timeout: float) -> None:
    """Print triple, source and entity counts of the built store (or of the graph at --endpoint)."""
    backend = backend_from(obj, endpoint, timeout)
    print_stats(graph_stats(backend))
    if sources:
        from spacefilms.querying.formatting import format_result
        from spacefilms.querying.library import get_query

        for name in ("source-kinds", "linkable-entities"):
            query = get_query(name)
            click.echo(f"\n{query.title} (spacefilms query {name}):")
            click.echo(format_result(backend.run(query.text, query.bind({}))))


COMMANDS = [stats]
