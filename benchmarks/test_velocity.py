"""Velocity: micro-batch stream vs one batch, many small objects vs one compacted, compaction.

Side by side in one run, on local disk and on S3 (the embedded endpoint, requests counted):

* ``test_velocity_write``       ``stream``: each micro-batch its own Parquet object;
  ``batch``: the same rows in one object;
* ``test_velocity_read``        reading all small objects vs the one compacted object;
* ``test_velocity_compaction``  the compaction job (read all, write one, verify, delete inputs).

Shape per profile (rows per micro-batch x appends): quick 100 x 50, standard 100 x 1,000, full
1,000 x 1,000; ``--rows R`` gives R/100 appends (at least 2).  Rows come from the ``numeric``
sensor time series.  Keys: storagebench/threevs/velocity.py.
"""

from __future__ import annotations

import itertools

import pyarrow.fs as pafs
import pytest

from storagebench.datasets import build_dataset
from storagebench.pytest_plugin import skips_reported
from storagebench.threevs.velocity import (
    SUITE_VELOCITY,
    compact,
    micro_batches,
    read_object,
    read_prefix,
    stored_bytes,
    write_batch,
    write_stream,
)

_ids = itertools.count()
TARGETS = ("local", "s3")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "velocity_write_case" in metafunc.fixturenames:
        cases = [(t, m) for t in TARGETS for m in ("stream", "batch")]
        metafunc.parametrize("velocity_write_case", cases, ids=[f"{t}-{m}" for t, m in cases])
    if "velocity_read_case" in metafunc.fixturenames:
        cases = [(t, m) for t in TARGETS for m in ("small_objects", "compacted")]
        metafunc.parametrize("velocity_read_case", cases, ids=[f"{t}-{m}" for t, m in cases])
    if "velocity_target" in metafunc.fixturenames:
        metafunc.parametrize("velocity_target", TARGETS)


def _stream(lifecycle):
    """(all rows, micro-batches, rows per batch) for this profile, built once."""
    key = ("velocity-stream",)
    if key not in lifecycle.cache:
        batch_rows, appends = lifecycle.velocity_shape()
        table = build_dataset("numeric", batch_rows * appends, lifecycle.seed).table
        lifecycle.cache[key] = (table, micro_batches(table, batch_rows), batch_rows)
    return lifecycle.cache[key]


def _place(lifecycle, target: str):
    if target == "local":
        return pafs.LocalFileSystem(), str(lifecycle.work_dir / "velocity")
    return lifecycle.target.arrow_fs(), lifecycle.bucket("velocity")


def _info(lifecycle, operation: str, target: str, counts, rounds: int, **extra) -> dict:
    table, batches, batch_rows = _stream(lifecycle)
    requests = None
    if counts is not None:
        requests = counts.per_round(rounds)
        requests["cost_per_million_rows_usd"] = requests["request_cost_usd"] / table.num_rows * 1e6
    return lifecycle.base_info(SUITE_VELOCITY, operation, target=target, dataset="numeric",
                               rows=table.num_rows, appends=len(batches), batch_rows=batch_rows,
                               **(requests or {"requests": None, "requests_by_op": None,
                                               "request_cost_usd": None, "cost_per_million_rows_usd": None}),
                               **extra)


def test_velocity_write(benchmark, lifecycle, velocity_write_case):
    target, mode = velocity_write_case
    benchmark.group = f"velocity-write-{target}"
    with skips_reported():
        table, batches, _ = _stream(lifecycle)
        fs, root = _place(lifecycle, target)
        paths: list[str] = []

        def setup():
            path = f"{root}/write-{mode}/{next(_ids)}"
            paths.append(path)
            if mode == "stream":
                return (batches, path, fs), {}
            return (table, f"{path}/all.parquet", fs), {}

        fn = write_stream if mode == "stream" else write_batch
        rounds = lifecycle.rounds(benchmark, heavy=mode == "stream")
        with lifecycle.counting(target) as counts:
            benchmark.pedantic(fn, setup=setup, rounds=rounds, iterations=1, warmup_rounds=0)
        objects, size = stored_bytes(paths[0], fs)
        benchmark.extra_info.update(_info(lifecycle, f"write_{mode}", target, counts, rounds,
                                          objects=objects, bytes_total=size))


def _layouts(lifecycle, target: str):
    """(small-objects prefix, compacted object path) written once, untimed."""
    key = ("velocity-layouts", target)
    if key not in lifecycle.cache:
        table, batches, _ = _stream(lifecycle)
        fs, root = _place(lifecycle, target)
        write_stream(batches, f"{root}/read/small", fs)
        write_batch(table, f"{root}/read/compacted/all.parquet", fs)
        lifecycle.cache[key] = (f"{root}/read/small", f"{root}/read/compacted/all.parquet")
    return lifecycle.cache[key]


def test_velocity_read(benchmark, lifecycle, velocity_read_case):
    target, layout = velocity_read_case
    benchmark.group = f"velocity-read-{target}"
    with skips_reported():
        table, _, _ = _stream(lifecycle)
        fs, _ = _place(lifecycle, target)
        small, compacted = _layouts(lifecycle, target)
        path, fn = (small, read_prefix) if layout == "small_objects" else (compacted, read_object)
        got = fn(path, fs)  # untimed check: the same rows in the same order
        assert got.equals(table), f"{layout} read on {target} does not return the streamed rows"
        rounds = lifecycle.rounds(benchmark)
        with lifecycle.counting(target) as counts:
            benchmark.pedantic(fn, args=(path, fs), rounds=rounds, iterations=1, warmup_rounds=0)
        objects, size = stored_bytes(path, fs)
        benchmark.extra_info.update(_info(lifecycle, f"read_{layout}", target, counts, rounds,
                                          objects=objects, bytes_total=size, rows_returned=got.num_rows))


def test_velocity_compaction(benchmark, lifecycle, velocity_target):
    target = velocity_target
    benchmark.group = f"velocity-compaction-{target}"
    with skips_reported():
        table, batches, _ = _stream(lifecycle)
        fs, root = _place(lifecycle, target)
        jobs: list[tuple[str, str]] = []

        def setup():  # a fresh stream to compact each round (untimed)
            n = next(_ids)
            prefix, output = f"{root}/compact/{n}/small", f"{root}/compact/{n}/compacted/all.parquet"
            write_stream(batches, prefix, fs)
            jobs.append((prefix, output))
            return (prefix, output, fs), {}

        # The inputs are the same micro-batches as the read layout's small objects: same bytes.
        _, bytes_in = stored_bytes(_layouts(lifecycle, target)[0], fs)
        rounds = lifecycle.rounds(benchmark, heavy=True)
        results = []
        with lifecycle.counting(target) as counts:
            benchmark.pedantic(lambda *a: results.append(compact(*a)), setup=setup, rounds=rounds,
                               iterations=1, warmup_rounds=0)
        if counts is not None:  # the setup's stream writes were counted too
            counts.discount("s3:PutObject", len(batches) * rounds)
        prefix, output = jobs[0]
        compacted = read_object(output, fs)
        assert compacted.equals(table), "compaction changed the rows"
        _, bytes_out = stored_bytes(output, fs)
        benchmark.extra_info.update(_info(lifecycle, "compaction", target, counts, rounds,
                                          files_in=results[0].files_in, bytes_in=bytes_in, objects=1, bytes_out=bytes_out,
                                          bytes_total=bytes_out, rows_returned=results[0].rows))
