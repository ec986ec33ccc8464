"""The Wikidata SPARQL kept as data (queries/wikidata/*.rq): every file has the bundled queries' header, parses,
and answers on the Wikidata-shaped FIXTURE server (a real `oxigraph serve` on 127.0.0.1) with its batch bound."""

from __future__ import annotations

import pytest

from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.wikidata.client import WikidataClient, item_iri
from spacefilms.wikidata.queries import all_wikidata_queries, query_text

# name -> (variable, a batch, the column to read, exactly the values it must hold)
SAMPLES = {
    "sitelinks": ("article", ["https://en.wikipedia.org/wiki/Klim_Shipenko"], "item", {item_iri("Q9999000002")}),
    "items": ("item", [item_iri("Q9999000002"), item_iri("Q999999999999")], "item", {item_iri("Q9999000002")}),
    "filmed-at": ("place", [item_iri("Q4169")], "item", {item_iri("Q9999000061")}),
    "linked-to-seed": ("seed", [item_iri("Q9999000001")], "item", {item_iri("Q9999000062")}),  # a film, not the person
    "describe": ("item", [item_iri("Q9999000060")], "description", {"FIXTURE item for discovery tests"}),
    "labels": ("item", [item_iri("Q9999000020")], "code", {"XTS"}),
}


def test_every_wikidata_query_has_a_header_and_a_sample() -> None:
    queries = all_wikidata_queries()
    assert sorted(q.name for q in queries) == sorted(SAMPLES)
    for query in queries:
        query.check_syntax()
        assert query.title and query.description, query.name
        assert [p.name for p in query.parameters] == [SAMPLES[query.name][0]], query.name


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_wikidata_query_answers_on_the_fixture(name: str, wikidata_server: OxigraphServer) -> None:
    variable, batch, column, expected = SAMPLES[name]
    answer = WikidataClient(wikidata_server.query_endpoint, retries=0).select(query_text(name, variable, batch, limit=50))
    assert {answer.value(row, column) for row in answer.rows} - {None} == expected, answer.rows


def test_a_batch_is_bound_as_values_rows_not_pasted_into_the_text() -> None:
    with pytest.raises(ValueError):
        query_text("items", "item", ["http://www.wikidata.org/entity/Q1> } DROP ALL { <x"])
