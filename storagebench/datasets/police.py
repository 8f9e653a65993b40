"""``police``: police-department records keyed by ``guid`` (the DynamoDB lesson's example).

The same records feed the DynamoDB benchmarks (``police_records``), so "find one record by
guid" can be measured on DynamoDB and on files side by side.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from storagebench.datasets import Dataset, dataset
from storagebench.datasets._random import middle_tenth, rng_for, sequence, sorted_timestamps, uuid_strings

DEPARTMENTS = [f"{city} Police Department" for city in (
    "Seattle", "Portland", "Boise", "Denver", "Austin", "Chicago", "Boston", "Atlanta", "Phoenix",
    "Miami", "Detroit", "Oakland", "Tulsa", "Omaha", "Fresno", "Mesa", "Tucson", "Raleigh",
    "Tampa", "Aurora")]
_INCIDENTS = ["theft", "burglary", "traffic", "assault", "vandalism", "fraud", "noise", "other"]


@dataset("police", "police-department records: guid key, department name, update time")
def build(rows: int, seed: int) -> Dataset:
    rng = rng_for("police", seed)
    table = pa.table({
        "record_no": sequence(rows),
        "guid": uuid_strings(rng, rows),
        "PoliceDepartmentName": pa.array(rng.choice(DEPARTMENTS, rows)),
        "UpdateTime": sorted_timestamps(rng, rows, mean_step_us=60_000_000),
        "IncidentType": pa.array(rng.choice(_INCIDENTS, rows)),
        "OfficerCount": pa.array(rng.integers(1, 6, rows, dtype=np.int32)),
        "Notes": pa.array([f"case {i} reviewed" for i in range(rows)]),
    })
    return Dataset("police", table, ("guid", "PoliceDepartmentName"), middle_tenth("record_no", rows),
                   "police-department records", f"generated (seed={seed})")


def police_records(rows: int, seed: int = 42) -> list[dict]:
    """The police table as plain records (for DynamoDB loading), UpdateTime as ISO text."""
    table = build(rows, seed).table
    out = table.to_pylist()
    for rec in out:
        rec["UpdateTime"] = rec["UpdateTime"].isoformat()
    return out
