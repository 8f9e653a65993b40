"""Cell helpers shared by the sections over counted cloud work (catalog, Glacier, partitions,
velocity, volume): values read back from the tidy table, request breakdowns, timing cells.

Private (leading underscore): the section registry skips it, it renders nothing by itself."""

from __future__ import annotations

from typing import Any

import pandas as pd

from storagebench.report import fmt
from storagebench.report.context import ReportContext
from storagebench.report.metrics import speedup
from storagebench.report.model import Block, Text
from storagebench.report.sections.s3 import as_obj

TIMING = ["median", "IQR", "n", "CV"]
TARGET_LABELS = {"local": "Local disk", "s3": "S3 (embedded moto endpoint)"}


def value(x: Any) -> Any:
    """A tidy-table cell as a plain value: None for every kind of missing (None, NaN, pd.NA);
    dicts and lists (stored as JSON text) as objects."""
    if x is None or (not isinstance(x, (list, dict, str)) and pd.isna(x)):
        return None
    return as_obj(x)


def by_op(x: Any) -> str:
    """``{"s3:GetObject": 11, ...}`` as ``GetObject 11, ...`` (counts per timed call)."""
    obj = value(x)
    if not isinstance(obj, dict) or not obj:
        return "-"
    return ", ".join(f"{k.split(':', 1)[-1]} {fmt.number(v)}" for k, v in obj.items())


def timing_cells(r: Any) -> list[str]:
    """median, IQR, n and CV of one case (the spread travels with every timing; one round has no
    CV to show)."""
    one = value(r.get("rounds")) is not None and int(r.get("rounds")) < 2
    return [fmt.seconds(r.get("time_median")), fmt.seconds(r.get("time_iqr")), fmt.count(r.get("rounds")),
            "-" if one else fmt.cv(r.get("cv"))]


def skipped_note(ctx: ReportContext, suite: str) -> list[Block]:
    """One line pointing at the suite's skipped/failed cases (listed in full by the outcomes section)."""
    cases = ctx.cases
    if cases.empty or "suite" not in cases.columns:
        return []
    other = cases[(cases["suite"] == suite) & (cases["status"] != "measured")]
    if other.empty:
        return []
    reasons = sorted({str(r) for r in other["reason"].dropna()})
    return [Text(f"{len(other)} {suite} case(s) not measured in this run (see Skipped and failed cases): "
                 + "; ".join(reasons[:3]) + (" ..." if len(reasons) > 3 else ""), kind="note")]


def first(frame: pd.DataFrame, **where: Any) -> pd.Series | None:
    """The first row of ``frame`` whose columns equal the given values, or None."""
    for key, want in where.items():
        if key not in frame.columns:
            return None
        frame = frame[frame[key] == want]
    return None if frame.empty else frame.iloc[0]


def by_target(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The cases split by ``target``, local disk first."""
    targets = sorted(frame["target"].dropna().unique(), key=lambda t: (t != "local", t))
    return [(t, frame[frame["target"] == t]) for t in targets]


def ratio_cell(base: Any, other: Any) -> str:
    """base median / other median with the conservative quartile range, or ``-``."""
    sp = speedup(base, other) if base is not None and other is not None else None
    return f"{fmt.ratio(sp[0])} ({sp[1]:.2g}\u2013{sp[2]:.2g})" if sp else "-"
