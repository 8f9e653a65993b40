"""The volume benchmark cases: one pytest-benchmark case per (operation, format, sweep point).

``benchmarks/test_volume.py`` parametrises and calls :func:`run_volume_case`; what is measured
and the extra_info keys are in :mod:`storagebench.threevs.volume`.  Per case:

* write: each round's setup removes the previous file and builds the partial last batch; the
  timed call is ``Codec.write_batches`` over the prepared pool inputs, nothing else;
* read: the file is written once (untimed) if the write case did not leave it; the timed call
  is the codec's full read (pyarrow's reader where the format has one); the row count is checked and the result freed in the teardown;
* at the largest point: the peak-memory pass (forked child, standard and full profiles) and the
  fit over the medians of the points measured in this run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from formats.base import Location, UnsupportedCaseError, WriteOptions
from storagebench import memory
from storagebench.pytest_plugin import skips_reported
from storagebench.threevs.rounds import run_rounds
from storagebench.threevs.volume import (
    MAX_BATCH_ROWS,
    MEMORY_BOUND_FACTOR,
    SUITE_VOLUME,
    VOLUME_DATASET,
    BatchSource,
    file_path,
    fit_exponent,
    raw_pool,
    read_engine,
    read_rows,
    result_rows,
    sweep_rounds,
    sweep_rows,
    write_rows,
)

OPERATIONS = ("write", "read")


@dataclass(frozen=True)
class Point:
    """pytest-benchmark's statistics of one sweep point."""

    median: float
    iqr: float
    rounds: int


@dataclass
class VolumeSuite:
    """Per-session state: the sweep, the shared raw pool, each format's source, measured points."""

    lifecycle: Any
    sizes: tuple[int, ...]
    sources: dict[str, BatchSource] = field(default_factory=dict)
    points: dict[tuple[str, str, int], Point] = field(default_factory=dict)  # (op, fmt, rows)
    _pool: list | None = None

    @classmethod
    def of(cls, lifecycle: Any) -> "VolumeSuite":
        key = ("volume-suite",)
        if key not in lifecycle.cache:
            lifecycle.cache[key] = cls(lifecycle, sweep_rows(lifecycle.profile.name, lifecycle.rows_override))
        return lifecycle.cache[key]

    @property
    def work_dir(self):
        path = self.lifecycle.work_dir / "volume"
        path.mkdir(exist_ok=True)
        return path

    def source(self, fmt: str) -> BatchSource:
        """The format's prepared pool (built once, untimed), or a recorded skip."""
        if fmt not in self.sources:
            import formats

            codec = formats.get_codec(fmt)
            engine = codec.writers()[0]
            missing = engine.missing_requirement()
            if missing:
                self.lifecycle.skip(f"volume-{fmt}", SUITE_VOLUME, missing, format=fmt)
            if self._pool is None:
                self._pool = raw_pool(min(max(self.sizes), MAX_BATCH_ROWS), self.lifecycle.seed)
            source = BatchSource.build(codec, engine.name, self._pool)
            try:  # one row through the batched writer: a codec without one is a skip, not an error
                probe = [codec.batch_writer_input(source.tables[0].slice(0, 1), engine.name)]
                codec.write_batches(probe, Location.memory(), engine.name, WriteOptions(codec.default_compression))
            except UnsupportedCaseError as exc:
                self.lifecycle.skip(f"volume-{fmt}", SUITE_VOLUME, str(exc), format=fmt)
            self.sources[fmt] = source
        return self.sources[fmt]

    def path(self, source: BatchSource, rows: int) -> str:
        return file_path(self.work_dir, source.codec, rows, source.codec.default_compression)

    def ensure_file(self, source: BatchSource, rows: int) -> str:
        """The file of ``rows`` rows, written untimed if no write case left it."""
        path = self.path(source, rows)
        if not os.path.exists(path):
            write_rows(source.plan(rows), source, path, source.codec.default_compression)
        return path

    def record(self, op: str, fmt: str, rows: int, benchmark: Any) -> None:
        stats = getattr(getattr(benchmark, "stats", None), "stats", None)
        if stats is not None:  # None with --benchmark-disable: nothing timed
            self.points[(op, fmt, rows)] = Point(stats.median, stats.iqr, stats.rounds)

    def fit_info(self, op: str, source: BatchSource) -> dict[str, Any]:
        """The sweep's medians and the fitted exponents (largest point only)."""
        fmt = source.codec.name
        points = [self.points.get((op, fmt, r)) for r in self.sizes]
        sizes = [os.path.getsize(self.ensure_file(source, r)) for r in self.sizes]
        measured = [(r, p.median) for r, p in zip(self.sizes, points) if p is not None]
        time_fit = fit_exponent([r for r, _ in measured], [m for _, m in measured])
        size_fit = fit_exponent(self.sizes, sizes)
        return {"sweep_s": [p.median if p else None for p in points],
                "sweep_iqr_s": [p.iqr if p else None for p in points],
                "sweep_n": [p.rounds if p else None for p in points],
                "sweep_bytes": sizes,
                "time_exponent": time_fit.exponent if time_fit else None,
                "time_fit_r2": time_fit.r2 if time_fit else None,
                "size_exponent": size_fit.exponent if size_fit else None,
                "size_fit_r2": size_fit.r2 if size_fit else None}


