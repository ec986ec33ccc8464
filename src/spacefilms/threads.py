"""Long work that Ctrl-C and SIGTERM can still stop at once.

A signal reaches Python only between two steps of the main thread; a long call into Oxigraph (parsing, loading,
writing a million quads) is one step, so a Ctrl-C waited for it to end (up to 15 s seen during a build). Here the
work runs in a daemon thread while the main thread only waits, so the signal stops the command at once: the caller
cleans up what it made, and the abandoned thread ends with the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def in_background(work: Callable[..., T], *args: Any, name: str = "spacefilms-work") -> T:
    """Run ``work(*args)`` in a daemon thread and return its result (or raise its error), waiting so that a signal
    interrupts the wait."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work(*args)
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.1)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def stop_on_sigterm() -> None:
    """Make SIGTERM end the command the way Ctrl-C does (cleaning up on the way out), with exit status 143."""
    import signal

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminate)
