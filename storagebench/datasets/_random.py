"""Seeded building blocks shared by the dataset generators (deterministic per name and seed)."""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa

from formats.base import RangePredicate

BASE_TIME_US = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z in microseconds


def rng_for(name: str, seed: int) -> np.random.Generator:
    """An independent generator per dataset name, so adding a dataset never shifts another."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def uuid_strings(rng: np.random.Generator, n: int) -> pa.Array:
    """n random version-4-shaped UUID strings (high cardinality, incompressible)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexes = [r.hex() for r in map(bytes, raw)]
    return pa.array([f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in hexes], pa.string())


def sorted_timestamps(rng: np.random.Generator, n: int, mean_step_us: int, tz: str = "UTC") -> pa.Array:
    steps = rng.integers(1, 2 * mean_step_us, size=n, dtype=np.int64)
    return pa.array(BASE_TIME_US + np.cumsum(steps), pa.timestamp("us", tz=tz))


def with_nulls(rng: np.random.Generator, values: np.ndarray, fraction: float, type_: pa.DataType) -> pa.Array:
    mask = rng.random(len(values)) < fraction
    return pa.array(values, type=type_, mask=mask)


def middle_tenth(column: str, rows: int) -> RangePredicate:
    """About 10% of rows of a column holding 0..rows-1 in order: [45%, 55%)."""
    lo = int(rows * 0.45)
    hi = max(lo + 1, int(rows * 0.55))
    return RangePredicate(column, lo, hi)


def sequence(rows: int) -> pa.Array:
    return pa.array(np.arange(rows, dtype=np.int64))
