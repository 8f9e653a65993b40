"""The tidy table: one row per case, every dimension and figure in its own column.

Measured benchmarks become rows with their ``extra_info`` keys and pytest-benchmark's timing
statistics (``time_median``, ``time_iqr``, ``time_q1`` ...); skipped and failed cases (the run's
outcomes) become rows too, with ``status`` and ``reason`` and no timing, so a pandas user sees
every case the run attempted.  Lists and objects in ``extra_info`` are stored as JSON text so
the table writes to Parquet and CSV alike (``fidelity_issues`` as JSON ``[{column, kind,
detail}]``, plus ``fidelity_issues_text``, the same issues as one readable line).

Noise columns: ``cv`` (stddev / mean) and ``noisy`` (cv > :data:`NOISY_CV`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from storagebench.report.loading import Run
from storagebench.results import issues_text

NOISY_CV = 0.10  # coefficient of variation above which a figure is flagged as noisy

STAT_KEYS = ("min", "max", "mean", "median", "iqr", "q1", "q3", "stddev")
ID_COLUMNS = ("run", "status", "case", "fullname", "group", "reason")
READ_COLUMNS = ("read_kind", "writer_engine", "reader_engine")


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def benchmark_row(run: Run, bench: dict[str, Any]) -> dict[str, Any]:
    stats = bench["stats"]
    row: dict[str, Any] = {
        "run": run.label,
        "status": "measured",
        "case": bench.get("param") or bench["name"],
        "fullname": bench["fullname"],
        "group": bench.get("group"),
        "reason": None,
    }
    row.update({k: _cell(v) for k, v in bench["extra_info"].items()})
    if "fidelity_issues" in bench["extra_info"]:
        # Structured in fidelity_issues (JSON); one readable line beside it for spreadsheets.
        row["fidelity_issues_text"] = issues_text(bench["extra_info"]["fidelity_issues"])
    for key in STAT_KEYS:
        row[f"time_{key}"] = stats.get(key)
    row["rounds"] = stats.get("rounds")
    mean, stddev = stats.get("mean"), stats.get("stddev")
    row["cv"] = (stddev / mean) if mean and stddev is not None else None
    row["noisy"] = bool(row["cv"] is not None and row["cv"] > NOISY_CV)
    return row


def outcome_row(run: Run, outcome: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "run": run.label,
        "status": outcome.get("status", "skipped"),
        "case": outcome.get("case"),
        "fullname": None,
        "group": None,
        "reason": outcome.get("reason"),
    }
    row.update({k: _cell(v) for k, v in outcome.items() if k not in ("case", "status", "reason")})
    return row


def cases_frame(runs: Iterable[Run]) -> pd.DataFrame:
    """Every case of every run, measured or not."""
    rows: list[dict[str, Any]] = []
    for run in runs:
        rows.extend(benchmark_row(run, b) for b in run.benchmarks)
        rows.extend(outcome_row(run, o) for o in run.outcomes)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=list(ID_COLUMNS))
    for col in READ_COLUMNS:  # a run without reads (``-k test_write``): the sections still find them
        if col not in frame.columns:
            frame[col] = None
    first = [c for c in ID_COLUMNS if c in frame.columns]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    # Mixed-type object columns (None next to numbers) are made uniform for Parquet.
    for col in frame.columns:
        if frame[col].dtype == object:
            kinds = {type(v) for v in frame[col] if v is not None and not (isinstance(v, float) and np.isnan(v))}
            if kinds and kinds <= {int, float, bool} and kinds != {bool}:
                frame[col] = pd.to_numeric(frame[col], errors="coerce")
            elif kinds and not kinds <= {bool}:
                frame[col] = frame[col].map(lambda v: None if v is None else str(v)).astype("string")
    return frame


def measured(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty or "status" not in frame.columns:
        return frame
    return frame[frame["status"] == "measured"]


def write_tables(frame: pd.DataFrame, out_dir: Path) -> tuple[Path, Path]:
    parquet = out_dir / "cases.parquet"
    csv = out_dir / "cases.csv"
    frame.to_parquet(parquet, index=False)
    frame.to_csv(csv, index=False)
    return parquet, csv
