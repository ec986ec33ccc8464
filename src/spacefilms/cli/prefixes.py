"""``spacefilms prefixes``."""

from __future__ import annotations

import click

from spacefilms.namespaces import PREFIXES, sparql_prologue


@click.command()
@click.option("--sparql", "as_sparql", is_flag=True, help="As PREFIX lines, to paste into a query for another endpoint.")
def prefixes(as_sparql: bool) -> None:
    """List the prefixes every query may use undeclared (sfr:, schema:, dct: …) and their IRIs."""
    if as_sparql:
        click.echo(sparql_prologue(), nl=False)
        return
    width = max(len(prefix) for prefix in PREFIXES) + 1
    for prefix, iri in PREFIXES.items():
        click.echo(f"{prefix + ':':<{width}}  {iri}")


COMMANDS = [prefixes]
