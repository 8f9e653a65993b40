"""Harness overhead: reading a Parquet file through the suite's codec vs a bare
``pyarrow.parquet.read_table`` call, side by side in one run.

Goal (issue 2): ratio <= 1.03 on a 1M-row file (the standard and full profiles use 1M rows;
quick uses 200k).  The two calls are interleaved round by round so machine noise hits both
alike; the median of the per-pair ratios (suite / bare) is recorded in
``extra_info["overhead_ratio"]`` (a ratio of two medians swung +-7% under load; pairing
cancels most of the drift).
"""

from __future__ import annotations

import statistics
import time

import pyarrow.parquet as pq

import formats
from formats.base import Location, ReadRequest, WriteOptions
from storagebench.datasets import build_dataset

INTERLEAVED_ROUNDS = 31


def test_harness_overhead_parquet_read(benchmark, suite, tmp_path):
    rows = suite.profile.harness_rows
    table = build_dataset("numeric", rows, suite.seed).table
    path = tmp_path / "overhead.parquet"
    codec = formats.get_codec("parquet")
    codec.write(table, Location(str(path)), "pyarrow", WriteOptions("snappy", 100_000))
    location, request = Location(str(path)), ReadRequest()

    def bare() -> object:
        return pq.read_table(str(path))

    def through_suite() -> object:
        return codec.read(location, "pyarrow", request)

    assert through_suite().equals(bare())  # same answer before comparing speed
    bare_times, suite_times = [], []
    for i in range(INTERLEAVED_ROUNDS):
        order = (bare, through_suite) if i % 2 == 0 else (through_suite, bare)
        for fn in order:
            start = time.perf_counter()
            fn()
            (bare_times if fn is bare else suite_times).append(time.perf_counter() - start)

    benchmark.group = "harness-overhead"
    benchmark.pedantic(through_suite, rounds=suite.profile.rounds, iterations=1)
    ratio = statistics.median(s / b for s, b in zip(suite_times, bare_times))
    benchmark.extra_info.update({
        "suite": "harness",
        "operation": "overhead",
        "rows": rows,
        "dataset": "numeric",
        "bare_median_s": statistics.median(bare_times),
        "suite_median_s": statistics.median(suite_times),
        "overhead_ratio": ratio,
        "interleaved_rounds": INTERLEAVED_ROUNDS,
        "profile": suite.profile.name,
        "seed": suite.seed,
    })
