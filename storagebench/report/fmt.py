"""Number formatting shared by every section, so a figure reads the same everywhere.

Spread and sample size travel with every timing (``median``, IQR, n) and a coefficient of
variation above :data:`storagebench.report.tidy.NOISY_CV` is flagged with a warning sign.
"""

from __future__ import annotations

import math
from typing import Any

from storagebench.report.tidy import NOISY_CV

NOISY_MARK = "\u26a0"  # shown next to a CV above the noise threshold


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def bytes_(n: Any) -> str:
    if missing(n):
        return "-"
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.2f} {unit}"
        n /= 1024
    return f"{n:.2f} PiB"


def count(n: Any) -> str:
    return "-" if missing(n) else f"{int(n):,}"


def seconds(s: Any) -> str:
    if missing(s):
        return "-"
    s = float(s)
    if s >= 1:
        return f"{s:.3g} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} \u00b5s"


def ratio(x: Any, digits: int = 3) -> str:
    return "-" if missing(x) else f"{float(x):.{digits}g}\u00d7"


def number(x: Any, digits: int = 3) -> str:
    return "-" if missing(x) else f"{float(x):.{digits}g}"


def percent(x: Any) -> str:
    return "-" if missing(x) else f"{float(x) * 100:.1f}%"


def cv(x: Any) -> str:
    if missing(x):
        return "-"
    text = percent(x)
    return f"{NOISY_MARK} {text}" if float(x) > NOISY_CV else text


def usd(x: Any) -> str:
    if missing(x):
        return "-"
    x = float(x)
    if x == 0:
        return "$0"
    if abs(x) < 0.01:
        return f"${x:.2g}"
    return f"${x:,.2f}"


def timing(median: Any, iqr: Any, n: Any) -> str:
    """``median (IQR x, n=k)`` in one cell, for prose and compact tables."""
    if missing(median):
        return "-"
    return f"{seconds(median)} (IQR {seconds(iqr)}, n={count(n)})"
