"""The size sweep: table sizes and rounds per profile, latency percentiles, log-log slopes.

Sizes per profile and backend (``Profile.dynamodb`` in storagebench/profiles.py; ``--ddb-sizes``
overrides, ``--rows`` gives one size):

* quick     moto 1e3; dynalite 1e3 and 3e3 (moto loads ~1.6-3.5k items/s and its Query
            loops over the table, TRAPS.md, so moto stays at 1e3 to keep CI short)
* standard  moto 1e3, 1e4; dynalite 1e3, 1e4, 1e5
* full      moto 1e3, 1e4, 1e5; dynalite 1e3 ... 1e6

The slope of log10(p50 latency) against log10(table items), fitted by least squares over every
size that ran for the same (backend, operation, item size, consistency), says how a pattern
scales: ~0 is flat (GetItem), ~1 is linear in the table (Scan).  :func:`fit_slopes` works on the
benchmark dicts of a pytest-benchmark JSON; the DynamoDB plugin stores its result under
``storagebench.dynamodb.slopes`` and adds ``latency_slope`` to each benchmark's extra_info.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Iterable, Sequence

import numpy as np

SLOPE_GROUP = ("backend", "operation", "table_layout", "item_bytes_target", "consistency")


def percentiles(samples: Sequence[float]) -> dict[str, float | None]:
    if not samples:
        return {"p50_s": None, "p95_s": None, "p99_s": None}
    p50, p95, p99 = np.percentile(np.asarray(samples, dtype=float), [50, 95, 99])
    return {"p50_s": float(p50), "p95_s": float(p95), "p99_s": float(p99)}


def loglog_slope(sizes: Sequence[float], latencies: Sequence[float]) -> float | None:
    """Least-squares slope of log10(latency) vs log10(size); None with < 2 distinct sizes."""
    points = [(s, t) for s, t in zip(sizes, latencies) if s and t and s > 0 and t > 0]
    if len({s for s, _ in points}) < 2:
        return None
    x = np.log10([s for s, _ in points])
    y = np.log10([t for _, t in points])
    slope, _ = np.polyfit(x, y, 1)
    return float(slope)


def fit_slopes(benchmarks: Iterable[dict[str, Any]], metric: str = "p50_s") -> list[dict[str, Any]]:
    """Slopes per group from benchmark dicts (``extra_info`` with suite == "dynamodb")."""
    groups: dict[tuple, list[tuple[int, float]]] = defaultdict(list)
    for bench in benchmarks:
        info = bench.get("extra_info", {})
        if info.get("suite") != "dynamodb" or info.get(metric) is None or not info.get("table_items"):
            continue
        groups[tuple(info.get(k) for k in SLOPE_GROUP)].append((info["table_items"], info[metric]))
    out = []
    for key, points in groups.items():
        points.sort()
        slope = loglog_slope([p[0] for p in points], [p[1] for p in points])
        if slope is None:
            continue
        out.append({**dict(zip(SLOPE_GROUP, key)), "metric": metric, "slope": slope,
                    "sizes": [p[0] for p in points], "latencies_s": [p[1] for p in points]})
    return out


def is_finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)
