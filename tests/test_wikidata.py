"""Linking, enrichment, conflicts and discovery against a real SPARQL server on 127.0.0.1.

The unchanged Wikidata code talks to `oxigraph serve` loaded with Wikidata-shaped FIXTURE data
(tests/data/wikidata/fixture.ttl), through a fault-injecting proxy (tests/fault_proxy.py). Nothing here is
Wikidata's data: fixture-only items have QIDs Q9999000xxx and labels saying FIXTURE.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import MINI
from fault_proxy import CUT, EMPTY, PASS, QLEVER_CANCELLED, SLOW, TRUNCATE, WDQS_CUT, WDQS_TIMEOUT, FaultProxy, answer, status

from spacefilms.core.backends import LocalBackend
from spacefilms.core.layout import named_quads, open_ox
from spacefilms.core.precision import same_but_precision
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.errors import SpacefilmsError
from spacefilms.http import retry_after, user_agent
from spacefilms.namespaces import SCHEMA, SF, SFR, WIKIDATA_GRAPH_BASE
from spacefilms.store.build import ValidationFailed, build, load_and_validate
from spacefilms.store.ondisk import replace_store
from spacefilms.store.stats import graph_stats
from spacefilms.wikidata.client import WikidataClient
from spacefilms.wikidata.fields import FIELDS, ontology_mapping, predicates
from spacefilms.wikidata.linking import read_links, sitelink_form
from spacefilms.wikidata.values import time_literal
from spacefilms.workspace import SNAPSHOT_DIR, curated_files, data_dir, wikidata_dir

DATA = Path(__file__).parent / "data" / "wikidata"
FAST = ["--backoff", "0.001", "--timeout", "5"]


@pytest.fixture(scope="session")
def session_proxy(wikidata_server: OxigraphServer) -> Iterator[FaultProxy]:
    with FaultProxy(wikidata_server.url) as proxy:
        yield proxy


@pytest.fixture()
def proxy(session_proxy: FaultProxy) -> FaultProxy:
    session_proxy.reset()
    return session_proxy


def fixture_store(tmp_path: Path) -> Path:
    """A store built from the FIXTURE curated graph (tests/data/wikidata/curated)."""
    return build(graph_dir=DATA / "curated", store=tmp_path / "store").store


@pytest.fixture()
def fresh(built_store: Path, tmp_path: Path) -> Path:
    """A copy of the bundled graph's store (quicker than another build), with no enrichment yet."""
    return replace_store(list(open_ox(built_store)), tmp_path / "store")


def client_for(proxy: FaultProxy, **options) -> tuple[WikidataClient, list[float]]:
    waits: list[float] = []
    options = {"retries": 2, "backoff": 0.001, "timeout": 5.0, **options}
    return WikidataClient(proxy.query_endpoint, sleep=waits.append, **options), waits


def quads_by_graph(store: Path) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """(curated and other non-Wikidata quads, Wikidata enrichment quads)."""
    quads = set(named_quads(open_ox(store)))  # the merged default graph is derived from these
    wikidata = {q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(WIKIDATA_GRAPH_BASE)}
    return quads - wikidata, wikidata


def requests_reported(stdout: str) -> int:
    return int(re.search(r"(\d+) HTTP request", stdout)[1])


@pytest.fixture(scope="module")
def enriched(tmp_path_factory: pytest.TempPathFactory, session_proxy: FaultProxy, built_store: Path) -> dict:
    """The bundled graph, linked and enriched once through the proxy (read-only for the tests that use it)."""
    from click.testing import CliRunner

    from spacefilms.cli import main

    session_proxy.reset()
    folder = tmp_path_factory.mktemp("enriched")
    store = replace_store(list(open_ox(built_store)), folder / "store")
    curated_before = quads_by_graph(store)[0]
    stats_before = graph_stats(LocalBackend(store))
    links = folder / "links.tsv"
    common = ["--store", str(store)]
    endpoint = ["--endpoint", session_proxy.query_endpoint, "--links", str(links), *FAST]
    linked = CliRunner().invoke(main, [*common, "link", *endpoint], catch_exceptions=False)
    link_requests = len(session_proxy.seen)
    result = CliRunner().invoke(main, [*common, "enrich", *endpoint], catch_exceptions=False)
    return {
        "store": store,
        "links": links,
        "link": linked,
        "link_requests": link_requests,
        "enrich": result,
        "enrich_requests": len(session_proxy.seen) - link_requests,
        "seen": list(session_proxy.seen),
        "curated_before": curated_before,
        "stats_before": stats_before,
        "endpoint": session_proxy.query_endpoint,
    }


# ---------------------------------------------------------------- linking


