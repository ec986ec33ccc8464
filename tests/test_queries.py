"""The bundled queries: metadata, real answers on the built graph, the same rows from a real SPARQL server, safe parameters."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import MINI

from spacefilms.core.backends import LocalBackend, RemoteBackend
from spacefilms.core.formatting import display, format_result
from spacefilms.core.layout import published_quads
from spacefilms.core.library import get_query, list_queries, queries_dir, to_term
from spacefilms.core.parameters import inline_bindings
from spacefilms.core.results import QueryResult
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import (
    MANIFEST_GRAPH,
    MERGE_GRAPH,
    PROV,
    RDF,
    SCHEMA,
    SF,
    SFR,
    WD,
    WIKIDATA_GRAPH_BASE,
    XSD,
)

QUERIES = list_queries()
NAMES = [q.name for q in QUERIES]


def run(backend, name: str, **params: str) -> QueryResult:
    query = get_query(name)
    return backend.run(query.text, query.bind(params))


def test_there_are_at_least_fifteen_queries() -> None:
    assert len(QUERIES) >= 15


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_has_a_complete_header(query) -> None:
    assert query.title and query.description, f"{query.name}: '# title:' and '# description:' are required"
    assert query.example.startswith(f"spacefilms query {query.name}")
    for param in query.parameters:
        assert param.default and param.description, f"{query.name}: parameter {param.name} needs a default and a meaning"
        assert re.search(rf"\?{param.name}\b", query.text), f"{query.name}: parameter {param.name} is not used"
    query.check_syntax()


def test_no_query_file_names_a_derived_graph() -> None:
    """Which graphs are sources is asked of the data (core/layout.py): no .rq names the merge or the manifest."""
    named = [
        (path.name, iri)
        for path in sorted(queries_dir().rglob("*.rq"))
        for iri in (MERGE_GRAPH, MANIFEST_GRAPH)
        if iri in path.read_text()
    ]
    assert named == []


def test_the_served_endpoint_takes_every_bundled_query() -> None:
    """The endpoint's guard refuses costly shapes (string builders nested more than four deep): a bundled query must
    never be one of them (time-in-space's six nested REPLACEs were refused by `spacefilms serve`)."""
    from spacefilms.endpoints.protocol import Refused, check_query

    refused = {}
    for query in list_queries():
        try:
            check_query(query.text)
        except Refused as exc:
            refused[query.name] = str(exc)
    assert refused == {}


def text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A cell as text: an IRI, a literal's lexical form ("None" when unbound, so an empty literal is not mistaken for it)."""
    return "None" if term is None else term.value


def labels(result: QueryResult, column: str) -> set[str]:
    return set(result.values(column))


# Real answers from the curated facts, one check per bundled query.
EXPECTED = {
    "cast": lambda r: (
        # every actor the film's credits list, a character only where a page names one
        {"Yulia Peresild", "Oleg Novitsky", "Anton Shkaplerov", "Pyotr Dubrov", "Miloš Biković", "Vladimir Mashkov"}
        <= labels(r, "performerLabel")
        and len(labels(r, "performerLabel")) >= 14
        and ("Vladimir Mashkov", "") in {(text(row[1]), text(row[2])) for row in r.rows}
        # each name of a role carries its own pages (the copy that called her "a cardiologist" is no source now)
        and "a cardiologist" not in r.values("character")
        and ("Yulia Peresild", "thoracic surgeon Zhenya", "https://tass.com/russia/1608447")
        in {(text(row[1]), text(row[2]), text(row[5])) for row in r.rows}
        and (
            "Yulia Peresild",
            "a surgeon sent to space to help an injured cosmonaut",
            "https://en.wikipedia.org/wiki/The_Challenge_(2023_film)",
        )
        in {(text(row[1]), text(row[2]), text(row[5])) for row in r.rows}
        and ("хирург Евгения Беляева", "ru") in {(text(row[2]), text(row[3])) for row in r.rows}
        and all(int(n) == len(str(s).split()) for n, s in zip(r.values("pages"), r.values("sources")))
        and not any("juksun.com" in str(s) or "showfilm.net" in str(s) for s in r.values("sources"))  # copies not cited
    ),
    "film-credits": lambda r: (
        ("director", "Klim Shipenko") in {(text(a), text(b)) for a, _, b, _ in r.rows}
        and {"Konstantin Ernst", "Dmitry Rogozin"} <= {text(row[2]) for row in r.rows if text(row[0]) == "producer"}
    ),
    "film-people-in-space": lambda r: (
        {(text(row[1]), text(row[2]), text(row[4])) for row in r.rows}
        >= {("Yulia Peresild", "Soyuz MS-19", "Soyuz MS-18"), ("Klim Shipenko", "Soyuz MS-19", "Soyuz MS-18")}
        # one stay a row: Novitsky's 2012 and 2024 flights up are not shown coming back on his 2021 flight
        and {(text(row[2]), text(row[4]) if row[4] else "") for row in r.rows if text(row[1]) == "Oleg Novitsky"}
        == {("Soyuz TMA-06M", ""), ("Soyuz MS-18", "Soyuz MS-18"), ("Soyuz MS-25", "")}
        and all(text(row[5]) > text(row[3]) for row in r.rows if row[5])  # never back before going up
    ),
    "flight-crews": lambda r: (
        {text(row[1]) for row in r.rows if text(row[0]) == "Soyuz MS-19" and text(row[3]) == "up"}
        == {"Anton Shkaplerov", "Yulia Peresild", "Klim Shipenko"}
        and {text(row[1]) for row in r.rows if text(row[0]) == "Soyuz MS-18" and text(row[3]) == "back"}
        == {"Oleg Novitsky", "Yulia Peresild", "Klim Shipenko"}
        and any(text(row[0]) == "Soyuz MS-18" and text(row[5]).startswith("2021-10-17") for row in r.rows)
    ),
    "people-in-space": lambda r: (
        {"Yulia Peresild", "Klim Shipenko", "Oleg Novitsky", "Anton Shkaplerov"} <= labels(r, "personLabel")
    ),
    "timeline": lambda r: (
        {"The Challenge", "Tom Cruise–Doug Liman space film"} <= labels(r, "projectLabel")
        and [d[:10] for d in r.values("date")] == sorted(d[:10] for d in r.values("date"))
        and any(d.startswith("2023-04-12") for d in r.values("date"))
    ),
    "race": lambda r: (
        {(text(row[0]), text(row[3])) for row in r.rows}
        >= {("launch", "only The Challenge"), ("filming in space", "only The Challenge")}
        and ("announcement", "Tom Cruise–Doug Liman space film") in {(text(row[0]), text(row[3])) for row in r.rows}
        and ("announcement", "about 4 month(s)") in {(text(row[0]), text(row[5])) for row in r.rows}  # a month against a day
        and ("filming in space", "2021-10-05") in {(text(row[0]), text(row[1])) for row in r.rows}  # the day beats the month
        # each chosen date with the pages that give it
        and any("tass.com/science/1350499" in text(row[6]) for row in r.rows if text(row[0]) == "landing")
        and any(
            "theguardian.com" in text(row[7]) or "ilpost.it" in text(row[7]) for row in r.rows if text(row[0]) == "announcement"
        )
    ),
    "organisations-by-project": lambda r: (
        {("The Challenge", "production company", name) for name in ("Roscosmos", "Channel One Russia", "Yellow, Black and White")}
        | {("Tom Cruise–Doug Liman space film", "planned partner", name) for name in ("SpaceX", "NASA")}
        <= {(text(row[0]), text(row[1]), text(row[3])) for row in r.rows}
    ),
    "links-between-projects": lambda r: "International Space Station" in labels(r, "sharedLabel"),
    "facts-about": lambda r: (
        any(text(row[1]).endswith("/director") and text(row[2]) == SFR["klim-shipenko"] for row in r.rows)
        and all(text(row[4]).startswith("http") for row in r.rows)
        and {"1155 million RUB", "23.4 million USD", "35–40"} <= set(r.values("valueLabel"))  # amounts, ranges readable
        and all(row[3] is not None for row in r.rows if isinstance(row[2], ox.BlankNode))  # no node shown as its hash
        # the kind of each page, so that a copy never reads as a source to cite
        and ("https://juksun.com/movie/the-challenge/", "secondary copy") in {(text(row[4]), text(row[5])) for row in r.rows}
        and ("https://en.wikipedia.org/wiki/The_Challenge_(2023_film)", "encyclopedia")
        in {(text(row[4]), text(row[5])) for row in r.rows}
    ),
    "connection-path": lambda r: r.rows and all(int(a) <= int(b) for a, b in zip(r.values("length"), r.values("length")[1:])),
    "firsts": lambda r: (
        {
            ("first IMAX 3D film shot in space", "Space Station 3D", "The Dream Is Alive"),
        }
        <= {(text(row[1]), text(row[2]), (row[3].value if row[3] else "")) for row in r.rows}
        and ("first fictional feature-length film featuring actors shot in space", "The Challenge")
        in {(text(row[1]), text(row[2])) for row in r.rows}
        # a dispute is kept, each side with its own pages: Guinness credits Tnuva, taz Pepsi
        and {(work, "disputed") for work in ("Tnuva milk commercial", "Pepsi commercial filmed outside Mir")}
        == {(text(row[2]), text(row[6])) for row in r.rows if text(row[1]) == "first commercial filmed in space"}
        and all(text(row[6]) == "" for row in r.rows if text(row[1]) == "first science fiction film shot in space")
        and any("guinnessworldrecords.com" in text(row[5]) for row in r.rows if text(row[2]) == "Tnuva milk commercial")
        and all(str(s).startswith("http") for s in r.values("sources"))
    ),
    "precedents": lambda r: (
        {"Apogee of Fear", "The Challenge", "Return from Orbit", "Tnuva milk commercial", "First Orbit"} <= labels(r, "workLabel")
        and "Tom Cruise–Doug Liman space film" not in labels(r, "workLabel")  # planned, never shot (issue 22)
        and {"For All Mankind", "Apollo 11"}.isdisjoint(labels(r, "workLabel"))  # archival footage only
        and ("The Challenge", "2021-10") in {(text(row[1]), text(row[4])[:7]) for row in r.rows}  # filmed, not released
        and all(s.startswith("http") for s in r.values("sources"))
    ),
    "time-in-space": lambda r: (
        # the graph's own launch (5 Oct 08:55:02) and landing (17 Oct 04:35, 04:36 on one page), not a page's sum
        {("Yulia Peresild", "11 d 19 h 40 min"), ("Yulia Peresild", "11 d 19 h 41 min"), ("Mark Vande Hei", "355 d 3 h 46 min")}
        <= {(text(row[1]), text(row[4])) for row in r.rows}
        and set(r.values("derivation")) == {"derived: landing time minus launch time", "stated by the page"}
        # one row per stay: Afanasyev's 1990 launch is not paired with his 2001 landing (the record stay is 437 days)
        and all(int(text(row[4]).split(" d ")[0]) < 438 for row in r.rows if text(row[5]).startswith("derived"))
        # beside them, what a page states, with that page: Shipenko's article gives 11 d 16 h 13 min
        and ("Klim Shipenko", "11 d 16 h 13 min", "stated by the page", "https://en.wikipedia.org/wiki/Klim_Shipenko")
        in {(text(row[1]), text(row[4]), text(row[5]), text(row[8])) for row in r.rows}
        and ("Viktor Afanasyev", "Soyuz TM-11", "Soyuz TM-11") in {(text(row[1]), text(row[2]), text(row[3])) for row in r.rows}
        and any("tass.com/science/1350499" in text(row[7]) for row in r.rows if text(row[4]) == "11 d 19 h 40 min")
    ),
    "works-by-kind": lambda r: (
        sum(int(n) for k, n in zip(r.values("kindLabel"), r.values("works")) if k == "commercial") >= 6
        and ("announced project", "2020s") in {(text(row[1]), text(row[2])) for row in r.rows}
        and ("feature film", "1980s", "Return from Orbit") in {(text(row[1]), text(row[2]), text(row[4])) for row in r.rows}
    ),
    "filmed-in-orbit-by": lambda r: (
        {("Vladimir Lyakhov", "Return from Orbit"), ("Aleksandr Lazutkin", "Tnuva milk commercial")}
        <= {(text(row[1]), text(row[2])) for row in r.rows}
        and all(s.startswith("http") for s in r.values("sources"))
    ),
    "release-dates": lambda r: {"2023-04-12", "2023-04-20"} <= {d[:10] for d in r.values("date")},
    "source-disagreements": lambda r: (
        any(text(row[0]) == "Soyuz MS-18" and text(row[1]).endswith("#landingTime") for row in r.rows)
        and len({(text(row[0]), text(row[1])) for row in r.rows}) == len(r.rows)  # one row per entity and property
        and "Soyuz MS-19" not in {text(row[0]) for row in r.rows if text(row[1]).endswith("#launchTime")}  # 08:55:02.442 vs :02
        and "Jim Bridenstine, NASA Administrator" not in r.values("subjectLabel")  # 2018-04 vs 2018-04-23: precision
        # money within one currency: 905 M and 1.155 bn RUB, each with its own pages
        and ("The Challenge", SF.budget, "2") in {(text(row[0]), text(row[1]), text(row[2])) for row in r.rows}
        and all(
            int(n) >= 2 and str(v).count(" | ") == int(n) - 1 for n, v in zip(r.values("values"), r.values("valuesAndSources"))
        )
    ),
    "conflicts-with-wikidata": lambda r: r.variables[0] == "subjectLabel" and r.rows == [],
    "class-counts": lambda r: dict(zip(r.values("class"), map(int, r.values("entities"))))["http://schema.org/Person"] >= 25,
    "source-counts": lambda r: (
        len(r.rows) >= 30
        and all(int(n) > 0 for n in r.values("facts"))
        and len(r.values("source")) == len(set(r.values("source")))  # one row per source, whatever its title languages
    ),
    "entity-search": lambda r: SFR["soyuz-ms-19"] in r.values("entity") and SFR["soyuz-ms-18"] in r.values("entity"),
    "money": lambda r: (
        {("budget", "1155 million RUB"), ("box office", "23.4 million USD")} <= {(text(f), text(m)) for f, _, _, m, *_ in r.rows}
        and all(str(source).startswith("http") for source in r.values("source"))
    ),
    "source-kinds": lambda r: (
        {"sf:NewsSource", "sf:Encyclopedia", "sf:SecondaryCopy"} <= {display(ox.NamedNode(k)) for k in r.values("kind")}
        and all(int(n) > 0 for n in r.values("sources"))
    ),
    "linkable-entities": lambda r: (
        all(int(a) >= int(b) >= 0 for a, b in zip(r.values("entities"), r.values("withKey")))
        and all(int(k) >= int(lk) for k, lk in zip(r.values("withKey"), r.values("linkable")))
        and dict(zip(r.values("class"), map(int, r.values("linkable"))))["http://schema.org/Person"] >= 20
    ),
    "organisation-people": lambda r: (
        {
            ("Roscosmos", "head", "Dmitry Rogozin", "2018-05-24", "2022-07-15"),
            # a post, one row with its own title and dates (Yury Borisov's article: "Assumed office 19 May 2025")
            ("Federation Council", "post", "Yury Borisov", "2025-05-19", "None"),
        }
        <= {tuple(map(text, row[:3] + row[4:6])) for row in r.rows}
    ),
}


def test_every_query_has_an_expected_answer() -> None:
    assert set(EXPECTED) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_query_answer_on_built_graph(local: LocalBackend, name: str) -> None:
    result = run(local, name)
    if name != "conflicts-with-wikidata":  # empty until Wikidata facts are fetched; see the test below
        assert result.rows, f"{name} returned no rows"
    assert EXPECTED[name](result), f"{name}: unexpected answer\n{result.rows[:10]}"


def _normalised(result: QueryResult) -> list[tuple[str, ...]]:
    """Rows as comparable strings; GROUP_CONCAT cells compared as sets of their parts."""

    def cell(term) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.BlankNode):
            return "_:blank"  # blank node labels differ between stores
        return " ".join(sorted(filter(None, re.split(r"[ ()]+|, ", term.value))))  # value (its sources) | … too

    return sorted(tuple(cell(c) for c in row) for row in result.rows)


