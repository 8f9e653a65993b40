"""``mixed``: e-commerce orders (variety): every common column type in one table.

Chosen to expose lossy formats: tz-aware timestamps in a non-UTC zone, int64 values above
2**53 (exact in binary formats, at risk in JSON), nullable ints (NaN in pandas' numpy dtypes),
a low-cardinality categorical (dictionary), decimals, dates and booleans.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from storagebench.datasets import Dataset, dataset
from storagebench.datasets._random import middle_tenth, rng_for, sequence, sorted_timestamps, with_nulls

_STATUSES = ["placed", "paid", "shipped", "delivered", "returned"]
_COUNTRIES = ["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL", "SE", "JP"]


@dataset("mixed", "orders: tz-aware time, big int64, nullable ints, categorical, decimal, date, bool")
def build(rows: int, seed: int) -> Dataset:
    rng = rng_for("mixed", seed)
    cents = rng.integers(100, 1_000_000, rows)
    table = pa.table({
        "order_id": sequence(rows),
        "customer_id": pa.array(rng.integers(1, 5_000_000, rows, dtype=np.int64)),
        # Tracking numbers above 2**53: a double cannot hold them exactly.
        "tracking_no": pa.array(rng.integers(2**60, 2**62, rows, dtype=np.int64)),
        "ordered_at": sorted_timestamps(rng, rows, mean_step_us=30_000_000, tz="Europe/Berlin"),
        "ship_date": pa.array(19_700 + rng.integers(0, 400, rows), pa.int32()).cast(pa.date32()),
        "status": pa.array(rng.choice(_STATUSES, rows)).dictionary_encode(),
        "country": pa.array(rng.choice(_COUNTRIES, rows)),
        "quantity": pa.array(rng.integers(1, 20, rows, dtype=np.int32)),
        "discount_pct": with_nulls(rng, rng.integers(0, 50, rows), 0.3, pa.int64()),
        "amount": pa.array(np.round(cents / 100.0, 2)),
        "price": pa.array([f"{c // 100}.{c % 100:02d}" for c in cents.tolist()]).cast(pa.decimal128(12, 2)),
        "is_gift": pa.array(rng.random(rows) < 0.1),
    })
    return Dataset("mixed", table, ("customer_id", "amount"), middle_tenth("order_id", rows),
                   "e-commerce orders", f"generated (seed={seed})")