def test_link_resolves_sitelinks_and_verified_qids_and_reports_the_rest(enriched: dict) -> None:
    result = enriched["link"]
    assert result.exit_code == 0, result.output
    links = {row.entity.removeprefix(str(SFR)): row for row in read_links(enriched["links"])}
    assert (links["the-challenge"].qid, links["the-challenge"].status, links["the-challenge"].method) == (
        "Q9999000001",
        "linked",
        "sitelink",
    )
    assert links["milos-bikovic"].qid == "Q9999000003"  # percent-encoded article matched
    assert (links["tom-cruise"].qid, links["tom-cruise"].method) == ("Q37079", "verified-qid")
    assert links["the-challenge"].wikidata_label.startswith("FIXTURE")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", links["the-challenge"].resolved_at)
    # an article no item claims, and an entity without article or QID: reported, never guessed
    assert (links["doug-liman"].status, links["doug-liman"].qid) == ("missing", "")
    assert "no item has this English Wikipedia article" in links["doug-liman"].detail
    assert (links["yulia-peresild"].status, links["yulia-peresild"].method) == ("missing", "none")
    assert "Not linked" in result.stdout and "doug-liman" in result.stdout
    # batched: one sitelink query per 50 English articles, one QID query per 50 verified QIDs
    articles = len(
        LocalBackend(enriched["store"]).select(
            'SELECT DISTINCT ?article WHERE { ?e foaf:isPrimaryTopicOf ?article FILTER STRSTARTS(STR(?article), "https://en.wikipedia.org/") }'
        )
    )
    assert enriched["link_requests"] == requests_reported(result.stdout) == -(-articles // 50) + 1


def test_link_problems_are_shown_as_errors_and_never_overwrite(cli, proxy: FaultProxy, tmp_path: Path) -> None:
    store = fixture_store(tmp_path)
    links_file = tmp_path / "links.tsv"
    result = cli("link", "--endpoint", proxy.query_endpoint, "--links", str(links_file), *FAST, store=store)
    assert result.exit_code == 1
    assert "error:" in result.stderr and "disagree with the Wikipedia sitelink" in result.stderr
    links = {row.entity.removeprefix(str(SFR)): row for row in read_links(links_file)}
    conflict = links["fixture-conflict-film"]
    assert (conflict.status, conflict.qid) == ("conflict", "Q9999000100")  # the curated QID is kept, not replaced
    assert "Q9999000101" in conflict.detail
    assert links["fixture-ambiguous-film"].status == "ambiguous" and links["fixture-ambiguous-film"].qid == ""
    assert links["fixture-twin-a"].status == links["fixture-twin-b"].status == "ambiguous"
    assert (links["fixture-parenthesised-film"].status, links["fixture-parenthesised-film"].qid) == ("linked", "Q9999000105")
    assert links["fixture-gone"].status == "not-found" and "deleted" in links["fixture-gone"].detail
    merged = links["fixture-merged"]  # a redirect is reported as one, with the item to use instead
    assert (merged.status, merged.qid) == ("merged", "Q9999000180") and "merged into wd:Q9999000002" in merged.detail
    assert "User-Agent" not in result.stderr
    assert (links["fixture-unknown"].status, links["fixture-unknown"].method) == ("missing", "none")
    assert (links["fixture-flight"].status, links["fixture-flight"].qid) == ("linked", "Q9999000040")


def test_relinking_keeps_the_time_of_unchanged_rows(cli, proxy: FaultProxy, tmp_path: Path) -> None:
    store = fixture_store(tmp_path)
    links_file = tmp_path / "links.tsv"
    cli("link", "--endpoint", proxy.query_endpoint, "--links", str(links_file), *FAST, store=store)
    stamped = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "2000-01-01T00:00:00Z", links_file.read_text(encoding="utf-8"))
    links_file.write_text(stamped, encoding="utf-8")
    cli("link", "--endpoint", proxy.query_endpoint, "--links", str(links_file), *FAST, store=store)
    assert {row.resolved_at for row in read_links(links_file) if row.method != "none"} == {"2000-01-01T00:00:00Z"}
    assert links_file.read_text(encoding="utf-8") == stamped  # a reviewer's diff shows only real changes


def test_sitelink_form_matches_wikidata_encoding() -> None:
    assert sitelink_form("https://en.wikipedia.org/wiki/FIXTURE_%28a%29_b") == "https://en.wikipedia.org/wiki/FIXTURE_(a)_b"
    assert sitelink_form("https://en.wikipedia.org/wiki/Milo%C5%A1_Bikovi%C4%87") == (
        "https://en.wikipedia.org/wiki/Milo%C5%A1_Bikovi%C4%87"
    )
    assert sitelink_form("https://en.wikipedia.org/wiki/A b") == "https://en.wikipedia.org/wiki/A_b"


# ---------------------------------------------------------------- enrichment


def test_enrich_maps_facts_into_our_ontology_with_provenance(enriched: dict) -> None:
    result = enriched["enrich"]
    assert result.exit_code == 0, result.output
    store = open_ox(enriched["store"])
    graph = ox.NamedNode(WIKIDATA_GRAPH_BASE + "Q9999000001")
    film = ox.NamedNode(str(SFR["the-challenge"]))

    def objects(subject: ox.NamedNode, predicate: str, g: ox.NamedNode = graph) -> set[str]:
        return {q.object.value for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, g)}

    assert objects(film, str(SCHEMA.director)) == {str(SFR["klim-shipenko"])}  # linked item -> our entity
    assert objects(film, str(SF.filmingLocation)) == {str(SFR.iss)}
    assert objects(film, str(SCHEMA.actor)) == {str(SFR["milos-bikovic"]), "http://www.wikidata.org/entity/Q9999000011"}
    role = ox.NamedNode(str(SFR["the-challenge-role-milos-bikovic"]))  # the curated role's own IRI
    assert objects(role, str(SF.character)) == {"FIXTURE character A", "FIXTURE персонаж А"}
    assert objects(film, str(SCHEMA.datePublished)) == {"2099-04-20"}
    assert objects(film, "http://www.wikidata.org/prop/direct/P345") == {"tt9999999"}
    release = ox.NamedNode(str(SFR["milestone-wikidata-the-challenge-release-russia-2099-04-20"]))
    assert objects(release, str(SCHEMA.location)) == {str(SFR.russia)}
    # provenance: the item, the fetch time, the endpoint
    prov = "http://www.w3.org/ns/prov#"
    assert objects(graph, prov + "wasDerivedFrom") == {"http://www.wikidata.org/entity/Q9999000001"}
    assert objects(graph, "http://purl.org/dc/terms/source") == {enriched["endpoint"]}
    (stamp,) = store.quads_for_pattern(graph, ox.NamedNode(prov + "generatedAtTime"), None, graph)
    assert stamp.object.datatype.value.endswith("#dateTime")
    # precision, ranks and units are respected
    apogee = ox.NamedNode(WIKIDATA_GRAPH_BASE + "Q9999000004")
    assert objects(ox.NamedNode(str(SFR["apogee-of-fear"])), str(SCHEMA.duration), apogee) == {"PT9M"}  # preferred only
    assert objects(ox.NamedNode(str(SFR["apogee-of-fear"])), str(SCHEMA.datePublished), apogee) == {"2012"}
    cruise = ox.NamedNode(WIKIDATA_GRAPH_BASE + "Q37079")
    assert objects(ox.NamedNode(str(SFR["tom-cruise"])), str(SCHEMA.birthDate), cruise) == {"1900-01-01"}  # not deprecated 1800
    shkaplerov = ox.NamedNode(WIKIDATA_GRAPH_BASE + "Q592219")
    assert objects(ox.NamedNode(str(SFR["anton-shkaplerov"])), "http://www.wikidata.org/prop/direct/P2873", shkaplerov) == {
        "P999D"
    }


