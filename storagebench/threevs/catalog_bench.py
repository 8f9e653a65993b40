"""The Glue Data Catalog benchmark cases: capture, update and retrieval of catalog entries.

``benchmarks/test_catalog.py`` parametrises and calls these; the catalog and its keys are in
:mod:`storagebench.catalog`.  Catalog entries depend on schemas, not volume: files are written
at min(rows, 1000) rows, put on S3 once (untimed).  Each round's setup prepares what the timed
call needs (a fresh table name; for updates, the table to update, created in the setup), and
Glue requests are counted around the timed calls only
(:func:`storagebench.threevs.rounds.run_rounds`), so ``glue_requests`` is what the operation
itself sends:

* create_table: CreateTable of the format's table input;
* add_column: GetTable, the format's evolution check, UpdateTable;
* batch_create_partition: GetTable (the partition keys), then BatchCreatePartition in chunks of
  100 (Glue's limit), one partition per ship_day of the ``mixed`` data;
* get_table, get_partitions (an Expression selecting one day or a 7-day range; the number of
  partitions returned is checked after the timer).
"""

from __future__ import annotations

import itertools
from typing import Any

import pyarrow.compute as pc

from storagebench.catalog import SUITE_CATALOG, Column
from storagebench.catalog.capture import CapturedFile as Captured, capture
from storagebench.catalog.formats import catalog_format
from storagebench.pytest_plugin import skips_reported
from storagebench.threevs.partitions import with_partition_columns
from storagebench.threevs.rounds import Rounds, run_rounds

_counter = itertools.count()
PARTITION_EXPRESSIONS = ("one_day", "seven_days")
NEW_COLUMN = Column("ingest_batch", "bigint", "added by schema evolution")


def _captured(lifecycle: Any, spec: str, fmt: str) -> Captured:
    key = ("catalog-captured", spec, fmt)
    if key not in lifecycle.cache:
        import formats

        codec = formats.get_codec(fmt)
        rows = lifecycle.catalog_rows()
        lifecycle.cache[key] = capture(lifecycle.target.arrow_fs(), lifecycle.catalog, lifecycle.bucket("catalog"),
                                       f"runs/{lifecycle.run_id}", lifecycle.dataset(spec, rows), codec,
                                       encoded=lifecycle.encoded(spec, codec, rows))
    return lifecycle.cache[key]


