"""Website benchmark: time and size of ``spacefilms site`` for the bundled graph and synthetic graphs.

    .venv/bin/python benchmarks/bench_site.py                         # bundled, 100k, 1M triples
    .venv/bin/python benchmarks/bench_site.py --sizes bundled,100k    # a quicker look

Each graph is built into a store first (``spacefilms build``; not timed here, see bench_scale.py), then its site is
written by ``spacefilms.site.build_site`` in a fresh process (so the peak memory is the site's own): total time,
pages, pages per second, files, bytes, and the time of each stage as the progress lines report it. Focus diagrams
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
    return {
        "graph": name,
        "seconds": report.seconds,
        "pages": report.pages,
        "files": report.files,
        "bytes": report.bytes,
        "entities": report.entities,
        "sources": report.sources,
        "diagrams": report.diagrams,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stages": stages,
    }


STAGES = (  # (name, the progress line that ends it)
    ("read", "drawing the pictures"),
    ("pictures", "drew "),
    ("entity pages", "wrote "),  # the last "wrote N of N entity pages"
    ("source pages", "running the bundled queries"),
    ("queries, indexes, search", "wrote "),
)


def stage_times(stages: list[tuple[float, str]]) -> str:
    """How long each stage took, from the times of the progress lines that end them."""
    ends: dict[str, float] = {}
    for at, line in stages:
        if line.startswith("drawing the pictures"):
            ends["read"] = at
        elif line.startswith("drew ") and "pictures" in line:
            ends["pictures"] = at
        elif " entity pages" in line:
            ends["entity pages"] = at
        elif line.startswith("running the bundled queries"):
            ends["source pages"] = at
        elif line.startswith("wrote ") and "pages (" in line:
            ends["queries, indexes, search"] = at
    parts, last = [], 0.0
    for name, _ in STAGES:
        if name in ends:
            parts.append(f"{name} {ends[name] - last:.1f}s")
            last = ends[name]
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="bundled,100k,1M", help="bundled and/or triple counts (100k, 1M)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--diagrams", type=int, default=20)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.workdir, args.diagrams)))
        return
    rows = []
    for name in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        label = "bundled" if name == "bundled" else size_name(parse_size(name))
        print(f"{label}: building the store (if needed) and the site…", file=sys.stderr, flush=True)
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
        rows.append(result)
    lines = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `{command_line()}` on {machine()}.",
        "",
        "| graph | entities | sources | pages | files | size | time | pages/s | focus diagrams | peak memory | stages |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['graph']} | {r['entities']:,} | {r['sources']:,} | {r['pages']:,} | {r['files']:,} | {r['bytes'] / 1e6:,.1f} MB "
            f"| {r['seconds']:.1f} s | {r['pages'] / r['seconds']:,.0f} | {r['diagrams']} | {r['peak_mb']:,.0f} MB | {stage_times(r['stages'])} |"
        )
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        replace_section("bench_site", "## Static website (`spacefilms site`)\n\n" + body)


if __name__ == "__main__":
    main()
