"""Every registered codec, every writer engine, every dataset: write, read back with each reader,
and check the fidelity verdict against what each format is known to be able to store."""

from __future__ import annotations

import pyarrow as pa
import pytest

import formats
from formats.base import Location, ReadRequest, WriteOptions
from storagebench.datasets import generator_names
from storagebench.fidelity import verdict
from storagebench.results import issue_loses_values

WRITE_CASES = [(codec.name, engine.name) for codec in formats.all_codecs() for engine in codec.writers()]
PAIRS = [(codec.name, w.name, r.name) for codec in formats.all_codecs() for w in codec.writers()
         for r in codec.readers()]

TYPES, VALUES = "lossy-types", "lossy-values"
FLOATS = "<every float column>"

# The verdict for EVERY (format, writer, reader) on every generated dataset, each reader seeing
# only the file (its own schema or inference) except the labelled ``pyarrow-schema`` readers.
# A dataset not listed is lossless; a lossy-values entry also names the columns whose values
# were lost.  These are the formats' and engines' real limits, asserted so a regression in
# either direction is caught.  A new reader or writer engine must add its row here.
_CSV_INFERRED = {  # int32 -> int64, float32 -> double, zone name -> UTC, categorical and
    # decimal -> double (values intact), nested written as JSON text (a recorded conversion)
    "numeric": TYPES, "mixed": TYPES, "nested": TYPES, "wide": TYPES, "police": TYPES,
}
_CSV_PANDAS_C = {**_CSV_INFERRED, "text": TYPES}  # pandas' C reader leaves timestamps as text
_CSV_SCHEMA = {"nested": TYPES}  # handed the written schema: only the recorded conversion
_JSON_INFERRED = {  # timestamps and dates as text or timestamp[s], int32 -> int64 ...: types
    "numeric": TYPES, "mixed": TYPES, "text": TYPES, "nested": TYPES, "wide": TYPES, "police": TYPES,
}
_JSON_PANDAS_READ = {  # pandas' default reader (precise_float=False) parses some floats one ulp
    # off ("19.577" -> 19.576999999999998)
    "numeric": (VALUES, {"temperature", "voltage"}), "mixed": TYPES, "text": (VALUES, {"latency_ms"}),
    "nested": (VALUES, {"items"}), "wide": (VALUES, FLOATS), "police": TYPES,
}
# pandas' JSON writer: double_precision=15 rounds 17-digit doubles (voltage) and writes -0.0 as
# 0.0 (one value in wide's f034 at this size); every reader sees what the file holds.
_JSON_PANDAS_FILE = {"numeric": (VALUES, {"voltage"}), "wide": (VALUES, {"f034"})}
_FASTPARQUET_FILE = {  # fastparquet stores dates as timestamp[ms] and nested columns as JSON text
    # (recorded conversions); decimals come back as double (values intact)
    "mixed": TYPES, "nested": TYPES,
}
_FASTPARQUET_READS_PYARROW = {  # fastparquet drops the UTC zone of files it did not write
    # (naive timestamps), computes decimals with a one-ulp error and cannot rebuild nested columns
    "numeric": (VALUES, {"ts"}), "text": (VALUES, {"ts"}), "police": (VALUES, {"UpdateTime"}),
    "mixed": (VALUES, {"ordered_at", "price"}), "nested": (VALUES, {"items", "ts", "user"}),
}
_PANDAS_READS_ARROW = {  # nullable int64 -> float64 (mixed), nested int32 -> int64: types
    "mixed": TYPES, "nested": TYPES,
}
EXPECTED: dict[tuple[str, str, str], dict[str, object]] = {
    ("csv", "pyarrow", "pyarrow"): _CSV_INFERRED,
    ("csv", "pyarrow", "pandas"): _CSV_PANDAS_C,
    ("csv", "pyarrow", "pandas-pyarrow"): _CSV_INFERRED,
    ("csv", "pyarrow", "pyarrow-schema"): _CSV_SCHEMA,
    ("csv", "pandas", "pyarrow"): _CSV_INFERRED,
    ("csv", "pandas", "pandas"): _CSV_PANDAS_C,
    ("csv", "pandas", "pandas-pyarrow"): _CSV_INFERRED,
    ("csv", "pandas", "pyarrow-schema"): _CSV_SCHEMA,
    ("json", "python", "pyarrow"): _JSON_INFERRED,
    ("json", "python", "pandas"): _JSON_PANDAS_READ,
    ("json", "python", "pandas-pyarrow"): _JSON_INFERRED,
    # pyarrow.json cannot parse dates, dictionaries or decimals even with a schema
    ("json", "python", "pyarrow-schema"): {"mixed": TYPES},
    ("json", "pandas", "pyarrow"): {**_JSON_INFERRED, **_JSON_PANDAS_FILE},
    # pandas' writer wrote temperature as 19.577000000000002, which its reader parses exactly
    ("json", "pandas", "pandas"): {**_JSON_PANDAS_READ, "numeric": (VALUES, {"voltage"})},
    ("json", "pandas", "pandas-pyarrow"): {**_JSON_INFERRED, **_JSON_PANDAS_FILE},
    ("json", "pandas", "pyarrow-schema"): {"mixed": TYPES, **_JSON_PANDAS_FILE},
    ("parquet", "pyarrow", "pyarrow"): {},
    ("parquet", "pyarrow", "fastparquet"): _FASTPARQUET_READS_PYARROW,
    ("parquet", "pyarrow", "pandas"): _PANDAS_READS_ARROW,
    ("parquet", "fastparquet", "pyarrow"): _FASTPARQUET_FILE,
    ("parquet", "fastparquet", "fastparquet"): _FASTPARQUET_FILE,
    ("parquet", "fastparquet", "pandas"): _FASTPARQUET_FILE,
    ("orc", "pyarrow", "pyarrow"): {"mixed": TYPES},  # categorical cast (recorded); zone name -> UTC
    ("orc", "pyarrow", "pandas"): _PANDAS_READS_ARROW,
    ("feather", "pyarrow", "pyarrow"): {},
    ("feather", "pyarrow", "pandas"): _PANDAS_READS_ARROW,
    ("avro", "fastavro", "fastavro"): {"mixed": TYPES},  # categorical as string (recorded); UTC micros
}