def _fresh_input(captured: Captured, partition_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    table_input = dict(captured.table_input)
    table_input["Name"] = f"{captured.table}_{next(_counter)}"
    if partition_keys:
        table_input["PartitionKeys"] = [{"Name": k, "Type": "string"} for k in partition_keys]
    return table_input


def _registered(lifecycle: Any, fmt: str) -> Captured:
    """The main dataset's table in ``fmt``, created once (for the update/retrieval benchmarks)."""
    captured = _captured(lifecycle, lifecycle.main_dataset(), fmt)
    key = ("catalog-registered", captured.table)
    if key not in lifecycle.cache:
        lifecycle.catalog.create_table(captured.table_input)
        lifecycle.cache[key] = True
    return captured


def _info(lifecycle: Any, operation: str, captured: Captured, done: Rounds, **extra: Any) -> dict[str, Any]:
    fmt = catalog_format(captured.format)
    rows = lifecycle.catalog_rows()
    spec = next(s for s in lifecycle.cfg.dataset_specs if lifecycle.dataset(s, rows).name == captured.dataset)
    ds = lifecycle.dataset(spec, rows)
    declared = [c["Name"] for c in captured.table_input["StorageDescriptor"]["Columns"]
                if "declared string" in c.get("Comment", "")]
    return lifecycle.base_info(
        SUITE_CATALOG, operation, format=captured.format, dataset=captured.dataset, rows=ds.rows,
        columns=ds.columns, table=captured.table, queryable=fmt.queryable, serde=fmt.serde,
        glue_requests=done.counts.glue_requests / done.calls,
        glue_request_cost_usd=done.counts.request_cost_usd() / done.calls,
        declared_string_columns=declared, **extra)


def _rounds(benchmark: Any, lifecycle: Any, operation: Any, **kwargs: Any) -> Rounds:
    return run_rounds(benchmark, operation, rounds=lifecycle.rounds(benchmark), target=lifecycle.target, **kwargs)


def run_create_table(benchmark: Any, lifecycle: Any, fmt: str) -> None:
    benchmark.group = "catalog-create_table"
    with skips_reported():
        captured = _captured(lifecycle, lifecycle.main_dataset(), fmt)
        done = _rounds(benchmark, lifecycle, lifecycle.catalog.create_table,
                       setup=lambda: ((_fresh_input(captured),), {}))
        benchmark.extra_info.update(_info(lifecycle, "create_table", captured, done, bytes_on_disk=captured.size))


def run_add_column(benchmark: Any, lifecycle: Any, fmt: str) -> None:
    benchmark.group = "catalog-add_column"
    with skips_reported():
        captured = _registered(lifecycle, fmt)
        catalog = lifecycle.catalog

        def setup():  # the table to evolve, created untimed and uncounted
            table_input = _fresh_input(captured)
            catalog.create_table(table_input)
            return (table_input["Name"], NEW_COLUMN), {}

        done = _rounds(benchmark, lifecycle, catalog.add_column, setup=setup)
        benchmark.extra_info.update(_info(lifecycle, "add_column", captured, done,
                                          match_by=catalog_format(fmt).match_by))


def _needs_parquet(lifecycle: Any, case: str) -> None:
    if "parquet" not in [c.name for c in lifecycle.cfg.codecs]:
        lifecycle.skip(case, SUITE_CATALOG, "needs the parquet format selected")


def _day_values(lifecycle: Any) -> list[str]:
    spec = lifecycle.main_dataset()
    table = lifecycle.dataset(spec, lifecycle.catalog_rows()).table
    if "ship_date" not in table.column_names:
        lifecycle.skip("catalog-partitions", SUITE_CATALOG,
                       f"dataset {spec!r} has no ship_date column to partition by (use mixed)")
    return sorted(pc.unique(with_partition_columns(table).column("ship_day")).to_pylist())


def _partitioned_table(lifecycle: Any) -> tuple[str, list[str]]:
    key = ("catalog-partitioned",)
    if key not in lifecycle.cache:
        days = _day_values(lifecycle)
        captured = _registered(lifecycle, "parquet")
        table_input = _fresh_input(captured, ("ship_day",))
        lifecycle.catalog.create_table(table_input)
        lifecycle.catalog.add_partitions(table_input["Name"], [[d] for d in days], captured.folder_uri)
        lifecycle.cache[key] = (table_input["Name"], days)
    return lifecycle.cache[key]


def run_add_partitions(benchmark: Any, lifecycle: Any) -> None:
    benchmark.group = "catalog-partitions"
    with skips_reported():
        _needs_parquet(lifecycle, "catalog-add_partitions")
        days = _day_values(lifecycle)
        captured = _registered(lifecycle, "parquet")
        catalog = lifecycle.catalog

        def setup():  # a fresh partitioned table, created untimed and uncounted
            table_input = _fresh_input(captured, ("ship_day",))
            catalog.create_table(table_input)
            return (table_input["Name"], [[d] for d in days], captured.folder_uri), {}

        done = _rounds(benchmark, lifecycle, catalog.add_partitions, setup=setup)
        benchmark.extra_info.update(_info(lifecycle, "batch_create_partition", captured, done,
                                          partitions=len(days)))


def run_get_table(benchmark: Any, lifecycle: Any, fmt: str) -> None:
    benchmark.group = "catalog-get_table"
    with skips_reported():
        captured = _registered(lifecycle, fmt)
        done = _rounds(benchmark, lifecycle, lifecycle.catalog.get_table, args=(captured.table,))
        benchmark.extra_info.update(_info(lifecycle, "get_table", captured, done))


def run_get_partitions(benchmark: Any, lifecycle: Any, which: str) -> None:
    benchmark.group = "catalog-get_partitions"
    with skips_reported():
        _needs_parquet(lifecycle, "catalog-get_partitions")
        name, days = _partitioned_table(lifecycle)
        middle = len(days) // 2
        if which == "one_day":
            expression, expected = f"ship_day = '{days[middle]}'", 1
        else:
            window = days[middle:middle + 7]
            expression = f"ship_day >= '{window[0]}' AND ship_day <= '{window[-1]}'"
            expected = len(window)
        returned: list[int] = []

        def check(partitions: list) -> None:  # the timed call's own answer, checked after the timer
            returned.append(len(partitions))
            assert len(partitions) == expected, f"{expression}: {len(partitions)} partitions, expected {expected}"

        done = _rounds(benchmark, lifecycle, lifecycle.catalog.get_partitions, args=(name, expression),
                       check=check)
        benchmark.extra_info.update(_info(lifecycle, "get_partitions", _registered(lifecycle, "parquet"), done,
                                          expression=expression, partitions=len(days),
                                          partitions_returned=returned[0]))
