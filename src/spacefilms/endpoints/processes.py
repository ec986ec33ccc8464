"""A SPARQL server run as a child process on loopback (Oxigraph's, Virtuoso): waiting until it answers, stopping it."""

from __future__ import annotations

import subprocess
import time


def answers(process: subprocess.Popen, query_url: str, wait: float, probe_timeout: float, interval: float) -> bool:
    """Whether the server started as ``process`` answers ``ASK {}`` at ``query_url`` within ``wait`` seconds; False
    as soon as the process exits, or when the time is up."""
    from spacefilms.http import HttpError, NetworkError, Transport

    probe = Transport(timeout=probe_timeout)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                probe.send("GET", query_url, params={"query": "ASK {}"})
                return True
            except (NetworkError, HttpError):
                time.sleep(interval)
    finally:
        probe.close()
    return False


def stop_process(process: subprocess.Popen | None, grace: float) -> None:
    """Ask ``process`` to end (SIGTERM), and kill it if it has not within ``grace`` seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
