"""The statistics of a decision: medians and a bootstrap interval of a ratio of medians.

Why a bootstrap over rounds: round times on a shared machine are skewed and heavy-tailed
(a GC pause, another process), so a normal-theory interval of a mean would be wrong; resampling
the observed rounds of each configuration with replacement and taking the 2.5th/97.5th
percentiles of ``median(runner-up) / median(winner)`` makes no distributional assumption.
The seed is fixed so the same rounds always give the same interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.95


@dataclass(frozen=True)
class RatioInterval:
    ratio: float  # median(other) / median(best): >= 1 means "best" is faster/smaller
    lo: float
    hi: float

    @property
    def excludes_one(self) -> bool:
        return self.lo > 1.0 or self.hi < 1.0


def median(values: Sequence[float]) -> float:
    return float(np.median(np.asarray(values, dtype=float)))


def ratio_interval(best: Sequence[float], other: Sequence[float], seed: int = 0,
                   resamples: int = BOOTSTRAP_RESAMPLES, confidence: float = CONFIDENCE) -> RatioInterval:
    """Bootstrap interval of ``median(other) / median(best)`` (each resampled independently)."""
    b = np.asarray(best, dtype=float)
    o = np.asarray(other, dtype=float)
    if len(b) == 0 or len(o) == 0:
        raise ValueError("ratio_interval needs at least one round of each")
    point = _safe_ratio(float(np.median(o)), float(np.median(b)))
    rng = np.random.default_rng(seed)
    bm = np.median(b[rng.integers(0, len(b), (resamples, len(b)))], axis=1)
    om = np.median(o[rng.integers(0, len(o), (resamples, len(o)))], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(bm > 0, om / np.where(bm > 0, bm, 1), np.where(om > 0, np.inf, 1.0))
    tail = (1 - confidence) / 2 * 100
    lo, hi = np.percentile(ratios, [tail, 100 - tail])
    return RatioInterval(point, float(lo), float(hi))


def _safe_ratio(num: float, den: float) -> float:
    if den > 0:
        return num / den
    return float("inf") if num > 0 else 1.0
