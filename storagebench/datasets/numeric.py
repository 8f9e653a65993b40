"""``numeric``: sensor time series (velocity): sorted timestamps, floats, a few nulls.

The kind of data that compresses well column-wise (smooth floats, monotonic time) and where
text formats pay most for formatting numbers.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from storagebench.datasets import Dataset, dataset
from storagebench.datasets._random import middle_tenth, rng_for, sequence, sorted_timestamps, with_nulls


@dataset("numeric", "sensor time series: sorted time, float readings, 1% null voltages")
def build(rows: int, seed: int) -> Dataset:
    rng = rng_for("numeric", seed)
    temperature = 20 + np.cumsum(rng.normal(0, 0.05, rows))
    table = pa.table({
        "reading_id": sequence(rows),
        "sensor_id": pa.array(rng.integers(0, 100, rows, dtype=np.int32)),
        "ts": sorted_timestamps(rng, rows, mean_step_us=1_000_000),
        "temperature": pa.array(np.round(temperature, 3)),
        "humidity": pa.array(rng.uniform(20, 90, rows).astype(np.float32)),
        "pressure": pa.array(np.round(rng.normal(1013.25, 5, rows), 2)),
        "voltage": with_nulls(rng, rng.uniform(3.0, 3.6, rows), 0.01, pa.float64()),
    })
    return Dataset("numeric", table, ("ts", "temperature"), middle_tenth("reading_id", rows),
                   "sensor time series", f"generated (seed={seed})")
