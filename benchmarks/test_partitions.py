"""Hive-partitioned datasets vs one file, locally and on S3 (pyarrow.dataset).

* ``test_partition_write``      writing the ``mixed`` data in each layout (``none`` = one file,
  and every scheme in storagebench/threevs/partitions.py): files, bytes, mean file size;
* ``test_partition_query``      a query selecting exactly one partition of the scheme, on the
  partitioned layout and on the unpartitioned file: files read, bytes, requests, rows;
* ``test_partition_full_scan``  reading everything: what many small files cost in requests.

On S3 the quick profile runs only schemes with at most 20 partitions (each object request to
the emulated endpoint costs ~13 ms on this machine); ``--profile standard`` runs all of them.
Keys: storagebench/threevs/partitions.py.
"""

from __future__ import annotations

import itertools

import pyarrow.compute as pc
import pytest

from storagebench.pytest_plugin import skips_reported
from storagebench.threevs.partitions import (
    SCHEMES,
    SUITE_PARTITIONS,
    one_partition_filter,
    open_layout,
    run_query,
    with_partition_columns,
    files_bytes,
    write_layout,
)

_rounds = itertools.count()
TARGETS = ("local", "s3")
LAYOUTS = ("partitioned", "unpartitioned")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    schemes = list(SCHEMES)
    if "partition_write_case" in metafunc.fixturenames:
        cases = [(t, s) for t in TARGETS for s in ["none", *schemes]]
        metafunc.parametrize("partition_write_case", cases, ids=[f"{t}-{s}" for t, s in cases])
    if "partition_query_case" in metafunc.fixturenames:
        cases = [(t, s, lay) for t in TARGETS for s in schemes for lay in LAYOUTS]
        metafunc.parametrize("partition_query_case", cases, ids=[f"{t}-{s}-{lay}" for t, s, lay in cases])
    if "partition_scan_case" in metafunc.fixturenames:
        cases = [(t, s) for t in TARGETS for s in ["none", *schemes]]
        metafunc.parametrize("partition_scan_case", cases, ids=[f"{t}-{s}" for t, s in cases])


def _table(lifecycle):
    if ("partitions-table",) not in lifecycle.cache:
        lifecycle.cache[("partitions-table",)] = with_partition_columns(lifecycle.dataset("mixed").table)
    return lifecycle.cache[("partitions-table",)]


def _keys(scheme: str) -> tuple[str, ...]:
    return () if scheme == "none" else SCHEMES[scheme].keys


def _place(lifecycle, target: str):
    """(filesystem, base path) for a target."""
    if target == "local":
        return None, str(lifecycle.work_dir / "partitions")
    return lifecycle.target.arrow_fs(), lifecycle.bucket("partitions")


def _check_size(lifecycle, target: str, scheme: str, case: str) -> None:
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


def _layout(lifecycle, target: str, scheme: str):
    """The layout written once (untimed) for the read benchmarks: (dataset, stats, base)."""
    key = ("partitions-layout", target, scheme)
    if key not in lifecycle.cache:
        fs, root = _place(lifecycle, target)
        base = f"{root}/read/{scheme}"
        stats = write_layout(_table(lifecycle), base, _keys(scheme), fs)
        lifecycle.cache[key] = (stats, base)
    stats, base = lifecycle.cache[key]
    fs, _ = _place(lifecycle, target)
    return stats, base, fs


def _info(lifecycle, operation: str, target: str, scheme: str, **extra):
    table = _table(lifecycle)
    return lifecycle.base_info(SUITE_PARTITIONS, operation, target=target, scheme=scheme,
                               partition_keys=list(_keys(scheme)), dataset="mixed",
                               rows=table.num_rows, **extra)


