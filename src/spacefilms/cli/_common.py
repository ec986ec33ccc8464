"""Small helpers shared by the command modules."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from spacefilms.api import Graph


@contextmanager
def outliving_the_reader(fd: int) -> Iterator[None]:
    """Writes to ``fd`` (1 or 2) that go on working when its reader has left (``spacefilms build 2>&1 | head -3``):
    the closed pipe is swapped for /dev/null instead of stopping the command, whose work (a built store) matters
    more than what it says about it."""
    try:
        yield
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


def progress_printer():
    """A progress callback that prints timed stage lines to stderr (and goes quiet if nobody reads them)."""
    started = time.perf_counter()

    def report(message: str) -> None:
        with outliving_the_reader(2):
            click.echo(f"[{time.perf_counter() - started:5.1f}s] {message}", err=True)

    return report


def _remember_default_graph(ctx: click.Context, _param: click.Parameter, value: str) -> None:
    ctx.ensure_object(dict)["default_graph"] = value or None


def graph_options(command):
    """``--endpoint``, ``--default-graph`` and ``--timeout`` for a command that reads the graph: the local store
    unless told otherwise. ``--default-graph`` lands in the context object, where :func:`backend_from` reads it."""
    from spacefilms.namespaces import MERGE_GRAPH

    command = click.option(
        "--default-graph",
        default=MERGE_GRAPH,
        show_default=True,
        metavar="IRI",
        expose_value=False,
        callback=_remember_default_graph,
        help="With --endpoint: the graph read as the default graph (default-graph-uri); '' for the endpoint's own.",
    )(command)
    command = click.option(
        "--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds to wait for the endpoint."
    )(command)
    return click.option("--endpoint", metavar="URL", help="Read the graph from this SPARQL 1.1 endpoint instead of the store.")(
        command
    )


def graph_from(obj: dict, endpoint: str | None, timeout: float) -> Graph:
    """The graph a command reads: ``--endpoint`` if given, else the store (``--store`` or the workspace's)."""
    from spacefilms.api import Graph
    from spacefilms.namespaces import MERGE_GRAPH

    if endpoint:
        return Graph.open(endpoint, timeout=timeout, default_graph=obj.get("default_graph", MERGE_GRAPH))
    return Graph.open(obj["store"])
