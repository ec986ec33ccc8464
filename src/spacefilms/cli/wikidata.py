"""``spacefilms link``, ``enrich``, ``conflicts`` and ``discover``: the curated graph and Wikidata."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from spacefilms.cli._common import graph_from, graph_options
from spacefilms.core.backends import open_backend
from spacefilms.core.formatting import FORMATS, format_result
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import compact
from spacefilms.wikidata import conflicts as conflicts_module
from spacefilms.wikidata import discovery, enrichment, linking
from spacefilms.wikidata.client import DEFAULT_TIMEOUT, WDQS, ResponseCache, WikidataClient
from spacefilms.workspace import LINKS_FILE, wikidata_dir
from spacefilms.workspace import links_path as workspace_links_path

_SEVERITY = ["conflict", "merged", "ambiguous", "not-found", "missing"]


def _client_options(command):
    options = [
        click.option(
            "--endpoint",
            default=WDQS,
            show_default=True,
            envvar="SPACEFILMS_WIKIDATA_ENDPOINT",
            help="SPARQL 1.1 endpoint holding Wikidata's RDF (WDQS, QLever's Wikidata endpoint, a local mirror).",
        ),
        click.option("--offline", is_flag=True, help="Replay the recorded answers; send nothing over the network."),
        click.option("--batch-size", type=click.IntRange(min=1), default=50, show_default=True, help="Items per query."),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.001),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            help="Seconds per request (above WDQS's own 60 s deadline, so its timeout error arrives first).",
        ),
        click.option(
            "--retries", type=click.IntRange(min=0), default=4, show_default=True, help="Retries after a failed request."
        ),
        click.option(
            "--backoff",
            type=click.FloatRange(min=0),
            default=2.0,
            show_default=True,
            help="First wait in seconds before a retry, doubled each time (Retry-After wins when sent).",
        ),
        click.option(
            "--links",
            "links_path",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=f"Links file [default: graph/{LINKS_FILE} in a checkout, else beside the store].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _client(obj: dict, endpoint: str, offline: bool, timeout: float, retries: int, backoff: float) -> WikidataClient:
    cache = ResponseCache(wikidata_dir(obj["store"]) / "responses")
    return WikidataClient(endpoint, cache=cache, offline=offline, timeout=timeout, retries=retries, backoff=backoff)


_graph_endpoint = click.option(
    "--graph-endpoint", metavar="URL", help="Read the curated graph from this SPARQL 1.1 endpoint instead of the store."
)


def _requests_line(client: WikidataClient) -> str:
    source = "recorded answers, no network" if client.offline else client.endpoint
    return f"{client.requests} HTTP request(s), {client.answers} answer(s) from {source}"


@click.command()
@_client_options
@_graph_endpoint
@click.pass_obj
def link(obj: dict, endpoint, offline, batch_size, timeout, retries, backoff, links_path, graph_endpoint) -> None:
    """Resolve curated entities to Wikidata items by their English Wikipedia article, or a verified QID.

    Writes the reviewable links file. Entities that are missing, ambiguous or in conflict are listed, never
    guessed; a curated owl:sameAs that disagrees with the sitelink is an error (exit status 1).
    """
    client = _client(obj, endpoint, offline, timeout, retries, backoff)
    graph = open_backend(obj["store"], graph_endpoint, timeout)
    links = linking.resolve(linking.curated_entities(graph), client, batch_size)
    path = linking.write_links(links, links_path or workspace_links_path(obj["store"]), endpoint)
    by_method: dict[str, int] = {}
    for item in links:
        if item.linked:
            by_method[item.method] = by_method.get(item.method, 0) + 1
    problems = sorted((item for item in links if not item.linked), key=lambda x: (_SEVERITY.index(x.status), x.entity))
    methods = ", ".join(f"{n} by {m}" for m, n in sorted(by_method.items())) or "none"
    click.echo(f"Linked {sum(by_method.values())} of {len(links)} entities ({methods})")
    if problems:
        names = [compact(item.entity) for item in problems]
        width = max(len(n) for n in names)
        click.echo(f"Not linked ({len(problems)}):")
        for item, shown in zip(problems, names):
            click.echo(f"  {item.status:<9}  {shown:<{width}}  {item.qid and 'wd:' + item.qid + '  '}{item.detail}")
    click.echo(f"Wrote {path}; {_requests_line(client)}")
    conflicts = [item for item in links if item.status == "conflict"]
    if conflicts:
        raise SpacefilmsError(
            f"{len(conflicts)} curated owl:sameAs disagree with the Wikipedia sitelink: {conflicts[0].detail}",
            conflicts[0].entity,
        )


@click.command()
@_client_options
@click.option(
    "--save-snapshot",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also copy the enrichment and the recorded answers behind it here (e.g. graph/wikidata-snapshot) to ship them.",
)
@click.pass_obj
def enrich(obj: dict, endpoint, offline, batch_size, timeout, retries, backoff, links_path, save_snapshot) -> None:
    """Fetch Wikidata facts of the linked entities into their own graphs, then update the store.

    Batched (--batch-size items per query), one request at a time, recorded so that --offline replays them.
    A failed run changes nothing: the previous enrichment and store stay as they were.
    """
    links = linking.read_links(links_path or workspace_links_path(obj["store"]))
    client = _client(obj, endpoint, offline, timeout, retries, backoff)
    with tqdm(total=0, unit="query", desc="Wikidata", disable=None, leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        result = enrichment.enrich(links, client, batch_size, progress)
    path = enrichment.apply(result, obj["store"])
    report = result.report
    click.echo(
        f"Enriched {report.enriched} of {report.items} linked items: {report.facts} facts in {report.graphs} Wikidata graphs"
    )
    click.echo(f"{_requests_line(client)} (batch size {batch_size})")
    if report.not_found:
        click.echo(f"Not found at the endpoint: {', '.join('wd:' + q for q in report.not_found)}")
    if report.unlabelled:
        click.echo(f"No English or Russian label: {', '.join('wd:' + q for q in report.unlabelled)}")
    if report.unmapped:
        click.echo("Values not mapped: " + ", ".join(f"{pid} x{n}" for pid, n in sorted(report.unmapped.items())))
    if report.unknown_values or report.invalid_iris:
        click.echo(f"Skipped: {report.unknown_values} unknown value(s), {report.invalid_iris} value(s) that are not valid IRIs")
    click.echo(f"Wrote {path} and updated the store")
    if save_snapshot:
        click.echo(f"Snapshot: {enrichment.save_snapshot(obj['store'], save_snapshot)}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@graph_options
@click.pass_obj
def conflicts(obj: dict, fmt: str, endpoint: str | None, timeout: float) -> None:
    """List facts where the curated graph and the fetched Wikidata facts disagree, with both sources."""
    backend = graph_from(obj, endpoint, timeout).backend
    result = conflicts_module.conflicts(backend)
    click.echo(format_result(result, fmt))
    if not result.rows:
        from spacefilms.core.hints import endpoint_hint, no_enrichment

        for line in filter(None, (endpoint_hint(backend, reads_graphs=True), no_enrichment(backend))):
            click.echo(f"hint: {line}", err=True)


@click.command()
@_client_options
@_graph_endpoint
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Rows per discovery query.")
@click.pass_obj
def discover(obj: dict, endpoint, offline, batch_size, timeout, retries, backoff, links_path, graph_endpoint, limit) -> None:
    """Find other works filmed in space (or linked to the seed projects) on Wikidata, as candidates for review."""
    links = linking.read_links(links_path or workspace_links_path(obj["store"]))
    client = _client(obj, endpoint, offline, timeout, retries, backoff)
    found = discovery.discover(open_backend(obj["store"], graph_endpoint, timeout), links, client, limit, batch_size)
    path = discovery.write_discovery(found, wikidata_dir(obj["store"]))
    if found.unlinked_seeds:
        click.echo(f"Seeds not linked (not searched from): {', '.join(compact(s) for s in found.unlinked_seeds)}")
    click.echo(f"{len(found.candidates)} candidate(s); {found.known} item(s) found are already in the graph")
    for c in found.candidates:
        click.echo(f"  wd:{c.item}  {c.label_en or c.label_ru or '(no label)'}  [{c.found_by}: {c.evidence}]")
    click.echo(f"Wrote {path}; {_requests_line(client)}")


COMMANDS = [link, enrich, conflicts, discover]
