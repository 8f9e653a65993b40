"""Glue Data Catalog on the embedded endpoint: capture, update and retrieval of catalog entries.

* ``test_catalog_create_table``   capture: create_table per format for the main dataset
  (``mixed``; the file is put on S3 untimed; each round registers a fresh table name; every
  dataset x format is registered and checked in tests/test_catalog.py);
* ``test_catalog_add_column``     update: schema evolution, adding a column (get_table, the
  format's evolution check, update_table) on a fresh table per round;
* ``test_catalog_add_partitions`` update: batch_create_partition of one partition per
  ship_day of the ``mixed`` data (chunks of 100, Glue's limit);

Catalog entries depend on schemas, not volume: files are written at min(rows, 1000) rows.
* ``test_catalog_get_table`` / ``test_catalog_get_partitions``  retrieval, the latter with an
  Expression selecting one day and a 7-day range.

Glue requests per timed call are counted on the endpoint.  Keys: storagebench/catalog/__init__.py.
"""

from __future__ import annotations

import itertools

import pytest

from storagebench.catalog import SUITE_CATALOG, Column
from storagebench.catalog.capture import capture
from storagebench.catalog.formats import catalog_format
from storagebench.pytest_plugin import skips_reported, suite_config
from storagebench.threevs.s3target import GLUE_OP
from storagebench.threevs.partitions import with_partition_columns

_counter = itertools.count()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cfg = suite_config(metafunc.config)
    names = [c.name for c in cfg.codecs]
    if "catalog_fmt" in metafunc.fixturenames:
        metafunc.parametrize("catalog_fmt", names)
    if "partition_expression" in metafunc.fixturenames:
        metafunc.parametrize("partition_expression", ["one_day", "seven_days"])


def _captured(lifecycle, spec: str, fmt: str):
    key = ("catalog-captured", spec, fmt)
    if key not in lifecycle.cache:
        import formats

        codec = formats.get_codec(fmt)
        rows = lifecycle.catalog_rows()
        lifecycle.cache[key] = capture(lifecycle.target, lifecycle.catalog, lifecycle.bucket("catalog"),
                                       f"runs/{lifecycle.run_id}", lifecycle.dataset(spec, rows), codec,
                                       encoded=lifecycle.encoded(spec, codec, rows))
    return lifecycle.cache[key]


def _fresh_input(captured) -> dict:
    table_input = dict(captured.table_input)
    table_input["Name"] = f"{captured.table}_{next(_counter)}"
    return table_input


def _info(lifecycle, operation: str, captured, counts, rounds: int, **extra) -> dict:
    fmt = catalog_format(captured.format)
    ds = lifecycle.dataset(_spec_of(lifecycle, captured.dataset), lifecycle.catalog_rows())
    declared = [c["Name"] for c in captured.table_input["StorageDescriptor"]["Columns"]
                if "declared string" in c.get("Comment", "")]
    return lifecycle.base_info(
        SUITE_CATALOG, operation, format=captured.format, dataset=captured.dataset, rows=ds.rows,
        columns=ds.columns, table=captured.table, queryable=fmt.queryable, serde=fmt.serde,
        glue_requests=counts.glue_requests / rounds,
        glue_request_cost_usd=counts.request_cost_usd() / rounds,
        declared_string_columns=declared, **extra)


def _spec_of(lifecycle, name: str) -> str:
    rows = lifecycle.catalog_rows()
    return next(s for s in lifecycle.cfg.dataset_specs if lifecycle.dataset(s, rows).name == name)


def test_catalog_create_table(benchmark, lifecycle, catalog_fmt):
    benchmark.group = "catalog-create_table"
    with skips_reported():
        captured = _captured(lifecycle, lifecycle.main_dataset(), catalog_fmt)
        rounds = lifecycle.rounds(benchmark)
        with lifecycle.target.counting() as counts:
            benchmark.pedantic(lifecycle.catalog.create_table, setup=lambda: ((_fresh_input(captured),), {}),
                               rounds=rounds, iterations=1, warmup_rounds=0)
        benchmark.extra_info.update(_info(lifecycle, "create_table", captured, counts, rounds,
                                          bytes_on_disk=captured.size))


def _registered(lifecycle, fmt: str):
    """The main dataset's table in ``fmt``, created once (for the update/retrieval benchmarks)."""
    captured = _captured(lifecycle, lifecycle.main_dataset(), fmt)
    key = ("catalog-registered", captured.table)
    if key not in lifecycle.cache:
        lifecycle.catalog.create_table(captured.table_input)
        lifecycle.cache[key] = True
    return captured


