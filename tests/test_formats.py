"""The one table of formats: its RDF rows agree with pyoxigraph, and no file name ending means two things to one
command."""

from __future__ import annotations

from collections import Counter

import pytest

from spacefilms.core.formats import DIAGRAM, EXPORT, LOAD, QUERY, SITE, TABLE, TIMELINE, formats, suffixes


def test_rdf_rows_agree_with_pyoxigraph() -> None:
    for f in (f for f in TABLE if f.rdf is not None):
        assert (f.media_type, f.suffixes[0]) == (f.rdf.media_type, f".{f.rdf.file_extension}"), f.name


@pytest.mark.parametrize("command", [QUERY, EXPORT, SITE, LOAD, DIAGRAM, TIMELINE])
def test_no_ending_means_two_formats_to_one_command(command: str) -> None:
    endings = Counter(s for f in formats(command).values() for s in f.suffixes)
    assert [s for s, n in endings.items() if n > 1] == []
    assert set(suffixes(command).values()) <= set(formats(command))


def test_each_command_takes_what_it_always_took() -> None:
    assert tuple(formats(QUERY)) == ("table", "csv", "tsv", "json", "markdown")
    assert tuple(formats(EXPORT)) == ("ttl", "nt", "trig", "nq", "jsonld")
    assert suffixes(EXPORT)[".json"] == "jsonld"
    assert tuple(formats(SITE)) == ("ttl", "trig", "jsonld")
    assert tuple(suffixes(LOAD)) == (".ttl", ".trig", ".nq")
    assert tuple(formats(TIMELINE)) == ("png", "svg", "pdf")
    assert {s: suffixes(DIAGRAM)[s] for s in (".gv", ".htm")} == {".gv": "dot", ".htm": "html"}
    assert [f.family for f in formats(DIAGRAM).values()] == ["static"] * 3 + ["interactive"] + ["export"] * 3
