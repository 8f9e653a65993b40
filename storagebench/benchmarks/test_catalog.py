"""Glue Data Catalog on the embedded endpoint: capture, update and retrieval of catalog entries.

Method: each case times one Glue operation per round with pytest-benchmark (a fresh table name
per round; the table an update works on is created in the round's setup), and counts the Glue
requests of the timed calls only:

* ``test_catalog_create_table``   capture: create_table per format for the main dataset
  (``mixed``; the file is put on S3 untimed; every dataset x format is registered and checked in
  tests/test_catalog.py);
* ``test_catalog_add_column``     update: schema evolution, adding a column (get_table, the
  format's evolution check, update_table);
* ``test_catalog_add_partitions`` update: batch_create_partition of one partition per ship_day
  of the ``mixed`` data (chunks of 100, Glue's limit);
* ``test_catalog_get_table`` / ``test_catalog_get_partitions``  retrieval, the latter with an
  Expression selecting one day and a 7-day range (partitions returned checked after the timer).

Catalog entries depend on schemas, not volume: files are written at min(rows, 1000) rows.
Suite code: storagebench/threevs/catalog_bench.py; keys: storagebench/catalog/__init__.py.
"""

from __future__ import annotations

import pytest

from storagebench.pytest_plugin import suite_config
from storagebench.threevs.catalog_bench import (
    PARTITION_EXPRESSIONS,
    run_add_column,
    run_add_partitions,
    run_create_table,
    run_get_partitions,
    run_get_table,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "catalog_fmt" in metafunc.fixturenames:
        metafunc.parametrize("catalog_fmt", [c.name for c in suite_config(metafunc.config).codecs])
    if "partition_expression" in metafunc.fixturenames:
        metafunc.parametrize("partition_expression", PARTITION_EXPRESSIONS)


def test_catalog_create_table(benchmark, lifecycle, catalog_fmt):
    run_create_table(benchmark, lifecycle, catalog_fmt)


def test_catalog_add_column(benchmark, lifecycle, catalog_fmt):
    run_add_column(benchmark, lifecycle, catalog_fmt)


def test_catalog_add_partitions(benchmark, lifecycle):
    run_add_partitions(benchmark, lifecycle)


def test_catalog_get_table(benchmark, lifecycle, catalog_fmt):
    run_get_table(benchmark, lifecycle, catalog_fmt)


def test_catalog_get_partitions(benchmark, lifecycle, partition_expression):
    run_get_partitions(benchmark, lifecycle, partition_expression)
