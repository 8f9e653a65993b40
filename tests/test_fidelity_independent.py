"""An independent check of every verdict: readers the suite does not use re-read its files.

For every file the local formats suite writes (every dataset x format x writer x two
compressions, the very files the read benchmarks read), the harness's verdict for each suite
reader is checked against readers the verdict did not come from (DuckDB, polars, pyorc,
Python's json) and
against a comparison that shares no code with storagebench/fidelity.py (plain Python values:
floats by repr, so -0.0 != 0.0; instants by datetime equality; text parsed with the standard
library).  They must agree on which columns lost values: a verdict that calls a column intact
while another reader finds its values changed in the file (or the reverse) fails the test.

Losses that belong to a suite *reader*, not to the file, are named in READER_LOSSES with the
reason; for those readers the file's own losses must still be a subset of what they report.

``FIDELITY_AUDIT_ROWS=20000 python3 -m pytest tests/test_fidelity_independent.py`` repeats the
check at the audit's size (slow: minutes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import math
import os
import struct
from typing import Any, Callable

import pyarrow as pa
import pytest

import formats
from fake_benchmark import FakeBenchmark
from storagebench.cases import ReadCase
from storagebench.datasets import generator_names
from storagebench.harness import CaseSkipped, Harness
from storagebench.profiles import get_profile
from storagebench.results import issue_loses_values

# FIDELITY_AUDIT_ROWS=20000 re-runs the check at the size of the audit that found issue 10.
ROWS, SEED = int(os.environ.get("FIDELITY_AUDIT_ROWS", "600")), 7


# -- readers the suite does not use -----------------------------------------------------------

def _duckdb(sql: str) -> Callable[[str], pa.Table]:
    def read(path: str) -> pa.Table:
        import duckdb

        with duckdb.connect() as con:
            return con.sql(sql.format(path=path.replace("'", "''"))).to_arrow_table()
    return read


def _polars(fn: str) -> Callable[[str], pa.Table]:
    def read(path: str) -> pa.Table:
        import polars as pl

        if path.endswith(".gz"):  # polars' readers take the decompressed bytes
            import gzip

            with gzip.open(path, "rb") as f:
                return getattr(pl, fn)(f.read()).to_arrow()
        return getattr(pl, fn)(path).to_arrow()
    return read


def _python_json(path: str) -> list[dict[str, Any]]:
    import gzip

    with (gzip.open if path.endswith(".gz") else open)(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _pyorc(path: str) -> pa.Table:
    import pyorc

    with open(path, "rb") as f:  # rows (and structs) as dicts, timestamps as aware UTC datetimes
        return pa.Table.from_pylist(list(pyorc.Reader(f, struct_repr=pyorc.StructRepr.DICT)))


INDEPENDENT: dict[str, dict[str, Callable[[str], Any]]] = {  # an Arrow table or a list of rows
    "csv": {"duckdb": _duckdb("select * from read_csv('{path}')"), "polars": _polars("read_csv")},
    # Not DuckDB for JSON: its read_json turns "+00:00" offsets into naive timestamps and reads
    # more than 200 keys as one MAP column; Python's own json parser is the second reader.
    "json": {"python-json": _python_json, "polars": _polars("read_ndjson")},
    "parquet": {"duckdb": _duckdb("select * from read_parquet('{path}')"), "polars": _polars("read_parquet")},
    "orc": {"pyorc": _pyorc},
    "feather": {"polars": _polars("read_ipc")},
    "avro": {"polars": _polars("read_avro")},
}

# Losses of a suite reader that the file does not have (checked as: the file's losses are a
# subset of the reader's).
READER_LOSSES = {
    ("json", "pandas"): "pandas' default JSON reader (precise_float=False) parses some floats one ulp off",
    ("parquet", "fastparquet"): "fastparquet drops the UTC zone, computes decimals one ulp off and cannot "
                                "rebuild nested columns of files it did not write",
    ("json", "duckdb"): "DuckDB's read_json reads other writers' offset timestamps as naive timestamps (zone "
                        "and instants lost) and a file with more than 200 keys as one MAP column",
    ("parquet", "polars"): "polars reads the JSON text fastparquet stores for nested columns as binary",
}


# Reads a suite reader cannot do at all (the suite records them as failed outcomes; the same
# failures are asserted in tests/test_codec_roundtrip.py): (format, writer, reader, dataset) ->
# the text the failure must contain.
CANNOT_READ = {
    ("feather", "polars", "pandas", "nested"): "string_view",  # pandas has no list<string_view>
}


# -- a value comparison independent of storagebench.fidelity ----------------------------------

def same(e: Any, g: Any) -> bool:
    """Does the value read (any reader's Python value) hold the value written?"""
    if e is None:
        return g is None
    if g is None:
        return False
    if isinstance(e, bool):
        return g is e if isinstance(g, bool) else str(g).lower() == str(e).lower()
    if isinstance(e, float):
        try:
            g = float(g)
        except (TypeError, ValueError):
            return False
        return (math.isnan(e) and math.isnan(g)) or repr(e) == repr(g)  # repr keeps sign and digits
    if isinstance(e, int):
        if isinstance(g, float):
            return g.is_integer() and int(g) == e
        try:
            return int(g) == e
        except (TypeError, ValueError):
            return False
    if isinstance(e, decimal.Decimal):
        g = decimal.Decimal(repr(g)) if isinstance(g, float) else decimal.Decimal(str(g))
        return g == e
    if isinstance(e, dt.datetime):
        if isinstance(g, str):
            g = dt.datetime.fromisoformat(g)
        if not isinstance(g, dt.datetime) or (e.tzinfo is None) != (g.tzinfo is None):
            return False  # an aware instant read as naive: which instant is unknown
        return g == e
    if isinstance(e, dt.date):
        if isinstance(g, str):
            g = dt.datetime.fromisoformat(g)
        if isinstance(g, dt.datetime):
            return g.tzinfo is None and g.time() == dt.time() and g.date() == e
        return g == e
    if isinstance(e, dict):
        if isinstance(g, (str, bytes)):  # JSON text (polars reads Parquet's JSON type as bytes)
            g = json.loads(g)
        return isinstance(g, dict) and set(g) == set(e) and all(same(e[k], g[k]) for k in e)
    if isinstance(e, list):
        if isinstance(g, (str, bytes)):
            g = json.loads(g)
        return isinstance(g, (list, tuple)) and len(g) == len(e) and all(map(same, e, g))
    return e == g


def _as_float32(v: Any) -> Any:
    try:
        return struct.unpack("f", struct.pack("f", float(v)))[0] if v is not None else None
    except (TypeError, ValueError, OverflowError):
        return v


def _columns(got: pa.Table | list[dict[str, Any]]) -> dict[str, list[Any]]:
    if isinstance(got, list):  # rows of Python values
        names = {k for row in got for k in row}
        return {n: [row.get(n) for row in got] for n in names}
    out = {}
    for name in got.column_names:
        col = got.column(name)
        if isinstance(col.type, pa.BaseExtensionType):
            col = pa.chunked_array([c.storage for c in col.chunks], col.type.storage_type)
        out[name] = col.to_pylist()
    return out


def values_lost(expected: pa.Table, got: pa.Table | list[dict[str, Any]]) -> set[str]:
    lost = set()
    columns = _columns(got)
    for name in expected.column_names:
        if name not in columns:
            lost.add(name)
            continue
        got_values = columns[name]
        if pa.types.is_float32(expected.schema.field(name).type):
            # A float32 written as its shortest text ("70.541245") and read as a double holds
            # the same float32: compare at the written width.
            got_values = [_as_float32(v) for v in got_values]
        if not all(map(same, expected.column(name).to_pylist(), got_values)):
            lost.add(name)
    return lost


# -- the check ----------------------------------------------------------------------------------


def _compressions(codec: formats.Codec, writer: str) -> list[str]:
    """Two compressions per writer (the format's default first), as the audit used."""
    offered = list(codec.engine(writer).write_compressions)
    first = codec.default_compression if codec.default_compression in offered else offered[0]
    return [first] + [c for c in offered if c != first][:1]


FILES = [(codec.name, w.name, comp) for codec in formats.all_codecs() for w in codec.writers()
         for comp in _compressions(codec, w.name)]


@pytest.fixture(scope="module")
def harness():
    # One timed round per case: the assertions are about verdicts, not time.
    profile = dataclasses.replace(get_profile("quick", rows=ROWS), rounds=1)
    h = Harness(profile, list(generator_names()), SEED, memory_pass=False)
    yield h
    h.close()


@pytest.mark.slow
@pytest.mark.parametrize("dataset", generator_names())
@pytest.mark.parametrize("fmt,writer,compression", FILES, ids=["-".join(f) for f in FILES])
def test_independent_readers_agree_with_every_verdict(harness, fmt, writer, compression, dataset):
    codec = formats.get_codec(fmt)
    written = harness.written_file(codec, writer, compression, dataset)
    expected = written.table
    independent = {name: values_lost(expected, read(written.location.path))
                   for name, read in INDEPENDENT[fmt].items()}
    # The independent readers agree among themselves on what the file lost.
    file_lost = next(iter(independent.values()))
    assert all(v == file_lost for v in independent.values()), independent
    checked = 0
    for reader in codec.readers():
        try:
            info = harness.run_read(ReadCase(fmt, writer, reader.name, compression, "full", dataset),
                                    FakeBenchmark())
        except CaseSkipped as exc:
            known = CANNOT_READ.get((fmt, writer, reader.name, dataset))
            if known is None or known not in str(exc):
                pytest.fail(f"{reader.name} could not read the {writer}-written {dataset} {fmt} file: {exc}")
            checked += 1  # a known reader failure, recorded by the suite as a failed outcome
            continue
        suite_lost = {i["column"] for i in info["fidelity_issues"] if issue_loses_values(i["kind"])}
        if (fmt, reader.name) in READER_LOSSES:
            assert file_lost <= suite_lost, (reader.name, READER_LOSSES[(fmt, reader.name)], info)
        else:
            assert suite_lost == file_lost, (reader.name, info["fidelity_issues"], independent)
        checked += 1
    assert checked == len(codec.readers())
