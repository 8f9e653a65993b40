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


# -- the five verdicts issue 10 found wrong ---------------------------------------------------

def test_negative_zero_read_as_zero_is_a_lost_value_and_nan_equals_nan():
    written = pa.table({"x": pa.array([-0.0, 1.5, float("nan"), None], pa.float64())})
    same = compare(written, written)
    assert same.status == "lossless"  # NaN read as NaN is the same value
    read = pa.table({"x": pa.array([0.0, 1.5, float("nan"), None], pa.float64())})
    verdict = compare(written, read)
    assert verdict.status == "lossy-values" and verdict.lossy_columns == ["x"]
    assert "1 of 4 values differ" in verdict.issues[0].detail and "row 0" in verdict.issues[0].detail
    nested_t = pa.list_(pa.float64())
    nested = compare(pa.table({"l": pa.array([[-0.0]], nested_t)}), pa.table({"l": pa.array([[0.0]], nested_t)}))
    assert nested.status == "lossy-values"


def test_values_intact_as_text_cost_only_the_type():
    import datetime as dt
    import decimal

    written = pa.table({
        "ship_date": pa.array([dt.date(2024, 3, 21), None], pa.date32()),
        "at": pa.array([0, 3_600_000_000], pa.timestamp("us", tz="Europe/Berlin")),
        "price": pa.array([decimal.Decimal("123.45"), decimal.Decimal("0.07")], pa.decimal128(12, 2)),
    })
    read = pa.table({
        "ship_date": pa.array(["2024-03-21T00:00:00.000000", None], pa.large_string()),
        "at": pa.array(["1970-01-01T01:00:00+01:00", "1970-01-01T01:00:00Z"]),
        "price": pa.array(["123.45", "0.07"]),
    })
    verdict = compare(written, read)
    assert verdict.status == "lossy-types", verdict.as_info()
    assert {i.kind for i in verdict.issues} == {"type"} and verdict.lossy_columns == ["at", "price", "ship_date"]
    wrong = read.set_column(0, "ship_date", pa.array(["2024-03-22", None]))
    assert compare(written, wrong).status == "lossy-values"
    not_midnight = read.set_column(0, "ship_date", pa.array(["2024-03-21T06:00:00", None]))
    assert compare(written, not_midnight).status == "lossy-values"


def test_zone_name_replaced_by_utc_is_visible_and_text_without_offset_drops_the_zone():
    written = pa.table({"at": pa.array([0, 1], pa.timestamp("us", tz="Europe/Berlin"))})
    utc = compare(written, pa.table({"at": pa.array([0, 1], pa.timestamp("us", tz="UTC"))}))
    assert utc.status == "lossy-types" and "Europe/Berlin -> UTC" in utc.issues[0].detail
    naive_text = compare(written, pa.table({"at": pa.array(["1970-01-01T01:00:00", "1970-01-01T01:00:00"])}))
    assert naive_text.status == "lossy-values" and naive_text.issues[0].kind == "timezone"


def test_issues_are_structured_and_their_kind_alone_decides_the_status():
    from storagebench.fidelity import ColumnIssue, Verdict
    from storagebench.report.sections.fidelity import column_verdict

    v = Verdict([ColumnIssue("a", "type", "values differ in wording only")])
    assert v.status == "lossy-types" and column_verdict("type") == "types"
    assert v.as_info()["fidelity_issues"] == [{"column": "a", "kind": "type", "detail": "values differ in wording only"}]
    assert Verdict([ColumnIssue("b", "timezone", "x")]).status == "lossy-values"
    assert column_verdict("timezone") == column_verdict("values") == "VALUES"


def test_fastparquet_records_its_own_conversions_and_the_verdict_is_lossy_types(small_datasets, tmp_path):
    import formats
    from formats.base import Location, ReadRequest, WriteOptions

    codec = formats.get_codec("parquet")
    table = small_datasets["nested"].table
    conversions = codec.writer_conversions(table, "fastparquet")
    assert {c.column for c in conversions} == {"user", "items"}
    assert codec.writer_conversions(table, "pyarrow") == []
    loc = Location(str(tmp_path / "n.parquet"))
    codec.write(codec.writer_input(table, "fastparquet"), loc, "fastparquet", WriteOptions("snappy"))
    read = codec.to_arrow(codec.read(loc, "pyarrow", ReadRequest()))
    verdict = compare(table, read, conversions)
    assert verdict.status == "lossy-types", verdict.as_info()
    assert {(i.column, i.kind) for i in verdict.issues} == {("user", "converted"), ("items", "converted")}
