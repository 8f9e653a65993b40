"""Shared helpers for the report tests: a real small benchmark run, and schema-valid synthetic
runs whose numbers a test chooses (so a test can make a format win or lose on purpose)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storagebench.results import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[1]


def real_run(path: Path) -> Path:
    """Run the local-format benchmarks small (CSV + Parquet, numeric, 300 rows) into ``path``."""
    cmd = [sys.executable, "-m", "pytest", "benchmarks/test_local_formats.py", "--rows", "300",
           "--formats", "csv,parquet", "--datasets", "numeric", f"--benchmark-json={path}",
           "-q", "-p", "no:cacheprovider", "--benchmark-quiet"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return path


def stats(median: float, spread: float = 0.02, rounds: int = 5) -> dict[str, Any]:
    """pytest-benchmark stats around ``median`` with a relative spread (IQR = 2 * spread)."""
    data = [median * (1 - spread), median, median * (1 + spread)]
    mean = sum(data) / len(data)
    sd = (sum((x - mean) ** 2 for x in data) / (len(data) - 1)) ** 0.5
    return {"min": min(data), "max": max(data), "mean": mean, "median": median, "stddev": sd,
            "iqr": 2 * spread * median, "q1": median * (1 - spread), "q3": median * (1 + spread),
            "rounds": rounds, "iterations": 1, "data": data, "ops": 1 / mean, "total": sum(data),
            "iqr_outliers": 0, "stddev_outliers": 0, "outliers": "0;0", "ld15iqr": min(data),
            "hd15iqr": max(data)}


def _issues(details: list[str] | None, fidelity: str) -> list[dict[str, str]]:
    """``"column: detail"`` strings as the harness's structured issues (kind from the verdict)."""
    kind = "values" if fidelity == "lossy-values" else "type"
    return [dict(zip(("column", "detail"), d.split(": ", 1)), kind=kind) for d in details or []]


def fmt_case(fmt: str, op: str, seconds: float, size: int, *, kind: str = "full", comp: str = "none",
             engine: str = "pyarrow", reader: str | None = None, fidelity: str = "lossless",
             details: list[str] | None = None, dataset: str = "numeric", rows: int = 1000,
             spread: float = 0.02, arrow_bytes: int = 100_000, **extra: Any) -> dict[str, Any]:
    """One format benchmark as the harness writes it (storagebench/results.py keys)."""
    reader = reader or engine
    info: dict[str, Any] = {
        "suite": "formats", "target": "local", "format": fmt, "compression": comp, "dataset": dataset,
        "dataset_fingerprint": "f" * 16, "dataset_arrow_bytes": arrow_bytes, "rows": rows, "columns": 3,
        "profile": "quick", "seed": 42, "operation": op, "engine": engine if op == "write" else reader,
        "writer_engine": engine, "row_group_size": None, "bytes_on_disk": size,
        "arrow_bytes": arrow_bytes, "compression_ratio": arrow_bytes / size,
        "mb_per_s": arrow_bytes / seconds / 1e6, "conversions": [], "peak_memory_bytes": 1_000_000,
        "peak_memory_method": "fork + /proc VmHWM delta", "fidelity_schema_supplied": False,
    }
    if op == "read":
        info.update({"reader_engine": reader, "read_kind": kind, "cross_engine": False,
                     "predicate_mode": "pushdown" if kind == "predicate" else None,
                     "rows_returned": rows, "fidelity": fidelity,
                     "fidelity_lossy_columns": sorted({d.split(":")[0] for d in details or []}),
                     "fidelity_issues": _issues(details, fidelity)})
    else:
        # As the harness: a write's verdict is what the writer's own library reads back.
        info.update({"rows_returned": None, "fidelity": fidelity, "fidelity_checked_by": engine,
                     "fidelity_lossy_columns": sorted({d.split(":")[0] for d in details or []}),
                     "fidelity_issues": _issues(details, fidelity)})
    info.update(extra)
    via = engine if reader == engine else f"{engine}>{reader}"
    param = f"{fmt}-{via}-{comp}-{kind + '-' if op == 'read' else ''}{dataset}"
    test = "test_read" if op == "read" else "test_write"
    return {"group": f"{op}-{dataset}", "name": f"{test}[{param}]",
            "fullname": f"benchmarks/test_local_formats.py::{test}[{param}]", "params": {}, "param": param,
            "extra_info": info, "options": {}, "stats": stats(seconds, spread)}


def format_set(fmt: str, size: int, write: float, full: float, projection: float, predicate: float,
               **kw: Any) -> list[dict[str, Any]]:
    """A write and the three reads of one configuration."""
    return [fmt_case(fmt, "write", write, size, **kw),
            fmt_case(fmt, "read", full, size, kind="full", **kw),
            fmt_case(fmt, "read", projection, size, kind="projection", **kw),
            fmt_case(fmt, "read", predicate, size, kind="predicate", **kw)]


def run_doc(benchmarks: list[dict[str, Any]], outcomes: list[dict[str, Any]] | None = None,
            datasets: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "machine_info": {"node": "test", "python_version": "3.11"},
        "commit_info": {"id": "0" * 40, "dirty": False},
        "datetime": "2026-11-27T00:00:00+00:00", "version": "5.3.1",
        "benchmarks": benchmarks,
        "storagebench": {"schema_version": SCHEMA_VERSION, "profile": "quick", "rows": 1000, "rounds": 5,
                         "seed": 42, "versions": {"pyarrow": "26.0.1"},
                         "machine": {"python": "3.11", "platform": "test", "cpu_count": 2, "memory_bytes": 2**30},
                         "datasets": datasets if datasets is not None else
                         {"numeric": {"rows": 1000, "columns": 3, "arrow_bytes": 100_000,
                                      "fingerprint": "f" * 16, "origin": "generated (seed=42)"}},
                         "outcomes": outcomes or []},
    }


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture(scope="session")
def real_run_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return real_run(tmp_path_factory.mktemp("run") / "small.json")


def test_synthetic_runs_load(tmp_path: Path) -> None:
    """The helpers' synthetic runs pass the same validation real runs do."""
    from storagebench.report.loading import load_run

    run = load_run(write_json(tmp_path / "r.json", run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1))))
    assert len(run.benchmarks) == 4 and run.suite["schema_version"] == SCHEMA_VERSION
