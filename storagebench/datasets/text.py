"""``text``: application log lines (volume of strings): long messages, uuids, levels.

High-cardinality strings (request ids) are where dictionary encoding gives up and where
fastparquet misreads pyarrow files past the first dictionary page (TRAPS.md).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from storagebench.datasets import Dataset, dataset
from storagebench.datasets._random import middle_tenth, rng_for, sequence, sorted_timestamps, uuid_strings

_LEVELS = ["DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR"]
_SERVICES = ["checkout", "search", "auth", "catalog", "payments", "shipping", "gateway"]
_WORDS = ("request handled user session cache miss hit upstream timeout retry queue latency "
          "record stored fetched index shard replica commit rollback token expired granted "
          "denied payload bytes compressed partition offset consumer lag").split()


@dataset("text", "log lines: long messages, uuid request ids, low-cardinality levels")
def build(rows: int, seed: int) -> Dataset:
    rng = rng_for("text", seed)
    lengths = rng.integers(8, 40, rows)
    word_ids = rng.integers(0, len(_WORDS), int(lengths.sum()))
    words = np.array(_WORDS, dtype=object)[word_ids]
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    messages = [" ".join(words[bounds[i]:bounds[i + 1]]) for i in range(rows)]
    table = pa.table({
        "line_no": sequence(rows),
        "ts": sorted_timestamps(rng, rows, mean_step_us=5_000),
        "level": pa.array(rng.choice(_LEVELS, rows)),
        "service": pa.array(rng.choice(_SERVICES, rows)),
        "request_id": uuid_strings(rng, rows),
        "latency_ms": pa.array(np.round(rng.lognormal(3, 1, rows), 3)),
        "message": pa.array(messages, pa.string()),
    })
    return Dataset("text", table, ("level", "message"), middle_tenth("line_no", rows),
                   "application logs", f"generated (seed={seed})")
