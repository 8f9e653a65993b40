"""``storagebench run``: run the benchmarks through pytest-benchmark, keep the run, summarise it.

The benchmarks are the ones in ``benchmarks/`` (the same files ``pytest benchmarks/`` runs), one
suite per ``benchmarks/test_<suite>.py``.  The run's pytest-benchmark JSON is written to a
temporary file and moved into ``results/runs/`` with ``os.replace`` only when the run ends, so
an interrupted or crashed run never leaves a half-written file next to earlier runs and never
overwrites one (each run gets a new timestamped name).  pytest's own output goes to a log file
beside the run; the terminal shows a progress bar and, at the end, a summary table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from formats.base import StorageBenchInputError

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS_DIR = REPO_ROOT / "benchmarks"
DEFAULT_RUNS_DIR = REPO_ROOT / "results" / "runs"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="run the benchmarks and write results/runs/<run>.json")
    p.add_argument("--profile", default="quick", help="quick | standard | full (default quick)")
    p.add_argument("--rows", type=int, help="rows per generated dataset (overrides the profile)")
    p.add_argument("--formats", default="", help="comma list of formats (default: all)")
    p.add_argument("--datasets", default="", help="comma list of generated datasets (default: all)")
    p.add_argument("--dataset", action="append", default=[], metavar="PATH",
                   help="your own data file as a dataset (repeatable)")
    p.add_argument("--compressions", default="", help="comma list of compressions")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--suites", default="", help=f"comma list of suites (default: all): {', '.join(suite_names())}")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory pass")
    p.add_argument("--keep-files", metavar="DIR", help="keep the measured local format files under DIR with a manifest")
    p.add_argument("--runs-dir", default=str(DEFAULT_RUNS_DIR), help="where run JSON files go")
    p.add_argument("--no-report", action="store_true", help="do not build the report afterwards")
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    p.set_defaults(handler=run)


def suite_names() -> list[str]:
    return sorted(p.stem[len("test_"):] for p in BENCHMARKS_DIR.glob("test_*.py"))


def suite_files(selection: str) -> list[Path]:
    names = [s.strip() for s in selection.split(",") if s.strip()]
    available = suite_names()
    if not names:
        return [BENCHMARKS_DIR / f"test_{n}.py" for n in available]
    bad = [n for n in names if n not in available]
    if bad:
        raise StorageBenchInputError(f"unknown suite {bad[0]!r}; valid suites: {', '.join(available)}")
    return [BENCHMARKS_DIR / f"test_{n}.py" for n in names]


def pytest_arguments(args: argparse.Namespace, json_path: Path) -> list[str]:
    out = [str(p) for p in suite_files(args.suites)]
    out += ["--profile", args.profile, "--seed", str(args.seed),
            f"--benchmark-json={json_path}", "--benchmark-quiet", "-p", "no:cacheprovider",
            "--rootdir", str(REPO_ROOT), "-c", str(REPO_ROOT / "pyproject.toml")]
    if args.rows:
        out += ["--rows", str(args.rows)]
    for flag in ("formats", "datasets", "compressions"):
        if getattr(args, flag):
            out += [f"--{flag}", getattr(args, flag)]
    for path in args.dataset:
        out += ["--dataset", str(Path(path).expanduser().resolve())]
    if args.no_memory:
        out.append("--no-memory")
    if args.keep_files:
        out += ["--keep-files", str(Path(args.keep_files).expanduser().resolve())]
    return out + list(args.pytest_args)


class _Progress:
    """A pytest plugin that drives a rich progress bar (pytest's own output goes to the log)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task: Any = None
        self.failed: list[str] = []
        self.skipped = 0
        self.passed = 0

    def pytest_collection_finish(self, session: Any) -> None:
        self.task = self.progress.add_task("benchmarks", total=len(session.items))

    def pytest_runtest_logreport(self, report: Any) -> None:
        # A case ends at its call, or at setup when setup skipped or failed it.
        done = report.when == "call" or (report.when == "setup" and not report.passed)
        if report.skipped:
            self.skipped += 1
        elif report.failed:
            self.failed.append(f"{report.nodeid}: {str(report.longrepr).splitlines()[-1] if report.longrepr else ''}")
        elif report.when == "call":
            self.passed += 1
        if done and self.task is not None:
            self.progress.update(self.task, advance=1, description=report.nodeid.split("::")[-1][:60])


def run(args: argparse.Namespace) -> int:
    import pytest

    console = Console(stderr=True)
    runs_dir = Path(args.runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    final = _unique(runs_dir / f"{stamp}-{args.profile}.json")
    partial = final.with_name(f".{final.name}.partial")
    log_path = final.with_suffix(".log")
    pytest_args = pytest_arguments(args, partial)

    progress = Progress(TextColumn("{task.description:<60}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, transient=False)
    plugin = _Progress(progress)
    try:
        with open(log_path, "w") as log, progress, contextlib.redirect_stdout(log):
            code = pytest.main(pytest_args, plugins=[plugin])
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if code == pytest.ExitCode.USAGE_ERROR:
        partial.unlink(missing_ok=True)
        raise StorageBenchInputError(_usage_message(log_path))
    if not partial.exists():
        console.print(f"[red]no results written (pytest exit {int(code)}); see {log_path}[/red]")
        return int(code) or 1
    _check_json(partial)
    os.replace(partial, final)  # atomic: the run appears whole or not at all
    console.print(f"run saved: {final}  (pytest log: {log_path})")
    console.print(f"{plugin.passed} measured, {plugin.skipped} skipped (reasons in the JSON), "
                  f"{len(plugin.failed)} failed")
    for line in plugin.failed[:20]:
        console.print(f"[red]FAILED[/red] {line}")
    print_summary(final, Console(width=None if sys.stdout.isatty() else 200))
    if not args.no_report:
        _build_report(final, console)
    return 0 if not plugin.failed else 1


def _unique(path: Path) -> Path:
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _check_json(path: Path) -> None:
    with open(path) as f:
        json.load(f)  # raises if pytest-benchmark wrote something broken


def _usage_message(log_path: Path) -> str:
    lines = [ln for ln in log_path.read_text().splitlines() if "error" in ln.lower()]
    text = lines[-1] if lines else f"pytest rejected the arguments (see {log_path})"
    return text.replace("ERROR: ", "").replace("storagebench: ", "")


def _build_report(run_path: Path, console: Console) -> None:
    from storagebench.report import build_report  # imported here: only runs that report pay for it

    paths = build_report([run_path], REPO_ROOT / "results")
    for p in paths:
        console.print(f"report: {p}")


def print_summary(run_path: Path, console: Console) -> None:
    """Per dataset and format: size, best write and read medians, fidelity (local target)."""
    from rich.table import Table

    data = json.loads(run_path.read_text())
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for bench in data.get("benchmarks", []):
        info = bench.get("extra_info", {})
        if info.get("suite") != "formats" or info.get("target", "local") != "local":
            continue
        key = (info["dataset"], info["format"])
        row = rows.setdefault(key, {"size": None, "write": None, "read": None, "fidelity": set()})
        median = bench["stats"]["median"]
        if info["operation"] == "write":
            if info.get("fidelity") != "lossy-values" and (row["write"] is None or median < row["write"][0]):
                row["write"] = (median, f"{info['engine']}/{info['compression']}")
            size = info.get("bytes_on_disk")
            if size and (row["size"] is None or size < row["size"][0]):
                row["size"] = (size, info["compression"])
        elif info.get("read_kind") == "full":
            if info.get("fidelity") == "lossless" and (row["read"] is None or median < row["read"][0]):
                row["read"] = (median, f"{info['reader_engine']}/{info['compression']}")
            row["fidelity"].add(info.get("fidelity"))
    if not rows:
        return
    table = Table(title=f"Local formats: best of each ({data['storagebench']['profile']} profile, "
                        f"{data['storagebench']['rows']} rows)")
    for col in ("dataset", "format", "smallest file", "fastest write (values kept)", "fastest lossless full read",
                "fidelity seen"):
        table.add_column(col)
    for (ds, fmt), row in sorted(rows.items()):
        size = f"{row['size'][0] / 1e6:.2f} MB ({row['size'][1]})" if row["size"] else "-"
        write = f"{row['write'][0] * 1e3:.1f} ms ({row['write'][1]})" if row["write"] else "-"
        read = f"{row['read'][0] * 1e3:.1f} ms ({row['read'][1]})" if row["read"] else "no lossless read"
        table.add_row(ds, fmt, size, write, read, ", ".join(sorted(f for f in row["fidelity"] if f)))
    console.print(table)