def _memory_info(op: str, source: BatchSource, peak: int | None, rows: int) -> dict[str, Any]:
    arrow_bytes = source.arrow_bytes(rows)
    batch_bytes = max(t.nbytes for t in source.tables)
    return {"peak_memory_bytes": peak,
            "peak_memory_method": memory.METHOD if peak is not None else None,
            "peak_rss_ratio": peak / arrow_bytes if peak is not None else None,
            "peak_per_batch_ratio": peak / batch_bytes if peak is not None else None,
            # A full read materialises the table by definition: only writes have a bound.
            "memory_bounded": (peak <= MEMORY_BOUND_FACTOR * arrow_bytes) if peak is not None and op == "write"
            else None}


def _peak(lifecycle: Any, suite: VolumeSuite, op: str, source: BatchSource, rows: int) -> int | None:
    # At quick sizes (<= 1e5 rows, ~8 MB) fixed allocator/thread-pool overheads dominate the
    # peak, so memory is measured from the standard profile up (1e6 / 1e7 rows).
    if not (lifecycle.cfg.memory and memory.supported() and lifecycle.profile.name != "quick"):
        return None
    compression = source.codec.default_compression
    if op == "read":
        path = suite.ensure_file(source, rows)
        return memory.peak_memory_bytes(read_rows, source.codec, path, source.schema)
    scratch = suite.path(source, 0)
    plan = source.plan(rows)  # built here and sent to the child before its baseline: not counted
    try:
        return memory.peak_memory_bytes(write_rows, plan, source, scratch, compression)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)


def run_volume_case(benchmark: Any, lifecycle: Any, op: str, fmt: str, rows: int) -> None:
    benchmark.group = f"volume-{op}"
    with skips_reported():
        suite = VolumeSuite.of(lifecycle)
        source = suite.source(fmt)
        codec, compression = source.codec, source.codec.default_compression
        rounds = 1 if getattr(benchmark, "disabled", False) else sweep_rounds(lifecycle.profile.rounds, rows,
                                                                                  suite.sizes)
        if op == "write":
            path = suite.path(source, rows)

            def setup():
                if os.path.exists(path):
                    os.unlink(path)
                return (source.plan(rows), source, path, compression), {}

            run_rounds(benchmark, write_rows, setup=setup, rounds=rounds)
            engine = source.engine
        else:
            path = suite.ensure_file(source, rows)

            def check(result: Any) -> None:
                got = result_rows(result)
                assert got == rows, f"volume read of {fmt}: {got} rows of {rows}"

            run_rounds(benchmark, read_rows, args=(codec, path, source.schema), rounds=rounds,
                       check=check, discard_result=True)
            engine = read_engine(codec)
        suite.record(op, fmt, rows, benchmark)
        size = os.path.getsize(path)
        info = lifecycle.base_info(
            SUITE_VOLUME, op, format=fmt, engine=engine, compression=compression, dataset=VOLUME_DATASET,
            rows=rows, sweep_rows=list(suite.sizes), sweep_index=suite.sizes.index(rows), bytes_on_disk=size,
            bytes_per_row=size / rows, batch_rows=source.batch_rows, arrow_bytes=source.arrow_bytes(rows),
            batch_arrow_bytes=max(t.nbytes for t in source.tables))
        if rows == max(suite.sizes):
            info.update(suite.fit_info(op, source))
            info.update(_memory_info(op, source, _peak(lifecycle, suite, op, source, rows), rows))
        benchmark.extra_info.update(info)