def test_catalog_add_column(benchmark, lifecycle, catalog_fmt):
    benchmark.group = "catalog-add_column"
    with skips_reported():
        captured = _registered(lifecycle, catalog_fmt)
        catalog = lifecycle.catalog
        new_column = Column("ingest_batch", "bigint", "added by schema evolution")

        def setup():
            table_input = _fresh_input(captured)
            catalog.create_table(table_input)
            return (table_input["Name"], new_column), {}

        rounds = lifecycle.rounds(benchmark)
        with lifecycle.target.counting() as counts:
            benchmark.pedantic(catalog.add_column, setup=setup, rounds=rounds, iterations=1, warmup_rounds=0)
        # The setup's create_table calls were counted too: subtract them.
        counts.discount(GLUE_OP, rounds)
        benchmark.extra_info.update(_info(lifecycle, "add_column", captured, counts, rounds,
                                          match_by=catalog_format(catalog_fmt).match_by))


def _day_values(lifecycle) -> list[str]:
    spec = lifecycle.main_dataset()
    table = lifecycle.dataset(spec, lifecycle.catalog_rows()).table
    if "ship_date" not in table.column_names:
        lifecycle.skip("catalog-partitions", SUITE_CATALOG,
                       f"dataset {spec!r} has no ship_date column to partition by (use mixed)")
    import pyarrow.compute as pc

    return sorted(pc.unique(with_partition_columns(table).column("ship_day")).to_pylist())


def _partitioned_table(lifecycle) -> tuple[str, list[str]]:
    key = ("catalog-partitioned",)
    if key not in lifecycle.cache:
        days = _day_values(lifecycle)
        captured = _registered(lifecycle, "parquet")
        table_input = _fresh_input(captured)
        table_input["PartitionKeys"] = [{"Name": "ship_day", "Type": "string"}]
        lifecycle.catalog.create_table(table_input)
        lifecycle.catalog.add_partitions(table_input["Name"], [[d] for d in days], captured.folder_uri)
        lifecycle.cache[key] = (table_input["Name"], days)
    return lifecycle.cache[key]


def test_catalog_add_partitions(benchmark, lifecycle):
    benchmark.group = "catalog-partitions"
    with skips_reported():
        if "parquet" not in [c.name for c in lifecycle.cfg.codecs]:
            lifecycle.skip("catalog-add_partitions", SUITE_CATALOG, "needs the parquet format selected")
        days = _day_values(lifecycle)
        captured = _registered(lifecycle, "parquet")
        catalog = lifecycle.catalog

        def setup():
            table_input = _fresh_input(captured)
            table_input["PartitionKeys"] = [{"Name": "ship_day", "Type": "string"}]
            catalog.create_table(table_input)
            return (table_input["Name"], [[d] for d in days], captured.folder_uri), {}

        rounds = lifecycle.rounds(benchmark)
        with lifecycle.target.counting() as counts:
            benchmark.pedantic(catalog.add_partitions, setup=setup, rounds=rounds, iterations=1, warmup_rounds=0)
        counts.discount(GLUE_OP, rounds)
        benchmark.extra_info.update(_info(lifecycle, "batch_create_partition", captured, counts, rounds,
                                          partitions=len(days)))


def test_catalog_get_table(benchmark, lifecycle, catalog_fmt):
    benchmark.group = "catalog-get_table"
    with skips_reported():
        captured = _registered(lifecycle, catalog_fmt)
        rounds = lifecycle.rounds(benchmark)
        with lifecycle.target.counting() as counts:
            benchmark.pedantic(lifecycle.catalog.get_table, args=(captured.table,), rounds=rounds,
                               iterations=1, warmup_rounds=0)
        benchmark.extra_info.update(_info(lifecycle, "get_table", captured, counts, rounds))


def test_catalog_get_partitions(benchmark, lifecycle, partition_expression):
    benchmark.group = "catalog-get_partitions"
    with skips_reported():
        if "parquet" not in [c.name for c in lifecycle.cfg.codecs]:
            lifecycle.skip("catalog-get_partitions", SUITE_CATALOG, "needs the parquet format selected")
        name, days = _partitioned_table(lifecycle)
        middle = len(days) // 2
        if partition_expression == "one_day":
            expression, expected = f"ship_day = '{days[middle]}'", 1
        else:
            window = days[middle:middle + 7]
            expression = f"ship_day >= '{window[0]}' AND ship_day <= '{window[-1]}'"
            expected = len(window)
        returned = lifecycle.catalog.get_partitions(name, expression)  # untimed check
        assert len(returned) == expected, f"{expression}: {len(returned)} partitions, expected {expected}"
        rounds = lifecycle.rounds(benchmark)
        with lifecycle.target.counting() as counts:
            benchmark.pedantic(lifecycle.catalog.get_partitions, args=(name, expression), rounds=rounds,
                               iterations=1, warmup_rounds=0)
        captured = _registered(lifecycle, "parquet")
        benchmark.extra_info.update(_info(lifecycle, "get_partitions", captured, counts, rounds,
                                          expression=expression, partitions=len(days),
                                          partitions_returned=len(returned)))
