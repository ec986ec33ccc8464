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
from conftest import DATA
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


# ---------------------------------------------------------------- 5: two site runs, and a kill during the swap


def test_a_site_run_never_takes_another_runs_folder_for_a_leftover(tmp_path: Path) -> None:
    from spacefilms.site.output import site_folder

    # "site.99999999" starts like site's own temporary folders once did, with a number no process can have
    with site_folder(tmp_path / "site.99999999", {}) as building:
        (building / "style.css").write_text("kept", encoding="utf-8")
        with site_folder(tmp_path / "site", {}) as other:
            (other / "index.html").write_text("other", encoding="utf-8")
        assert (building / "style.css").read_text(encoding="utf-8") == "kept"
    assert (tmp_path / "site.99999999" / "style.css").read_text(encoding="utf-8") == "kept"
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "other"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "site.99999999"]


# Writes a site with one page saying argv[2]; SIGKILLed at the argv[3]-th file system call it makes after the page.
_KILLED_SITE = """
import os, signal, sys
from pathlib import Path
from spacefilms.site.output import site_folder

EVENTS = {"open", "os.rename", "os.mkdir", "os.rmdir", "os.remove", "os.chmod", "shutil.rmtree", "ctypes.call_function"}
calls = 0

def hook(event, args):
    global calls
    if event in EVENTS:
        calls += 1
        if calls == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)

with site_folder(Path(sys.argv[1]), {}) as folder:
    (folder / "index.html").write_text(sys.argv[2], encoding="utf-8")
    sys.addaudithook(hook)
"""


def test_a_site_run_killed_at_any_step_of_the_swap_leaves_a_whole_site(tmp_path: Path) -> None:
    import subprocess
    import sys

    from spacefilms.site.output import MARKER

    site = tmp_path / "out" / "site"
    site.parent.mkdir()
    script = tmp_path / "killed_site.py"
    script.write_text(_KILLED_SITE, encoding="utf-8")

    def run(text: str, kill_at: int) -> int:
        return subprocess.run([sys.executable, str(script), str(site), text, str(kill_at)], timeout=GUARD).returncode

    assert run("first", 0) == 0
    kill_at, killed = 1, 0
    while run(f"run {kill_at}", kill_at) != 0:  # killed at that step: the next run goes one step further
        killed += 1
        assert (site / MARKER).is_file(), f"no whole site after a kill at step {kill_at}"
        assert (site / "index.html").read_text(encoding="utf-8") in ("first", *(f"run {n}" for n in range(1, kill_at + 1)))
        kill_at += 1
    assert killed >= 2 and (site / "index.html").read_text(encoding="utf-8") == f"run {kill_at}"
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]  # what the killed runs left is gone


# ---------------------------------------------------------------- 9: a build leaves the store version a reader has

_READER = """
import sys
from spacefilms.core.layout import open_ox
store = open_ox(sys.argv[1])
print(len(store), flush=True)
sys.stdin.readline()
print(len(store), flush=True)
"""


def test_a_build_keeps_the_store_version_a_reader_has_open(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from spacefilms.store.build import build

    graph = DATA / "wikidata" / "curated"
    store = tmp_path / "store"
    build(graph_dir=graph, store=store)
    first = tmp_path / os.readlink(store)
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        size = int(reader.stdout.readline())
        build(graph_dir=graph, store=store)
        assert first.is_dir() and tmp_path / os.readlink(store) != first  # superseded, not removed: it is read
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == size
    finally:
        reader.communicate(timeout=GUARD)
    assert reader.returncode == 0
    build(graph_dir=graph, store=store)  # the reader is gone: its version goes now
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["store", os.readlink(store)])


# ---------------------------------------------------------------- 13: bounded input files, titles and labels


def test_an_endless_query_file_is_refused_not_read(built_store: Path, tmp_path: Path) -> None:
    store = ["--store", str(built_store)]
    query = finishes(lambda: invoke(*store, "query", "--file", "/dev/zero"))
    assert one_error_line(query) == "error: /dev/zero: larger than 4,194,304 bytes: refusing to read it"
    output = tmp_path / "d.png"
    diagram = finishes(lambda: invoke(*store, "diagram", "--query-file", "/dev/zero", "-o", str(output)))
    assert one_error_line(diagram) == "error: /dev/zero: larger than 4,194,304 bytes: refusing to read it"
    assert not output.exists()


