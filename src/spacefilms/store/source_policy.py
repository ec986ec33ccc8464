"""The source policy, checked on every build: a curated fact must rest on at least one page a journalist can cite.

A source counts as a secondary copy when it is declared ``sf:SecondaryCopy`` or its host is one of the listed copy
domains (``ontologies/copy-domains.tsv``: mirrors, reposts, aggregators, SEO templates, with the reason for each).
A fact stated only in such graphs is refused, and a source on a listed domain must be declared a secondary copy.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from spacefilms.core.backends import Backend
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import SOURCES_GRAPH, sparql_prologue

_DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*")  # lower case, no path: written into a regular expression as is
_HOST = r'REPLACE(STR(%s), "^[A-Za-z][A-Za-z0-9+.-]*://([^/@]*@)?([^/:?#]+).*$", "$2")'


@dataclass(frozen=True)
class CopyDomain:
    domain: str
    what: str
    reason: str


def read_copy_domains(path: Path) -> list[CopyDomain]:
    """The listed domains; a malformed row is an error naming its line."""
    try:
        lines = [
            (n, line)
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if line and not line.startswith("#")
        ]
    except OSError as exc:
        raise SpacefilmsError(f"cannot read the copy-domain list: {exc.strerror or exc}", str(path)) from None
    domains = []
    for (number, _), row in zip(lines[1:], csv.reader([line for _, line in lines[1:]], delimiter="\t")):
        if len(row) != 3 or not _DOMAIN.fullmatch(row[0]):
            raise SpacefilmsError("expected: domain (lower case, no path), what, reason", f"{path}:{number}")
        domains.append(CopyDomain(*row))
    return domains


def _listed(variable: str, domains: list[CopyDomain]) -> str:
    """SPARQL that binds ``?listed_<name>`` (for the IRI in ``variable``, ``?<name>``): whether its host is a listed
    domain or one of its subdomains. One regular expression per IRI for the host and one for all domains: a test per
    listed domain took most of the policy's time on a million triples."""
    alternatives = "|".join(d.domain.replace(".", "\\\\.") for d in domains)
    test = f'REGEX({_HOST % variable}, "(^|\\\\.)({alternatives})$", "i")' if domains else "false"
    return f"BIND ({test} AS ?listed_{variable[1:]})"


def policy_query(domains: list[CopyDomain]) -> str:
    """Rows ?check ?s ?p ?o ?g: check 0, a fact stated only by secondary copies (one of them in ?g); check 1, a
    source ?g on a listed domain that is not declared sf:SecondaryCopy."""
    declared = f"EXISTS {{ GRAPH <{SOURCES_GRAPH}> {{ ?g sf:sourceKind sf:SecondaryCopy }} }}"
    citable_other = f"""GRAPH <{SOURCES_GRAPH}> {{ ?other a sf:Source }}
        FILTER NOT EXISTS {{ GRAPH <{SOURCES_GRAPH}> {{ ?other sf:sourceKind sf:SecondaryCopy }} }}
        {_listed("?other", domains)} FILTER (!?listed_other)"""
    return (
        sparql_prologue()
        + f"""
SELECT ?check ?s ?p ?o ?g WHERE {{
  {{
    {{ SELECT ?g WHERE {{ GRAPH <{SOURCES_GRAPH}> {{ ?g a sf:Source }} {_listed("?g", domains)} FILTER ({declared} || ?listed_g) }} }}
    GRAPH ?g {{ ?s ?p ?o }}
    FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} {citable_other} }}
    BIND (0 AS ?check)
  }} UNION {{
    GRAPH <{SOURCES_GRAPH}> {{ ?g a sf:Source }}
    {_listed("?g", domains)}
    FILTER (?listed_g && NOT {declared})
    BIND (1 AS ?check)
  }}
}}"""
    )


def reason_for(iri: str, domains: list[CopyDomain]) -> str:
    """Why a source is not enough alone: its listed domain's reason, else its declaration."""
    host = "." + iri.split("://", 1)[-1].split("/", 1)[0].split("@")[-1].split(":")[0].lower()
    listed = next((d for d in domains if host.endswith("." + d.domain)), None)
    return f"{listed.what}: {listed.reason}" if listed else "declared sf:SecondaryCopy"


def violations(backend: Backend, domains: list[CopyDomain]) -> list[tuple[int, object, object, object, str]]:
    """(check, s, p, o, graph) for every broken rule, over the data graph ``backend`` reads (the union)."""
    return [(int(r["check"].value), r["s"], r["p"], r["o"], r["g"].value) for r in backend.select(policy_query(domains))]
