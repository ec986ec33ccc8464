"""The ``spacefilms`` command: one module per command, each a thin layer over the library."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from spacefilms import __version__
from spacefilms.errors import SpacefilmsError


class _Group(click.Group):
    """Turn library errors into one readable line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SpacefilmsError as exc:
            for line in getattr(exc, "problems", [])[1:20]:
                click.echo(f"error: {line}", err=True)
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spacefilms")
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    envvar="SPACEFILMS_STORE",
    default=None,
    help="Store location [default: .spacefilms/store, or $SPACEFILMS_STORE].",
)
@click.pass_context
def main(ctx: click.Context, store: str | None) -> None:
    """A sourced knowledge graph of films made in space."""
    ctx.obj = {"store": store}


# Each command module in this package lists its click commands in COMMANDS.
for _info in pkgutil.iter_modules(__path__):
    if not _info.name.startswith("_"):
        for _command in importlib.import_module(f"{__name__}.{_info.name}").COMMANDS:
            main.add_command(_command)
