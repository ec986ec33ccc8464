"""The one label rule the site, the diagrams and the Wikidata mapping share."""

from __future__ import annotations

from spacefilms.core.values import pick_label

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
