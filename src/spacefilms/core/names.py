"""Finding an entity by its name: one rule for every command that takes a name where an IRI could go (a query's
entity parameter, ``diagram --focus``, ``timeline --project``).

Two names are the same when they match with case folded and spaces collapsed, in Unicode's composed form: "klim
shipenko" finds Klim Shipenko, "вызов" finds Вызов. Accents are kept: "Pesquet" is not "Pésquet".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import pyoxigraph as ox

from spacefilms.core.backends import Backend
from spacefilms.core.naming import FIND_ENTITIES
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import compact

# every label of an entity (the resource namespace): a graph has a few thousand, compared here by name_key
_LABELS = "SELECT DISTINCT ?e ?label WHERE { ?e rdfs:label ?label FILTER (STRSTARTS(STR(?e), STR(sfr:))) }"


def name_key(text: str) -> str:
    """What two names share when they are the same name (see the module docstring)."""
    composed = unicodedata.normalize("NFC", " ".join(text.split()))
    return unicodedata.normalize("NFC", composed.casefold())


def the_one_named(name: str, iris: Iterable[str], where: str | None = None) -> str:
    """The one IRI of ``iris`` (the entities named ``name``); an error (about ``where`` the name came in) naming them
    when there are several, and how to search when there is none."""
    found = sorted(set(iris))
    if len(found) == 1:
        return found[0]
    if found:
        raise SpacefilmsError(f"several entities are named {name!r}: {', '.join(map(compact, found))}; give one's IRI", where)
    raise SpacefilmsError(f"no entity is named {name!r}; {FIND_ENTITIES}", where)


def entity_named(backend: Backend, name: str) -> str:
    """The IRI of the one entity a label of which (in any language) is ``name`` by :func:`name_key`."""
    key = name_key(name)
    rows = backend.select(_LABELS).rows
    return the_one_named(name, (row[0].value for row in rows if isinstance(row[1], ox.Literal) and name_key(row[1].value) == key))
