"""Derived figures shared by sections: configuration labels, speed-ups with their spread, the
Pareto front, and noise checks.  Pure functions over the tidy table, so they are tested once."""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

import pandas as pd

from storagebench.report.fmt import missing


def config_label(row: Any, with_reader: bool = True) -> str:
    """``parquet/zstd pyarrow`` or ``parquet/zstd pyarrow>fastparquet`` for a case row."""
    get = row.get if isinstance(row, dict) else (lambda k, d=None: getattr(row, k, d))
    writer = get("writer_engine") or get("engine")
    reader = get("reader_engine") if with_reader else None
    via = writer if not reader or reader == writer else f"{writer}>{reader}"
    return f"{get('format')}/{get('compression')} {via}"


def iqr_overlap(a_q1: float, a_q3: float, b_q1: float, b_q3: float) -> bool:
    """Two timings whose interquartile ranges overlap are not told apart by this run."""
    return not (a_q3 < b_q1 or b_q3 < a_q1)


def speedup(base: pd.Series | dict, other: pd.Series | dict) -> tuple[float, float, float] | None:
    """base.median / other.median, with a conservative range from the quartiles
    (base.q1 / other.q3 .. base.q3 / other.q1)."""
    try:
        b, o = float(base["time_median"]), float(other["time_median"])
        lo = float(base["time_q1"]) / float(other["time_q3"])
        hi = float(base["time_q3"]) / float(other["time_q1"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not o or any(math.isnan(x) for x in (b, o, lo, hi)):
        return None
    return b / o, lo, hi


def pareto_front(items: Sequence[Any], objectives: Sequence[str]) -> list[Any]:
    """Items not dominated on ``objectives`` (all minimised; a missing value never dominates)."""
    def vals(it: Any) -> list[float]:
        return [float(it[k]) if not missing(it[k]) else math.inf for k in objectives]

    front = []
    for a in items:
        va = vals(a)
        dominated = False
        for b in items:
            if b is a:
                continue
            vb = vals(b)
            if all(x <= y for x, y in zip(vb, va)) and any(x < y for x, y in zip(vb, va)):
                dominated = True
                break
        if not dominated:
            front.append(a)
    return front


def worst_fidelity(values: Iterable[Any]) -> str | None:
    order = {"lossless": 0, "lossy-types": 1, "lossy-values": 2}
    seen = [v for v in values if isinstance(v, str) and v in order]
    return max(seen, key=order.__getitem__) if seen else None


def best_fidelity(values: Iterable[Any]) -> str | None:
    order = {"lossless": 0, "lossy-types": 1, "lossy-values": 2}
    seen = [v for v in values if isinstance(v, str) and v in order]
    return min(seen, key=order.__getitem__) if seen else None