def test_partition_write(benchmark, lifecycle, partition_write_case):
    target, scheme = partition_write_case
    benchmark.group = f"partitions-write-{target}"
    with skips_reported():
        _check_size(lifecycle, target, scheme, f"partitions-write-{target}-{scheme}")
        fs, root = _place(lifecycle, target)
        table = _table(lifecycle)
        results = []

        def setup():
            return (table, f"{root}/write/{scheme}/{next(_rounds)}", _keys(scheme), fs), {}

        def write(*args):
            results.append(write_layout(*args))

        rounds = lifecycle.rounds(benchmark, heavy=True)
        with lifecycle.counting(target) as counts:
            benchmark.pedantic(write, setup=setup, rounds=rounds, iterations=1, warmup_rounds=0)
        stats = results[0]
        per_round = _per_round(counts, rounds)
        benchmark.extra_info.update(_info(
            lifecycle, "write", target, scheme, layout="partitioned" if scheme != "none" else "unpartitioned",
            partitions=stats.partitions, files=stats.files, bytes_total=stats.bytes_total,
            mean_file_bytes=stats.mean_file_bytes, **per_round))


def test_partition_query(benchmark, lifecycle, partition_query_case):
    target, scheme, layout = partition_query_case
    benchmark.group = f"partitions-query-{target}-{scheme}"
    with skips_reported():
        _check_size(lifecycle, target, scheme, f"partitions-query-{target}-{scheme}-{layout}")
        stored = scheme if layout == "partitioned" else "none"
        stats, base, fs = _layout(lifecycle, target, stored)
        expr, text = one_partition_filter(_table(lifecycle), SCHEMES[scheme].keys)
        expected = _table(lifecycle).filter(expr)
        with lifecycle.counting(target) as discovery:
            dataset = open_layout(base, _keys(stored), fs)
        result = run_query(dataset, expr)  # untimed check of what the query reads and returns
        assert result.table.num_rows == expected.num_rows, \
            f"{text}: {result.table.num_rows} rows, expected {expected.num_rows}"
        # The same orders, with the same amounts (file order differs between layouts).
        got = result.table.sort_by("order_id").select(["order_id", "amount"])
        assert got.equals(expected.sort_by("order_id").select(["order_id", "amount"])), \
            f"{text}: the query returned other rows or values than were written"
        rounds = lifecycle.rounds(benchmark)
        with lifecycle.counting(target) as counts:
            benchmark.pedantic(run_query, args=(dataset, expr), rounds=rounds, iterations=1, warmup_rounds=0)
        per_round = _per_round(counts, rounds)
        bytes_read = per_round.pop("bytes_received", None) if target == "s3" else files_bytes(dataset, result.files)
        benchmark.extra_info.update(_info(
            lifecycle, "query", target, scheme, layout=layout, query=text, files=stats.files,
            partitions=stats.partitions, bytes_total=stats.bytes_total, files_read=len(result.files),
            bytes_read=bytes_read, rows_returned=result.table.num_rows,
            discovery_requests=discovery.s3_requests if discovery is not None else None, **per_round))


def test_partition_full_scan(benchmark, lifecycle, partition_scan_case):
    target, scheme = partition_scan_case
    benchmark.group = f"partitions-full_scan-{target}"
    with skips_reported():
        _check_size(lifecycle, target, scheme, f"partitions-full_scan-{target}-{scheme}")
        stats, base, fs = _layout(lifecycle, target, scheme)
        dataset = open_layout(base, _keys(scheme), fs)
        rounds = lifecycle.rounds(benchmark)
        with lifecycle.counting(target) as counts:
            benchmark.pedantic(run_query, args=(dataset, None), rounds=rounds, iterations=1, warmup_rounds=0)
        per_round = _per_round(counts, rounds)
        bytes_read = per_round.pop("bytes_received", None) if target == "s3" else stats.bytes_total
        benchmark.extra_info.update(_info(
            lifecycle, "full_scan", target, scheme,
            layout="partitioned" if scheme != "none" else "unpartitioned", files=stats.files,
            partitions=stats.partitions, bytes_total=stats.bytes_total,
            mean_file_bytes=stats.mean_file_bytes, files_read=stats.files, bytes_read=bytes_read,
            rows_returned=_table(lifecycle).num_rows, **per_round))


def _per_round(counts, rounds: int) -> dict:
    if counts is None:
        return {"requests": None, "requests_by_op": None, "request_cost_usd": None}
    return counts.per_round(rounds)
