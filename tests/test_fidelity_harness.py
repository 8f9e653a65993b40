"""What the harness hands a reader decides what a verdict means: only the file, except for the
labelled ``-schema`` readers.  End to end through Harness.run_read / run_write on small data."""

from __future__ import annotations

import pytest

import formats
from fake_benchmark import FakeBenchmark
from storagebench.cases import ReadCase, WriteCase
from storagebench.harness import Harness
from storagebench.profiles import get_profile

ROWS, SEED = 600, 7  # the same data as tests/conftest.py's small_datasets


@pytest.fixture(scope="module")
def harness():
    h = Harness(get_profile("quick", rows=ROWS), ["mixed", "wide", "nested"], SEED, memory_pass=False)
    yield h
    h.close()


def _read(h, fmt, writer, reader, dataset, compression="none", kind="full"):
    return h.run_read(ReadCase(fmt, writer, reader, compression, kind, dataset), FakeBenchmark())


def _issues(info, column):
    return [i for i in info["fidelity_issues"] if i["column"] == column]


# Every writer x reader of the formats whose files hold only UTC offsets or UTC micros, except the
# labelled readers handed the written schema.
ZONE_CASES = [(c.name, w.name, r.name) for c in map(formats.get_codec, ("csv", "json", "avro"))
              for w in c.writers() for r in c.readers() if not r.reads_written_schema]


# DuckDB's JSON reader reads the offset timestamps other engines write as naive timestamps: the
# zone is dropped and the instants become ambiguous, a lost value (the same verdicts are in
# tests/test_codec_roundtrip.py's table).
NAIVE_ZONE_READS = {("json", "duckdb")}


@pytest.mark.parametrize("fmt,writer,reader", ZONE_CASES, ids=["-".join(c) for c in ZONE_CASES])
def test_a_lost_zone_name_is_visible_for_text_and_avro_files(harness, fmt, writer, reader):
    info = _read(harness, fmt, writer, reader, "mixed")
    assert info["fidelity_schema_supplied"] is False
    (issue,) = _issues(info, "ordered_at")  # Europe/Berlin: the file holds offsets or UTC micros
    if (fmt, reader) in NAIVE_ZONE_READS and writer != reader:
        assert issue["kind"] == "timezone" and "Europe/Berlin" in issue["detail"], issue
        assert info["fidelity"] == "lossy-values"
        return
    assert issue["kind"] == "type" and "Europe/Berlin" in issue["detail"], issue
    assert info["fidelity"] == "lossy-types"


def test_only_schema_readers_are_handed_the_written_schema_and_say_so(harness):
    written = harness.written_file(formats.get_codec("csv"), "pyarrow", "none", "mixed")
    plain = harness.read_request(ReadCase("csv", "pyarrow", "pyarrow", "none", "full", "mixed"), written)
    given = harness.read_request(ReadCase("csv", "pyarrow", "pyarrow-schema", "none", "full", "mixed"), written)
    assert plain.schema is None and given.schema == written.table.schema
    info = _read(harness, "csv", "pyarrow", "pyarrow-schema", "mixed")
    assert info["fidelity_schema_supplied"] is True and info["fidelity"] == "lossless"


def test_negative_zero_from_pandas_json_is_a_lost_value(harness):
    info = _read(harness, "json", "pandas", "pyarrow", "wide")
    assert info["fidelity"] == "lossy-values"
    (issue,) = _issues(info, "f034")
    assert issue["kind"] == "values" and "wrote -0.0, read 0.0" in issue["detail"]


def test_dates_as_text_from_pandas_json_cost_only_the_type(harness):
    info = _read(harness, "json", "pandas", "pandas", "mixed")
    (issue,) = _issues(info, "ship_date")
    assert issue["kind"] == "type" and "read as text" in issue["detail"]


def test_fastparquet_nested_as_json_is_a_recorded_conversion(harness):
    info = _read(harness, "parquet", "fastparquet", "pyarrow", "nested", "snappy")
    assert info["fidelity"] == "lossy-types"
    assert {(i["column"], i["kind"]) for i in info["fidelity_issues"]} == {("user", "converted"), ("items", "converted")}
    assert any("fastparquet stores nested columns as JSON text" in c for c in info["conversions"])
    write = FakeBenchmark()
    harness.run_write(WriteCase("parquet", "fastparquet", "snappy", "nested"), write)
    assert write.extra_info["fidelity"] == "lossy-types" and write.extra_info["fidelity_checked_by"] == "fastparquet"
