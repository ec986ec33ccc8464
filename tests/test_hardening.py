"""Issue 24's client, file and output cases: hostile servers and answers, full disks, concurrent runs, huge or
strange input. Each ends in one clear line, a non-zero exit and every file as it was, or in the right output.

Servers are real ones on 127.0.0.1 (tests/fault_proxy.py), disks are real (a small tmpfs), kills are real (SIGKILL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fault_proxy import DRIP_BODY, DRIP_HEAD, FaultProxy

from spacefilms.http import DeadlinePassed, Transport

GUARD = 120.0  # seconds a step may take before a test calls it hung: far beyond what any step here needs idle


def finishes(step: Callable[[], object], guard: float = GUARD) -> object:
    """What ``step`` returns or raises, run in a thread; a step still running after ``guard`` seconds fails the test
    (it is left behind as a daemon thread)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(step())
        except BaseException as exc:  # handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(guard)
    assert not thread.is_alive(), f"still running after {guard:g} s"
    return outcome[0]


def invoke(*args: str):
    """The CLI in-process, its errors as they reach the user."""
    from spacefilms.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one_error_line(result) -> str:
    """The one ``error:`` line a failed command ends with (after any progress lines), and no traceback."""
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert "Traceback" not in result.stderr and len(errors) == 1 and result.stderr.endswith(errors[0] + "\n"), result.stderr
    return errors[0]


# ---------------------------------------------------------------- 12: one deadline per request


@pytest.fixture()
def dripping() -> Iterator[FaultProxy]:
    """A hostile server: its answers come one byte at a time and never end."""
    with FaultProxy("http://127.0.0.1:9") as server:
        yield server


@pytest.mark.parametrize("drip", [DRIP_HEAD, DRIP_BODY], ids=["head", "body"])
def test_a_server_dripping_its_answer_is_cut_off_at_the_deadline(dripping: FaultProxy, drip) -> None:
    dripping.always(drip)
    transport = Transport(timeout=0.5)
    outcome = finishes(lambda: transport.send("GET", dripping.query_endpoint))
    assert isinstance(outcome, DeadlinePassed), outcome
    assert outcome.message == "no complete answer within the 0.5s timeout"


def test_query_and_enrich_give_up_on_a_dripping_head(dripping: FaultProxy, tmp_path: Path) -> None:
    dripping.always(DRIP_HEAD)
    query = ["query", "--endpoint", dripping.query_endpoint, "--timeout", "0.5", "--sparql", "ASK {}"]
    assert "no complete answer within the 0.5s timeout" in one_error_line(finishes(lambda: invoke(*query)))
    links = tmp_path / "links.tsv"
    header = "entity\tkind\tlabel\tqid\tstatus\tmethod\tarticle\twikidata_label\tdetail\tresolved_at\n"
    row = "https://w3id.org/spacefilms/resource/x\tfilm\tX\tQ1\tlinked\tverified-qid\t\tX\t\t2024-01-01T00:00:00Z\n"
    links.write_text(header + row, encoding="utf-8")
    enrich = ["--store", str(tmp_path / "store"), "enrich", "--endpoint", dripping.query_endpoint, "--links", str(links)]
    result = finishes(lambda: invoke(*enrich, "--timeout", "0.5", "--retries", "0"))
    assert "no complete answer within the 0.5s timeout" in one_error_line(result)
