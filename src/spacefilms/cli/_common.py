"""Small helpers shared by the command modules."""

from __future__ import annotations

import time

import click


def progress_printer():
    """A progress callback that prints timed stage lines to stderr."""
    started = time.perf_counter()

    def report(message: str) -> None:
        click.echo(f"[{time.perf_counter() - started:5.1f}s] {message}", err=True)

    return report
