"""The one "did you mean" rule: the same idea of close, casefolded, and the same message shape everywhere."""

from __future__ import annotations

from spacefilms.core.naming import close_names, did_you_mean

QUERIES = ["flight-crews", "film-world", "cast", "entity-search"]


def test_close_names_ignore_case_and_keep_the_known_spelling() -> None:
    assert close_names("FLIGHT-CREW", QUERIES) == ["flight-crews"]
    assert close_names("Film-Wrld", ["Film-World", "race"]) == ["Film-World"]


def test_a_name_contained_in_known_ones_is_offered_when_none_is_close() -> None:
    assert close_names("search", QUERIES) == ["entity-search"]
    assert close_names("zzz", QUERIES) == []


def test_the_message_tail_has_one_shape() -> None:
    assert did_you_mean("cats", QUERIES) == "; did you mean cast?"
    assert did_you_mean("zzz", QUERIES, "`spacefilms queries` lists them") == "; `spacefilms queries` lists them"
    assert did_you_mean("zzz", QUERIES) == ""
