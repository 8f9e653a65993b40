"""Cell helpers shared by the sections over counted cloud work (catalog, Glacier, partitions,
velocity, volume): values read back from the tidy table, request breakdowns, timing cells.

Private (leading underscore): the section registry skips it, it renders nothing by itself."""

from __future__ import annotations

from typing import Any

import pandas as pd

from storagebench.report import fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Text
from storagebench.report.sections.s3 import as_obj

TIMING = ["median", "IQR", "n", "CV"]


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
