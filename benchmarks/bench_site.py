"""Website benchmark: time and size of ``spacefilms site`` for the bundled graph and synthetic graphs.

    .venv/bin/python benchmarks/bench_site.py                         # bundled, 100k, 1M triples
    .venv/bin/python benchmarks/bench_site.py --sizes bundled,100k    # a quicker look
    .venv/bin/python benchmarks/bench_site.py --sizes 100k,1M --repeat 3 --no-write

Each graph is built into a store first (``spacefilms build``; not timed here, see bench_scale.py), then its site is
written by ``spacefilms.site.build_site`` in a fresh process (so the peak memory is the site's own): total time,
the process's CPU time, pages, pages per second (of wall time and of CPU time: on a shared machine the second is
the steadier), files, bytes, peak memory, and the time of each stage as the progress lines report it. With
``--repeat N`` each site is written N times and every figure is given as its range over the runs. Focus diagrams
are drawn for the 20 best-connected entities only (the default), which every other page says. The results go into
benchmarks/RESULTS.md between this script's markers.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench_scale import DEFAULT_WORKDIR, command_line, machine, parse_size, replace_section, size_name, synthetic_dataset

HERE = Path(__file__).resolve().parent


def store_for(name: str, workdir: Path) -> Path:
    """A built store of the bundled graph or of a synthetic graph of ``name`` triples (kept between runs)."""
    from spacefilms.store.build import build

    if name == "bundled":
        return build(store=workdir / "bundled" / "site-store").store
    data = synthetic_dataset(parse_size(name), workdir)
    store = data.folder / "site-store"
    if not (store / "current").exists() and not store.is_symlink():
        build(graph_dir=data.graph_dir, store=store)
    return store


def worker(name: str, workdir: Path, max_diagrams: int) -> dict:
    from spacefilms.core.backends import LocalBackend
    from spacefilms.site import build_site

    store = store_for(name, workdir)
    output = workdir / f"site-{name}"
    stages: list[tuple[float, str]] = []
    started = time.perf_counter()
    report = build_site(
        LocalBackend(store),
        output,
        progress=lambda line: stages.append((time.perf_counter() - started, line)),
        max_diagrams=max_diagrams,
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "graph": name,
        "seconds": report.seconds,
        "pages": report.pages,
        "files": report.files,
        "bytes": report.bytes,
        "entities": report.entities,
        "sources": report.sources,
        "diagrams": report.diagrams,
        "peak_mb": usage.ru_maxrss / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "stages": stages,
    }


STAGES = ("read", "pictures", "entity pages", "source pages", "queries, indexes, search")  # in the order they run


def stage_times(stages: list[tuple[float, str]]) -> dict[str, float]:
    """How long each stage took, from the times of the progress lines that end them."""
    ends: dict[str, float] = {}
    for at, line in stages:
        if line.startswith("drew ") and "pictures" in line:
            ends["pictures"] = at
        elif line.startswith("read ") and " quads" in line:
            ends["read"] = at
        elif " entity pages" in line:
            ends["entity pages"] = at
        elif line.startswith("running the bundled queries"):
            ends["source pages"] = at
        elif line.startswith("wrote ") and "pages (" in line:
            ends["queries, indexes, search"] = at
    took, last = {}, 0.0
    for name in STAGES:
        if name in ends:
            took[name] = ends[name] - last
            last = ends[name]
    return took


def spread(values: list[float], fmt: str) -> str:
    """``12.3`` for one run, ``11.9–12.3`` (lowest–highest) for several."""
    low, high = min(values), max(values)
    return format(low, fmt) if format(low, fmt) == format(high, fmt) else f"{format(low, fmt)}–{format(high, fmt)}"


def row(runs: list[dict]) -> str:
    """One graph's line of the table: each figure as its range over ``runs``."""
    first = runs[0]

    def of(key: str, fmt: str, scale: float = 1.0) -> str:
        return spread([r[key] * scale for r in runs], fmt)

    stages = [stage_times(r["stages"]) for r in runs]
    stage_text = "; ".join(f"{name} {spread([s[name] for s in stages], '.1f')}s" for name in STAGES if name in stages[0])
    return (
        f"| {first['graph']} | {first['entities']:,} | {first['sources']:,} | {first['pages']:,} | {first['files']:,} "
        f"| {of('bytes', ',.1f', 1e-6)} MB | {of('seconds', '.1f')} s | {of('cpu_seconds', '.1f')} s "
        f"| {spread([r['pages'] / r['seconds'] for r in runs], ',.0f')} | {spread([r['pages'] / r['cpu_seconds'] for r in runs], ',.0f')} "
        f"| {first['diagrams']} | {of('peak_mb', ',.0f')} MB | {stage_text} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="bundled,100k,1M", help="bundled and/or triple counts (100k, 1M)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--diagrams", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1, help="write each site this many times; figures as ranges")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.workdir, args.diagrams)))
        return
    rows = []
    for name in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        label = "bundled" if name == "bundled" else size_name(parse_size(name))
        runs = []
        for number in range(1, args.repeat + 1):
            print(f"{label}: building the store (if needed) and the site, run {number}…", file=sys.stderr, flush=True)
            done = subprocess.run(
                [sys.executable, __file__, "--worker", label, "--workdir", str(args.workdir), "--diagrams", str(args.diagrams)],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                print(done.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{label}: the worker failed")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(json.dumps({k: v for k, v in result.items() if k != "stages"}), file=sys.stderr)
            runs.append(result)
        rows.append(row(runs))
    runs_text = f" ({args.repeat} runs each: lowest–highest)" if args.repeat > 1 else ""
    lines = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `{command_line()}` on {machine()}{runs_text}.",
        "",
        "| graph | entities | sources | pages | files | size | time | CPU time | pages/s | pages per CPU s "
        "| focus diagrams | peak memory | stages |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *rows,
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        replace_section("bench_site", "## Static website (`spacefilms site`)\n\n" + body)


if __name__ == "__main__":
    main()