def test_enrich_leaves_curated_facts_alone_and_counts(enriched: dict) -> None:
    curated_after, wikidata = quads_by_graph(enriched["store"])
    assert curated_after == enriched["curated_before"]
    assert wikidata and all(q.graph_name.value.startswith(WIKIDATA_GRAPH_BASE) for q in wikidata)
    stats = graph_stats(LocalBackend(enriched["store"]))
    assert stats.curated_triples == enriched["stats_before"].curated_triples
    assert stats.classes == enriched["stats_before"].classes
    assert stats.quads > enriched["stats_before"].quads


def test_every_item_a_value_points_to_has_a_label(enriched: dict) -> None:
    """Nothing appears as a bare QID: each Wikidata item used as a value has an English or Russian label,
    except those reported as having none."""
    _, wikidata = quads_by_graph(enriched["store"])
    prov = "http://www.w3.org/ns/prov#wasDerivedFrom"
    pointed = {q.object.value for q in wikidata if isinstance(q.object, ox.NamedNode) and q.predicate.value != prov}
    items = {iri for iri in pointed if iri.startswith("http://www.wikidata.org/entity/Q")}
    labelled = {q.subject.value for q in wikidata if q.predicate.value.endswith("#label")}
    assert items - labelled == {"http://www.wikidata.org/entity/Q9999000015"}
    assert "No English or Russian label: wd:Q9999000015" in enriched["enrich"].stdout


def test_requests_are_batched_polite_and_counted(enriched: dict) -> None:
    kinds = {row.kind for row in read_links(enriched["links"]) if row.linked and row.kind in FIELDS}
    # one query per kind (all items fit one batch), then one query for the labels of the items values point to
    assert enriched["enrich_requests"] == requests_reported(enriched["enrich"].stdout) == len(kinds) + 1
    assert {seen.user_agent for seen in enriched["seen"]} == {user_agent()}
    assert re.match(r"spacefilms/\d+\.\d+\.\d+ \(https://\S+", user_agent())
    assert {seen.method for seen in enriched["seen"]} == {"GET", "POST"}  # short queries GET, long ones POST


@pytest.mark.parametrize("batch_size", [1, 2, 5])
def test_request_count_grows_with_items_over_batch_size(
    cli, proxy: FaultProxy, enriched: dict, fresh: Path, tmp_path: Path, batch_size: int
) -> None:
    store = fresh
    result = cli(
        "enrich",
        "--endpoint",
        proxy.query_endpoint,
        "--links",
        str(enriched["links"]),
        "--batch-size",
        str(batch_size),
        *FAST,
        store=store,
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((wikidata_dir(store) / "manifest.json").read_text())
    per_kind: dict[str, int] = {}
    for row in read_links(enriched["links"]):
        if row.linked and row.kind in FIELDS:
            per_kind[row.kind] = per_kind.get(row.kind, 0) + 1
    expected = sum(math.ceil(n / batch_size) for n in per_kind.values()) + math.ceil(manifest["label_items"] / batch_size)
    assert len(proxy.seen) == manifest["requests"] == expected
    assert _no_times(quads_by_graph(store)[1]) == _no_times(quads_by_graph(enriched["store"])[1])  # same facts


def _no_times(quads: set[ox.Quad]) -> set[ox.Quad]:
    return {q for q in quads if not q.predicate.value.endswith("generatedAtTime")}


def test_offline_replay_sends_nothing_and_reproduces_the_enrichment(
    cli, proxy: FaultProxy, enriched: dict, fresh: Path, tmp_path: Path
) -> None:
    store = fresh
    online = cli("enrich", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), *FAST, store=store)
    assert online.exit_code == 0, online.output
    written = (wikidata_dir(store) / "enrichment.trig").read_bytes()
    proxy.reset()
    proxy.always(status(500))  # any request would fail
    offline = cli("enrich", "--offline", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), store=store)
    assert offline.exit_code == 0, offline.output
    assert proxy.seen == [] and requests_reported(offline.stdout) == 0
    assert (wikidata_dir(store) / "enrichment.trig").read_bytes() == written  # same facts, same recorded fetch times
    again = cli("enrich", "--offline", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), store=store)
    assert (wikidata_dir(store) / "enrichment.trig").read_bytes() == written and again.exit_code == 0
    assert len(open_ox(store)) == len(open_ox(enriched["store"]))


