"""The one "did you mean" rule: the same idea of close, casefolded, and the same message shape everywhere."""

from __future__ import annotations

from spacefilms.core.naming import close_names, did_you_mean
from spacefilms.diagrams.presets import PRESETS

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


def test_an_unknown_preset_is_the_one_line_a_diagram_command_prints(cli, tmp_path) -> None:
    """Before the missing --output, before any "Drawing …" line: the preset is the first thing that is wrong."""
    for output in ([], ["-o", str(tmp_path / "nope.svg")]):
        result = cli("diagram", "nope", *output)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.splitlines() == [f"error: unknown preset 'nope'; presets: {', '.join(PRESETS)}"]
    assert list(tmp_path.iterdir()) == []
