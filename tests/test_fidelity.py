"""The fidelity check itself: it must catch each kind of silent change and name the column."""

from __future__ import annotations

import pyarrow as pa

from formats.base import Conversion
from storagebench.fidelity import compare


def test_identical_tables_are_lossless():
    t = pa.table({"a": [1, 2, None], "b": ["x", None, "z"]})
    assert compare(t, t).status == "lossless"


def test_big_int64_through_double_is_lossy_values_and_names_the_column():
    big = 2**53 + 1
    written = pa.table({"id": pa.array([big, 5], pa.int64())})
    read = pa.table({"id": pa.array([float(big), 5.0], pa.float64())})
    verdict = compare(written, read)
    assert verdict.status == "lossy-values"
    assert verdict.lossy_columns == ["id"]
    assert "1 of 2 values differ" in verdict.issues[0].detail


def test_dropped_timezone_is_lossy_values():
    written = pa.table({"ts": pa.array([0, 1], pa.timestamp("us", tz="Europe/Berlin"))})
    read = pa.table({"ts": pa.array([0, 1], pa.timestamp("us"))})
    verdict = compare(written, read)
    assert verdict.status == "lossy-values"
    assert "timezone Europe/Berlin dropped" in verdict.issues[0].detail


def test_categorical_to_string_is_lossy_types():
    written = pa.table({"c": pa.array(["a", "b", "a"]).dictionary_encode()})
    read = pa.table({"c": pa.array(["a", "b", "a"], pa.large_string())})
    verdict = compare(written, read)
    assert verdict.status == "lossy-types"
    assert "categorical lost" in verdict.issues[0].detail


def test_null_becoming_nan_is_reported():
    written = pa.table({"v": pa.array([1.5, None], pa.float64())})
    read = pa.table({"v": pa.array([1.5, float("nan")], pa.float64())})
    verdict = compare(written, read)
    assert verdict.status == "lossy-values"
    assert "null became NaN" in verdict.issues[0].detail


def test_documented_normalisations_are_lossless():
    written = pa.table({"s": pa.array(["a"], pa.string()), "t": pa.array([1], pa.timestamp("us", tz="UTC")),
                        "l": pa.array([[1, 2]], pa.list_(pa.int64()))})
    read = pa.table({"s": pa.array(["a"], pa.large_string()), "t": pa.array([1000], pa.timestamp("ns", tz="UTC")),
                     "l": pa.array([[1, 2]], pa.large_list(pa.int64()))})
    assert compare(written, read).status == "lossless"


def test_missing_rows_and_columns_and_conversions_are_reported():
    written = pa.table({"a": [1, 2], "b": [3, 4]})
    assert compare(written, pa.table({"a": [1]})).issues[0].kind == "rows"
    verdict = compare(written, pa.table({"a": [1, 2]}))
    assert verdict.status == "lossy-values" and verdict.lossy_columns == ["b"]
    conv = Conversion("b", "dictionary<values=string>", "string", "ORC cannot store dictionary columns")
    verdict = compare(written, written, [conv])
    issue = verdict.as_info()["fidelity_issues"][0]
    assert verdict.status == "lossy-types"
    assert issue["column"] == "b" and issue["kind"] == "converted" and "ORC cannot store" in issue["detail"]


def test_nested_value_change_is_found():
    t = pa.struct([("x", pa.int64())])
    written = pa.table({"s": pa.array([{"x": 1}, {"x": 2}], t)})
    read = pa.table({"s": pa.array([{"x": 1}, {"x": 3}], t)})
    verdict = compare(written, read)
    assert verdict.status == "lossy-values" and "row 1" in verdict.issues[0].detail
