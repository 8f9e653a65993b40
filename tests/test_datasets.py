"""Datasets are deterministic, sized as asked, and shaped for their workloads."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from formats.base import UnknownNameError
from storagebench.datasets import build_dataset, generator_names, resolve


@pytest.mark.parametrize("name", generator_names())
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = build_dataset(name, 500, 1), build_dataset(name, 500, 1), build_dataset(name, 500, 2)
    assert a.table.equals(b.table) and a.fingerprint == b.fingerprint
    assert a.fingerprint != c.fingerprint


@pytest.mark.parametrize("name", generator_names())
def test_workloads_are_defined_and_select_about_a_tenth(name):
    ds = build_dataset(name, 5000)
    assert len(ds.projection) == 2 and all(c in ds.table.column_names for c in ds.projection)
    selected = ds.predicate.apply_arrow(ds.table).num_rows
    assert 0.08 * ds.rows <= selected <= 0.12 * ds.rows


def test_rows_parameter_and_wide_shape():
    assert build_dataset("numeric", 1234).rows == 1234
    wide = build_dataset("wide", 20_000)
    assert wide.columns >= 200 and wide.rows == 2_000


def test_mixed_has_the_types_that_expose_lossy_formats():
    t = build_dataset("mixed", 1000).table
    types = {f.name: f.type for f in t.schema}
    assert types["ordered_at"].tz == "Europe/Berlin"
    assert pa.types.is_dictionary(types["status"])
    assert pa.types.is_decimal(types["price"])
    assert t.column("discount_pct").null_count > 0
    assert pc.min(t.column("tracking_no")).as_py() > 2**53


def test_police_records_are_keyed_by_unique_guid():
    from storagebench.datasets.police import police_records

    t = build_dataset("police", 3000).table
    assert {"guid", "PoliceDepartmentName", "UpdateTime"} <= set(t.column_names)
    assert pc.count_distinct(t.column("guid")).as_py() == 3000
    rec = police_records(3)[0]
    assert isinstance(rec["UpdateTime"], str) and len(rec["guid"]) == 36


def test_unknown_dataset_name_lists_the_valid_ones():
    with pytest.raises(UnknownNameError) as err:
        resolve("nosuch", 10)
    assert "numeric" in str(err.value) and "police" in str(err.value)
    with pytest.raises(ValueError, match="rows must be >= 1"):
        build_dataset("numeric", 0)
