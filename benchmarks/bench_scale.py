"""Scale benchmark: build, every bundled query, export and a focus diagram on synthetic film-shaped graphs,
our path side by side with raw pyoxigraph and with rdflib's memory store, in one run.

    .venv/bin/python benchmarks/bench_scale.py                      # 10k, 100k, 1M, 5M triples (about an hour)
    .venv/bin/python benchmarks/bench_scale.py --sizes 10k,100k     # a quick look

Each side runs in its own process (so peak memory is its own) and every step has a time cap: a step past it is
stopped and reported as "> cap". The results go into benchmarks/RESULTS.md, between this script's markers.
This file is also the harness that bench_queries.py reuses.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the synthetic graph lives with the tests

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
SIDES = ("spacefilms", "pyoxigraph", "rdflib")
SIDE_TITLES = {"spacefilms": "spacefilms", "pyoxigraph": "raw pyoxigraph", "rdflib": "rdflib memory"}
SYNTHETIC = "https://w3id.org/spacefilms/resource/synthetic/"  # synthetic.BASE (tests/synthetic.py), without importing it
DEFAULT_WORKDIR = Path(os.environ.get("TMPDIR", "/tmp")) / "spacefilms-bench"
SYNTHETIC_BINDINGS = {  # parameters of the bundled queries, bound to synthetic entities that exist at every size
    "film": SYNTHETIC + "film/0",
    "project": SYNTHETIC + "film/0",
    "entity": SYNTHETIC + "film/0",
    "rival": SYNTHETIC + "film/1",
    "from": SYNTHETIC + "person/0",
    "to": SYNTHETIC + "person/1",
    "text": "film 42",
}
SYNTHETIC_FOCUS = SYNTHETIC + "film/0"
BUNDLED_FOCUS = "https://w3id.org/spacefilms/resource/the-challenge"


# ------------------------------------------------------------------ datasets


@dataclass
class DataSet:
    """One graph to measure: its name, the folder of files ``spacefilms build`` reads, one N-Quads file for the
    others, and how to bind the queries' parameters."""

    name: str
    folder: Path
    graph_dir: Path | None  # None: the bundled curated files
    nquads: Path
    synthetic: bool
    triples: int = 0

    @property
    def focus(self) -> str:
        return SYNTHETIC_FOCUS if self.synthetic else BUNDLED_FOCUS

    def to_json(self) -> dict:
        return {k: str(v) if isinstance(v, Path) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, data: dict) -> DataSet:
        paths = ("folder", "graph_dir", "nquads")
        return cls(**{k: Path(v) if k in paths and v is not None else v for k, v in data.items()})


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10k, 1M, 5000000)")
    return int(float(match[1]) * {"": 1, "k": 1_000, "m": 1_000_000}[match[2].lower()])


