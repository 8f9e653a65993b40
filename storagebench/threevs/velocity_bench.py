"""The velocity benchmark cases: stream vs batch writes, small objects vs one, compaction.

``benchmarks/test_velocity.py`` parametrises and calls these; what is measured and the keys are
in :mod:`storagebench.threevs.velocity`.  Requests are counted around the timed calls only
(:func:`storagebench.threevs.rounds.run_rounds`):

* write: a fresh prefix per round (setup); timed: the micro-batch objects, or the one object;
* read: both layouts written once (untimed); timed: the read; the rows returned are compared
  with the stream after the timer;
* compaction: each round's setup writes a fresh stream to compact and checks the output does
  not exist; timed: listing, reading and rewriting them as one object; the teardown verifies
  the written footer and deletes the inputs (its own requests and time reported apart).
"""

from __future__ import annotations

import itertools
import statistics
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs

from storagebench.datasets import build_dataset
from storagebench.pytest_plugin import skips_reported
from storagebench.threevs.rounds import Rounds, run_rounds
from storagebench.threevs.s3target import RequestCounts
from storagebench.threevs.velocity import (
    SUITE_VELOCITY,
    Compaction,
    check_compaction_target,
    delete_inputs,
    micro_batches,
    read_object,
    read_prefix,
    rewrite_as_one,
    stored_bytes,
    verify_compaction,
    write_batch,
    write_stream,
)

_ids = itertools.count()
TARGETS = ("local", "s3")
WRITE_MODES = ("stream", "batch")
READ_LAYOUTS = ("small_objects", "compacted")


def _stream(lifecycle: Any) -> tuple[pa.Table, list[pa.Table], int]:
    """(all rows, micro-batches, rows per batch) for this profile, built once."""
    key = ("velocity-stream",)
    if key not in lifecycle.cache:
        batch_rows, appends = lifecycle.velocity_shape()
        table = build_dataset("numeric", batch_rows * appends, lifecycle.seed).table
        lifecycle.cache[key] = (table, micro_batches(table, batch_rows), batch_rows)
    return lifecycle.cache[key]


def _place(lifecycle: Any, target: str) -> tuple[pafs.FileSystem, str]:
    if target == "local":
        return pafs.LocalFileSystem(), str(lifecycle.work_dir / "velocity")
    return lifecycle.target.arrow_fs(), lifecycle.bucket("velocity")


def _info(lifecycle: Any, operation: str, target: str, done: Rounds, **extra: Any) -> dict[str, Any]:
    table, batches, batch_rows = _stream(lifecycle)
    requests = done.per_call()
    requests["cost_per_million_rows_usd"] = (None if requests["request_cost_usd"] is None
                                             else requests["request_cost_usd"] / table.num_rows * 1e6)
    return lifecycle.base_info(SUITE_VELOCITY, operation, target=target, dataset="numeric",
                               rows=table.num_rows, appends=len(batches), batch_rows=batch_rows,
                               **requests, **extra)


def run_write_case(benchmark: Any, lifecycle: Any, target: str, mode: str) -> None:
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

        done = run_rounds(benchmark, write_stream if mode == "stream" else write_batch, setup=setup,
                          rounds=lifecycle.rounds(benchmark, heavy=mode == "stream"),
                          target=lifecycle.counted(target))
        objects, size = stored_bytes(paths[0], fs)
        benchmark.extra_info.update(_info(lifecycle, f"write_{mode}", target, done, objects=objects,
                                          bytes_total=size))


def _layouts(lifecycle: Any, target: str) -> tuple[str, str]:
    """(small-objects prefix, compacted object path) written once, untimed."""
    key = ("velocity-layouts", target)
    if key not in lifecycle.cache:
        table, batches, _ = _stream(lifecycle)
        fs, root = _place(lifecycle, target)
        write_stream(batches, f"{root}/read/small", fs)
        write_batch(table, f"{root}/read/compacted/all.parquet", fs)
        lifecycle.cache[key] = (f"{root}/read/small", f"{root}/read/compacted/all.parquet")
    return lifecycle.cache[key]


def run_read_case(benchmark: Any, lifecycle: Any, target: str, layout: str) -> None:
    benchmark.group = f"velocity-read-{target}"
    with skips_reported():
        table, _, _ = _stream(lifecycle)
        fs, _ = _place(lifecycle, target)
        small, compacted = _layouts(lifecycle, target)
        path, fn = (small, read_prefix) if layout == "small_objects" else (compacted, read_object)
        rows: list[int] = []

        def check(got: pa.Table) -> None:  # the same rows in the same order, after the timer
            assert got.equals(table), f"{layout} read on {target} does not return the streamed rows"
            rows.append(got.num_rows)

        done = run_rounds(benchmark, fn, args=(path, fs), rounds=lifecycle.rounds(benchmark),
                          target=lifecycle.counted(target), check=check, discard_result=True)
        objects, size = stored_bytes(path, fs)
        benchmark.extra_info.update(_info(lifecycle, f"read_{layout}", target, done, objects=objects,
                                          bytes_total=size, rows_returned=rows[0]))


def run_compaction_case(benchmark: Any, lifecycle: Any, target: str) -> None:
    benchmark.group = f"velocity-compaction-{target}"
    with skips_reported():
        table, batches, _ = _stream(lifecycle)
        fs, root = _place(lifecycle, target)
        jobs: list[tuple[str, str]] = []
        results: list[Compaction] = []
        cleanup = RequestCounts()

        def setup():  # a fresh stream to compact each round; the output must not exist yet
            n = next(_ids)
            prefix, output = f"{root}/compact/{n}/small", f"{root}/compact/{n}/compacted/all.parquet"
            write_stream(batches, prefix, fs)
            check_compaction_target(prefix, output, fs)
            jobs.append((prefix, output))
            return (prefix, output, fs), {}

        def check(result: Compaction) -> None:
            results.append(result)

        def verify_and_delete(prefix: str, output: str, filesystem: pafs.FileSystem) -> None:
            with lifecycle.counting(target) as counts:
                verify_compaction(results[-1], prefix, output, filesystem)
                delete_inputs(prefix, filesystem)
            if counts is not None:
                cleanup.add_records(counts.records)

        # The inputs are the same micro-batches as the read layout's small objects: same bytes.
        _, input_bytes = stored_bytes(_layouts(lifecycle, target)[0], fs)
        done = run_rounds(benchmark, rewrite_as_one, setup=setup, rounds=lifecycle.rounds(benchmark, heavy=True),
                          target=lifecycle.counted(target), check=check, teardown=verify_and_delete)
        prefix, output = jobs[0]
        assert read_object(output, fs).equals(table), "compaction changed the rows"
        assert fs.get_file_info(prefix).type == pafs.FileType.NotFound or not stored_bytes(prefix, fs)[0], \
            "compaction left its inputs"
        _, bytes_out = stored_bytes(output, fs)
        extra: dict[str, Any] = {"cleanup_s": statistics.median(done.teardown_seconds)}
        if target == "s3":
            per = cleanup.per_round(done.calls)
            extra.update(cleanup_requests=per["requests"], cleanup_requests_by_op=per["requests_by_op"],
                         cleanup_request_cost_usd=per["request_cost_usd"])
        benchmark.extra_info.update(_info(lifecycle, "compaction", target, done, files_in=results[0].files_in,
                                          input_bytes=input_bytes, objects=1, output_bytes=bytes_out,
                                          bytes_total=bytes_out, rows_returned=results[0].rows, **extra))
