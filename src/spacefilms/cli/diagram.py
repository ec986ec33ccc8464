"""``spacefilms diagram`` and ``spacefilms timeline``."""

from __future__ import annotations

from pathlib import Path

import click

from spacefilms.cli._common import graph_from, graph_options

# The library modules are imported inside the commands: they bring in matplotlib, which every other command can do without.

_output = click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (replaced atomically)."
)
_lang = click.option(
    "--lang",
    type=click.Choice(["en", "ru"]),
    default="en",
    show_default=True,
    help="Language of the labels, titles, legend and dates (English where a translation is missing).",
)


def _bounded(text: str | None) -> str | None:
    """A timeline's title or date as printed: cut to a length a page can hold (a huge one would take gigabytes to lay
    out); a diagram's are cut where the diagram is made."""
    from spacefilms.diagrams.labels import MAX_TITLE, clip

    return None if text is None else clip(text, MAX_TITLE)


def _report(result, output: Path) -> None:
    if hasattr(result, "overlaps"):  # a rendered image
        click.echo(f"Wrote {output} ({result.width:.1f} × {result.height:.1f} in, {result.nodes} items)")
        if result.overlaps:
            click.echo(f"warning: {len(result.overlaps)} pair(s) of labels overlap", err=True)
    else:
        click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes)")


@click.command()
@click.argument("preset", required=False)
@_output
@click.option("--focus", "-f", metavar="ENTITY", help="Centre on this entity (sfr:yulia-peresild, an IRI or an exact name).")
@click.option("--depth", "-d", type=click.IntRange(0, 6), default=1, show_default=True, help="Steps from the focus.")
@click.option(
    "--relation", "-r", "relations", multiple=True, metavar="REL", help="Only this relation (e.g. schema:director); repeatable."
)
@click.option(
    "--type", "-t", "kinds", multiple=True, metavar="TYPE", help="Only entities of this type (person, schema:Organization…)."
)
@click.option("--sparql", help="Draw the triples of this CONSTRUCT or SELECT ?s ?p ?o query (project prefixes predeclared).")
@click.option("--query-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Read that query from a file.")
@click.option(
    "--layout", help="hubs, radial, spring or bipartite [default: hubs around a focus at depth 1, radial deeper, else spring]."
)
@click.option("--title", help="Title to print on the diagram.")
@click.option("--date", "date_text", metavar="TEXT", help="The data's date to print [default: the newest dated source page's].")
@_lang
@click.option(
    "--max-nodes",
    type=click.IntRange(1),
    help="Keep the best-connected entities [default: 150 in images, 400 in HTML, all in exports].",
)
@click.option("--edge-labels/--no-edge-labels", default=None, help="Name every relation on its line [default: where it helps].")
@click.option("--list", "list_presets", is_flag=True, help="List the presets and exit.")
@graph_options
@click.pass_obj
def diagram(
    obj: dict,
    preset,
    output,
    focus,
    depth,
    relations,
    kinds,
    sparql,
    query_file,
    layout,
    title,
    date_text,
    lang,
    max_nodes,
    edge_labels,
    list_presets,
    endpoint,
    timeout,
) -> None:
    """Draw a relationship diagram: a PRESET, or part of the graph chosen by the options.

    The output's suffix picks the format: .png .svg .pdf (static), .html (interactive, works offline),
    .graphml .gexf .dot (for yEd, Gephi, Graphviz).

    \b
    Examples:
      spacefilms diagram film-world -o film-world.png
      spacefilms diagram race -o race.html
      spacefilms diagram --focus sfr:yulia-peresild --depth 2 -o yulia.svg
      spacefilms diagram --relation schema:director --relation schema:actor -o people.gexf
    """
    from spacefilms.diagrams.presets import PRESETS, get_preset
    from spacefilms.diagrams.requests import FORMATS

    if list_presets:
        width = max(len(name) for name in PRESETS)
        for name, p in PRESETS.items():
            click.echo(f"{name:<{width}}  {p.description}")
        return
    if preset is not None:
        get_preset(preset)  # an unknown one is the first error, and the only line: nothing is drawn
    if output is None:
        raise click.UsageError(f"give --output FILE ending in one of .{', .'.join(FORMATS)}")
    if sparql and query_file:
        raise click.UsageError("give --sparql or --query-file, not both")
    if query_file:
        from spacefilms.files import read_text

        sparql = read_text(query_file)  # within a cap: /dev/zero is refused, not read
    graph = graph_from(obj, endpoint, timeout)
    click.echo(f"Drawing {preset or 'the chosen part of the graph'} from {graph.name} into {output}…", err=True)
    options = dict(focus=focus, depth=depth, relations=list(relations), kinds=list(kinds), sparql=sparql, layout=layout)
    options.update(title=title, date=date_text, lang=lang, max_nodes=max_nodes, edge_labels=edge_labels)
    _report(graph.diagram(output, preset, **options), output)


@click.command()
@_output
@click.option(
    "--project",
    "-p",
    "projects",
    multiple=True,
    metavar="ENTITY",
    help="Only this project; repeatable [default: every space film project].",
)
@click.option(
    "--works", is_flag=True, help="The works filmed in space instead: one lane per kind of work, each at its filming date."
)
@click.option("--title", help="Title to print [default: The race to film in space: dated milestones].")
@click.option("--date", "date_text", metavar="TEXT", help="The data's date to print [default: the newest dated source page's].")
@_lang
@graph_options
@click.pass_obj
def timeline(obj: dict, output, projects, works, title, date_text, lang, endpoint, timeout) -> None:
    """Draw the dated milestones of the projects on one time axis (.png, .svg or .pdf).

    Where sources give different dates for a milestone, each date is shown, with how many sources give it.
    With --works: every work filmed in space at the date of its filming in space (else of its release).
    """
    if output is None:
        raise click.UsageError("give --output FILE ending in .png, .svg or .pdf")
    if works and projects:
        raise click.UsageError("give --works or --project, not both")
    title, date_text = _bounded(title), _bounded(date_text)
    graph = graph_from(obj, endpoint, timeout)
    click.echo(f"Drawing the timeline from {graph.name} into {output}…", err=True)
    _report(graph.timeline(output, projects, title, date_text, works, lang), output)


COMMANDS = [diagram, timeline]
