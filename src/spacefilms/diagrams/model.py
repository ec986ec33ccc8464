"""The diagram model: a network ready to draw, with its layout, centres, relation styles, title and date."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from spacefilms.diagrams.styles import EdgeStyle
from spacefilms.diagrams.wording import say, subtitle


@dataclass
class Diagram:
    """A network ready to draw: its layout, centres, relation styles, title, the data's date and the language of its
    words (the network's own, see :mod:`spacefilms.diagrams.wording`)."""

    net: nx.MultiDiGraph
    title: str
    date: str
    layout: str = "spring"
    centres: list[str] = field(default_factory=list)
    left: set[str] = field(default_factory=set)  # the left column of a bipartite layout
    relation_order: list[str] = field(default_factory=list)  # predicate IRIs, in the order groups are listed
    edge_styles: dict[str, EdgeStyle] = field(default_factory=dict)  # by predicate IRI
    parallel: str = "merge"  # "merge": one line per style between two nodes; "first": only the first relation's
    roles_in_labels: bool = False  # add each edge's role (e.g. "commander") under the entity's label
    edge_labels: bool | None = None  # None: where they help (few edges, no group headings)
    source_labels: dict[str, str] = field(default_factory=dict)  # source URL -> its label, for the interactive page

    @property
    def note(self) -> str:
        return self.net.graph.get("note", "")

    @property
    def lang(self) -> str:
        return self.net.graph.get("lang", "en")

    @property
    def subtitle(self) -> str:
        """The line under the title, as every format prints it."""
        counts = say(
            "{nodes} entities, {edges} relations",
            self.lang,
            nodes=f"{self.net.number_of_nodes():,}",
            edges=f"{self.net.number_of_edges():,}",
        )
        return subtitle(self.date, self.lang, counts, self.note)
