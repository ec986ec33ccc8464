"""Benchmark: requests and wall time of `spacefilms enrich` for N = 10, 100, 1,000 FIXTURE items.

Runs the real enrichment code against a local `oxigraph serve` loaded with generated Wikidata-shaped FIXTURE
items (QIDs Q9999100000+, labelled FIXTURE; nothing here is Wikidata's data), batched (--batch-size items per
query) next to the baseline of one item per query, and reports both side by side with their ratios.
Requests must grow as N / batch size, not N.

    .venv/bin/python benchmarks/bench_enrich.py [--sizes 10 100 1000] [--batch-size 50]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.namespaces import SFR
from spacefilms.wikidata.client import WikidataClient
from spacefilms.wikidata.enrichment import enrich
from spacefilms.wikidata.linking import Link

FILMS, PEOPLE, CHARACTERS, PLACES = 9999100000, 9999200000, 9999300000, 9999400000
PEOPLE_POOL, CHARACTER_POOL, PLACE_POOL = 200, 100, 10
MINUTE = "Q7727"  # graph/wikidata-ids evidence: see spacefilms.enrichment.TIME_UNITS


def fixture_items(count: int) -> str:
    """Turtle for ``count`` FIXTURE films, each with a director, two cast members with characters, a publication
    date with its place and a duration; people, characters and places come from small shared pools."""
    lines = [
        "@prefix wd: <http://www.wikidata.org/entity/> . @prefix wds: <http://www.wikidata.org/entity/statement/> .",
        "@prefix wdv: <http://www.wikidata.org/value/> . @prefix p: <http://www.wikidata.org/prop/> .",
        "@prefix ps: <http://www.wikidata.org/prop/statement/> . @prefix psv: <http://www.wikidata.org/prop/statement/value/> .",
        "@prefix pq: <http://www.wikidata.org/prop/qualifier/> . @prefix wikibase: <http://wikiba.se/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    for pool, base, kind in (
        (PEOPLE_POOL, PEOPLE, "person"),
        (CHARACTER_POOL, CHARACTERS, "character"),
        (PLACE_POOL, PLACES, "place"),
    ):
        lines += [f'wd:Q{base + i} rdfs:label "FIXTURE {kind} {i}"@en , "FIXTURE {kind} {i} (ru)"@ru .' for i in range(pool)]
    for i in range(count):
        film, s = f"wd:Q{FILMS + i}", f"wds:Q{FILMS + i}"
        person = [f"wd:Q{PEOPLE + (i * 3 + k) % PEOPLE_POOL}" for k in range(3)]
        character = [f"wd:Q{CHARACTERS + (i * 2 + k) % CHARACTER_POOL}" for k in range(2)]
        lines += [
            f'{film} rdfs:label "FIXTURE film {i}"@en ; p:P57 {s}-1 ; p:P161 {s}-2 , {s}-3 ; p:P577 {s}-4 ; p:P2047 {s}-5 .',
            f"{s}-1 wikibase:rank wikibase:NormalRank ; ps:P57 {person[0]} .",
            f"{s}-2 wikibase:rank wikibase:NormalRank ; ps:P161 {person[1]} ; pq:P453 {character[0]} .",
            f"{s}-3 wikibase:rank wikibase:NormalRank ; ps:P161 {person[2]} ; pq:P453 {character[1]} .",
            f'{s}-4 wikibase:rank wikibase:NormalRank ; ps:P577 "2099-01-01T00:00:00Z"^^xsd:dateTime ; psv:P577 wdv:f{i}d ;'
            f" pq:P291 wd:Q{PLACES + i % PLACE_POOL} .",
            f'wdv:f{i}d wikibase:timeValue "2099-01-01T00:00:00Z"^^xsd:dateTime ; wikibase:timePrecision 11 .',
            f'{s}-5 wikibase:rank wikibase:NormalRank ; ps:P2047 "{90 + i % 60}"^^xsd:decimal ; psv:P2047 wdv:f{i}q .',
            f'wdv:f{i}q wikibase:quantityAmount "{90 + i % 60}"^^xsd:decimal ; wikibase:quantityUnit wd:{MINUTE} .',
        ]
    return "\n".join(lines) + "\n"


def links(count: int) -> list[Link]:
    return [
        Link(str(SFR[f"bench-film-{i}"]), "film", f"Bench film {i}", f"Q{FILMS + i}", "linked", "verified-qid", "", "", "", "")
        for i in range(count)
    ]


def run(endpoint: str, count: int, batch_size: int) -> tuple[int, float, int]:
    client = WikidataClient(endpoint, timeout=120)
    started = time.perf_counter()
    result = enrich(links(count), client, batch_size)
    seconds = time.perf_counter() - started
    assert result.report.enriched == count, result.report
    return client.requests, seconds, result.report.label_items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "fixture.ttl"
        data.write_text(fixture_items(max(args.sizes)), encoding="utf-8")
        store = ox.Store(str(Path(folder) / "db"))
        store.bulk_load(path=data, format=ox.RdfFormat.TURTLE)
        store.flush()
        del store
        with OxigraphServer(Path(folder) / "db", read_only=True) as server:
            b = args.batch_size
            print(
                f"| N | batched (size {b}): requests | seconds | one item per query: requests | seconds | requests ratio | time ratio |"
            )
            print("|---:|---:|---:|---:|---:|---:|---:|")
            for n in args.sizes:
                requests, seconds, targets = run(server.query_endpoint, n, b)
                assert requests == math.ceil(n / b) + math.ceil(targets / b), (requests, n, targets)
                base_requests, base_seconds, _ = run(server.query_endpoint, n, 1)
                print(
                    f"| {n} | {requests} | {seconds:.2f} | {base_requests} | {base_seconds:.2f} "
                    f"| {base_requests / requests:.1f}x | {base_seconds / seconds:.1f}x |"
                )


if __name__ == "__main__":
    main()
