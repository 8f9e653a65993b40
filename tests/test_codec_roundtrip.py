"""Every registered codec, every writer engine, every dataset: write, read back with each reader,
and check the fidelity verdict against what each format is known to be able to store."""

from __future__ import annotations

import pytest

import formats
from formats.base import Location, ReadRequest, WriteOptions
from storagebench.datasets import generator_names
from storagebench.fidelity import compare

WRITE_CASES = [(codec.name, engine.name) for codec in formats.all_codecs() for engine in codec.writers()]

# What each (format, writer, reader) is expected to give back per dataset, when not lossless.
# These are the format's real limits, asserted so a regression in either direction is caught.
EXPECTED_NOT_LOSSLESS = {
    ("csv", "pyarrow", "pyarrow"): {"nested": "lossy-types"},  # nested written as JSON text
    ("json", "python", "pyarrow"): {"mixed": "lossy-types"},   # date, categorical, decimal as text
    ("orc", "pyarrow", "pyarrow"): {"mixed": "lossy-types"},   # categorical cast; tz name -> UTC
    ("avro", "fastavro", "fastavro"): {"mixed": "lossy-types"},  # categorical stored as string
    ("parquet", "pyarrow", "pyarrow"): {},
    ("feather", "pyarrow", "pyarrow"): {},
}

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


@pytest.mark.parametrize("dataset", generator_names())
@pytest.mark.parametrize("fmt,writer", WRITE_CASES, ids=[f"{f}-{w}" for f, w in WRITE_CASES])
def test_every_codec_round_trips_every_dataset(fmt, writer, dataset, small_datasets, tmp_path):
    codec = formats.get_codec(fmt)
    if codec.engine(writer).missing_requirement():
        pytest.skip(codec.engine(writer).missing_requirement())
    table, conversions = codec.prepare(small_datasets[dataset].table)
    try:
        loc = _write(codec, writer, table, tmp_path)
    except Exception as exc:
        # Only fastparquet is allowed to refuse a dataset, and only nested data.
        assert (fmt, writer, dataset) == ("parquet", "fastparquet", "nested"), exc
        return
    assert loc.size() > 0
    for reader in codec.readers():
        request = ReadRequest(schema=table.schema)
        known = KNOWN_READ_FAILURES.get((fmt, writer, reader.name, dataset))
        try:
            actual = codec.to_arrow(codec.read(loc, reader.name, request))
        except Exception as exc:
            if known and known in str(exc):
                continue
            pytest.fail(f"{fmt}: {reader.name} could not read the {writer}-written {dataset} file: {exc}")
        assert known is None, f"{fmt}: {reader.name} now reads the {writer}-written {dataset} file"
        assert actual.num_rows == table.num_rows, (reader.name, dataset)
        verdict = compare(table, actual, conversions)
        expected = EXPECTED_NOT_LOSSLESS.get((fmt, writer, reader.name))
        if expected is not None:
            assert verdict.status == expected.get(dataset, "lossless"), (reader.name, verdict.as_info())


@pytest.mark.parametrize("fmt", [c.name for c in formats.all_codecs()])
def test_projection_and_predicate_give_the_expected_rows(fmt, small_datasets, tmp_path):
    codec = formats.get_codec(fmt)
    ds = small_datasets["numeric"]
    writer = codec.writers()[0].name
    table, _ = codec.prepare(ds.table)
    loc = _write(codec, writer, table, tmp_path)
    for reader in codec.readers():
        projected = codec.to_arrow(codec.read(loc, reader.name, ReadRequest(columns=ds.projection, schema=table.schema)))
        assert projected.column_names == list(ds.projection)
        filtered = codec.to_arrow(codec.read(loc, reader.name, ReadRequest(predicate=ds.predicate, schema=table.schema)))
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
            back = codec.to_arrow(codec.read(loc, reader.name, ReadRequest(schema=table.schema)))
            assert back.num_rows == table.num_rows
            assert back.column("guid").to_pylist() == table.column("guid").to_pylist()
