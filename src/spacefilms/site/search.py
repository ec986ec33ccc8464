"""The search index: every entity's names (English, Russian, alternative) and every source's title, as a script
that sets a global. A ``.js`` file, not JSON: pages opened from ``file://`` cannot fetch a JSON file, but can load a
script; ``search.js`` loads it on first use, so pages that are only read do not pay for it."""

from __future__ import annotations

import json

from spacefilms.site.index import ALT_LABEL, LABEL, SiteData
from spacefilms.site.paths import resource_page, source_page

INDEX_FILE = "search-index.js"


def search_entries(data: SiteData, kinds: dict[str, str]) -> list[dict]:
    """One entry per named entity, then per source: page (relative to the root), names, what it is."""
    entries = []
    for iri, entity in data.entities.items():
        names = data.labels.get(iri, {})
        if not names:
            continue
        label = data.label(iri)
        others = {o.value for p, o, _ in entity.out if p in (LABEL, ALT_LABEL) and hasattr(o, "language")}
        ru = names.get("ru", "")
        entry = {"u": resource_page(iri), "l": label, "k": kinds.get(iri, "")}
        if data.label_lang(iri):
            entry["ll"] = data.label_lang(iri)
        if ru and ru != label:
            entry["r"] = ru
        alternates = sorted(others - {label, ru})
        if alternates:
            entry["a"] = alternates
        entries.append(entry)
    entries.sort(key=lambda e: e["l"].casefold())
    for iri, source in sorted(data.sources.items()):
        entry = {"u": source_page(iri), "l": source.name, "k": "source"}
        if source.publisher and source.publisher not in source.name:
            entry["a"] = [source.publisher]
        entries.append(entry)
    return entries


def search_script(entries: list[dict]) -> bytes:
    text = (
        json.dumps(entries, ensure_ascii=False, separators=(",", ":")).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return f"window.SPACEFILMS_SEARCH = {text};\n".encode()