def test_a_huge_title_or_label_is_cut_before_layout(built_store: Path, tmp_path: Path) -> None:
    import re

    from spacefilms.diagrams.labels import MAX_LABEL, wrap

    assert len(wrap("x" * 10_000)) <= MAX_LABEL and wrap("x" * 10_000).endswith("…")
    output = tmp_path / "yulia.svg"
    title = "A title " * 1_250  # 10,000 characters
    result = finishes(
        lambda: invoke(
            "--store", str(built_store), "diagram", "--focus", "sfr:yulia-peresild", "--title", title, "-o", str(output)
        )
    )
    assert result.exit_code == 0, result.output
    width = float(re.search(r"\((\d+\.\d) × ", result.stdout)[1])
    assert 6.0 <= width < 60.0  # inches: as wide as the drawing needs, not as the 10,000 characters would


# ---------------------------------------------------------------- 16: text from the graph is data, never instructions

_TRICKY = 'SELECT ?v WHERE { VALUES ?v { "=HYPERLINK(\\"http://x\\")" "-5" "+1.5e3" "@SUM(A1)" "-x" "\\u001B[31mred" "\\u202Eevil" "plain" } }'


def test_spreadsheet_formulas_are_neutralised_and_numbers_kept(built_store: Path) -> None:
    result = invoke("--store", str(built_store), "query", "--sparql", _TRICKY, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:5] == ['"\'=HYPERLINK(""http://x"")"', "-5", "+1.5e3", "'@SUM(A1)"]
    assert result.stdout.splitlines()[5] == "'-x"


def test_escape_sequences_and_bidi_overrides_never_reach_the_terminal(built_store: Path) -> None:
    for fmt in ("table", "markdown"):
        result = invoke("--store", str(built_store), "query", "--sparql", _TRICKY, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
        assert "\\x1b[31mred" in result.stdout and "\\u202eevil" in result.stdout


def test_a_byte_order_mark_is_read_as_one(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from spacefilms.errors import SpacefilmsError
    from spacefilms.store.loading import load_file

    good, bad = tmp_path / "good.trig", tmp_path / "bad.trig"
    good.write_bytes(b"\xef\xbb\xbf<http://e/g> { <http://e/a> <http://e/b> <http://e/c> . }\n")
    store = ox.Store()
    load_file(store, good)
    assert len(store) == 1
    bad.write_bytes(b"\xef\xbb\xbf<http://e/g> {\n <http://e/a> <http://e/b> . }\n")
    with pytest.raises(SpacefilmsError) as caught:
        load_file(store, bad)
    assert caught.value.where.startswith(f"{bad}:2:") and "\ufeff" not in str(caught.value)


def test_a_line_separator_in_a_label_keeps_the_links_file_readable(tmp_path: Path) -> None:
    from spacefilms.wikidata.linking import Link, read_links, write_links

    link = Link(
        "https://w3id.org/spacefilms/resource/x", "film", "X\u2028Y", "Q1", "linked", "verified-qid", "", "W\u2029Z\x85", "", ""
    )
    path = write_links([link], tmp_path / "links.tsv", "http://127.0.0.1/query")
    assert read_links(path) == [link]


_SEARCH_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>search</title></head><body>
<input id="search"><ul id="search-results"></ul><p id="search-status"></p>
<script>window.SPACEFILMS_SEARCH = [{"u": "a.html", "l": "Yulia Peresild", "k": "person"},
  {"u": "b.html", "l": "\\uff2b\\uff4c\\uff55\\u200b\\uff53\\uff48\\uff49\\uff4e", "k": "person"}];</script>
<script src="%s"></script></body></html>"""


def test_site_search_ignores_width_and_zero_width_characters(tmp_path: Path, chromium) -> None:
    from test_site import search

    from spacefilms.workspace import _PACKAGE

    page = tmp_path / "search.html"
    page.write_text(_SEARCH_PAGE % (_PACKAGE / "site" / "static" / "search.js").as_uri(), encoding="utf-8")
    chromium.open(page.as_uri())
    assert search(chromium, "\uff30\uff25\uff32\uff25\uff33\uff29\uff2c\uff24") == ["a.html"]  # ＰＥＲＥＳＩＬＤ
    assert search(chromium, "pere\u200bsild") == ["a.html"]
    assert search(chromium, "klushin") == ["b.html"]  # the indexed name is full-width, with a zero-width space
