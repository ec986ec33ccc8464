"""Where each thing of the graph lives in the website: stable, relative paths that work from ``file://`` and any host.

A resource ``https://w3id.org/spacefilms/resource/X`` is the page ``resource/X.html`` (with ``resource/X.ttl``,
``resource/X.trig`` and ``resource/X.jsonld`` beside it), so a redirect from w3id.org only appends ``.html``. A
path segment that is not plain (letters, digits, ``-``, ``_``, ``.``) is cleaned and given a short hash, so that
two resources never share a file and no segment climbs out of its folder. A source page (any URL) gets
``source/<host-and-path>-<hash>.html``.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from spacefilms.namespaces import SFR

RESOURCE_BASE = str(SFR)
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _digest(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def _segment(text: str) -> str:
    if _PLAIN.fullmatch(text) and not text.endswith((".html", ".ttl", ".trig", ".jsonld")) and ".." not in text:
        return text
    cleaned = _UNSAFE.sub("_", text).strip("_")[:60]
    return f"{cleaned}-{_digest(text)}" if cleaned else _digest(text)


def is_resource(iri: str) -> bool:
    """A project resource (``sfr:…``): the things that get pages."""
    return iri.startswith(RESOURCE_BASE) and len(iri) > len(RESOURCE_BASE)


@lru_cache(maxsize=1 << 16)  # the same people, places and flights are linked from page after page
def resource_stem(iri: str) -> str:
    """``resource/yulia-peresild`` for ``sfr:yulia-peresild``: the page path without its suffix."""
    local = iri[len(RESOURCE_BASE) :]
    return "resource/" + "/".join(_segment(part) for part in local.split("/"))


def resource_page(iri: str) -> str:
    return resource_stem(iri) + ".html"


def source_page(iri: str) -> str:
    """``source/tass-com-science-1350499-3f2a9c1d.html`` for ``https://tass.com/science/1350499``."""
    readable = re.sub(r"^[a-z]+://(www\.)?", "", iri)
    cleaned = _UNSAFE.sub("-", readable).strip("-")[:70].rstrip("-")
    return f"source/{cleaned or 'source'}-{_digest(iri)}.html"


def class_page(iri: str, page: int = 1) -> str:
    """``class/person.html`` (and ``class/person-2.html`` … for the next pages of a long list)."""
    local = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    name = _segment(local.lower()) if local else _digest(iri)
    return f"class/{name}.html" if page == 1 else f"class/{name}-{page}.html"


def query_page(name: str) -> str:
    return f"query/{_segment(name)}.html"


def root_of(path: str) -> str:
    """The relative way back to the site's root from the page at ``path``: ``""``, ``"../"``, ``"../../"`` …"""
    return "../" * path.count("/")
