"""Hive partitions: pruning reads only the matching files (locally and in counted S3 GETs),
every row survives the layout, and bad partition columns are refused with the reason."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from storagebench.datasets import build_dataset
from storagebench.threevs.partitions import (
    SCHEMES,
    PartitionColumnError,
    one_partition_filter,
    open_layout,
    run_query,
    validate_partition_columns,
    with_partition_columns,
    write_layout,
)
from storagebench.threevs.pytest_plugin import embedded_s3  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def table():
    return with_partition_columns(build_dataset("mixed", 2_000, 5).table)


def _sorted(t: pa.Table) -> pa.Table:
    return t.sort_by("order_id")


def _distinct(table: pa.Table, keys: tuple[str, ...]) -> int:
    return len(pc.unique(pc.binary_join_element_wise(*[table.column(k) for k in keys], "/")))


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_local_layout_prunes_to_one_partition(tmp_path, table, scheme):
    keys = SCHEMES[scheme].keys
    stats = write_layout(table, str(tmp_path / scheme), keys)
    assert stats.partitions == _distinct(table, keys)
    assert stats.files == stats.partitions  # one file per partition at this size

    dataset = open_layout(str(tmp_path / scheme), keys)
    expr, text = one_partition_filter(table, keys)
    result = run_query(dataset, expr)
    assert len(result.files) == 1, f"{text} read {len(result.files)} files"
    folder = "/".join(f"{k}={table.column(k)[0].as_py()}" for k in keys)
    assert f"/{folder}/" in result.files[0]
    expected = table.filter(expr)
    assert _sorted(result.table.select(table.column_names)).equals(_sorted(expected))

    everything = run_query(dataset, None)
    assert len(everything.files) == stats.files
    assert _sorted(everything.table.select(table.column_names)).equals(_sorted(table))


def test_s3_pruned_query_gets_one_object(embedded_s3, table):
    embedded_s3.create_bucket("test-partitions")
    fs = embedded_s3.arrow_fs()
    keys = SCHEMES["category"].keys
    stats = write_layout(table, "test-partitions/by-country", keys, fs)
    write_layout(table, "test-partitions/flat", (), fs)
    expr, _ = one_partition_filter(table, keys)

    partitioned = open_layout("test-partitions/by-country", keys, fs)
    with embedded_s3.counting() as pruned:
        result = run_query(partitioned, expr)
    with embedded_s3.counting() as full:
        everything = run_query(partitioned, None)
    flat = open_layout("test-partitions/flat", (), fs)
    with embedded_s3.counting() as unpartitioned:
        flat_result = run_query(flat, expr)

    gets = lambda c: c.by_op["s3:GetObject"]  # noqa: E731
    assert len(result.files) == 1 and everything.table.num_rows == table.num_rows
    assert 1 <= gets(pruned) <= 2  # one object: footer and data at most
    assert gets(full) >= stats.files  # every object of the layout
    assert pruned.bytes_out < unpartitioned.bytes_out  # the flat file is read whole
    assert result.table.num_rows == flat_result.table.num_rows == table.filter(expr).num_rows


def test_nulls_in_a_partition_column_are_refused(table):
    bad = table.set_column(table.schema.get_field_index("country"), "country",
                           pa.array([None] + table.column("country").to_pylist()[1:], pa.string()))
    with pytest.raises(PartitionColumnError, match="'country' has 1 null values.*__HIVE_DEFAULT_PARTITION__"):
        validate_partition_columns(bad, ("country",))


@pytest.mark.parametrize("value, char", [("DE/Berlin", "/"), ("a=b", "="), ("50%", "%"), ("tab\there", "\t")])
def test_unsafe_characters_are_refused(tmp_path, value, char):
    t = pa.table({"id": [1, 2], "category": ["ok", value]})
    with pytest.raises(PartitionColumnError, match=f"'category' has value .* containing {re.escape(repr(char))}"):
        write_layout(t, str(tmp_path / "x"), ("category",))
    assert not (tmp_path / "x").exists()  # nothing half-written


def test_unknown_partition_column_is_named(table):
    with pytest.raises(PartitionColumnError, match="'region' is not in the table"):
        validate_partition_columns(table, ("region",))