def test_offline_without_a_recorded_answer_is_a_clear_error(
    cli, proxy: FaultProxy, enriched: dict, fresh: Path, tmp_path: Path
) -> None:
    store = fresh
    before = set(open_ox(store))
    result = cli("enrich", "--offline", "--links", str(enriched["links"]), store=store)
    assert result.exit_code == 1
    assert "no recorded answer" in result.stderr and proxy.seen == []
    assert set(open_ox(store)) == before and not (wikidata_dir(store) / "enrichment.trig").exists()


def test_rerunning_online_is_idempotent(cli, proxy: FaultProxy, enriched: dict, fresh: Path, tmp_path: Path) -> None:
    store = fresh
    args = ("enrich", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), *FAST)
    cli(*args, store=store)
    first = quads_by_graph(store)
    cli(*args, store=store)
    second = quads_by_graph(store)
    assert second[0] == first[0]
    assert _no_times(second[1]) == _no_times(first[1]) and len(second[1]) == len(first[1])


def test_a_failed_run_leaves_the_previous_enrichment_and_store(
    cli, proxy: FaultProxy, enriched: dict, fresh: Path, tmp_path: Path
) -> None:
    store = fresh
    args = ("enrich", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), *FAST)
    assert cli(*args, store=store).exit_code == 0
    folder = wikidata_dir(store)
    files = {name: (folder / name).read_bytes() for name in ("enrichment.trig", "manifest.json")}
    quads = set(open_ox(store))
    proxy.reset()
    proxy.plan(PASS).always(status(500))  # the first batch succeeds, everything after fails
    result = cli(*args, "--retries", "2", store=store)
    assert result.exit_code == 1
    assert "giving up after 3 attempt(s): HTTP 500" in result.stderr
    assert len(proxy.seen) == 1 + 3
    assert {name: (folder / name).read_bytes() for name in files} == files
    assert set(open_ox(store)) == quads


