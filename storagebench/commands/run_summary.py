"""The table ``storagebench run`` (and ``pytest --benchmark``) prints at the end of a run: per
dataset and format of the local formats suite, the smallest file, the fastest write that kept the
values, the fastest lossless full read and the verdicts seen.  It reads the run through the
report's loader (:mod:`storagebench.report.loading`), so it sees exactly the validated records the
report does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console


def summary_rows(run: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (dataset, format) of the local formats suite: the smallest file (bytes, compression),
    the fastest write that kept values and the fastest lossless full read (median seconds, how),
    and the fidelity verdicts seen.  ``run`` is a :class:`storagebench.report.loading.Run`: the
    same validated records the report reads."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for bench in run.benchmarks:
        info = bench["extra_info"]
        if info["suite"] != "formats" or info["target"] != "local":
            continue
        key = (info["dataset"], info["format"])
        row = rows.setdefault(key, {"size": None, "write": None, "read": None, "fidelity": set()})
        median = bench["stats"]["median"]
        if info["operation"] == "write":
            if info["fidelity"] != "lossy-values" and (row["write"] is None or median < row["write"][0]):
                row["write"] = (median, f"{info['engine']}/{info['compression']}")
            size = info["bytes_on_disk"]
            if size and (row["size"] is None or size < row["size"][0]):
                row["size"] = (size, info["compression"])
        elif info.get("read_kind") == "full" and not info["fidelity_schema_supplied"]:
            # A read handed the written schema says nothing about what the file holds (issue 10):
            # the summary, like the report, judges files as a reader without the schema sees them.
            if info["fidelity"] == "lossless" and (row["read"] is None or median < row["read"][0]):
                row["read"] = (median, f"{info['reader_engine']}/{info['compression']}")
            row["fidelity"].add(info["fidelity"])
    return rows


def print_summary(run_path: Path, console: Console) -> None:
    """Per dataset and format: size, best write and read medians, fidelity (local target).

    The run is read through the report's loader, so the summary sees exactly the validated
    records the report does; a run the loader refuses raises its one-line ReportInputError."""
    from rich.table import Table

    from storagebench.report.loading import load_run

    run = load_run(run_path)
    rows = summary_rows(run)
    if not rows:
        return
    shown = {ds for ds, _ in rows}
    table = Table(title=f"Local formats: best of each ({run.suite['profile']} profile, "
                        f"{_row_counts(run.suite, shown)})")
    for col in ("dataset", "format", "smallest file", "fastest write (values kept)", "fastest lossless full read",
                "fidelity seen"):
        table.add_column(col)
    for (ds, fmt), row in sorted(rows.items()):
        size = f"{row['size'][0] / 1e6:.2f} MB ({row['size'][1]})" if row["size"] else "-"
        write = f"{row['write'][0] * 1e3:.1f} ms ({row['write'][1]})" if row["write"] else "-"
        read = f"{row['read'][0] * 1e3:.1f} ms ({row['read'][1]})" if row["read"] else "no lossless read"
        table.add_row(ds, fmt, size, write, read, ", ".join(sorted(f for f in row["fidelity"] if f)))
    console.print(table)


def _row_counts(suite: dict[str, Any], shown: set[str]) -> str:
    """'5,000 rows', or each dataset's own count when they differ (a user's file has its own)."""
    described = suite.get("datasets", {}) or {}
    counts = {name: d["rows"] for name, d in described.items() if name in shown and d.get("rows") is not None}
    if counts and len(set(counts.values())) == 1:
        return f"{next(iter(counts.values())):,} rows"
    if counts:
        return ", ".join(f"{name}: {rows:,} rows" for name, rows in sorted(counts.items()))
    return f"{suite.get('rows', 0):,} rows"