def test_every_writer_reader_pair_has_an_expected_verdict():
    assert sorted(set(PAIRS) - set(EXPECTED)) == [], "add the new pair's row to EXPECTED"
    assert sorted(set(EXPECTED) - set(PAIRS)) == [], "EXPECTED names a pair no codec has"


def expected_verdict(pair: tuple[str, str, str], dataset: str, table) -> tuple[str, set[str]]:
    entry = EXPECTED[pair].get(dataset, "lossless")
    status, lost = entry if isinstance(entry, tuple) else (entry, set())
    if lost == FLOATS:
        lost = {f.name for f in table.schema if pa.types.is_floating(f.type)}
    return status, set(lost)

# Reads that fail for a known reason in the libraries (asserted, so a fix upstream is noticed):
# polars writes IPC strings as string_view, and pyarrow cannot convert lists of string_view
# to pandas.
KNOWN_READ_FAILURES = {
    ("feather", "polars", "pandas", "nested"): "string_view",
}


def _write(codec, engine, table, tmp_path, compression=None):
    comp = compression or (codec.default_compression if codec.default_compression in
                           codec.engine(engine).write_compressions else codec.engine(engine).write_compressions[0])
    loc = Location(str(tmp_path / codec.file_name(f"{engine}", comp)))
    codec.write(codec.writer_input(table, engine), loc, engine, WriteOptions(comp, 100))
    return loc


def _request(reader, table, **kw) -> ReadRequest:
    """What the harness hands a reader: the written schema only to ``reads_written_schema``."""
    return ReadRequest(schema=table.schema if reader.reads_written_schema else None, **kw)