@pytest.mark.parametrize("command", ["enrich", "link"])
def test_a_well_formed_but_wrong_answer_changes_nothing(
    cli, proxy: FaultProxy, enriched: dict, fresh: Path, command: str
) -> None:
    store = fresh
    links = Path(str(enriched["links"]) + ".copy")
    links.write_bytes(enriched["links"].read_bytes())
    args = (command, "--endpoint", proxy.query_endpoint, "--links", str(links), *FAST)
    assert cli("enrich", "--endpoint", proxy.query_endpoint, "--links", str(links), *FAST, store=store).exit_code == 0
    folder = wikidata_dir(store)
    before = {p.name: p.read_bytes() for p in (folder / "enrichment.trig", folder / "manifest.json", links)}
    quads = set(open_ox(store))
    proxy.reset()
    proxy.always(answer(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri"}}]}}'))  # a term without a value
    result = cli(*args, "--retries", "1", store=store)
    assert result.exit_code == 1 and "Traceback" not in result.stderr and "error:" in result.stderr
    assert {p.name: p.read_bytes() for p in (folder / "enrichment.trig", folder / "manifest.json", links)} == before
    assert set(open_ox(store)) == quads


def test_stale_links_are_rejected_before_anything_changes(
    cli, proxy: FaultProxy, enriched: dict, fresh: Path, tmp_path: Path
) -> None:
    store = fresh
    links = tmp_path / "links.tsv"
    links.write_text(enriched["links"].read_text().replace(str(SFR["the-challenge"]), str(SFR["no-such-film"])))
    before = set(open_ox(store))
    result = cli("enrich", "--endpoint", proxy.query_endpoint, "--links", str(links), *FAST, store=store)
    assert result.exit_code == 1 and "no-such-film" in result.stderr and "has no rdf:type" in result.stderr
    assert set(open_ox(store)) == before and not (wikidata_dir(store) / "enrichment.trig").exists()


def test_a_spaceflight_is_enriched_and_compared(cli, proxy: FaultProxy, tmp_path: Path) -> None:
    store = fixture_store(tmp_path)
    links = tmp_path / "links.tsv"
    cli("link", "--endpoint", proxy.query_endpoint, "--links", str(links), *FAST, store=store)
    result = cli("enrich", "--endpoint", proxy.query_endpoint, "--links", str(links), *FAST, store=store)
    assert result.exit_code == 0, result.output
    flight = ox.NamedNode(str(SFR["fixture-flight"]))
    graph = ox.NamedNode(WIKIDATA_GRAPH_BASE + "Q9999000040")
    got = {(q.predicate.value, q.object.value) for q in open_ox(store).quads_for_pattern(flight, None, None, graph)}
    assert (str(SF.launchTime), "2099-01-02T03:04:05Z") in got
    assert (str(SF.landingTime), "2099-01-09") in got
    assert (str(SF.crewMember), "http://www.wikidata.org/entity/Q592219") in got  # not a curated entity here
    rows = [line.split("\t") for line in cli("conflicts", "--format", "tsv", store=store).stdout.splitlines()[1:]]
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [("FIXTURE flight", str(SF.landingTime), "2099-01-10", "2099-01-09")]


# ---------------------------------------------------------------- conflicts


def test_conflicts_show_both_values_and_both_sources(cli, enriched: dict) -> None:
    result = cli("conflicts", "--format", "tsv", store=enriched["store"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["entity", "property", "curated", "curatedSources", "wikidata", "wikidataGraphs"]
    rows = {(r[0], r[1]): r for r in (line.split("\t") for line in lines[1:])}
    assert ("Tom Cruise", str(SCHEMA.birthDate)) not in rows  # no citable page gave it, so the curated graph has none
    birth = rows[("Klim Shipenko", str(SCHEMA.birthDate))]
    assert birth[3].startswith("http") and birth[5].startswith(WIKIDATA_GRAPH_BASE)
    duration = rows[("Apogee of Fear", str(SCHEMA.duration))]
    assert (duration[2], duration[4]) == ("PT8M", "PT9M")
    cast = rows[("The Challenge", str(SCHEMA.actor))]
    assert "Yulia Peresild" in cast[2] and cast[4] == "FIXTURE unlinked performer"
    box = rows[("The Challenge", str(SF.boxOffice))]
    assert "23,400,000 USD (23.4 million)" in box[2] and box[4] == "123,456 XTS"  # amounts shown as amounts, not node IRIs
    # agreements and differences of precision are not conflicts
    assert ("Apogee of Fear", str(SCHEMA.datePublished)) not in rows
    assert ("The Challenge", str(SCHEMA.director)) not in rows
    assert rows[("Klim Shipenko", str(SCHEMA.birthDate))][2:5:2] == ["1983-06-16", "1900"]  # a year that is not 1983


def test_values_that_differ_only_in_precision_agree() -> None:
    assert same_but_precision("2012", "2012-04-20")
    assert same_but_precision("2021-10-05T08:55:02Z", "2021-10-05")
    assert not same_but_precision("2012", "2013-01-01")
    assert not same_but_precision("PT8M", "PT8M30S")


# ---------------------------------------------------------------- discovery


def test_discover_finds_works_filmed_in_space_as_candidates(cli, proxy: FaultProxy, enriched: dict) -> None:
    result = cli(
        "discover", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), *FAST, store=enriched["store"]
    )
    assert result.exit_code == 0, result.output
    folder = wikidata_dir(enriched["store"])
    rows = [line.split("\t") for line in (folder / "candidates.tsv").read_text(encoding="utf-8").splitlines()[2:]]
    found = {r[0]: r for r in rows}
    assert set(found) == {"Q9999000060", "Q9999000061", "Q9999000062"}, result.stdout  # not the seed, not a person
    assert found["Q9999000060"][1:3] == ["FIXTURE work filmed on the ISS", "FIXTURE фильм, снятый на МКС"]
    assert found["Q9999000060"][4:6] == ["filmed-at", "wdt:P915 sfr:iss (wd:Q25271)"]
    assert found["Q9999000062"][4] == "linked-to-seed" and "the-challenge" in found["Q9999000062"][5]
    query = (folder / found["Q9999000060"][6]).read_text()
    assert "wdt:P915" in query and "LIMIT 50" in query
    assert "cruise-liman-space-film" in result.stdout  # the rival project is not linked: said so
    assert requests_reported(result.stdout) == len(proxy.seen) == 3


def test_discovery_is_bounded(cli, proxy: FaultProxy, enriched: dict) -> None:
    result = cli(
        "discover",
        "--endpoint",
        proxy.query_endpoint,
        "--links",
        str(enriched["links"]),
        "--limit",
        "1",
        *FAST,
        store=enriched["store"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("  wd:Q") <= 2


# ---------------------------------------------------------------- the polite client, through the fault proxy

PROBE = "SELECT ?item WHERE { VALUES ?item { <http://www.wikidata.org/entity/Q25271> } ?item ?p ?o } LIMIT 1"
ISS = ["http://www.wikidata.org/entity/Q25271"]


def test_429_with_retry_after_is_honoured(proxy: FaultProxy) -> None:
    client, waits = client_for(proxy)
    proxy.plan(status(429, retry_after="2"))
    assert client.select(PROBE, expect=ISS).rows
    assert waits == [2.0] and client.requests == len(proxy.seen) == 2


def test_503_with_an_http_date_retry_after_is_honoured(proxy: FaultProxy) -> None:
    client, waits = client_for(proxy)
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    proxy.plan(status(503, retry_after=when))
    assert client.select(PROBE, expect=ISS).rows
    assert len(waits) == 1 and 25 < waits[0] <= 30


def test_a_retry_after_beyond_the_limit_fails_at_once(proxy: FaultProxy) -> None:
    client, waits = client_for(proxy, max_wait=60)
    proxy.plan(status(429, retry_after="3600"))
    with pytest.raises(SpacefilmsError, match="asks to wait 3600s, more than the 60s allowed"):
        client.select(PROBE)
    assert waits == [] and len(proxy.seen) == 1


def test_server_errors_are_retried_with_backoff_then_reported(proxy: FaultProxy) -> None:
    client, waits = client_for(proxy, retries=3, backoff=0.01)
    proxy.always(status(500))
    with pytest.raises(SpacefilmsError, match=r"giving up after 4 attempt\(s\): HTTP 500"):
        client.select(PROBE)
    assert waits == [0.01, 0.02, 0.04] and len(proxy.seen) == 4


@pytest.mark.parametrize("fault", [SLOW, TRUNCATE, CUT, status(502), EMPTY], ids=["slow", "truncated", "cut", "502", "empty"])
def test_transient_faults_are_retried(proxy: FaultProxy, fault) -> None:
    client, waits = client_for(proxy, timeout=0.3)
    proxy.plan(fault)
    assert client.select(PROBE, expect=ISS).rows
    assert len(proxy.seen) == 2 and len(waits) == 1


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (SLOW, "no complete answer within the 0.3s timeout"),
        (TRUNCATE, "truncated or invalid JSON"),
        (EMPTY, "empty answer for 1 item"),
    ],
    ids=["slow", "truncated", "empty"],
)
def test_persistent_faults_end_in_a_clear_error(proxy: FaultProxy, fault, message: str) -> None:
    client, _ = client_for(proxy, timeout=0.3, retries=1)
    proxy.always(fault)
    with pytest.raises(SpacefilmsError, match=re.escape(message)) as caught:
        client.select(PROBE, expect=ISS)
    assert caught.value.where == proxy.query_endpoint and len(proxy.seen) == 2


def test_forbidden_is_not_retried_and_names_the_user_agent(proxy: FaultProxy) -> None:
    client, waits = client_for(proxy)
    proxy.plan(status(403))
    with pytest.raises(SpacefilmsError, match="User-Agent"):
        client.select(PROBE)
    assert waits == [] and len(proxy.seen) == 1


def test_an_empty_answer_without_expectations_is_data(proxy: FaultProxy) -> None:
    client, waits = client_for(proxy)
    proxy.plan(EMPTY)
    assert client.select(PROBE).rows == [] and waits == []


def test_retry_after_parsing() -> None:
    assert retry_after("120") == 120.0
    assert retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait


# ---------------------------------------------------------------- mapping rules


def test_time_values_keep_their_precision() -> None:
    assert time_literal("2021-10-05T08:55:02Z", 14).value == "2021-10-05T08:55:02Z"
    assert time_literal("2021-10-05T00:00:00Z", 11).datatype.value.endswith("#date")
    assert time_literal("2021-10-01T00:00:00Z", 10).value == "2021-10"
    assert time_literal("1966-01-01T00:00:00Z", 9).value == "1966"
    assert time_literal("1960-01-01T00:00:00Z", 8) is None  # a decade: no date to state
    assert time_literal("1966-01-01T00:00:00Z", None) is None


def test_ontology_mappings_decide_the_predicates() -> None:
    mapping = ontology_mapping()
    chosen = predicates(mapping)
    for wikidata_property, ours in mapping.items():
        pid = wikidata_property.rsplit("/", 1)[-1]
        if pid in chosen:
            assert chosen[pid] == ours
    assert chosen["P57"] == str(SCHEMA.director) and chosen["P161"] == str(SCHEMA.actor)


# ---------------------------------------------------------------- build: snapshot and validation


def test_build_uses_a_shipped_snapshot(cli, proxy: FaultProxy, enriched: dict, fresh: Path, tmp_path: Path) -> None:
    graph_dir = tmp_path / "graph"
    shutil.copytree(data_dir("graph"), graph_dir)
    store = fresh
    snapshot = graph_dir / SNAPSHOT_DIR
    args = ("enrich", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), "--save-snapshot", str(snapshot))
    assert cli(*args, *FAST, store=store).exit_code == 0
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["endpoint"] == proxy.query_endpoint  # a loopback server, not presented as Wikidata
    assert all((snapshot / "responses" / f"{key}.json").is_file() for key in manifest["responses"])
    assert not any(SNAPSHOT_DIR in p.parts for p in curated_files(graph_dir))
    plain = build(graph_dir=graph_dir, store=tmp_path / "b" / "store")
    assert plain.enrichment == snapshot / "enrichment.trig"
    assert quads_by_graph(plain.store)[1] == quads_by_graph(store)[1]
    assert plain.stats.curated_triples == enriched["stats_before"].curated_triples
    (snapshot / "stale.txt").write_text("from an older snapshot")
    assert cli(*args, *FAST, store=store).exit_code == 0  # shipped again: swapped in whole, nothing of the old left
    assert not (snapshot / "stale.txt").exists() and (snapshot / "manifest.json").is_file()
    assert sorted(p.name for p in graph_dir.iterdir() if p.name.startswith(f".{SNAPSHOT_DIR}")) == []
    shutil.rmtree(snapshot)
    assert build(graph_dir=graph_dir, store=tmp_path / "b" / "store").enrichment is None


def test_a_local_enrichment_is_kept_by_the_next_build(enriched: dict, tmp_path: Path) -> None:
    copy = tmp_path / "wikidata"
    shutil.copytree(wikidata_dir(enriched["store"]), copy)
    report = build(store=tmp_path / "store")
    assert report.enrichment == copy / "enrichment.trig"
    assert quads_by_graph(report.store)[1] == quads_by_graph(enriched["store"])[1]


def test_validation_wants_provenance_on_wikidata_graphs(tmp_path: Path) -> None:
    bare = tmp_path / "enrichment.trig"
    bare.write_text(
        f"<{WIKIDATA_GRAPH_BASE}Q9999000001> {{ <{SFR['test-film']}> <http://schema.org/duration> "
        '"PT95M"^^<http://www.w3.org/2001/XMLSchema#duration> . }\n'
    )
    with pytest.raises(ValidationFailed, match="Wikidata graph without provenance"):
        load_and_validate(MINI, enrichment=bare)


def test_replacing_the_store_twice_at_once_keeps_only_the_new_quads(tmp_path: Path) -> None:
    """Enrichment swaps the store right after a build: the two stores must not share a directory."""
    graph = ox.NamedNode("https://example.org/g")
    first = ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"), ox.Literal("1"), graph)
    second = ox.Quad(ox.NamedNode("https://example.org/b"), ox.NamedNode("https://example.org/p"), ox.Literal("2"), graph)
    replace_store([first], tmp_path / "store")
    replace_store([second], tmp_path / "store")
    assert set(open_ox(tmp_path / "store")) == {second}
    assert len([p for p in tmp_path.iterdir() if p.is_dir() and not p.is_symlink()]) == 1


# ---------------------------------------------------------------- Wikidata as it really answers (issue: mul, genid, timeouts, QLever)


def test_a_batch_of_only_merged_or_deleted_items_is_not_taken_for_a_rejection(proxy: FaultProxy) -> None:
    from spacefilms.wikidata.linking import Entity, resolve

    client, waits = client_for(proxy)
    entities = [
        Entity(str(SFR["m"]), "person", "M", [], ["Q9999000180"]),
        Entity(str(SFR["d"]), "person", "D", [], ["Q9999000199"]),
    ]
    links = {link.entity: link for link in resolve(entities, client)}
    assert [links[str(SFR[x])].status for x in "md"] == ["merged", "not-found"] and waits == []


def test_mul_labels_stand_in_for_english_ones(enriched: dict) -> None:
    wikidata = quads_by_graph(enriched["store"])[1]
    city = ox.NamedNode("http://www.wikidata.org/entity/Q9999000070")
    assert {q.object for q in wikidata if q.subject == city and q.predicate.value.endswith("#label")} == {
        ox.Literal("FIXTURE city", language="mul")
    }
    birthplace = {
        q.object
        for q in wikidata
        if q.subject == ox.NamedNode(str(SFR["klim-shipenko"])) and q.predicate.value == str(SCHEMA.birthPlace)
    }
    assert birthplace == {city}


def test_unknown_values_are_never_data(enriched: dict) -> None:
    wikidata = quads_by_graph(enriched["store"])[1]
    assert not any(
        ".well-known/genid/" in (t.value if hasattr(t, "value") else str(t)) for q in wikidata for t in (q.subject, q.object)
    )
    imdb = {q.object.value for q in wikidata if q.predicate.value.endswith("/P345")}
    assert imdb == {"tt9999999"}
    manifest = json.loads((enriched["store"].parent / "wikidata" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["unknown_values"] == 2 and manifest["invalid_iris"] == 0


def test_each_item_graph_records_the_revision_it_came_from(enriched: dict) -> None:
    wikidata = quads_by_graph(enriched["store"])[1]
    item = ox.NamedNode("http://www.wikidata.org/entity/Q9999000001")
    about = {
        (q.predicate.value, q.object.value) for q in wikidata if q.subject == item and q.graph_name.value.endswith("Q9999000001")
    }
    assert (str(SCHEMA.version), "2099000001") in about and (str(SCHEMA.dateModified), "2099-01-01T00:00:00Z") in about


@pytest.mark.parametrize("fault", [WDQS_TIMEOUT, WDQS_CUT], ids=["500", "200-cut-off"])
def test_a_server_timeout_is_not_retried_as_it_is(proxy: FaultProxy, fault) -> None:
    from spacefilms.wikidata.client import QueryTimeout

    client, waits = client_for(proxy, retries=4)
    proxy.always(fault)
    with pytest.raises(QueryTimeout, match="the endpoint timed out on the query") as caught:
        client.select(PROBE)
    assert len(proxy.seen) == 1 and waits == [] and caught.value.where == proxy.query_endpoint


def test_a_batch_the_server_times_out_on_is_split_in_halves(proxy: FaultProxy) -> None:
    client, waits = client_for(proxy)
    proxy.plan(WDQS_TIMEOUT)  # the whole batch times out once; each half then answers
    items = ["http://www.wikidata.org/entity/Q25271", "http://www.wikidata.org/entity/Q37079"]
    answers = client.select_split(
        lambda part: "SELECT ?item WHERE { VALUES ?item { " + " ".join(f"<{i}>" for i in part) + " } ?item ?p ?o } LIMIT 1", items
    )
    assert len(answers) == 2 and len(proxy.seen) == 3 and waits == []


def test_a_single_item_that_times_out_is_named(proxy: FaultProxy) -> None:
    client, _ = client_for(proxy)
    proxy.always(WDQS_TIMEOUT)
    with pytest.raises(SpacefilmsError, match=r"times out on <http://www.wikidata.org/entity/Q25271> even alone"):
        client.select_split(lambda part: PROBE, ["http://www.wikidata.org/entity/Q25271"])


def test_qlever_429_without_retry_after_is_an_error_of_that_query(proxy: FaultProxy) -> None:
    client, waits = client_for(proxy, retries=4)
    proxy.always(QLEVER_CANCELLED)
    with pytest.raises(SpacefilmsError, match="without Retry-After: the endpoint cancelled this query"):
        client.select(PROBE)
    assert len(proxy.seen) == 1 and waits == []


def test_invalid_iris_in_an_answer_are_skipped_and_counted(proxy: FaultProxy) -> None:
    from spacefilms.wikidata.enrichment import enrich
    from spacefilms.wikidata.linking import Link

    cruise = "http://www.wikidata.org/entity/Q37079"
    bindings = [
        {"item": {"type": "uri", "value": cruise}, "present": {"type": "literal", "value": "x"}},
        {
            "item": {"type": "uri", "value": cruise},
            "pid": {"type": "literal", "value": "P18"},
            "statement": {"type": "uri", "value": "http://www.wikidata.org/entity/statement/Q37079-bad"},
            "rank": {"type": "uri", "value": "http://wikiba.se/ontology#NormalRank"},
            "value": {"type": "uri", "value": "http://commons.example/File:A b|{c}.jpg"},
        },
    ]
    body = json.dumps(
        {"head": {"vars": ["item", "pid", "statement", "rank", "value", "present"]}, "results": {"bindings": bindings}}
    )
    proxy.plan(answer(body.encode()))
    link = Link(str(SFR["tom-cruise"]), "person", "Tom Cruise", "Q37079", "linked", "verified-qid", "", "", "", "")
    client, _ = client_for(proxy)
    result = enrich([link], client)
    assert result.report.invalid_iris == 1 and result.report.enriched == 1
    assert not any(q.predicate.value == str(SCHEMA.image) for q in result.quads)


def test_the_user_agent_names_the_operator(monkeypatch: pytest.MonkeyPatch, proxy: FaultProxy) -> None:
    monkeypatch.setenv("SPACEFILMS_CONTACT", "mailto:ops@example.org")
    assert user_agent().startswith("spacefilms/") and "mailto:ops@example.org" in user_agent()
    client, _ = client_for(proxy)
    client.select(PROBE)
    assert proxy.seen[-1].user_agent == user_agent()


# A well-formed answer about an item no query here asks for, and one about no item at all.
_OTHER_ITEM = b'{"head":{"vars":["item","present"]},"results":{"bindings":[{"item":{"type":"uri","value":"http://www.wikidata.org/entity/Q1"},"present":{"type":"literal","value":"x"}}]}}'
_NO_ITEM = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'


@pytest.mark.parametrize(
    ("body", "message"),
    [(_OTHER_ITEM, "not asked for (e.g. <http://www.wikidata.org/entity/Q1>)"), (_NO_ITEM, "refusing to drop their facts")],
    ids=["other-items", "no-items"],
)
def test_answers_about_other_items_never_empty_the_enrichment(
    cli, proxy: FaultProxy, enriched: dict, fresh: Path, body: bytes, message: str
) -> None:
    store = fresh
    args = ("enrich", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), *FAST, "--retries", "1")
    assert cli(*args, store=store).exit_code == 0
    folder = wikidata_dir(store)
    files = {name: (folder / name).read_bytes() for name in ("enrichment.trig", "manifest.json")}
    quads, graphs = set(open_ox(store)), len({q.graph_name for q in quads_by_graph(store)[1]})
    proxy.reset()
    proxy.always(answer(body))
    result = cli(*args, store=store)
    assert result.exit_code == 1 and "Traceback" not in result.stderr and message in result.stderr, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error: ")] == [result.stderr.strip()]
    assert {name: (folder / name).read_bytes() for name in files} == files
    assert set(open_ox(store)) == quads and graphs > 10


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs of its own (needs root, as the tests run on CI), unmounted afterwards."""
    import subprocess

    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_full_disk_during_enrich_changes_nothing(
    cli, proxy: FaultProxy, enriched: dict, built_store: Path, small_disk: Path
) -> None:
    import subprocess

    store = replace_store(list(open_ox(built_store)), small_disk / "store")
    args = ("enrich", "--endpoint", proxy.query_endpoint, "--links", str(enriched["links"]), *FAST)
    assert cli(*args, store=store).exit_code == 0
    folder = wikidata_dir(store)
    files = {name: (folder / name).read_bytes() for name in ("enrichment.trig", "manifest.json")}
    quads = set(open_ox(store))
    used = shutil.disk_usage(small_disk).used
    store_size = sum(p.stat().st_size for p in store.resolve().rglob("*") if p.is_file())
    # Room for the new enrichment and manifest (and the recorded answers rewritten), not for a new store beside the old.
    room = 4 * sum(len(data) for data in files.values()) + 1024 * 1024
    print(f"used {used:,} store {store_size:,} files {sum(len(d) for d in files.values()):,} room {room:,}")
    assert room < store_size / 2
    subprocess.run(["mount", "-o", f"remount,size={used + room}", str(small_disk)], check=True)
    result = cli(*args, store=store)
    assert result.exit_code == 1 and "No space left on device" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert {name: (folder / name).read_bytes() for name in files} == files
    assert set(open_ox(store)) == quads
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []  # no temporary file left


def test_plausible_answers_with_wrong_value_types_are_skipped_not_a_traceback() -> None:
    """Well-formed JSON whose values are not what their property needs (a precision in words, an amount that is no
    number or not finite): the value is left out, as for an invalid IRI; nothing raises."""
    from spacefilms.wikidata.client import Answer, read_answer
    from spacefilms.wikidata.fetching import Fetched, read_statements
    from spacefilms.wikidata.values import decimal_literal, duration_literal, time_literal

    minute = "http://www.wikidata.org/entity/Q7727"
    assert duration_literal("NaN", minute) is None and duration_literal("Infinity", minute) is None
    assert duration_literal("2", minute) is not None and decimal_literal("-Infinity") is None
    row = {
        "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"},
        "statement": {"type": "uri", "value": "http://www.wikidata.org/entity/statement/Q1-x"},
        "pid": {"type": "literal", "value": "P577"},
        "value": {"type": "literal", "value": "+2021-10-05T00:00:00Z"},
        "precision": {"type": "literal", "value": "eleven"},
    }
    fetched, body = Fetched(), json.dumps({"head": {"vars": list(row)}, "results": {"bindings": [row]}}).encode()
    read_statements(Answer(list(read_answer(body, "test")), "http://127.0.0.1/", "2026-12-06T00:00:00Z"), fetched)
    (statement,) = fetched.statements
    assert statement.precision is None and time_literal(statement.value.value, statement.precision) is None