def size_name(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def synthetic_dataset(triples: int, workdir: Path) -> DataSet:
    """Synthetic quads in ``workdir/<size>/graph/synthetic.nq`` (what ``spacefilms build`` reads, with the bundled
    ontology), and the same quads plus the ontology graph in one N-Quads file for the other sides. Kept between runs."""
    import pyoxigraph as ox
    from synthetic import generate

    from spacefilms.files import write_atomically
    from spacefilms.namespaces import ONTOLOGY_GRAPH
    from spacefilms.store.loading import load_file
    from spacefilms.workspace import ontology_files

    folder = workdir / size_name(triples)
    synthetic = folder / "graph" / "synthetic.nq"
    everything = folder / "with-ontology.nq"
    if not everything.exists():
        synthetic.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(synthetic, lambda out: ox.serialize(generate(triples), out, ox.RdfFormat.N_QUADS))
        ontology = ox.Store()
        for path in ontology_files():
            load_file(ontology, path, ox.NamedNode(ONTOLOGY_GRAPH))

        def write(out) -> None:
            ox.serialize(ontology, out, ox.RdfFormat.N_QUADS)
            out.write(synthetic.read_bytes())

        write_atomically(everything, write)
    with everything.open("rb") as lines:
        count = sum(1 for _ in lines)
    return DataSet(f"synthetic {size_name(triples)}", folder, synthetic.parent, everything, True, count)


def bundled_dataset(workdir: Path) -> DataSet:
    """The bundled curated graph; the other sides load the built store's N-Quads export (the same quads)."""
    from spacefilms.core.layout import open_ox
    from spacefilms.store.build import build
    from spacefilms.store.export import export

    folder = workdir / "bundled"
    folder.mkdir(parents=True, exist_ok=True)
    report = build(store=folder / "export-store")
    nquads = export(open_ox(report.store), "nq", folder / "bundled.nq")
    return DataSet("bundled graph", folder, None, nquads, False, report.stats.quads)


# ------------------------------------------------------------------ the three sides (run inside a worker process)


def bundled_queries(synthetic: bool) -> list[tuple[str, str, bool]]:
    """(name, text with parameters bound, is-aggregate) for every bundled query."""
    from spacefilms.core.library import list_queries
    from spacefilms.core.parameters import inline_bindings

    plan = []
    for query in list_queries():
        values = {
            p.name: f"<{SYNTHETIC_BINDINGS[p.name]}>" if p.type == "iri" else SYNTHETIC_BINDINGS[p.name] for p in query.parameters
        }
        text = inline_bindings(query.text, query.bind(values if synthetic else {}))
        aggregate = bool(re.search(r"\bGROUP\s+BY\b|\bCOUNT\s*\(", query.text, re.IGNORECASE))
        plan.append((query.name, text, aggregate))
    return plan


class Side:
    """What one contender does for each step; ``prepare`` makes the data ready again without timing it."""

    def __init__(self, data: DataSet) -> None:
        self.data = data
        self.queries = {name: text for name, text, _ in bundled_queries(data.synthetic)}
        self.partial: dict = {}  # what a step finished before it was stopped

    @property
    def ready(self) -> bool:
        """Whether the data is loaded, so that the steps after the build can run."""
        raise NotImplementedError

    def run(self, step: str) -> dict:
        if step.startswith("query:"):
            return self.query(self.queries[step.removeprefix("query:")])
        return getattr(self, step.replace("-", "_"))()

    def prepare(self) -> None:
        raise NotImplementedError


class Ours(Side):
    """The project's own path: ``spacefilms build``, ``LocalBackend`` (what ``spacefilms query`` runs),
    ``export``, and ``spacefilms diagram --focus``."""

    def __init__(self, data: DataSet) -> None:
        super().__init__(data)
        self.store = data.folder / "store-spacefilms"
        self.backend = None

    @property
    def ready(self) -> bool:
        return self.backend is not None

    def build(self) -> dict:
        from spacefilms.store.build import build

        report = build(self.data.graph_dir, self.store)
        self.prepare()
        return {"triples": report.stats.triples, "quads": report.stats.quads}

    def prepare(self) -> None:
        from spacefilms.core.backends import LocalBackend

        self.backend = LocalBackend(self.store)

    def query(self, text: str) -> dict:
        result = self.backend.run(text)
        return {"rows": len(result.rows) if result.kind == "SELECT" else len(result.graph or []) if result.graph else 1}

    def export(self) -> dict:
        from spacefilms.core.layout import open_ox
        from spacefilms.store.export import export

        path = export(open_ox(self.store), "nq", self.data.folder / "export-spacefilms.nq")
        return {"bytes": path.stat().st_size}

    def network(self) -> dict:
        """What ``spacefilms diagram --focus`` does before drawing: read the focus's surroundings, build the network."""
        from spacefilms.core.backends import LocalBackend
        from spacefilms.diagrams.network import build_network, load_graph_data
        from spacefilms.diagrams.selection import select

        data = load_graph_data(LocalBackend(self.store), around=(self.data.focus, 1))
        part = select(build_network(data), data, focus=f"<{self.data.focus}>", depth=1)
        return {"nodes": part.number_of_nodes(), "edges": part.number_of_edges()}

    def diagram(self) -> dict:
        from click.testing import CliRunner

        from spacefilms.cli import main

        output = self.data.folder / "diagram-spacefilms.svg"
        args = ["--store", str(self.store), "diagram", "--focus", f"<{self.data.focus}>", "--depth", "1", "-o", str(output)]
        result = CliRunner().invoke(main, args)
        if result.exit_code != 0:
            raise RuntimeError(f"spacefilms diagram failed: {(result.output or str(result.exception)).strip()[:300]}")
        return {"bytes": output.stat().st_size}

    def site(self) -> dict:
        """The static website through the public API (``spacefilms.open(store).site(folder)``): pages, size on disk."""
        import spacefilms

        output = self.data.folder / "site-spacefilms"
        shutil.rmtree(output, ignore_errors=True)
        report = spacefilms.open(self.store).site(output)
        return {"pages": report.pages, "bytes": report.bytes, "pages_per_s": round(report.pages / report.seconds)}


class RawOxigraph(Side):
    """pyoxigraph with nothing around it: bulk load of the N-Quads file, queries straight on the store."""

    def __init__(self, data: DataSet) -> None:
        super().__init__(data)
        self.path = data.folder / "store-pyoxigraph"
        self.store = None

    @property
    def ready(self) -> bool:
        return self.store is not None

    def build(self) -> dict:
        import pyoxigraph as ox

        shutil.rmtree(self.path, ignore_errors=True)
        store = ox.Store(str(self.path))
        store.bulk_load(path=str(self.data.nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        self.store = store
        return {"quads": len(store)}

    def prepare(self) -> None:
        import pyoxigraph as ox

        self.store = ox.Store(str(self.path))

    def query(self, text: str) -> dict:
        import pyoxigraph as ox

        result = self.store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return {"rows": 1}
        rows = 0
        for row in result:  # every value read, as the other sides do
            tuple(row)
            rows += 1
        return {"rows": rows}

    def export(self) -> dict:
        import pyoxigraph as ox

        path = self.data.folder / "export-pyoxigraph.nq"
        self.store.dump(str(path), ox.RdfFormat.N_QUADS)
        return {"bytes": path.stat().st_size}


class RdflibMemory(Side):
    """rdflib alone: the build parses into a memory Dataset and runs the same checks as ours (pyshacl for the SHACL
    shapes, rdflib's SPARQL engine for the provenance queries); then rdflib's SPARQL engine, serializer, and networkx
    conversion of the focus neighbourhood."""

    def __init__(self, data: DataSet) -> None:
        super().__init__(data)
        self.dataset = None

    @property
    def ready(self) -> bool:
        return self.dataset is not None

    def _load(self):
        from rdflib import Dataset

        dataset = Dataset(default_union=True)
        dataset.parse(str(self.data.nquads), format="nquads")
        return dataset

    def build(self) -> dict:
        from pyshacl import validate
        from rdflib import Graph

        from spacefilms.store.validation import provenance_query
        from spacefilms.workspace import shapes_file

        def lap(name: str, started: float) -> float:
            self.partial[name] = round(time.perf_counter() - started, 2)
            return time.perf_counter()

        started = time.perf_counter()
        self.dataset = self._load()
        started = lap("load_s", started)
        union = Graph()
        for triple in self.dataset.triples((None, None, None)):
            union.add(triple)
        conforms, _, _ = validate(union, shacl_graph=Graph().parse(shapes_file()), inference="none")
        started = lap("shacl_s", started)
        problems = len(list(self.dataset.query(provenance_query())))
        lap("provenance_s", started)
        return {**self.partial, "conforms": conforms and problems == 0}

    def prepare(self) -> None:
        self.dataset = self._load()

    def query(self, text: str) -> dict:
        result = self.dataset.query(text)
        if result.type == "ASK":
            return {"rows": 1}
        return {"rows": sum(1 for _ in result)}

    def export(self) -> dict:
        path = self.data.folder / "export-rdflib.nq"
        self.dataset.serialize(destination=str(path), format="nquads")
        return {"bytes": path.stat().st_size}

    def network(self) -> dict:
        from rdflib import Graph, URIRef
        from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

        focus = URIRef(self.data.focus)
        around = Graph()
        for triple in self.dataset.triples((focus, None, None)):
            around.add(triple)
        for triple in self.dataset.triples((None, None, focus)):
            around.add(triple)
        net = rdflib_to_networkx_multidigraph(around)
        return {"nodes": net.number_of_nodes(), "edges": net.number_of_edges()}


CONTENDERS: dict[str, type[Side]] = {"spacefilms": Ours, "pyoxigraph": RawOxigraph, "rdflib": RdflibMemory}


class StepTimeout(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Interrupt Python code after ``seconds`` (pure-Python work such as rdflib's stops there; native code is
    stopped by the parent's watchdog instead)."""

    def ring(signum: int, frame: object) -> None:
        raise StepTimeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def rss_mb(pid: int) -> float:
    """The resident memory of a running process (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0)


def peak_mb() -> float:
    """The process's peak resident memory since the last :func:`reset_peak` (else since it started)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux: the peak of the whole process
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return next(int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:"))


def reset_peak() -> None:
    """Start measuring the peak resident memory afresh (Linux's clear_refs "5"), so that each step has its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def worker(side: str, data: DataSet, steps: list[str], caps: dict[str, float], fresh: bool) -> None:
    """Run ``steps`` for one side; print one JSON line per step (seconds, details, peak RSS so far)."""
    contender = CONTENDERS[side](data)
    if not fresh:
        contender.prepare()  # a restarted worker: data already built, made ready again (not timed)
    for step in steps:
        repeat = 1
        record: dict = {"step": step}
        reset_peak()
        try:
            with alarm(cap_for(step, caps)):
                started = time.perf_counter()
                record["info"] = contender.run(step)
                seconds = time.perf_counter() - started
                # Fast queries are repeated (best of three) so that one-off noise does not decide a ratio.
                if step.startswith("query:") and seconds < 1.0:
                    for _ in range(2):
                        again = time.perf_counter()
                        contender.run(step)
                        seconds = min(seconds, time.perf_counter() - again)
                        repeat += 1
            record |= {"seconds": seconds, "repeat": repeat}
        except StepTimeout:
            record |= {"timeout": cap_for(step, caps), "info": contender.partial}
        except Exception as exc:  # reported, not fatal: the other steps still run
            record["error"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ''}"
        record["peak_mb"] = peak_mb()
        print(json.dumps(record), flush=True)
        contender.partial = {}
        if step == "build" and not contender.ready:
            for rest in steps[steps.index(step) + 1 :]:
                print(json.dumps({"step": rest, "skipped": "not run (no build)", "peak_mb": 0.0}), flush=True)
            return


def cap_for(step: str, caps: dict[str, float]) -> float:
    return caps["build"] if step == "build" else caps["step"]


# ------------------------------------------------------------------ the parent: run, watch, collect


@dataclass
class Outcome:
    """One step of one side: seconds, or why there is none."""

    seconds: float | None = None
    note: str = ""
    info: dict = field(default_factory=dict)
    peak_mb: float = 0.0  # the step's own peak resident memory

    def cell(self) -> str:
        if self.seconds is None:
            return self.note
        return fmt_seconds(self.seconds)


def fmt_seconds(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def run_side(
    side: str, data: DataSet, steps: list[str], caps: dict[str, float], log: Callable[[str], None]
) -> tuple[dict[str, Outcome], float]:
    """Run ``steps`` for ``side`` in worker processes; a step past its cap is stopped (the worker is killed if
    it does not stop by itself) and the rest go to a new worker."""
    outcomes: dict[str, Outcome] = {}
    peak = 0.0
    remaining = list(steps)
    fresh = True
    while remaining:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            side,
            "--data",
            json.dumps(data.to_json()),
            "--steps",
            json.dumps(remaining),
        ]
        command += ["--caps", json.dumps(caps)] + ([] if fresh else ["--restarted"])
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        grace = 60.0 if fresh or side != "rdflib" else 60.0 + caps["build"]  # a restarted rdflib worker parses again
        deadline = time.monotonic() + cap_for(remaining[0], caps) + grace
        while remaining:
            ready, _, _ = select.select([process.stdout], [], [], max(0.0, min(1.0, deadline - time.monotonic())))
            too_big = rss_mb(process.pid) > caps["memory_mb"]
            if not ready and not too_big and time.monotonic() < deadline:
                continue
            line = process.stdout.readline() if ready and not too_big else ""
            if not line:
                step = remaining.pop(0)
                if too_big:
                    process.kill()
                    outcomes[step] = Outcome(note=f"> {caps['memory_mb'] / 1024:.0f} GiB memory (stopped)")
                    peak = max(peak, caps["memory_mb"])
                elif process.poll() is None:
                    process.kill()
                    outcomes[step] = Outcome(note=f"> {cap_for(step, caps):.0f} s (stopped)")
                else:
                    error = process.stderr.read().strip().splitlines()
                    outcomes[step] = Outcome(note=f"failed: {error[-1][:120] if error else process.returncode}")
                log(f"  {side:<10} {step:<34} {outcomes[step].note}")
                if step == "build":
                    for rest in remaining:
                        outcomes[rest] = Outcome(note="not run (no build)")
                    remaining = []
                break
            record = json.loads(line)
            step = remaining.pop(0)
            peak = max(peak, record.get("peak_mb", 0.0))
            if "seconds" in record:
                outcomes[step] = Outcome(record["seconds"], info=record.get("info", {}), peak_mb=record.get("peak_mb", 0.0))
            elif "timeout" in record:
                outcomes[step] = Outcome(note=f"> {record['timeout']:.0f} s (stopped)", info=record.get("info", {}))
            elif "skipped" in record:
                outcomes[step] = Outcome(note=record["skipped"])
            else:
                outcomes[step] = Outcome(note=f"error: {record['error']}")
            log(
                f"  {side:<10} {step:<34} {outcomes[step].cell():>12} {outcomes[step].peak_mb:>8,.0f} MB  "
                f"{json.dumps(outcomes[step].info)[:80]}"
            )
            if remaining:
                deadline = time.monotonic() + cap_for(remaining[0], caps) + 60.0
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()
        fresh = False
    return outcomes, peak


@dataclass
class Comparison:
    """Every side's outcomes for one dataset, and their peak memory."""

    data: DataSet
    outcomes: dict[str, dict[str, Outcome]]
    peaks: dict[str, float]

    def seconds(self, side: str, step: str) -> float | None:
        outcome = self.outcomes.get(side, {}).get(step)
        return outcome.seconds if outcome else None

    def ratio(self, slow_side: str, step: str, fast_side: str = "spacefilms") -> str:
        """How many times ``fast_side`` is faster than ``slow_side``; a lower bound when the slow side hit its cap."""
        fast = self.seconds(fast_side, step)
        slow = self.seconds(slow_side, step)
        outcome = self.outcomes.get(slow_side, {}).get(step)
        if fast is None or fast == 0 or outcome is None:
            return "–"
        if slow is None:
            bound = re.match(r"> (\d+) s ", outcome.note)
            return f"> {float(bound[1]) / fast:.0f}x" if bound else "–"
        ratio = slow / fast
        return f"{ratio:.2f}x" if ratio < 1 else f"{ratio:.1f}x" if ratio < 100 else f"{ratio:.0f}x"


def compare(
    data: DataSet,
    steps: list[str],
    sides: tuple[str, ...],
    caps: dict[str, float],
    log: Callable[[str], None],
    reuse: tuple[str, ...] = (),
) -> Comparison:
    """Run every side on ``data``; each side's outcomes are saved next to the data, and the sides in ``reuse`` are
    read back from there instead of run again (when the saved run had the same steps and caps)."""
    log(f"{data.name}: {data.triples:,} quads in {data.nquads}")
    outcomes, peaks = {}, {}
    for side in sides:
        wanted = [s for s in steps if hasattr(CONTENDERS[side], s) or s.startswith("query:")]
        saved = data.folder / f"results-{side}.json"
        previous = json.loads(saved.read_text()) if side in reuse and saved.exists() else {}
        if previous.get("steps") == wanted and previous.get("caps") == caps:
            outcomes[side] = {step: Outcome(**fields) for step, fields in previous["outcomes"].items()}
            peaks[side] = previous["peak_mb"]
            log(f"  {side:<10} (reused {saved})")
            continue
        outcomes[side], peaks[side] = run_side(side, data, wanted, caps, log)
        record = {
            "steps": wanted,
            "caps": caps,
            "peak_mb": peaks[side],
            "outcomes": {k: v.__dict__ for k, v in outcomes[side].items()},
        }
        saved.write_text(json.dumps(record, indent=1))
    return Comparison(data, outcomes, peaks)


# ------------------------------------------------------------------ the report


def command_line() -> str:
    """The benchmark's command as it was run (script and options), for the report."""
    return shlex.join([f"benchmarks/{Path(sys.argv[0]).name}", *(a for a in sys.argv[1:] if not a.startswith("--worker"))])


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    packages = ", ".join(f"{name} {version(name)}" for name in ("pyoxigraph", "oxrdflib", "rdflib", "pyshacl", "networkx"))
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory / 1024 / 1024:.0f} GiB RAM; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {packages}"
    )


STEP_TITLES = {
    "build": "build (load + validate)",
    "export": "export (N-Quads)",
    "network": "focus neighbourhood → networkx",
    "diagram": "focus diagram → SVG",
    "site": "website (`Graph.site`)",
}
MEMORY_STEPS = ("build", "export", "site")  # the steps whose own peak memory the report shows


def step_title(step: str) -> str:
    return f"query `{step.removeprefix('query:')}`" if step.startswith("query:") else STEP_TITLES.get(step, step)


def table(comparison: Comparison, steps: list[str], aggregates: set[str]) -> list[str]:
    lines = [
        "| step | spacefilms | raw pyoxigraph | rdflib memory | rdflib / spacefilms | spacefilms / raw pyoxigraph |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for step in steps:
        cells = [comparison.outcomes.get(side, {}).get(step, Outcome(note="n/a")).cell() for side in SIDES]
        ours, raw = comparison.seconds("spacefilms", step), comparison.seconds("pyoxigraph", step)
        versus_raw = f"{ours / raw:.2f}x" if ours and raw else "–"
        mark = " (aggregate)" if step in aggregates else ""
        lines.append(f"| {step_title(step)}{mark} | {' | '.join(cells)} | {comparison.ratio('rdflib', step)} | {versus_raw} |")
    for step in (s for s in MEMORY_STEPS if s in steps):
        memory = [comparison.outcomes.get(side, {}).get(step, Outcome()).peak_mb for side in SIDES]
        cells = " | ".join(f"{mb:,.0f} MB" if mb else "–" for mb in memory)
        versus_raw = f"{memory[0] / memory[1]:.2f}x" if memory[0] and memory[1] else "–"
        lines.append(f"| peak memory of {step_title(step)} | {cells} | | {versus_raw} |")
    peaks = " | ".join(f"{comparison.peaks.get(side, 0):,.0f} MB" for side in SIDES)
    lines.append(f"| peak memory (RSS) over all steps | {peaks} | | |")
    return lines


def replace_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Put ``body`` between this benchmark's markers in RESULTS.md, keeping everything else."""
    from spacefilms.files import write_atomically

    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    write_atomically(path, lambda out: out.write(text.encode("utf-8")))


def scale_steps() -> tuple[list[str], set[str]]:
    queries = bundled_queries(synthetic=True)
    steps = ["build"] + [f"query:{name}" for name, _, _ in queries] + ["export", "network", "diagram", "site"]
    return steps, {f"query:{name}" for name, _, aggregate in queries if aggregate}


def summary(comparison: Comparison, aggregates: set[str]) -> list[str]:
    """Against the targets: build >= 8x and aggregate queries >= 20x faster than rdflib, within 1.3x of raw pyoxigraph."""
    ours, raw = comparison.seconds("spacefilms", "build"), comparison.seconds("pyoxigraph", "build")
    parts = comparison.outcomes.get("rdflib", {}).get("build", Outcome()).info
    done = ", ".join(f"{name.removesuffix('_s')} {fmt_seconds(value)}" for name, value in parts.items() if name.endswith("_s"))
    lines = [
        f"- build: {comparison.ratio('rdflib', 'build')} faster than rdflib"
        + (f" (rdflib's parts done: {done})" if done else "")
        + (f"; {ours / raw:.2f}x the time of a raw pyoxigraph bulk load" if ours and raw else "")
    ]
    versus_rdflib, versus_raw = [], []
    for step in sorted(aggregates):
        ours, raw, slow = (comparison.seconds(side, step) for side in ("spacefilms", "pyoxigraph", "rdflib"))
        outcome = comparison.outcomes.get("rdflib", {}).get(step)
        capped = re.match(r"> (\d+) s ", outcome.note) if outcome and slow is None else None
        if ours and (slow or capped):
            versus_rdflib.append(((slow or float(capped[1])) / ours, step_title(step), bool(capped)))
        if ours and raw:
            versus_raw.append((ours / raw, f"{step_title(step)} {ours / raw:.2f}x (+{fmt_seconds(ours - raw)})"))
    if versus_rdflib:
        low = min(versus_rdflib)
        lines.append(
            f"- aggregate queries vs rdflib: at least {low[0]:.1f}x faster ({low[1]}{', a lower bound' if low[2] else ''}); "
            f"{sum(r >= 20 for r, _, _ in versus_rdflib)} of {len(versus_rdflib)} are 20x or more"
        )
    if versus_raw:
        over = [text for r, text in sorted(versus_raw, reverse=True) if r > 1.3]
        lines.append(
            f"- aggregate queries vs raw pyoxigraph: {len(versus_raw) - len(over)} of {len(versus_raw)} within 1.3x"
            + (f"; over: {', '.join(over)}" if over else "")
        )
    return lines


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """The caps, work folder and --no-write, shared by bench_scale.py and bench_queries.py."""
    parser.add_argument("--build-cap", type=float, default=600, help="Seconds a build may take per side [600]")
    parser.add_argument("--step-cap", type=float, default=60, help="Seconds a query, export or diagram may take [60]")
    parser.add_argument(
        "--memory-cap", type=float, default=16, help="GiB of resident memory a side may use before it is stopped [16]"
    )
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help=f"Where data and stores go [{DEFAULT_WORKDIR}]")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave RESULTS.md alone")


def caps_from(args: argparse.Namespace) -> dict[str, float]:
    return {"build": args.build_cap, "step": args.step_cap, "memory_mb": args.memory_cap * 1024}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1M,5M", help="Synthetic graph sizes in triples [default: 10k,100k,1M,5M]")
    add_common_options(parser)
    parser.add_argument("--sides", default=",".join(SIDES), help="Which sides to run [all]")
    parser.add_argument(
        "--reuse", default="", help="Sides to read back from the last run instead of running them (e.g. pyoxigraph)"
    )
    parser.add_argument(
        "--only", default="", help="Steps to run, e.g. build,export,site or query:cast (the build always runs first) [all]"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--steps", help=argparse.SUPPRESS)
    parser.add_argument("--caps", help=argparse.SUPPRESS)
    parser.add_argument("--restarted", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(
            args.worker,
            DataSet.from_json(json.loads(args.data)),
            json.loads(args.steps),
            json.loads(args.caps),
            not args.restarted,
        )
    caps = caps_from(args)
    sides = tuple(s for s in args.sides.split(",") if s in SIDES)
    steps, aggregates = scale_steps()
    if args.only:
        only = set(args.only.split(",")) | {"build"}
        if unknown := only - set(steps):
            parser.error(f"unknown step(s) {', '.join(sorted(unknown))}; choose from {', '.join(steps)}")
        steps = [s for s in steps if s in only]
    started = time.time()
    sections = []
    for size in (parse_size(s) for s in args.sizes.split(",")):
        data = synthetic_dataset(size, args.workdir)
        reuse = tuple(args.reuse.split(",")) if args.reuse else ()
        comparison = compare(data, steps, sides, caps, lambda message: print(message, flush=True), reuse)
        sections.append((comparison, size))
        body = report(sections, steps, aggregates, caps, time.time() - started)
        if not args.no_write:
            replace_section("bench_scale", body)
    print(report(sections, steps, aggregates, caps, time.time() - started))


def report(
    sections: list[tuple[Comparison, int]], steps: list[str], aggregates: set[str], caps: dict[str, float], elapsed: float
) -> str:
    lines = [
        "## Scale: synthetic film-shaped graphs",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `.venv/bin/python {command_line()}` "
        f"({elapsed / 60:.0f} min). Machine: {machine()}.",
        "",
        f"Caps: a build may take {caps['build']:.0f} s and any other step {caps['step']:.0f} s per side, and a side may hold "
        f'{caps["memory_mb"] / 1024:.0f} GiB of memory; a step past a cap is stopped and shown as "> cap" (time ratios '
        "against it are lower bounds). Queries under 1 s are timed best of three. "
        "Peak memory is the resident set of each side's own process: each step's own peak (measured afresh for "
        "each step), and over all its steps.",
        "",
        "What each side does: **spacefilms** = `spacefilms build` on the N-Quads file (Oxigraph's bulk loader writes "
        "it into the new on-disk store while the provenance rules and SHACL shapes run as SPARQL over an in-memory "
        "copy, in threads, and the summary is counted; then the merge streams into the store), queries through "
        "`LocalBackend` (what `spacefilms query` runs), `export` to N-Quads (the published layout: source graphs, "
        "the merge in the default graph and as `graph/all`, the manifest; and its VoID description), the focus "
        "neighbourhood as `spacefilms diagram --focus` reads it (networkx), that command drawing an SVG, and the "
        "website (`spacefilms.open(store).site(folder)`); **raw pyoxigraph** = `Store.bulk_load` "
        "of the file, `Store.query`, `Store.dump` (no checks: the floor); **rdflib memory** = `Dataset.parse`, then the "
        "same checks (pyshacl for the shapes on the union graph, rdflib's SPARQL engine for the provenance queries), "
        "rdflib's SPARQL engine for the queries, `serialize`, and the focus's direct neighbourhood into networkx "
        "(`rdflib_to_networkx_multidigraph`; less work than ours, which also reads labels and types one step further).",
    ]
    for comparison, size in sections:
        lines += ["", f"### {size_name(size)} triples ({comparison.data.triples:,} quads)", ""]
        lines += table(comparison, steps, aggregates)
        lines += ["", *summary(comparison, aggregates)]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
