"""The ``spacefilms`` command: one module per command, each a thin layer over the library.

Command modules are imported only when their command runs, so ``spacefilms --help`` answers without loading
rdflib, pyoxigraph or matplotlib: the listing below gives each command's module and one-line help (a test
checks that it matches the command's own docstring).
"""

from __future__ import annotations

import importlib
import sys

import click

from spacefilms import __version__
from spacefilms.errors import SpacefilmsError
from spacefilms.threads import stop_on_sigterm

# name -> (module in this package, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "Load ontology + facts into the store, validate them, print a summary."),
    "conflicts": ("wikidata", "List facts where the curated graph and the fetched Wikidata facts disagree, with both sources."),
    "diagram": ("diagram", "Draw a relationship diagram: a PRESET, or part of the graph chosen by the options."),
    "discover": (
        "wikidata",
        "Find other works filmed in space (or linked to the seed projects) on Wikidata, as candidates for review.",
    ),
    "enrich": ("wikidata", "Fetch Wikidata facts of the linked entities into their own graphs, then update the store."),
    "export": ("export", "Write the whole graph, ontology included, to one RDF file."),
    "link": ("wikidata", "Resolve curated entities to Wikidata items by their English Wikipedia article, or a verified QID."),
    "prefixes": ("prefixes", "List the prefixes every query may use undeclared (sfr:, schema:, dct: …) and their IRIs."),
    "push": ("push", "Load the built graph into an external triple store, replacing the previous version."),
    "queries": ("query", "List the bundled queries with their titles and parameters."),
    "query": ("query", 'Run a bundled query by NAME, or --file X.rq, or --sparql "...".'),
    "serve": ("serve", "Serve the built graph: a SPARQL 1.1 endpoint at /query, a query page at / and the website at /site/."),
    "site": ("site", "Write a static website of the built graph: a page per entity and source, search, queries, diagrams."),
    "stats": ("stats", "Print triple, source and entity counts of the built store (or of the graph at --endpoint)."),
    "timeline": ("diagram", "Draw the dated milestones of the projects on one time axis (.png, .svg or .pdf)."),
    "validate": ("build", "Check the curated facts (syntax, sources, labels, types, SHACL) without touching the store."),
}


class _Group(click.Group):
    """Load each command's module on first use; turn library errors into one readable line and exit status 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"{__name__}.{COMMANDS[name][0]}")
        return next(command for command in module.COMMANDS if command.name == name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.utils.make_default_short_help(help_, limit)) for name, (_, help_) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
    help="Store location [default: $SPACEFILMS_STORE, else .spacefilms/store of the checkout, else the user's data directory].",
)
@click.pass_context
def main(ctx: click.Context, store: str | None) -> None:
    """A sourced knowledge graph of films made in space."""
    stop_on_sigterm()  # SIGTERM cleans up on the way out, as Ctrl-C does
    ctx.obj = {"store": store}
