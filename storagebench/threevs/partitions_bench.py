"""The partitions benchmark cases: writing each layout, a one-partition query, a full scan.

``benchmarks/test_partitions.py`` parametrises and calls these; the schemes and keys are in
:mod:`storagebench.threevs.partitions`.  Requests are counted around the timed calls only
(:func:`storagebench.threevs.rounds.run_rounds`):

* write: the partition columns are validated once before timing; timed: ``write_dataset`` to a
  fresh base per round;
* query / full scan: the layout is written once; each round's setup opens it afresh (dataset
  discovery: its listing requests are reported apart as ``discovery_requests``), so every
  timed scan starts cold (no footer cached by an earlier round); timed: the scan alone.  Which files the
  pruning kept, and the rows and values returned, are worked out after the timer.
"""

from __future__ import annotations

import itertools
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from storagebench.pytest_plugin import skips_reported
from storagebench.threevs.partitions import (
    SCHEMES,
    SUITE_PARTITIONS,
    LayoutStats,
    files_bytes,
    files_scanned,
    one_partition_filter,
    open_layout,
    scan,
    validate_partition_columns,
    with_partition_columns,
    write_layout,
)
from storagebench.threevs.rounds import run_rounds

_rounds = itertools.count()
TARGETS = ("local", "s3")
LAYOUTS = ("partitioned", "unpartitioned")


def _table(lifecycle: Any) -> pa.Table:
    if ("partitions-table",) not in lifecycle.cache:
        lifecycle.cache[("partitions-table",)] = with_partition_columns(lifecycle.dataset("mixed").table)
    return lifecycle.cache[("partitions-table",)]


def _keys(scheme: str) -> tuple[str, ...]:
    return () if scheme == "none" else SCHEMES[scheme].keys


def _place(lifecycle: Any, target: str) -> tuple[Any, str]:
    """(filesystem, base path) for a target."""
    if target == "local":
        return None, str(lifecycle.work_dir / "partitions")
    return lifecycle.target.arrow_fs(), lifecycle.bucket("partitions")


def _check_size(lifecycle: Any, target: str, scheme: str, case: str) -> None:
    if target != "s3" or scheme == "none":
        return
    table = _table(lifecycle)
    partitions = len(pc.unique(pc.binary_join_element_wise(
        *[table.column(k) for k in _keys(scheme)], "/")))
    limit = lifecycle.s3_max_partitions()
    if partitions > limit:
        lifecycle.skip(case, SUITE_PARTITIONS,
                       f"{partitions} partitions on the emulated S3 exceed the {lifecycle.profile.name} "
                       f"profile's limit of {limit} (about 13 ms per object request here); run "
                       f"--profile standard", target=target, scheme=scheme)


def _layout(lifecycle: Any, target: str, scheme: str) -> tuple[LayoutStats, str, Any]:
    """The layout written once (untimed) for the read benchmarks: (stats, base, filesystem)."""
    key = ("partitions-layout", target, scheme)
    if key not in lifecycle.cache:
        fs, root = _place(lifecycle, target)
        base = f"{root}/read/{scheme}"
        lifecycle.cache[key] = (write_layout(_table(lifecycle), base, _keys(scheme), fs), base)
    stats, base = lifecycle.cache[key]
    fs, _ = _place(lifecycle, target)
    return stats, base, fs


def _info(lifecycle: Any, operation: str, target: str, scheme: str, **extra: Any) -> dict[str, Any]:
    table = _table(lifecycle)
    return lifecycle.base_info(SUITE_PARTITIONS, operation, target=target, scheme=scheme,
                               partition_keys=list(_keys(scheme)), dataset="mixed",
                               rows=table.num_rows, **extra)