@pytest.mark.parametrize("name", NAMES)
def test_same_rows_from_a_real_sparql_server(local: LocalBackend, exported_server, name: str) -> None:
    remote = RemoteBackend(exported_server.query_endpoint, timeout=300)
    assert _normalised(run(remote, name)) == _normalised(run(local, name))


def test_parameters_change_the_answer(local: LocalBackend) -> None:
    novitsky = run(local, "facts-about", entity="sfr:oleg-novitsky")
    assert ("http://www.w3.org/2002/07/owl#sameAs", "http://www.wikidata.org/entity/Q963226") in {
        (text(r[1]), text(r[2])) for r in novitsky.rows
    }
    peresild = run(local, "facts-about", entity="<https://w3id.org/spacefilms/resource/yulia-peresild>")
    assert novitsky.rows and peresild.rows and novitsky.rows != peresild.rows
    found = run(local, "entity-search", text="Пересильд").values("entity")
    assert SFR["yulia-peresild"] in found and SFR["oleg-novitsky"] not in found


HOSTILE = ['"} ; DROP ALL ; #', "x' } UNION { ?s ?p ?o } #", "line\nbreak", "{{}}", "\\", "Юлия 🚀", '"""', "?entity"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_string_values_are_bound_as_literals(local: LocalBackend, value: str) -> None:
    result = run(local, "entity-search", text=value)
    assert result.rows == []  # no label contains these: the value was matched as text, not run as SPARQL


@pytest.mark.parametrize(
    "value", ["sfr:x> } ; DROP ALL ; <a:b", "sfr:a b", "not an iri", "http://x/{y}", 'http://x/"', "sfr:x\n"]
)
def test_hostile_iri_values_are_rejected(value: str) -> None:
    with pytest.raises(SpacefilmsError, match="is not a valid IRI"):
        get_query("facts-about").bind({"entity": value})


@pytest.mark.parametrize(
    ("kind", "value"), [("date", "2021-10-05'"), ("integer", "1; DROP"), ("dateTime", "yesterday"), ("lang", "en}")]
)
def test_typed_values_are_validated(kind: str, value: str) -> None:
    with pytest.raises(SpacefilmsError, match="is not a"):
        to_term(value, kind)


def test_typed_values_become_typed_terms() -> None:
    assert to_term("2021-10-05", "date") == ox.Literal("2021-10-05", datatype=ox.NamedNode(XSD.date))
    assert to_term("sfr:iss", "iri") == ox.NamedNode(SFR.iss)
    assert to_term('a "quote"', "string") == ox.Literal('a "quote"')


def test_inlined_values_sit_inside_the_where_group() -> None:
    text = "PREFIX x: <http://x/> # WHERE { in a comment\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    out = inline_bindings(text, {"s": ox.NamedNode("http://x/a"), "o": ox.Literal('he said "}"')})
    assert out.endswith('WHERE { VALUES (?s ?o) { (<http://x/a> "he said \\"}\\"") }  ?s ?p ?o }')


def test_unknown_query_suggests_close_names(cli) -> None:
    result = cli("query", "flight-crew")
    assert result.exit_code == 1
    assert "unknown query 'flight-crew'; did you mean flight-crews" in result.stderr


def test_missing_and_unknown_parameters_are_named(tmp_path: Path, cli) -> None:
    rq = tmp_path / "needs.rq"
    rq.write_text("# title: t\n# param: who (iri) — a person\nSELECT ?p WHERE { ?who ?p ?o }\n")
    result = cli("query", "--file", str(rq))
    assert result.exit_code == 1 and "missing parameter 'who' (iri): a person" in result.stderr
    result = cli("query", "cast", "--param", "flim=sfr:x")
    assert result.exit_code == 1 and "unknown parameter 'flim'; this query takes: film" in result.stderr


def test_syntax_error_names_file_line_and_column(tmp_path: Path, cli) -> None:
    rq = tmp_path / "broken.rq"
    rq.write_text("# title: broken\nSELECT ?s\nWHERE {\n  ?s ?p\n}\n")
    result = cli("query", "--file", str(rq))
    assert result.exit_code == 1  # the object is missing: the parser reads on to the end
    assert result.stderr.startswith(f"error: {rq}:6:1: SPARQL syntax error: the query cannot be read to its end (check ")
    result = cli("query", "--sparql", "SELECT * WHERE { ?s ?p }")
    assert result.exit_code == 1 and result.stderr.startswith(
        "error: --sparql:1:25: SPARQL syntax error: the query cannot be read to its end"
    )
    result = cli("query", "--sparql", "SELECT * WHERE { ?s ?p ?o . FILTER (?o = ) }\nLIMIT 3")
    assert result.exit_code == 1 and result.stderr.startswith(
        "error: --sparql:2:8: SPARQL syntax error: the query cannot be read"
    )


def test_a_typo_in_a_query_gets_one_line_pointing_at_it(tmp_path: Path, cli) -> None:
    """The position is in the user's own text (predeclared prefixes are not lines of it), the cause in words."""
    result = cli("query", "--sparql", "SELECT ?s WHERE { ?s dcterm:source ?o }")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --sparql:1:35: unknown prefix dcterm: declare it with PREFIX, or use one of ")
    assert result.stderr.count("\n") == 1 and "sf:, sfr:" in result.stderr
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT ?film\nWHERE { ?film a schemaa:Movie .\n}\n")
    result = cli("query", "--file", str(rq))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {rq}:2:30: unknown prefix schemaa: ")
    result = cli("query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o ")
    assert result.exit_code == 1 and result.stderr.startswith(
        "error: --sparql:1:28: SPARQL syntax error: the query cannot be read to its end"
    )


def test_output_formats(monkeypatch: pytest.MonkeyPatch, cli) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # a wide terminal: no cell needs wrapping
    table = cli("query", "flight-crews").stdout
    assert "Soyuz MS-19" in table and "sfr:" not in table.splitlines()[0]
    csv_out = cli("query", "cast", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "performer,performerLabel,character,language,pages,sources"
    assert any(line.startswith("https://w3id.org/spacefilms/resource/yulia-peresild,Yulia Peresild") for line in csv_out)
    assert cli("query", "cast", "--format", "tsv").stdout.splitlines()[0].split("\t")[0] == "performer"
    import json

    data = json.loads(cli("query", "cast", "--format", "json").stdout)
    assert data["head"]["vars"][0] == "performer" and data["results"]["bindings"]
    markdown = cli("query", "cast", "--format", "markdown").stdout.splitlines()
    assert markdown[0].startswith("| performer |") and markdown[1].startswith("|---|")
    assert "sfr:yulia-peresild" in cli("query", "cast").stdout
    assert "https://w3id.org/spacefilms/resource/yulia-peresild" in cli("query", "cast", "--full-iris").stdout


def test_adhoc_sparql_with_predeclared_prefixes(cli) -> None:
    result = cli("query", "--sparql", "SELECT ?d WHERE { sfr:the-challenge schema:director ?d }")
    assert result.exit_code == 0 and "sfr:klim-shipenko" in result.stdout


def test_remote_endpoint_via_cli(cli, exported_server) -> None:
    result = cli("query", "film-credits", "--endpoint", exported_server.query_endpoint, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "director,https://w3id.org/spacefilms/resource/klim-shipenko,Klim Shipenko" in result.stdout


def test_unreachable_endpoint_is_a_clear_error(cli) -> None:
    from spacefilms.endpoints.oxigraph_server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    result = cli("query", "cast", "--endpoint", url, "--timeout", "3")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [result.stderr.splitlines()[-1]] and errors[0].startswith(f"error: {url}: request failed")


def test_conflicts_query_finds_a_wikidata_disagreement(tmp_path: Path) -> None:
    """A Wikidata graph that gives another runtime than the curated source shows up as a conflict."""
    import pyoxigraph as ox

    from spacefilms.store.build import load_and_validate
    from spacefilms.store.ondisk import replace_store

    data = load_and_validate(MINI)
    film = ox.NamedNode(SFR["test-film"])
    duration = ox.NamedNode("http://schema.org/duration")
    xsd_duration = ox.NamedNode("http://www.w3.org/2001/XMLSchema#duration")
    graph = ox.NamedNode("https://w3id.org/spacefilms/graph/wikidata/fixture-item")
    extra = [
        ox.Quad(film, duration, ox.Literal("PT95M", datatype=xsd_duration), graph),
        ox.Quad(film, duration, ox.Literal("PT90M", datatype=xsd_duration), ox.NamedNode("https://example.org/test-source")),
    ]
    store = replace_store([*data.store, *extra], tmp_path / "store")
    rows = run(LocalBackend(store), "conflicts-with-wikidata").rows
    assert [(text(r[0]), text(r[2]), text(r[4])) for r in rows] == [("Test Film", "PT1H30M", "PT1H35M")]


def test_a_query_cites_only_the_graphs_the_data_declares_sources(tmp_path: Path) -> None:
    """In the published layout (the merge beside the graphs, a manifest) `GRAPH ?source` meets every graph: a bundled
    query cites a declared page and a Wikidata item's graph, never the merge, the manifest or an undeclared graph."""
    from spacefilms.store.build import load_and_validate
    from spacefilms.store.ondisk import replace_store

    film, item = ox.NamedNode(SFR["test-film"]), ox.NamedNode(WD.Q1)
    duration = ox.NamedNode(str(SCHEMA.duration))
    wikidata, undeclared = ox.NamedNode(WIKIDATA_GRAPH_BASE + "Q1"), ox.NamedNode("https://example.org/undeclared")
    extra = [  # a Wikidata item's graph as the enrichment writes it: derived from its item
        ox.Quad(wikidata, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PROV.Entity)), wikidata),
        ox.Quad(wikidata, ox.NamedNode(str(PROV.wasDerivedFrom)), item, wikidata),
        ox.Quad(film, duration, ox.Literal("PT95M", datatype=ox.NamedNode(str(XSD.duration))), wikidata),
        ox.Quad(film, duration, ox.Literal("PT91M", datatype=ox.NamedNode(str(XSD.duration))), undeclared),
    ]
    quads = published_quads([*load_and_validate(MINI).store, *extra], default_graph=True)
    assert {MERGE_GRAPH, MANIFEST_GRAPH} <= {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    rows = run(LocalBackend(replace_store(quads, tmp_path / "store")), "facts-about", entity="sfr:test-film").rows
    assert {text(row[4]) for row in rows} == {"https://example.org/test-source", WIKIDATA_GRAPH_BASE + "Q1"}


def _variables(node: object) -> set[str]:
    """Every variable an algebra expression mentions."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, Variable):
        return {str(node)}
    if isinstance(node, CompValue):
        return {v for key, value in node.items() if key != "_vars" for v in _variables(value)}
    if isinstance(node, (list, tuple)):
        return {v for item in node for v in _variables(item)}
    return set()


def _out_of_scope(node: object, params: set[str], in_branch: bool = False) -> set[str]:
    """Parameters a FILTER inside a UNION branch compares although nothing in that branch binds them: SPARQL evaluates
    the branch on its own, so the comparison is an error and the branch never matches."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found = set()
    if isinstance(node, CompValue):
        if node.name == "Filter" and in_branch:
            bound = {str(v) for v in getattr(node.p, "_vars", set())}
            found |= (_variables(node.expr) & params) - bound
        for key, value in node.items():
            if key != "_vars":
                found |= _out_of_scope(value, params, in_branch or node.name == "Union")
    elif isinstance(node, (list, tuple)):
        for item in node:
            found |= _out_of_scope(item, params, in_branch)
    return found


def test_scope_check_catches_a_parameter_compared_inside_a_union_branch() -> None:
    from rdflib.plugins.sparql import prepareQuery

    text = """SELECT ?x WHERE { { ?project ?p ?x } UNION { ?project ?p ?m . ?m ?q ?x FILTER (?m != ?rival) } }"""
    assert _out_of_scope(prepareQuery(text).algebra, {"project", "rival"}) == {"rival"}


@pytest.mark.parametrize("query", [q for q in list_queries() if q.parameters], ids=lambda q: q.name)
def test_parameters_are_in_scope_where_queries_compare_them(query) -> None:
    from rdflib.plugins.sparql import prepareQuery

    params = {p.name for p in query.parameters}
    assert _out_of_scope(prepareQuery(query.text).algebra, params) == set()


def test_tables_wrap_to_the_width_and_drop_nothing(local: LocalBackend) -> None:
    result = run(local, "facts-about", entity="sfr:soyuz-ms-18")
    wide, narrow = format_result(result, "table", width=10_000), format_result(result, "table", width=90)
    assert all(len(line) <= 90 for line in narrow.splitlines())
    assert "https://tass.com/science/1350499" in wide and "…" not in wide + narrow
    body = lambda table: sorted("".join("".join(table.splitlines()[2:]).split()))  # noqa: E731  (rows, not the rule)
    assert body(wide) == body(narrow)  # the same characters, only laid out again


def test_select_star_columns_come_in_the_query_order(cli) -> None:
    header = cli("query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv").stdout.splitlines()[0]
    assert header == "s,p,o"
    header = cli("query", "--sparql", "SELECT * WHERE { ?o ?p ?s } LIMIT 1", "--format", "csv").stdout.splitlines()[0]
    assert header == "o,p,s"


@pytest.mark.parametrize("name", NAMES)
def test_every_query_file_runs_as_written_on_a_plain_server(
    exported_server: OxigraphServer, local: LocalBackend, name: str
) -> None:
    """Run unchanged (its defaults are in its text), a .rq file gives its documented default answer anywhere."""
    query = get_query(name)
    as_written = RemoteBackend(exported_server.query_endpoint, timeout=300).run(query.path.read_text(encoding="utf-8"))
    assert _normalised(as_written) == _normalised(local.run(query.text, query.bind({})))


def test_a_parameter_replaces_the_default_in_the_text(local: LocalBackend) -> None:
    for query in list_queries():
        for param in query.parameters:  # the header's default and the text's default are the same
            value = param.default if param.type == "iri" else f'"{param.default}"'
            assert re.search(rf"VALUES[^{{]*\?{param.name}\b[^}}]*\{{[^}}]*{re.escape(value)}", query.text), (
                query.name,
                param.name,
            )
    cast = get_query("cast")
    facts = get_query("facts-about")
    novitsky = local.run(facts.text, facts.bind({"entity": "sfr:oleg-novitsky"}))
    film = local.run(facts.text, facts.bind({}))
    assert "sfr:soyuz-ms-18" in {display(v) for v in novitsky.column("value")} and novitsky.rows != film.rows
    assert inline_bindings(cast.text, cast.bind({})).count("VALUES") == 1


def test_the_queries_are_data_in_the_built_store(local: LocalBackend) -> None:
    """Each .rq file is an sh:SPARQLExecutable in the queries graph; run from there, it answers as the file does."""
    rows = local.select(
        """PREFIX schema: <https://schema.org/>  # sparql-examples' spelling, in the queries graph only
           SELECT ?name ?text WHERE { GRAPH <https://w3id.org/spacefilms/graph/queries> {
             ?q a sh:SPARQLExecutable ; schema:identifier ?name ; rdfs:label ?title ; rdfs:comment ?comment ;
                schema:target ?endpoint ; sh:prefixes [ sh:declare [ sh:prefix "sfr" ; sh:namespace ?sfr ] ] .
             { ?q sh:select ?text } UNION { ?q sh:ask ?text } UNION { ?q sh:construct ?text } } }"""
    )
    stored = {row["name"].value: row["text"].value for row in rows}
    assert set(stored) == set(NAMES)
    for name in ("cast", "race", "source-kinds"):
        query = get_query(name)
        assert stored[name] == query.text
        assert _normalised(local.run(stored[name])) == _normalised(local.run(query.text, query.bind({})))
    params = local.select(
        """PREFIX schema: <https://schema.org/>
           SELECT ?name ?default WHERE { GRAPH <https://w3id.org/spacefilms/graph/queries> {
             <https://w3id.org/spacefilms/query/connection-path> sh:parameter [ schema:name ?name ; sh:defaultValue ?default ] } }"""
    )
    assert {(r["name"].value, r["default"].value) for r in params} == {("from", "sfr:tom-cruise"), ("to", "sfr:yulia-peresild")}


def test_cast_lists_actors_without_a_named_character(local: LocalBackend) -> None:
    """Apogee of Fear's pages list its cast without characters: every actor still comes, the character empty."""
    cast = get_query("cast")
    result = local.run(cast.text, cast.bind({"film": "sfr:apogee-of-fear"}))
    assert {(text(row[1]), text(row[2])) for row in result.rows} == {
        (name, "") for name in ("Richard Garriott", "Greg Chamitoff", "Michael Fincke", "Yuri Lonchakov")
    }
    assert all("en.wikipedia.org/wiki/Apogee_of_Fear" in str(s) for s in result.values("sources"))


def test_an_empty_comparison_with_wikidata_says_why(cli) -> None:
    result = cli("query", "conflicts-with-wikidata")
    assert result.exit_code == 0 and "(0 rows)" in result.stdout
    assert result.stderr == (
        "hint: no Wikidata facts in this graph yet, so nothing to compare: run `spacefilms link` and `spacefilms enrich` first\n"
    )


def test_an_entity_parameter_takes_an_exact_name_as_diagram_focus_does(cli) -> None:
    by_name = cli("query", "facts-about", "-p", "entity=Klim Shipenko", "--format", "tsv")
    by_iri = cli("query", "facts-about", "-p", "entity=sfr:klim-shipenko", "--format", "tsv")
    assert by_name.exit_code == 0 and by_name.stdout == by_iri.stdout and "sfr:" not in by_name.stderr
    russian = cli("query", "cast", "-p", "film=Вызов", "--format", "tsv")
    assert russian.stdout == cli("query", "cast", "--format", "tsv").stdout  # any language's label
    unknown = cli("query", "facts-about", "-p", "entity=Klim Shipenk")
    assert unknown.exit_code == 1 and unknown.stderr == (
        "error: no entity is named 'Klim Shipenk'; `spacefilms query entity-search -p text=…` finds entities\n"
    )
    twice = cli("query", "facts-about", "-p", "entity=Apollo 11")  # the 1969 flight and the 2019 film
    assert twice.exit_code == 1 and twice.stderr == (
        "error: several entities are named 'Apollo 11': sfr:apollo-11, sfr:apollo-11-2019-film; give one's IRI\n"
    )


def test_answers_hold_pyoxigraph_terms_and_give_rdflib_ones_on_request(local: LocalBackend) -> None:
    """One term model inside; rdflib's only where a user asks for it, and CONSTRUCT answers written by Oxigraph."""
    from rdflib import Graph, Literal, URIRef

    cast = run(local, "cast", film="sfr:the-challenge")
    assert isinstance(cast.rows[0][0], ox.NamedNode) and isinstance(cast.to_rdflib()[0][0], URIRef)
    assert Literal("Yulia Peresild", lang="en") in {row[1] for row in cast.to_rdflib()}
    with pytest.raises(SpacefilmsError, match="not a graph"):
        cast.graph()
    text = "CONSTRUCT { ?f schema:director ?d } WHERE { ?f schema:director ?d }"
    directed = local.run(text)
    graph = directed.graph()
    assert isinstance(graph, Graph) and len(graph) == len(directed.triples) >= 10
    assert (URIRef(SFR["the-challenge"]), URIRef("http://schema.org/director"), URIRef(SFR["klim-shipenko"])) in graph
    turtle = format_result(directed)
    assert "@prefix schema: <http://schema.org/> ." in turtle and "sfr:the-challenge schema:director sfr:klim-shipenko" in turtle
    assert len(list(ox.parse(turtle.encode(), ox.RdfFormat.TURTLE))) == len(directed.triples)


def test_namespace_terms_are_plain_strings_none_hidden_by_a_string_method() -> None:
    from spacefilms.namespaces import DCTERMS

    assert DCTERMS.title == "http://purl.org/dc/terms/title" and type(SF.Film) is str
    assert SFR["outer-space"] == f"{SFR}outer-space" == str(SFR) + "outer-space"
