"""``nested``: clickstream events with structs and lists (variety: semi-structured, JSON-native).

Formats without nesting (CSV) must flatten it to text, which the fidelity check reports.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from storagebench.datasets import Dataset, dataset
from storagebench.datasets._random import middle_tenth, rng_for, sequence, sorted_timestamps

_TAGS = ["new", "vip", "mobile", "desktop", "promo", "returning", "beta"]


@dataset("nested", "events: struct user, list of tags, list of item structs")
def build(rows: int, seed: int) -> Dataset:
    rng = rng_for("nested", seed)
    user_ids = rng.integers(1, 1_000_000, rows)
    tag_counts = rng.integers(0, 4, rows)
    item_counts = rng.integers(1, 4, rows)
    tags = [[_TAGS[j] for j in rng.integers(0, len(_TAGS), k)] for k in tag_counts]
    n_items = int(item_counts.sum())
    skus = rng.integers(10_000, 99_999, n_items)
    qtys = rng.integers(1, 5, n_items)
    prices = np.round(rng.uniform(1, 200, n_items), 2)
    items, pos = [], 0
    for k in item_counts:
        items.append([{"sku": f"SKU-{skus[pos + j]}", "qty": int(qtys[pos + j]), "price": float(prices[pos + j])}
                      for j in range(k)])
        pos += k
    user_type = pa.struct([("id", pa.int64()), ("country", pa.string()), ("tags", pa.list_(pa.string()))])
    item_type = pa.struct([("sku", pa.string()), ("qty", pa.int32()), ("price", pa.float64())])
    countries = rng.choice(["DE", "US", "FR", "BR", "IN"], rows)
    users = [{"id": int(u), "country": str(c), "tags": t} for u, c, t in zip(user_ids, countries, tags)]
    table = pa.table({
        "event_id": sequence(rows),
        "ts": sorted_timestamps(rng, rows, mean_step_us=50_000),
        "event": pa.array(rng.choice(["view", "click", "cart", "purchase"], rows)),
        "user": pa.array(users, user_type),
        "items": pa.array(items, pa.list_(item_type)),
    })
    return Dataset("nested", table, ("event", "user"), middle_tenth("event_id", rows),
                   "clickstream events", f"generated (seed={seed})")
