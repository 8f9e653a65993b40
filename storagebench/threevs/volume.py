"""Volume: how write time, read time and file size grow with rows, per format, in bounded memory.

A row sweep per profile (quick 3e3 -> 3e4, standard 1e4 -> 1e6, full 1e5 -> 1e7; with
``--rows R``: R, ~3.2R, 10R) writes the ``mixed`` orders dataset in each format and fits the
**scaling exponent**: the slope of log(median time) against log(rows) (least squares).  1.0 is
linear; above 1 a format gets slower per row as data grows (e.g. a writer that builds the whole
output in memory first), below 1 a fixed cost (headers, footers, thread start-up) still
dominates.  Every sweep point is its own pytest-benchmark case with real rounds
(:func:`sweep_rounds`: the profile's, at most 3 at the largest point, never fewer than 2), so
each point has a median, an IQR and n, and the fit uses the medians.

Memory stays bounded at any size because nothing ever holds the whole table: every format is
written through its codec's batched writer (``Codec.write_batches``: ``pq.ParquetWriter``,
``pyarrow.orc.ORCWriter``, an Arrow IPC file, ``pyarrow.csv.CSVWriter``, JSON Lines appended
batch by batch, ``fastavro.writer`` over a record generator).  The batches cycle through a pool
of up to 4 distinct seeded batches whose writer inputs (Arrow tables, or Python records for JSON
and Avro) are built once before any timing (:class:`BatchSource`); a write's partial last batch
is built in the round's setup.  So neither data generation nor record building is timed, and the
pool (about 35 MB for either kind), not the sweep size, bounds what the process holds.  The peak
extra RSS of a write (storagebench.memory: forked child, VmHWM delta) is compared with the Arrow
in-memory size of all rows written; the suite's bound is ``peak <= 3 x`` that size
(``memory_bounded``), and ``peak_per_batch_ratio`` shows it tracks the batch, not the total.

Reads use each format's pyarrow reader where it has one (else its first reader,
:func:`read_engine`), given the written schema, in full; their peak extra RSS is measured too (a full read materialises the table, so it is compared with the Arrow size,
not bounded).  The row count of each timed read is checked after the timer stops, and its
result is freed before the next round (one table resident at a time).

extra_info keys: :class:`storagebench.results.VolumeRecord` (``suite == "volume"``;
required and optional keys, types, units), checked when the run JSON is written and read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow as pa

from formats.base import Codec, Location, ReadRequest, WriteOptions
from storagebench.datasets import build_dataset
from storagebench.results import SUITE_VOLUME  # noqa: F401  (re-exported: the benchmarks import it here)

VOLUME_DATASET = "mixed"
MAX_BATCH_ROWS = 100_000
POOL_BATCHES = 4
MEMORY_BOUND_FACTOR = 3.0
RECORD_SLICE_ROWS = 10_000  # batch size for writers that go through Python records (JSON, Avro)
MIN_ROUNDS = 2  # per sweep point: a median and an IQR need more than one shot
LARGEST_POINT_ROUNDS = 3  # cap at the largest point (1e7 rows in the full profile)

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


def sweep_rounds(profile_rounds: int, rows: int, sweep: tuple[int, ...]) -> int:
    """Timed rounds at one sweep point: the profile's, capped at LARGEST_POINT_ROUNDS at the
    largest point (the largest writes of the whole suite), and never fewer than 2 (a median and
    an IQR need more than one shot)."""
    rounds = min(profile_rounds, LARGEST_POINT_ROUNDS) if rows == max(sweep) else profile_rounds
    return max(MIN_ROUNDS, rounds)


@dataclass
class BatchSource:
    """A format's pool of prepared batches, and their writer inputs built once (untimed).

    ``tables`` are the pool's batches after the codec's ``prepare`` (what the file should hold);
    ``inputs`` the same batches as the writer engine takes them (Python records for JSON and
    Avro, 10-20x their Arrow size, hence RECORD_SLICE_ROWS-row batches for those).  A write of
    ``rows`` rows cycles through the inputs (:meth:`plan`), so what is resident is the pool, not
    the file.
    """

    codec: Codec
    engine: str
    tables: list[pa.Table]
    inputs: list[Any]

    @classmethod
    def build(cls, codec: Codec, engine: str, raw_pool: list[pa.Table]) -> "BatchSource":
        tables = [codec.prepare(table)[0] for table in raw_pool]
        probe = codec.batch_writer_input(tables[0].slice(0, 1), engine)
        if not isinstance(probe, pa.Table):  # records / frames: small slices keep the pool small
            tables = [t.slice(0, RECORD_SLICE_ROWS) for t in tables]
        return cls(codec, engine, tables, [codec.batch_writer_input(t, engine) for t in tables])

    @property
    def schema(self) -> pa.Schema:
        return self.tables[0].schema

    @property
    def batch_rows(self) -> int:
        return self.tables[0].num_rows

    def _layout(self, rows: int) -> tuple[int, int]:
        return divmod(rows, self.batch_rows)  # (full batches, rows in the last, partial one)

    def plan(self, rows: int) -> "BatchPlan":
        """The writer inputs for ``rows`` rows; the partial last batch is built here (setup)."""
        full, tail = self._layout(rows)
        last = None
        if tail:
            last = self.codec.batch_writer_input(self.tables[full % len(self.tables)].slice(0, tail), self.engine)
        return BatchPlan(self.inputs, full, last)

    def arrow_batches(self, rows: int) -> Iterator[pa.Table]:
        """The Arrow batches a write of ``rows`` rows holds, in file order (for checks and sizes)."""
        full, tail = self._layout(rows)
        for i in range(full):
            yield self.tables[i % len(self.tables)]
        if tail:
            yield self.tables[full % len(self.tables)].slice(0, tail)

    def arrow_bytes(self, rows: int) -> int:
        return sum(b.nbytes for b in self.arrow_batches(rows))


@dataclass(frozen=True)
class BatchPlan:
    """Iterable of prepared writer inputs: ``full`` pool inputs in turn, then ``last`` (if any)."""

    pool: list[Any]
    full: int
    last: Any | None

    def __iter__(self) -> Iterator[Any]:
        for i in range(self.full):
            yield self.pool[i % len(self.pool)]
        if self.last is not None:
            yield self.last


def raw_pool(batch_rows: int, seed: int, dataset: str = VOLUME_DATASET) -> list[pa.Table]:
    """Up to POOL_BATCHES distinct seeded batches of the volume dataset (shared by all formats)."""
    tables = [build_dataset(dataset, batch_rows, seed + i).table for i in range(POOL_BATCHES)]
    # One shared dictionary per categorical column: the Arrow IPC file format cannot change a
    # dictionary between batches, and a real producer would keep one category list anyway.
    unified = pa.concat_tables(tables).unify_dictionaries()
    return [unified.slice(i * batch_rows, batch_rows) for i in range(POOL_BATCHES)]


def write_rows(plan: BatchPlan, source: BatchSource, path: str, compression: str) -> None:
    """The timed write: the codec's batched writer over prepared inputs."""
    source.codec.write_batches(plan, Location(path), source.engine, WriteOptions(compression))


def read_engine(codec: Codec) -> str:
    """The reader the volume suite times: pyarrow's where the format has one, else the first.

    Memory decides: a full read holds the table, and the reader's own transient must not dwarf
    it.  Peak extra RSS measured here at 300k rows of ``mixed`` (25 MB in Arrow): pyarrow's
    readers 1.8-3.5x that (JSON 5x), pandas' JSON reader (the JSON codec's first reader) 38x,
    which at the full profile's 1e7 rows would need about 32 GB.  Avro has only fastavro (Python
    records, 13x).
    """
    names = [e.name for e in codec.readers()]
    return "pyarrow" if "pyarrow" in names else names[0]


def read_rows(codec: Codec, path: str, schema: pa.Schema) -> Any:
    """The timed read: in full, with :func:`read_engine`; its native result (turning a
    DataFrame into Arrow is not part of reading, so callers convert untimed)."""
    return codec.read(Location(path), read_engine(codec), ReadRequest(schema=schema))


def result_rows(result: Any) -> int:
    """Rows of a reader's native result (Arrow table or DataFrame), without converting it."""
    return result.num_rows if isinstance(result, pa.Table) else len(result)


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
