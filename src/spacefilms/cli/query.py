"""``spacefilms queries`` and ``spacefilms query``."""

from __future__ import annotations

from pathlib import Path

import click

from spacefilms.cli._common import graph_from, graph_options
from spacefilms.core.formatting import FORMATS, format_result
from spacefilms.core.library import NamedQuery, get_query, list_queries
from spacefilms.errors import SpacefilmsError
from spacefilms.files import read_text


@click.command(name="queries")
def queries_command() -> None:
    """List the bundled queries with their titles and parameters."""
    items = list_queries()
    width = max(len(q.name) for q in items)
    for query in items:
        params = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in query.parameters)
        click.echo(f"{query.name:<{width}}  {query.title}" + (f"  [{params}]" if params else ""))


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SpacefilmsError(f"--param wants name=value, got {pair!r}")
        if name.strip() in values:
            raise SpacefilmsError(f"parameter {name.strip()!r} given twice; give each parameter once")
        values[name.strip()] = value
    return values


@click.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@click.option(
    "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Run the query in this .rq file."
)
@click.option("--sparql", help="Run this SPARQL text (the project prefixes are predeclared).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--full-iris", is_flag=True, help="Show full IRIs instead of prefixed names.")
@graph_options
@click.pass_obj
def query(obj: dict, name, params, query_file, sparql, fmt, full_iris, endpoint, timeout) -> None:
    """Run a bundled query by NAME, or --file X.rq, or --sparql "...".

    \b
    Examples:
      spacefilms query cast
      spacefilms query facts-about --param entity=sfr:oleg-novitsky --format markdown
      spacefilms query --sparql "SELECT ?f WHERE { ?f a schema:Movie }"
    """
    chosen = [x for x in (name, query_file, sparql) if x]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of NAME, --file or --sparql")
    graph = graph_from(obj, endpoint, timeout)
    if sparql:
        chosen = NamedQuery.from_text("--sparql", sparql)
    elif query_file:
        chosen = NamedQuery.from_text(query_file.stem, read_text(query_file), query_file)  # read within a cap
    else:
        chosen = get_query(name)
    named = graph.named_query(chosen)
    bindings = named.bind(_parse_params(params), graph.entity_named)
    if endpoint:
        click.echo(f"Asking {endpoint} (up to {timeout:g} s)…", err=True)
    result = graph.backend.run(named.text, bindings)
    click.echo(format_result(result, fmt, full_iris))
    if result.kind == "SELECT" and not result.rows:
        from spacefilms.core.hints import why_empty

        for line in why_empty(graph.backend, bindings, named.text):
            click.echo(f"hint: {line}", err=True)


COMMANDS = [queries_command, query]
