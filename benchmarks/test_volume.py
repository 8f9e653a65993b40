"""Volume: the row sweep per format, with fitted scaling exponents and bounded memory.

``test_volume[write-<format>]`` / ``test_volume[read-<format>]``: pytest-benchmark times the
operation at the sweep's largest size (one round: these are the largest writes in the suite);
the smaller sweep points are timed once each with ``time.perf_counter`` in the same process, and
the exponents are fitted over all points (storagebench/threevs/volume.py has the sweep sizes and
the keys).  The write also gets a peak-memory pass (forked child) at the largest size in the
standard and full profiles (unless ``--no-memory``): at quick sizes fixed overheads of the
allocator and thread pools (~10-40 MB) dominate, so the bound is not meaningful there.  Local disk only: volume is about the format, S3 adds requests measured elsewhere.
"""

from __future__ import annotations

import os
import time

import pytest

from storagebench import memory
from storagebench.pytest_plugin import skips_reported, suite_config
from storagebench.threevs.volume import (
    BATCH_WRITERS,
    MAX_BATCH_ROWS,
    MEMORY_BOUND_FACTOR,
    SUITE_VOLUME,
    VOLUME_DATASET,
    BatchSource,
    file_path,
    fit_exponent,
    raw_pool,
    read_rows,
    sweep_rows,
    timed,
    write_rows,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "volume_case" in metafunc.fixturenames:
        cfg = suite_config(metafunc.config)
        cases = [(op, c.name) for c in cfg.codecs for op in ("write", "read")]
        metafunc.parametrize("volume_case", cases, ids=[f"{op}-{f}" for op, f in cases])


class _VolumeRun:
    """Per-format sweep state shared by the write and read benchmarks."""

    def __init__(self, lifecycle, fmt: str):
        import formats

        self.codec = formats.get_codec(fmt)
        self.sizes = sweep_rows(lifecycle.profile.name, lifecycle.rows_override)
        pool_key = ("volume-pool",)
        if pool_key not in lifecycle.cache:
            lifecycle.cache[pool_key] = raw_pool(min(max(self.sizes), MAX_BATCH_ROWS), lifecycle.seed)
        self.source = BatchSource.build(self.codec, lifecycle.cache[pool_key])
        self.compression = self.codec.default_compression
        self.work_dir = lifecycle.work_dir / "volume"
        self.work_dir.mkdir(exist_ok=True)
        self.write_seconds: dict[int, float] = {}
        self.read_seconds: dict[int, float] = {}

    def path(self, rows: int) -> str:
        return file_path(self.work_dir, self.codec, rows, self.compression)

    def ensure_file(self, rows: int) -> str:
        path = self.path(rows)
        if not os.path.exists(path):
            self.write_seconds[rows] = timed(lambda: write_rows(self.source, path, rows, self.compression))
        return path


def _run(lifecycle, fmt: str) -> _VolumeRun:
    key = ("volume-run", fmt)
    if key not in lifecycle.cache:
        lifecycle.cache[key] = _VolumeRun(lifecycle, fmt)
    return lifecycle.cache[key]


def _clocked(fn, seconds: list[float]):
    """``fn`` that also records its own duration (works with --benchmark-disable too)."""

    def run(*args):
        started = time.perf_counter()
        result = fn(*args)
        seconds.append(time.perf_counter() - started)
        return result

    return run


def test_volume(benchmark, lifecycle, volume_case):
    op, fmt = volume_case
    benchmark.group = f"volume-{op}"
    with skips_reported():
        if fmt not in BATCH_WRITERS:
            lifecycle.skip(f"volume-{op}-{fmt}", SUITE_VOLUME, f"format {fmt!r} has no batch writer")
        run = _run(lifecycle, fmt)
        missing = run.codec.engine(run.codec.writers()[0].name).missing_requirement()
        if missing:
            lifecycle.skip(f"volume-{op}-{fmt}", SUITE_VOLUME, missing, format=fmt)
        largest = run.sizes[-1]
        peak = None
        if op == "write":
            for rows in run.sizes[:-1]:
                run.ensure_file(rows)
            path = run.path(largest)

            def setup():
                if os.path.exists(path):
                    os.unlink(path)
                return (run.source, path, largest, run.compression), {}

            clock: list[float] = []
            benchmark.pedantic(_clocked(write_rows, clock), setup=setup, rounds=1, iterations=1, warmup_rounds=0)
            run.write_seconds[largest] = min(clock)
            # At quick sizes (<= 1e5 rows, ~8 MB) fixed allocator/thread-pool overheads dominate the
            # peak, so the bound is checked from the standard profile up (1e6 / 1e7 rows).
            if lifecycle.cfg.memory and memory.supported() and lifecycle.profile.name != "quick":
                scratch = run.path(0)
                peak = memory.peak_memory_bytes(lambda: write_rows(run.source, scratch, largest, run.compression))
                if os.path.exists(scratch):
                    os.unlink(scratch)
            seconds = [run.write_seconds[r] for r in run.sizes]
        else:
            paths = {rows: run.ensure_file(rows) for rows in run.sizes}
            check = read_rows(run.codec, paths[largest], run.source.schema)  # untimed row-count check
            assert check.num_rows == largest, f"{fmt}: read {check.num_rows} rows of {largest}"
            for rows in run.sizes[:-1]:
                run.read_seconds[rows] = timed(lambda: read_rows(run.codec, paths[rows], run.source.schema))
            clock = []
            benchmark.pedantic(_clocked(read_rows, clock), args=(run.codec, paths[largest], run.source.schema),
                               rounds=1, iterations=1, warmup_rounds=0)
            run.read_seconds[largest] = min(clock)
            seconds = [run.read_seconds[r] for r in run.sizes]
        sizes = [os.path.getsize(run.ensure_file(r)) for r in run.sizes]
        time_fit = fit_exponent(run.sizes, seconds)
        size_fit = fit_exponent(run.sizes, sizes)
        arrow_bytes = run.source.arrow_bytes(largest)
        batch_bytes = max(b.nbytes for b in run.source.pool)
        info = lifecycle.base_info(
            SUITE_VOLUME, op, format=fmt, engine=(run.codec.writers()[0] if op == "write" else run.codec.readers()[0]).name,
            compression=run.compression, dataset=VOLUME_DATASET, rows=largest, sweep_rows=list(run.sizes),
            sweep_seconds=seconds, sweep_bytes=sizes,
            time_exponent=time_fit.exponent if time_fit else None, time_fit_r2=time_fit.r2 if time_fit else None,
            size_exponent=size_fit.exponent if size_fit else None, size_fit_r2=size_fit.r2 if size_fit else None,
            bytes_per_row=sizes[-1] / largest, batch_rows=run.source.batch_rows, arrow_bytes=arrow_bytes,
            batch_arrow_bytes=batch_bytes, peak_memory_bytes=peak,
            peak_memory_method=memory.METHOD if peak is not None else None,
            peak_rss_ratio=peak / arrow_bytes if peak is not None else None,
            peak_per_batch_ratio=peak / batch_bytes if peak is not None else None,
            memory_bounded=(peak <= MEMORY_BOUND_FACTOR * arrow_bytes) if peak is not None else None)
        benchmark.extra_info.update(info)
