"""``wide``: a 201-column feature table, where projection matters most.

Reading 2 of 201 columns should cost about 1% of a full read in a columnar format and nearly
100% in a row format.  To keep memory in proportion, ``wide`` builds rows // 10 rows (at least
1,000): it has 30x the columns of the others.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from storagebench.datasets import Dataset, dataset
from storagebench.datasets._random import middle_tenth, rng_for, sequence

FEATURE_COLUMNS = 200


@dataset("wide", f"feature table: row id + {FEATURE_COLUMNS} numeric columns (rows // 10 rows)")
def build(rows: int, seed: int) -> Dataset:
    rng = rng_for("wide", seed)
    n = max(min(rows, 1_000), rows // 10)
    columns: dict[str, pa.Array] = {"row_id": sequence(n)}
    for i in range(FEATURE_COLUMNS):
        if i % 4 == 3:
            columns[f"f{i:03d}"] = pa.array(rng.integers(0, 1000, n, dtype=np.int32))
        else:
            columns[f"f{i:03d}"] = pa.array(np.round(rng.normal(0, 1, n), 4))
    return Dataset("wide", pa.table(columns), ("f000", "f001"), middle_tenth("row_id", n),
                   "wide feature table", f"generated (seed={seed})")
