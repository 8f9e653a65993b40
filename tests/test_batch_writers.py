"""Codec.write_batches, over every registered codec and writer engine: a file written batch by
batch reads back exactly as the same rows written whole; the inputs are prepared beforehand
(batch_writer_input) and the batched write builds none itself; bad input is named."""

from __future__ import annotations

import tracemalloc

import pyarrow as pa
import pyarrow.feather as feather
import pytest

import formats
from formats.base import Codec, EngineSpec, Location, ReadRequest, UnsupportedCaseError, WriteOptions
from storagebench.datasets import build_dataset

ROWS, BATCH = 1_000, 300  # three full batches and a partial one


def _cases():
    for codec in formats.all_codecs():
        for engine in codec.writers():
            # Uncompressed, and one compression (the stream-compression path for CSV/JSON).
            for compression in engine.write_compressions[:2]:
                yield pytest.param(codec.name, engine.name, compression,
                                   id=f"{codec.name}-{engine.name}-{compression}")


@pytest.fixture(scope="module")
def mixed() -> pa.Table:
    return build_dataset("mixed", ROWS, seed=5).table


def _read(codec: Codec, path, schema: pa.Schema) -> pa.Table:
    return codec.to_arrow(codec.read(Location(str(path)), codec.readers()[0].name, ReadRequest(schema=schema)))


@pytest.mark.parametrize("fmt, engine, compression", list(_cases()))
def test_batched_file_reads_back_as_the_whole_file(tmp_path, mixed, fmt, engine, compression):
    codec = formats.get_codec(fmt)
    missing = codec.engine(engine).missing_requirement()
    if missing:
        pytest.skip(missing)
    table, _ = codec.prepare(mixed)
    inputs = [codec.batch_writer_input(table.slice(i, BATCH), engine) for i in range(0, ROWS, BATCH)]
    batched, whole = tmp_path / codec.file_name("batched", compression), tmp_path / codec.file_name("whole", compression)
    try:
        codec.write_batches(inputs, Location(str(batched)), engine, WriteOptions(compression))
    except UnsupportedCaseError as exc:
        # Only engines without a streaming writer may refuse (fastparquet; polars and DuckDB,
        # added from formats/engines/, have none yet), and they must say which.
        assert (fmt, engine) == ("parquet", "fastparquet") or codec.is_added_engine(engine), exc
        assert fmt in str(exc) and engine in str(exc)
        return
    codec.write(codec.writer_input(table, engine), Location(str(whole)), engine, WriteOptions(compression))
    got, expected = _read(codec, batched, table.schema), _read(codec, whole, table.schema)
    assert got.num_rows == ROWS
    assert got.equals(expected)


@pytest.mark.parametrize("fmt", formats.codec_names())
def test_the_batched_write_builds_no_inputs(tmp_path, mixed, monkeypatch, fmt):
    """Record building is setup: during write_batches no writer input may be built."""
    codec = formats.get_codec(fmt)
    engine = codec.writers()[0].name
    if codec.engine(engine).missing_requirement():
        pytest.skip(codec.engine(engine).missing_requirement())
    table, _ = codec.prepare(mixed)
    inputs = [codec.batch_writer_input(table.slice(i, BATCH), engine) for i in range(0, ROWS, BATCH)]

    def forbidden(*args, **kwargs):
        raise AssertionError(f"{fmt}: a writer input was built inside the timed write")

    monkeypatch.setattr(type(codec), "batch_writer_input", forbidden)
    monkeypatch.setattr(type(codec), "writer_input", forbidden)
    codec.write_batches(inputs, Location(str(tmp_path / codec.file_name("f", "none"))), engine,
                        WriteOptions(codec.default_compression))


def test_avro_batched_write_allocates_far_less_than_its_records(tmp_path):
    """fastavro pulls prepared records: the write itself allocates a small buffer, not records."""
    codec = formats.get_codec("avro")
    if codec.writers()[0].missing_requirement():
        pytest.skip(codec.writers()[0].missing_requirement())
    table, _ = codec.prepare(build_dataset("mixed", 10_000, seed=5).table)
    tracemalloc.start()
    inputs = [codec.batch_writer_input(table.slice(i, 5_000), "fastavro") for i in (0, 5_000)]
    records_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    codec.write_batches(inputs, Location(str(tmp_path / "a.avro")), "fastavro", WriteOptions("none"))
    write_peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    assert write_peak < records_bytes / 4, (write_peak, records_bytes)


class _WholeFileOnly(Codec):
    """A codec with no streaming writer: the default write_batches must still write every row."""

    name = "wholefile"
    extension = "arrow"
    engines = {"pyarrow": EngineSpec("pyarrow", True, True, ("none",))}

    def write(self, data, location, engine, options):
        with location.open_output() as sink:
            feather.write_feather(data, sink, compression="uncompressed")

    def read(self, location, engine, request):
        with location.open_input() as f:
            return feather.read_table(f)


def test_default_write_batches_concatenates(tmp_path, mixed):
    codec = _WholeFileOnly()
    path = Location(str(tmp_path / "w.arrow"))
    codec.write_batches([mixed.slice(0, 400), mixed.slice(400)], path, "pyarrow", WriteOptions("none"))
    assert codec.read(path, "pyarrow", ReadRequest()).equals(mixed)
    with pytest.raises(UnsupportedCaseError, match="wholefile: engine 'pyarrow' has no batched writer"):
        codec.write_batches([mixed.to_pylist()], path, "pyarrow", WriteOptions("none"))


@pytest.mark.parametrize("fmt", formats.codec_names())
def test_no_batches_is_named(tmp_path, fmt):
    codec = formats.get_codec(fmt)
    engine = codec.writers()[0].name
    if codec.engine(engine).missing_requirement():
        pytest.skip(codec.engine(engine).missing_requirement())
    with pytest.raises(UnsupportedCaseError, match=f"{fmt}: no batches to write"):
        codec.write_batches([], Location(str(tmp_path / "empty")), engine, WriteOptions(codec.default_compression))
