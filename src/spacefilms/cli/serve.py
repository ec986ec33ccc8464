"""``spacefilms serve``."""

from __future__ import annotations

import click

from spacefilms.endpoints.protocol import Limits
from spacefilms.endpoints.serving import (
    CACHE_BYTES,
    DEFAULT_HOST,
    DEFAULT_PORT,
    MAX_CONNECTIONS,
    MAX_CONNECTIONS_PER_CLIENT,
    Listening,
    serve,
)


@click.command(name="serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on (0.0.0.0 opens it to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="Port (0 picks a free one).")
@click.option(
    "--timeout", "timeout_s", type=click.IntRange(1), default=Limits.timeout_s, show_default=True, help="Seconds a query may run."
)
@click.option(
    "--max-result-bytes",
    type=click.IntRange(1),
    default=Limits.max_result_bytes,
    show_default=True,
    help="Largest result a query may return.",
)
@click.option(
    "--engine-memory-mb",
    type=click.IntRange(64),
    default=Limits.engine_memory_bytes // 1_000_000,
    show_default=True,
    help="Memory the query engine may take; a query asking more fails alone, the engine is started again.",
)
@click.option(
    "--request-timeout",
    "request_s",
    type=click.FloatRange(0.1),
    default=Limits.request_s,
    show_default=True,
    help="Seconds a client has to send a request's head, then its body; slower connections are closed.",
)
@click.option(
    "--public-name",
    "public_names",
    multiple=True,
    metavar="NAME",
    help="With --host other than loopback: a host name clients use to reach the endpoint (repeatable).",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1),
    default=MAX_CONNECTIONS,
    show_default=True,
    help="Connections open at once; more are told to retry.",
)
@click.option(
    "--max-connections-per-client",
    "per_client",
    type=click.IntRange(1),
    default=MAX_CONNECTIONS_PER_CLIENT,
    show_default=True,
    help="Connections open at once from one address.",
)
@click.option(
    "--cache-mb",
    type=click.IntRange(0),
    default=CACHE_BYTES // 1_000_000,
    show_default=True,
    help="Memory for answers of repeated queries (the store does not change between builds); 0 for none.",
)
@click.option(
    "--site/--no-site",
    "website",
    default=True,
    show_default=True,
    help="Also serve the graph's website at /site/ (built beside the store when missing or stale).",
)
@click.pass_obj
def serve_command(
    obj: dict,
    host: str,
    port: int,
    timeout_s: int,
    max_result_bytes: int,
    engine_memory_mb: int,
    request_s: float,
    public_names: tuple[str, ...],
    max_connections: int,
    per_client: int,
    website: bool,
    cache_mb: int,
) -> None:
    """Serve the built graph: a SPARQL 1.1 endpoint at /query, a query page at / and the website at /site/.

    Updates and SERVICE (federated) queries are refused. Ctrl-C stops the server.
    """

    def announce(front: Listening) -> None:
        site = f", website {front.url}site/" if website else ""
        click.echo(f"Serving {front.url} (SPARQL endpoint {front.url}query{site}); Ctrl-C to stop", err=False)

    if public_names:
        click.echo(f"warning: the endpoint is public on {host}:{port} as {', '.join(public_names)}", err=True)
    limits = Limits(
        timeout_s=timeout_s,
        max_result_bytes=max_result_bytes,
        request_s=request_s,
        engine_memory_bytes=engine_memory_mb * 1_000_000,
    )
    serve(obj["store"], host, port, limits, announce, public_names, max_connections, per_client, website, cache_mb * 1_000_000)
    click.echo("Stopped.")


COMMANDS = [serve_command]
