"""The search index: every entity's names (English, Russian, alternative) and every source's title, as a script
that sets a global. A ``.js`` file, not JSON: pages opened from ``file://`` cannot fetch a JSON file, but can load a
script; ``search.js`` loads it on first use, so pages that are only read do not pay for it.

Each entry is kept as its JSON text from when its entity's page is written, so the index of a big graph costs about
its own size in memory, not a dictionary per entity."""

from __future__ import annotations

import json

import pyoxigraph as ox

from spacefilms.site.index import ALT_LABEL, LABEL, SiteData
from spacefilms.site.paths import resource_page, source_page

INDEX_FILE = "search-index.js"


def _json(entry: dict) -> str:
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def search_entry(data: SiteData, iri: str, kind: str) -> tuple[str, str] | None:
    """A named entity's entry (page relative to the root, names, what it is) and the key it is sorted by; None for
    an entity without a name."""
    names = data.names(iri)
    if not names:
        return None
    label = data.label(iri)
    others = {o.value for p, o, _ in data.entity(iri).out if p in (LABEL, ALT_LABEL) and isinstance(o, ox.Literal)}
    ru = names.get("ru", "")
    entry = {"u": resource_page(iri), "l": label, "k": kind}
    if data.label_lang(iri):
        entry["ll"] = data.label_lang(iri)
    if ru and ru != label:
        entry["r"] = ru
    alternates = sorted(others - {label, ru})
    if alternates:
        entry["a"] = alternates
    return label.casefold(), _json(entry)


def source_entries(data: SiteData) -> list[str]:
    """One entry per source, after the entities'."""
    entries = []
    for iri, source in sorted(data.sources.items()):
        entry = {"u": source_page(iri), "l": source.name, "k": "source"}
        if source.publisher and source.publisher not in source.name:
            entry["a"] = [source.publisher]
        entries.append(_json(entry))
    return entries


def search_script(entries: list[str]) -> bytes:
    """The entries (JSON texts, in order) as the script that sets the global ``search.js`` reads."""
    return f"window.SPACEFILMS_SEARCH = [{','.join(entries)}];\n".encode()
