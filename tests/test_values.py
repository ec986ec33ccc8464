"""The one label rule and the one money rule the site, the diagrams and the Wikidata mapping share."""

from __future__ import annotations

import pytest

from spacefilms.core.backends import LocalBackend
from spacefilms.core.values import format_money, pick_label
from spacefilms.diagrams.network import load_graph_data
from spacefilms.namespaces import SF, SFR

NAMES = {"ru": "Вызов", "en": "The Challenge", "": "Challenge"}


def test_the_language_asked_for_then_english_then_untagged() -> None:
    assert pick_label(NAMES, "ru") == "Вызов"
    assert pick_label(NAMES, "fr") == "The Challenge"
    assert pick_label({"ru": "Вызов", "": "Challenge"}, "fr") == "Challenge"
    assert pick_label({"en": "", "": "Challenge"}) == "Challenge"  # an empty label is no label


def test_wikidata_falls_back_to_mul_only() -> None:
    assert pick_label(NAMES, "fr", fallbacks=("mul",)) == ""
    assert pick_label({"en": "Soyuz", "mul": "Союз"}, "ru", fallbacks=("mul",)) == "Союз"
    assert pick_label({}, "en") == ""


@pytest.fixture(scope="module")
def data(built_store):
    return load_graph_data(LocalBackend(built_store))


def test_an_amount_reads_the_same_in_a_picture_as_on_the_site(data) -> None:
    """The diagrams' fact panel shows the budget as the site does, not the raw lexical form ``905000000``."""
    budgets = [value for (p, value, _) in data.facts[str(SFR["the-challenge"])] if p == str(SF.budget)]
    assert format_money("905000000", "RUB") == "905,000,000 RUB (905 million)"
    assert any(b.startswith("905,000,000 RUB (905 million) (") for b in budgets)  # then the page's note
    assert not any("905000000" in b for b in budgets)
