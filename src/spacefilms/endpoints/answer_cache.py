"""Answers kept for repeated queries: the store behind the endpoint does not change between builds, so the same query
text (with the same dataset and the same wanted format) over the same store has the same answer. Bounded in bytes,
least recently used first out, keys counted with answers (a key is the caller's digest of the query, not its text: 3,000
distinct 150 KB queries kept as keys grew the front by 436 MB under a 64 MB budget); an answer larger than a tenth of the
budget is not kept."""

from __future__ import annotations

import threading
from collections import OrderedDict


class AnswerCache:
    """A thread-safe LRU map from a query's key to its answer (bytes and media type), keys and answers within
    ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[bytes, tuple[bytes, str]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: bytes) -> tuple[bytes, str] | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: bytes, answer: tuple[bytes, str]) -> None:
        size = _size(key, answer)
        if size > self.max_bytes // 10:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._size += size
            while self._size > self.max_bytes:
                self._size -= _size(*self._answers.popitem(last=False))


def _size(key: bytes, answer: tuple[bytes, str]) -> int:
    return len(key) + len(answer[0])