@pytest.mark.parametrize("dataset", generator_names())
@pytest.mark.parametrize("fmt,writer", WRITE_CASES, ids=[f"{f}-{w}" for f, w in WRITE_CASES])
def test_every_codec_round_trips_every_dataset(fmt, writer, dataset, small_datasets, tmp_path):
    codec = formats.get_codec(fmt)
    if codec.engine(writer).missing_requirement():
        pytest.skip(codec.engine(writer).missing_requirement())
    table, conversions = codec.prepare(small_datasets[dataset].table)
    conversions = conversions + codec.writer_conversions(table, writer)
    loc = _write(codec, writer, table, tmp_path)
    assert loc.size() > 0
    for reader in codec.readers():
        known = KNOWN_READ_FAILURES.get((fmt, writer, reader.name, dataset))
        try:
            actual = codec.to_arrow(codec.read(loc, reader.name, _request(reader, table)))
        except Exception as exc:
            if known and known in str(exc):
                continue
            pytest.fail(f"{fmt}: {reader.name} could not read the {writer}-written {dataset} file: {exc}")
        assert known is None, f"{fmt}: {reader.name} now reads the {writer}-written {dataset} file"
        assert actual.num_rows == table.num_rows, (reader.name, dataset)
        result = verdict(table, actual, conversions, schema_supplied=reader.reads_written_schema)
        status, lost = expected_verdict((fmt, writer, reader.name), dataset, table)
        values_lost = {i.column for i in result.issues if issue_loses_values(i.kind)}
        assert (result.status, values_lost) == (status, lost), (reader.name, result.as_info())


@pytest.mark.parametrize("fmt", [c.name for c in formats.all_codecs()])
def test_projection_and_predicate_give_the_expected_rows(fmt, small_datasets, tmp_path):
    codec = formats.get_codec(fmt)
    ds = small_datasets["numeric"]
    writer = codec.writers()[0].name
    table, _ = codec.prepare(ds.table)
    loc = _write(codec, writer, table, tmp_path)
    for reader in codec.readers():
        projected = codec.to_arrow(codec.read(loc, reader.name, _request(reader, table, columns=ds.projection)))
        assert projected.column_names == list(ds.projection)
        filtered = codec.to_arrow(codec.read(loc, reader.name, _request(reader, table, predicate=ds.predicate)))
        expected_ids = list(range(ds.predicate.lo, ds.predicate.hi))
        assert filtered.column("reading_id").to_pylist() == expected_ids, reader.name


def test_parquet_row_group_size_is_applied_and_predicate_prunes(small_datasets, tmp_path):
    from formats.parquet import row_group_count

    codec = formats.get_codec("parquet")
    table = small_datasets["numeric"].table
    loc = Location(str(tmp_path / "rg.parquet"))
    codec.write(table, loc, "pyarrow", WriteOptions("snappy", 60))
    assert row_group_count(loc) == table.num_rows // 60


def test_memory_location_round_trip(small_datasets):
    codec = formats.get_codec("parquet")
    table = small_datasets["police"].table
    sink = Location.memory()
    codec.write(table, sink, "pyarrow", WriteOptions("zstd"))
    back = codec.to_arrow(codec.read(Location.memory(sink.getvalue()), "pyarrow", ReadRequest()))
    assert back.equals(table)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_gzip_text_formats_round_trip_with_every_writer_and_reader(fmt, small_datasets, tmp_path):
    codec = formats.get_codec(fmt)
    table, conversions = codec.prepare(small_datasets["police"].table)
    for writer in codec.writers():
        loc = _write(codec, writer.name, table, tmp_path, compression="gzip")
        assert loc.path.endswith(".gz")
        with open(loc.path, "rb") as f:
            assert f.read(2) == b"\x1f\x8b"  # really gzip on disk
        for reader in codec.readers():
            back = codec.to_arrow(codec.read(loc, reader.name, _request(reader, table)))
            assert back.num_rows == table.num_rows
            assert back.column("guid").to_pylist() == table.column("guid").to_pylist()
