"""Volume: batched writes give back exactly the rows written, the sweep points have real rounds,
the exponent fit is right, and a batched write's peak memory stays far below the data it writes."""

from __future__ import annotations

import pyarrow as pa
import pytest

import formats
from storagebench import memory
from storagebench.fidelity import compare
from storagebench.profiles import get_profile
from storagebench.threevs.volume import (
    LARGEST_POINT_ROUNDS,
    MEMORY_BOUND_FACTOR,
    RECORD_SLICE_ROWS,
    BatchSource,
    fit_exponent,
    raw_pool,
    read_rows,
    result_rows,
    sweep_rounds,
    sweep_rows,
    write_rows,
)


@pytest.fixture(scope="module")
def pool():
    return raw_pool(200, seed=11)


def _source(fmt: str, pool) -> BatchSource:
    codec = formats.get_codec(fmt)
    missing = codec.writers()[0].missing_requirement()
    if missing:
        pytest.skip(missing)
    return BatchSource.build(codec, codec.writers()[0].name, pool)


@pytest.mark.parametrize("fmt", formats.codec_names())
def test_batched_write_reads_back_every_row(tmp_path, pool, fmt):
    source = _source(fmt, pool)
    codec = source.codec
    path = str(tmp_path / f"v.{codec.extension}")
    write_rows(source.plan(1_150), source, path, "none")  # 5 full batches and a partial one
    expected = pa.concat_tables(list(source.arrow_batches(1_150)))
    result = read_rows(codec, path, source.schema)
    assert result_rows(result) == 1_150
    verdict = compare(expected, codec.to_arrow(result))
    # Text formats may change types (e.g. decimals in JSON); values and row order must hold.
    assert verdict.status in ("lossless", "lossy-types"), verdict.as_info()
    if fmt in ("parquet", "feather"):  # ORC keeps instants but not the zone name
        assert verdict.status == "lossless", verdict.as_info()


@pytest.mark.parametrize("fmt", ["json", "avro"])
def test_record_formats_get_prepared_records_in_small_batches(fmt):
    source = _source(fmt, raw_pool(25_000, seed=2))
    assert source.batch_rows == RECORD_SLICE_ROWS
    plan = list(source.plan(2 * RECORD_SLICE_ROWS + 7))
    assert len(plan) == 3 and not any(isinstance(p, pa.Table) for p in plan)  # records, built before timing
    assert plan[0] is source.inputs[0] and plan[1] is source.inputs[1]  # the pool's inputs, reused
    assert source.arrow_bytes(25) == sum(b.nbytes for b in source.arrow_batches(25))


def test_fit_exponent_recovers_a_power_law():
    rows = [1_000, 10_000, 100_000]
    fit = fit_exponent(rows, [3e-6 * r**1.5 for r in rows])
    assert fit.exponent == pytest.approx(1.5) and fit.r2 == pytest.approx(1.0)
    assert fit_exponent([10], [1.0]) is None and fit_exponent(rows, [1, 0, 2]) is None


def test_sweeps():
    assert sweep_rows(get_profile("quick")) == (1_000, 3_000, 10_000)
    assert sweep_rows(get_profile("full"))[-1] == 10_000_000
    assert sweep_rows(get_profile("quick"), 500) == (500, 1581, 5000)


@pytest.mark.parametrize("profile_rounds", [1, 3, 5, 7])
def test_every_sweep_point_gets_rounds(profile_rounds):
    sweep = sweep_rows(get_profile("full"))
    rounds = [sweep_rounds(profile_rounds, r, sweep) for r in sweep]
    assert all(n >= 2 for n in rounds)  # a median and an IQR at every point
    assert rounds[-1] == max(2, min(profile_rounds, LARGEST_POINT_ROUNDS))
    assert rounds[:-1] == [max(2, profile_rounds)] * 2


@pytest.mark.slow
@pytest.mark.skipif(not memory.supported(), reason="needs /proc/self/clear_refs")
def test_batched_parquet_write_memory_is_bounded(tmp_path):
    codec = formats.get_codec("parquet")
    source = BatchSource.build(codec, "pyarrow", raw_pool(50_000, seed=1))
    rows = 1_000_000  # 20 batches, ~80 MB in Arrow
    path = str(tmp_path / "big.parquet")
    plan = source.plan(rows)
    # The operation goes to a clean child process by pickling: a function and its arguments.
    peak = memory.peak_memory_bytes(write_rows, plan, source, path, "snappy")
    assert peak is not None
    assert peak <= MEMORY_BOUND_FACTOR * source.arrow_bytes(rows)
    # It tracks the batch, not the total: well under the data written.
    assert peak < source.arrow_bytes(rows)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(path).metadata.num_rows == rows  # the measured write really completed
