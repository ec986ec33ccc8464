"""Every bundled query's answer on the bundled graph, as reviewed: `tests/data/answers/NAME.tsv` holds what the query
printed when someone last read it against its sources. A change of data or query that moves any answer fails here
with the difference, so that it is read again before it lands: `make answers` writes the new answers, and
`git diff tests/data/answers` is the review.

Blank nodes are written alike (their labels differ between builds); the rest is `spacefilms query NAME --format tsv`."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from engines.compare import concatenated, in_order

from spacefilms.core.backends import Backend, LocalBackend
from spacefilms.core.formatting import format_result
from spacefilms.core.library import get_query, list_queries

ANSWERS = Path(__file__).parent / "data" / "answers"
NAMES = [q.name for q in list_queries()]


def answer_text(backend: Backend, name: str) -> str:
    """The TSV the query prints, with what is left to chance fixed: blank nodes written alike (and then the rows
    sorted: an order by a blank node's label is an order by chance), the items of each GROUP_CONCAT sorted."""
    query = get_query(name)
    result = backend.run(query.text, query.bind({}))
    blank, lists = ox.BlankNode("b"), concatenated(query.text)
    separators = [lists.get(column) for column in result.variables]

    def fixed(cell: object, separator: str | None) -> object:
        """A blank node written alike; the items of a GROUP_CONCAT in one order (SPARQL leaves theirs to chance)."""
        if isinstance(cell, ox.BlankNode):
            return blank
        return cell if separator is None or cell is None else ox.Literal(separator.join(in_order(cell.value, separator)))

    rows = [tuple(fixed(cell, sep) for cell, sep in zip(row, separators)) for row in result.rows]
    if rows != result.rows:
        rows.sort(key=lambda row: tuple("None" if cell is None else cell.value for cell in row))
    result.rows = rows
    return format_result(result, "tsv").rstrip("\n") + "\n"


@pytest.mark.parametrize("name", NAMES)
def test_the_answer_is_the_reviewed_one(local: LocalBackend, name: str) -> None:
    reviewed = (ANSWERS / f"{name}.tsv").read_text(encoding="utf-8")
    now = answer_text(local, name)
    diff = "".join(difflib.unified_diff(reviewed.splitlines(True), now.splitlines(True), "reviewed", "now", n=0))
    assert now == reviewed, f"{name}: the answer moved; read it against its sources, then `make answers`\n{diff[:4000]}"


def test_every_reviewed_answer_belongs_to_a_query() -> None:
    assert sorted(p.stem for p in ANSWERS.glob("*.tsv")) == sorted(NAMES)


if __name__ == "__main__":  # `make answers`: write the answers of the built store
    backend = LocalBackend(sys.argv[1] if len(sys.argv) > 1 else None)
    for old in ANSWERS.glob("*.tsv"):
        old.unlink()
    for name in NAMES:
        (ANSWERS / f"{name}.tsv").write_text(answer_text(backend, name), encoding="utf-8")
    print(f"wrote {len(NAMES)} answers to {ANSWERS}; review them with `git diff {ANSWERS}`")
