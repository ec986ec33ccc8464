"""The one error type the library raises for bad input, with a location when one is known."""

from __future__ import annotations


class SpacefilmsError(Exception):
    """A user-facing error: one readable line saying what is wrong and where."""

    def __init__(self, message: str, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


def excerpt(body: bytes, limit: int = 200) -> str:
    """The first ``limit`` characters of an answer on one line: enough to see what came back instead."""
    text = " ".join(body[: limit * 4].decode("utf-8", "replace").split())
    return text[:limit] + ("…" if len(text) > limit else "")
