"""``spacefilms push``."""

from __future__ import annotations

import click

from spacefilms.cli._common import progress_printer
from spacefilms.endpoints.pushing import AUTH_SCHEMES, PROTOCOLS, Endpoint, push
from spacefilms.errors import SpacefilmsError


def _headers(values: tuple[str, ...]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise SpacefilmsError(f"--header wants 'Name: value', got {value!r}")
        headers[name.strip()] = content.strip()
    return headers


@click.command(name="push")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="SPARQL Update endpoint; the Graph Store endpoint with --protocol gsp; the dataset endpoint with --protocol dataset.",
)
@click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    default="update",
    show_default=True,
    help="SPARQL 1.1 Update (staged, one swap), Graph Store Protocol (one PUT per graph, resumable) or one dataset PUT.",
)
@click.option("--query-endpoint", metavar="URL", help="SPARQL query endpoint used to count triples [default: --endpoint].")
@click.option("--user", help="User name for HTTP authentication.")
@click.option("--password", envvar="SPACEFILMS_PUSH_PASSWORD", help="Password [default: $SPACEFILMS_PUSH_PASSWORD, else asked].")
@click.option("--auth", type=click.Choice(AUTH_SCHEMES), default="basic", show_default=True, help="HTTP authentication scheme.")
@click.option(
    "--header", "headers", multiple=True, metavar="'NAME: VALUE'", help="Extra HTTP header, e.g. a bearer token (repeatable)."
)
@click.option("--batch-size", type=click.IntRange(1), default=5000, show_default=True, help="Statements per insert request.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Graph Store PUTs at once (--protocol gsp): a store takes several faster than one after another.",
)
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds to wait for each request.")
@click.pass_obj
def push_command(obj: dict, endpoint, protocol, query_endpoint, user, password, auth, headers, batch_size, jobs, timeout) -> None:
    """Load the built graph into an external triple store, replacing the previous version.

    Every source graph goes under its own name, their merge as <https://w3id.org/spacefilms/graph/all>, and a
    manifest listing them.

    \b
    Examples:
      spacefilms push --protocol dataset --endpoint http://localhost:7878/store --query-endpoint http://localhost:7878/query
      spacefilms push --endpoint http://localhost:3030/ds/update --query-endpoint http://localhost:3030/ds/query
      spacefilms push --protocol gsp --endpoint http://localhost:8890/sparql-graph-crud-auth \\
          --query-endpoint http://localhost:8890/sparql --user dba --auth digest
    """
    from spacefilms.core.layout import open_ox
    from spacefilms.endpoints.graph_store import journal_path
    from spacefilms.workspace import store_path

    if user is not None and password is None:
        password = click.prompt("Password", hide_input=True, err=True)
    target = Endpoint(endpoint, protocol, query_endpoint, user, password, auth, _headers(headers), timeout)
    journal = journal_path(store_path(obj["store"]).parent, endpoint) if protocol == "gsp" else None
    report = push(open_ox(obj["store"]), target, batch_size, progress_printer(), journal, jobs)
    resumed = f", {report.skipped} already sent before" if report.skipped else ""
    click.echo(
        f"Pushed {report.statements} quads in {len(report.graphs)} graphs to {endpoint} "
        f"with {report.requests} request(s){resumed} in {report.seconds:.1f}s"
    )
    if report.dropped:
        click.echo(f"Dropped {len(report.dropped)} graph(s) no longer in the build")


COMMANDS = [push_command]
