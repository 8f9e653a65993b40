"""Volume: how write time, read time and file size grow with rows, per format, in bounded memory.

A row sweep per profile (quick 3e3 -> 3e4, standard 1e4 -> 1e6, full 1e5 -> 1e7; with
``--rows R``: R, ~3.2R, 10R) writes the ``mixed`` orders dataset in each format and fits the
**scaling exponent**: the slope of log(value) against log(rows) (least squares).  1.0 is linear;
above 1 a format gets slower per row as data grows (e.g. a writer that builds the whole output in
memory first), below 1 a fixed cost (headers, footers, thread start-up) still dominates.

Memory stays bounded at any size because nothing ever holds the whole table: every format is
written batch by batch through its streaming writer (registry ``BATCH_WRITERS``):
``pq.ParquetWriter``, ``pyarrow.orc.ORCWriter``, ``pa.ipc.new_file`` (Feather), ``pyarrow.csv.
CSVWriter``, JSON Lines batches appended through the JSON codec, ``fastavro.writer`` over a
record generator (JSON and Avro go through Python records, 10-20x larger than Arrow, so they
take 10k-row slices).  Batches (``batch_rows`` = min(rows, 100k)) cycle through a pool of up to 4
distinct seeded batches, so generating data is not timed and the pool, not the sweep size,
bounds what is resident.  The peak extra RSS of a write (storagebench.memory: forked child,
VmHWM delta) is compared with the Arrow in-memory size of all rows written; the suite's bound is
``peak <= 3 x`` that size (``memory_bounded``), and ``peak_per_batch_ratio`` shows it tracks the
batch, not the total.

Reads use each format's first reader engine, given the written schema, in full.

extra_info keys (``suite == "volume"``): ``operation`` ("write" | "read"), ``format``,
``engine``, ``compression``, ``rows`` (the largest sweep point, the one pytest-benchmark timed),
``sweep_rows`` (list), ``sweep_seconds`` (list, same order), ``sweep_bytes`` (list of file
sizes), ``time_exponent``, ``time_fit_r2``, ``size_exponent``, ``size_fit_r2``,
``bytes_per_row`` (at the largest point), ``batch_rows``, ``arrow_bytes`` (all rows written, in
Arrow), ``batch_arrow_bytes``, ``peak_memory_bytes``, ``peak_memory_method``,
``peak_rss_ratio`` (peak / arrow_bytes), ``peak_per_batch_ratio``, ``memory_bounded``,
``dataset``, ``profile``, ``seed``.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import pyarrow as pa

import formats
from formats.base import Codec, Location, ReadRequest, WriteOptions
from storagebench.datasets import build_dataset
from storagebench.results import SUITE_VOLUME  # noqa: F401  (re-exported: the benchmarks import it here)

VOLUME_DATASET = "mixed"
MAX_BATCH_ROWS = 100_000
POOL_BATCHES = 4
MEMORY_BOUND_FACTOR = 3.0
RECORD_SLICE_ROWS = 10_000  # batch size for writers that go through Python records (JSON, Avro)

SWEEPS: dict[str, tuple[int, ...]] = {
    "quick": (3_000, 10_000, 30_000),
    "standard": (10_000, 100_000, 1_000_000),
    "full": (100_000, 1_000_000, 10_000_000),
}


def sweep_rows(profile: str, rows_override: int | None = None) -> tuple[int, ...]:
    """The sweep for a profile, or R, ~sqrt(10)R, 10R around an explicit ``--rows R``."""
    if rows_override:
        return (rows_override, round(rows_override * math.sqrt(10)), rows_override * 10)
    return SWEEPS[profile]


@dataclass
class BatchSource:
    """Prepared batches for a format: ``batches(rows)`` yields them without holding all rows."""

    codec: Codec
    pool: list[pa.Table]
    schema: pa.Schema

    @classmethod
    def build(cls, codec: Codec, raw_pool: list[pa.Table]) -> "BatchSource":
        pool = [codec.prepare(table)[0] for table in raw_pool]
        return cls(codec, pool, pool[0].schema)

    @property
    def batch_rows(self) -> int:
        return self.pool[0].num_rows

    def batches(self, rows: int) -> Iterator[pa.Table]:
        left = rows
        for batch in itertools.cycle(self.pool):
            if left <= 0:
                return
            take = batch if batch.num_rows <= left else batch.slice(0, left)
            left -= take.num_rows
            yield take

    def arrow_bytes(self, rows: int) -> int:
        return sum(b.nbytes for b in self.batches(rows))


def raw_pool(batch_rows: int, seed: int, dataset: str = VOLUME_DATASET) -> list[pa.Table]:
    """Up to POOL_BATCHES distinct seeded batches of the volume dataset (shared by all formats)."""
    tables = [build_dataset(dataset, batch_rows, seed + i).table for i in range(POOL_BATCHES)]
    # One shared dictionary per categorical column: the Arrow IPC file format cannot change a
    # dictionary between batches, and a real producer would keep one category list anyway.
    unified = pa.concat_tables(tables).unify_dictionaries()
    return [unified.slice(i * batch_rows, batch_rows) for i in range(POOL_BATCHES)]


def _record_slices(batches: Iterable[pa.Table]) -> Iterator[pa.Table]:
    # Python records cost 10-20x their Arrow size: writers that need them get small slices.
    for b in batches:
        for start in range(0, b.num_rows, RECORD_SLICE_ROWS):
            yield b.slice(start, RECORD_SLICE_ROWS)


# -- streaming writers: one function per format ---------------------------------------------------
def _parquet(path: str, schema: pa.Schema, batches: Iterable[pa.Table], compression: str) -> None:
    import pyarrow.parquet as pq

    with pq.ParquetWriter(path, schema, compression=None if compression == "none" else compression) as w:
        for b in batches:
            w.write_table(b)


def _orc(path: str, schema: pa.Schema, batches: Iterable[pa.Table], compression: str) -> None:
    import pyarrow.orc as paorc

    w = paorc.ORCWriter(path, compression="uncompressed" if compression == "none" else compression)
    try:
        for b in batches:
            w.write(b)
    finally:
        w.close()


def _feather(path: str, schema: pa.Schema, batches: Iterable[pa.Table], compression: str) -> None:
    options = pa.ipc.IpcWriteOptions(compression=None if compression == "none" else compression)
    with pa.ipc.new_file(path, schema, options=options) as w:
        for b in batches:
            w.write_table(b)


def _csv(path: str, schema: pa.Schema, batches: Iterable[pa.Table], compression: str) -> None:
    import pyarrow.csv as pacsv

    with pacsv.CSVWriter(path, schema) as w:
        for b in batches:
            w.write_table(b)


def _json(path: str, schema: pa.Schema, batches: Iterable[pa.Table], compression: str) -> None:
    # JSON Lines files concatenate: each batch is encoded by the JSON codec's own writer.
    codec = formats.get_codec("json")
    engine = codec.writers()[0].name
    with open(path, "wb") as out:
        for b in _record_slices(batches):
            sink = Location.memory()
            codec.write(codec.writer_input(b, engine), sink, engine, WriteOptions("none"))
            out.write(sink.getvalue())


def _avro(path: str, schema: pa.Schema, batches: Iterable[pa.Table], compression: str) -> None:
    import fastavro

    from formats.avro import avro_schema

    codecs = {"none": "null", "deflate": "deflate", "snappy": "snappy", "zstd": "zstandard"}
    records = (r for b in _record_slices(batches) for r in b.to_pylist())  # one slice at a time
    with open(path, "wb") as out:
        fastavro.writer(out, fastavro.parse_schema(avro_schema(schema)), records,
                        codec=codecs[compression])


BATCH_WRITERS: dict[str, Callable[[str, pa.Schema, Iterable[pa.Table], str], None]] = {
    "parquet": _parquet, "orc": _orc, "feather": _feather, "csv": _csv, "json": _json, "avro": _avro,
}


def write_rows(source: BatchSource, path: str, rows: int, compression: str) -> None:
    """Write ``rows`` rows of ``source`` to ``path`` batch by batch (the timed write)."""
    BATCH_WRITERS[source.codec.name](path, source.schema, source.batches(rows), compression)


def read_rows(codec: Codec, path: str, schema: pa.Schema) -> pa.Table:
    """Full read with the format's first reader engine (the timed read)."""
    reader = codec.readers()[0].name
    return codec.to_arrow(codec.read(Location(path), reader, ReadRequest(schema=schema)))


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


@dataclass(frozen=True)
class Fit:
    exponent: float
    r2: float


def fit_exponent(rows: Iterable[int], values: Iterable[float]) -> Fit | None:
    """Least-squares slope of log10(value) on log10(rows), with R^2; None if not fittable."""
    xs = np.log10(np.asarray(list(rows), dtype=float))
    vals = np.asarray(list(values), dtype=float)
    if len(xs) < 2 or np.any(vals <= 0):
        return None
    ys = np.log10(vals)
    slope, intercept = np.polyfit(xs, ys, 1)
    residual = ys - (slope * xs + intercept)
    total = ys - ys.mean()
    r2 = 1.0 - float(residual @ residual) / float(total @ total) if float(total @ total) else 1.0
    return Fit(float(slope), r2)


def file_path(work_dir: Path, codec: Codec, rows: int, compression: str) -> str:
    return str(work_dir / codec.file_name(f"volume-{rows}", compression))