def run_write_case(benchmark: Any, lifecycle: Any, target: str, scheme: str) -> None:
    benchmark.group = f"partitions-write-{target}"
    with skips_reported():
        _check_size(lifecycle, target, scheme, f"partitions-write-{target}-{scheme}")
        fs, root = _place(lifecycle, target)
        table = _table(lifecycle)
        validate_partition_columns(table, _keys(scheme))  # input checks: before the timer
        results: list[LayoutStats] = []

        def setup():
            return (table, f"{root}/write/{scheme}/{next(_rounds)}", _keys(scheme), fs, False), {}

        done = run_rounds(benchmark, write_layout, setup=setup, rounds=lifecycle.rounds(benchmark, heavy=True),
                          target=lifecycle.counted(target), check=results.append)
        stats = results[0]
        benchmark.extra_info.update(_info(
            lifecycle, "write", target, scheme, layout="partitioned" if scheme != "none" else "unpartitioned",
            partitions=stats.partitions, files=stats.files, bytes_total=stats.bytes_total,
            mean_file_bytes=stats.mean_file_bytes, **done.per_call()))


def run_query_case(benchmark: Any, lifecycle: Any, target: str, scheme: str, layout: str) -> None:
    benchmark.group = f"partitions-query-{target}-{scheme}"
    with skips_reported():
        _check_size(lifecycle, target, scheme, f"partitions-query-{target}-{scheme}-{layout}")
        stored = scheme if layout == "partitioned" else "none"
        stats, base, fs = _layout(lifecycle, target, stored)
        expr, text = one_partition_filter(_table(lifecycle), SCHEMES[scheme].keys)
        expected = _table(lifecycle).filter(expr).sort_by("order_id").select(["order_id", "amount"])
        with lifecycle.counting(target) as discovery:
            dataset = open_layout(base, _keys(stored), fs)
        returned: list[int] = []

        def setup():  # a freshly opened dataset per round: every timed scan starts cold
            return (open_layout(base, _keys(stored), fs), expr), {}

        def check(got: pa.Table) -> None:  # after the timer: the same orders with the same amounts
            returned.append(got.num_rows)
            assert got.num_rows == expected.num_rows, f"{text}: {got.num_rows} rows, expected {expected.num_rows}"
            # File order differs between layouts: compare sorted.
            assert got.sort_by("order_id").select(["order_id", "amount"]).equals(expected), \
                f"{text}: the query returned other rows or values than were written"

        done = run_rounds(benchmark, scan, setup=setup, rounds=lifecycle.rounds(benchmark),
                          target=lifecycle.counted(target), check=check, discard_result=True)
        files = files_scanned(dataset, expr)
        per_call = done.per_call()
        bytes_read = per_call.pop("s3_bytes_out", None) if target == "s3" else files_bytes(dataset, files)
        benchmark.extra_info.update(_info(
            lifecycle, "query", target, scheme, layout=layout, query=text, files=stats.files,
            partitions=stats.partitions, bytes_total=stats.bytes_total, files_read=len(files),
            bytes_read=bytes_read, rows_returned=returned[0],
            discovery_requests=discovery.s3_requests if discovery is not None else None, **per_call))


def run_full_scan_case(benchmark: Any, lifecycle: Any, target: str, scheme: str) -> None:
    benchmark.group = f"partitions-full_scan-{target}"
    with skips_reported():
        _check_size(lifecycle, target, scheme, f"partitions-full_scan-{target}-{scheme}")
        stats, base, fs = _layout(lifecycle, target, scheme)
        rows = _table(lifecycle).num_rows
        returned: list[int] = []

        def check(got: pa.Table) -> None:
            returned.append(got.num_rows)
            assert got.num_rows == rows, f"full scan of {scheme} on {target}: {got.num_rows} rows of {rows}"

        def setup():  # a freshly opened dataset per round (discovery untimed): every scan starts cold
            return (open_layout(base, _keys(scheme), fs), None), {}

        done = run_rounds(benchmark, scan, setup=setup, rounds=lifecycle.rounds(benchmark),
                          target=lifecycle.counted(target), check=check, discard_result=True)
        per_call = done.per_call()
        bytes_read = per_call.pop("s3_bytes_out", None) if target == "s3" else stats.bytes_total
        benchmark.extra_info.update(_info(
            lifecycle, "full_scan", target, scheme,
            layout="partitioned" if scheme != "none" else "unpartitioned", files=stats.files,
            partitions=stats.partitions, bytes_total=stats.bytes_total,
            mean_file_bytes=stats.mean_file_bytes, files_read=stats.files, bytes_read=bytes_read,
            rows_returned=returned[0], **per_call))
