"""``storagebench decide [DATA ...] [--budget 5m] [--out DIR]``: a decision on your data, in minutes.

DATA is one or more of your files (CSV, JSON/JSONL, Parquet, ORC, Feather/Arrow, Avro; several
files are parts of one table and must share a schema) or a named dataset (``tpch-lineitem``,
``tpch-orders`` at ``--scale``, or a generated one).  With no DATA: TPC-H lineitem at SF 0.1.
Writes ``DIR/decision.json``, ``DIR/report.md`` and ``DIR/report.html`` (DIR defaults to a new
``results/decide/<UTC time>``; an existing decision in DIR is never overwritten).  The method is
in :mod:`storagebench.decide`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from formats.base import StorageBenchInputError
from storagebench.decide.context import DEFAULT_SAMPLE_ROWS

# Relative to the current folder, like results/runs: an installed package has no checkout to
# write into (a path beside the module would land in site-packages).
DEFAULT_OUT = Path("results") / "decide"
DEFAULT_DATA = "tpch-lineitem"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("decide", help="decide the best configuration per workload on your data, within a budget")
    p.add_argument("data", nargs="*", metavar="DATA",
                   help=f"your data file(s), or a dataset name (default: {DEFAULT_DATA} at SF 0.1)")
    p.add_argument("--budget", default="5m", help="time budget, e.g. 5m, 90s (default 5m)")
    p.add_argument("--out", metavar="DIR", help="output directory (default: a new results/decide/<time>)")
    p.add_argument("--targets", default="local,s3", help="local, s3 (embedded moto server) or both (default)")
    p.add_argument("--workloads", default="", help="comma list (default: all that apply): archive, full-export, "
                   "analytic-projection, selective-filter, query, append-stream, point-lookup")
    p.add_argument("--formats", default="", help="comma list of formats to consider (default: all)")
    p.add_argument("--data-size", metavar="SIZE", help="your data's real size for bytes and $ projections, e.g. 2TB")
    p.add_argument("--scale", type=float, default=None, help="TPC-H scale factor for tpch-* datasets (default 0.1)")
    p.add_argument("--sample-rows", type=int, default=DEFAULT_SAMPLE_ROWS,
                   help=f"rows in the screening sample (default {DEFAULT_SAMPLE_ROWS})")
    p.add_argument("--seed", type=int, default=42)
    p.set_defaults(handler=run, retain_allocators=True)
    c = subparsers.add_parser("decide-compare", help="do two decide runs agree? same winner or same tie per workload")
    c.add_argument("a", metavar="A", help="a decision.json, or the --out directory holding it")
    c.add_argument("b", metavar="B", help="the other run's decision.json or directory")
    c.set_defaults(handler=lambda args: _compare(args.a, args.b))


def _compare(a: str, b: str) -> int:
    from storagebench.decide.compare import run as compare_runs

    return compare_runs(a, b)


def _split(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def _load(specs: list[str], scale: float | None):
    """(dataset, basis bytes, basis text) for the DATA arguments."""
    import pyarrow as pa

    from storagebench.datasets import resolve, tpch
    from storagebench.datasets.user_file import load_file_dataset, middle_tenth_of

    if len(specs) == 1 and specs[0] in tpch.TABLES:
        ds = tpch.load(specs[0], tpch.DEFAULT_SCALE if scale is None else scale)
        return ds, ds.arrow_bytes, "Arrow in-memory bytes of the generated table"
    if scale is not None:
        raise StorageBenchInputError(f"--scale applies to the TPC-H datasets ({', '.join(tpch.TABLES)}) only")
    files = [s for s in specs if "/" in s or "." in s]
    if not files:
        if len(specs) != 1:
            raise StorageBenchInputError("give one dataset name, or one or more data files")
        ds = resolve(specs[0], 200_000)
        return ds, ds.arrow_bytes, "Arrow in-memory bytes of the generated table"
    if len(files) != len(specs):
        raise StorageBenchInputError(f"mixing data files and dataset names: {', '.join(set(specs) - set(files))}")
    parts = [load_file_dataset(f) for f in files]
    basis = sum(Path(f).stat().st_size for f in files)
    if len(parts) == 1:
        return parts[0], basis, f"size of {files[0]}"
    first = parts[0].table.schema
    for f, p in zip(files[1:], parts[1:]):
        if not p.table.schema.equals(first):
            raise StorageBenchInputError(f"data file {f}: its schema differs from {files[0]}'s; "
                                         "several files must be parts of one table")
    table = pa.concat_tables([p.table for p in parts]).combine_chunks()
    ds = parts[0]
    ds.table, ds._fingerprint = table, None
    ds.predicate, ds.origin = middle_tenth_of(table), ", ".join(files)
    return ds, basis, f"total size of the {len(files)} files"


def _out_dir(text: str | None) -> Path:
    if text:
        out = Path(text)
        if (out / "decision.json").exists():
            raise StorageBenchInputError(f"--out {out}: it already holds a decision.json; choose a new directory")
        if out.exists() and not out.is_dir():
            raise StorageBenchInputError(f"--out {out}: exists and is not a directory")
        return out
    return DEFAULT_OUT / dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")


def run(args: argparse.Namespace) -> int:
    from storagebench.decide.budget import Budget, parse_duration

    budget = Budget(parse_duration(args.budget))  # first: every later step is inside the budget
    from storagebench import allocators, costs, environment

    conditions = environment.RunConditions()
    from storagebench.decide.report import write_report
    from storagebench.decide.runner import DecideOptions, decide
    from storagebench.decide.targets import TARGETS
    from storagebench.decide.workloads import select

    budget_s = budget.seconds
    targets = _split(args.targets)
    if not targets:
        raise StorageBenchInputError("--targets is empty; valid targets: " + ", ".join(TARGETS))
    for t in targets:
        if t not in TARGETS:
            raise StorageBenchInputError(f"unknown target {t!r}; valid targets: {', '.join(TARGETS)}")
    workloads = _split(args.workloads) or None
    select(workloads)  # unknown names fail now, before any work
    formats_ = _split(args.formats) or None
    if formats_:
        from storagebench.cases import select_codecs

        select_codecs(formats_)
    data_size = costs.parse_size(args.data_size) if args.data_size else None
    if args.sample_rows < 100:
        raise StorageBenchInputError(f"--sample-rows must be at least 100, got {args.sample_rows}")
    out = _out_dir(args.out)

    started = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    specs = list(args.data) or [DEFAULT_DATA]
    ds, basis, basis_text = _load(specs, args.scale)  # TPC-H is generated once, then cached
    say(f"{ds.name}: {ds.rows:,} rows x {ds.columns} columns, {ds.origin}")
    opts = DecideOptions(ds, basis, basis_text, budget_s, targets, workloads, formats_, data_size,
                         args.sample_rows, args.seed, say, budget)
    decision = decide(opts)
    decision.conditions = {**conditions.finish(), "allocators": allocators.settings()}
    decision.environment = {"commit": environment.git_commit(), **{
        k: v for k, v in environment.library_versions().items() if v}}
    paths = write_report(decision, out)
    decision.elapsed_s = budget.elapsed()
    for wd in decision.workloads:
        line = wd.skipped and f"not decided ({wd.skipped})" or (
            f"tie: {wd.winner} = {' = '.join(wd.tie_with)}" if wd.tie_with else f"{wd.winner}  {wd.margin_text()}")
        print(f"{wd.workload:20} {wd.target:6} {line}")
    print(f"decided in {budget.elapsed():.0f} s (budget {budget_s:.0f} s): {paths[2]}")
    return 0
