"""Volume: batch writers give back exactly the rows written, the exponent fit is right, and
a batched write's peak memory stays far below the data it writes."""

from __future__ import annotations

import pyarrow as pa
import pytest

import formats
from storagebench import memory
from storagebench.fidelity import compare
from storagebench.threevs.volume import (
    BATCH_WRITERS,
    MEMORY_BOUND_FACTOR,
    BatchSource,
    fit_exponent,
    raw_pool,
    read_rows,
    sweep_rows,
    write_rows,
)


@pytest.fixture(scope="module")
def pool():
    return raw_pool(200, seed=11)


@pytest.mark.parametrize("fmt", list(BATCH_WRITERS))
def test_batched_write_reads_back_every_row(tmp_path, pool, fmt):
    codec = formats.get_codec(fmt)
    if codec.writers()[0].missing_requirement():
        pytest.skip(codec.writers()[0].missing_requirement())
    source = BatchSource.build(codec, pool)
    path = str(tmp_path / f"v.{codec.extension}")
    write_rows(source, path, 1_150, "none")  # 5 full batches and a partial one
    expected = pa.concat_tables(list(source.batches(1_150)))
    got = read_rows(codec, path, source.schema)
    assert got.num_rows == 1_150
    verdict = compare(expected, got)
    # Text formats may change types (e.g. decimals in JSON); values and row order must hold.
    assert verdict.status in ("lossless", "lossy-types"), verdict.as_info()
    if fmt in ("parquet", "feather"):  # ORC keeps instants but not the zone name
        assert verdict.status == "lossless", verdict.as_info()


def test_fit_exponent_recovers_a_power_law():
    rows = [1_000, 10_000, 100_000]
    fit = fit_exponent(rows, [3e-6 * r**1.5 for r in rows])
    assert fit.exponent == pytest.approx(1.5) and fit.r2 == pytest.approx(1.0)
    assert fit_exponent([10], [1.0]) is None and fit_exponent(rows, [1, 0, 2]) is None


def test_sweeps():
    assert sweep_rows("quick") == (3_000, 10_000, 30_000)
    assert sweep_rows("full")[-1] == 10_000_000
    assert sweep_rows("quick", 500) == (500, 1581, 5000)


@pytest.mark.slow
@pytest.mark.skipif(not memory.supported(), reason="needs /proc/self/clear_refs")
def test_batched_parquet_write_memory_is_bounded(tmp_path):
    codec = formats.get_codec("parquet")
    source = BatchSource.build(codec, raw_pool(50_000, seed=1))
    rows = 1_000_000  # 20 batches, ~80 MB in Arrow
    path = str(tmp_path / "big.parquet")
    peak = memory.peak_memory_bytes(lambda: write_rows(source, path, rows, "snappy"))
    assert peak is not None
    assert peak <= MEMORY_BOUND_FACTOR * source.arrow_bytes(rows)
    # It tracks the batch, not the total: well under the data written.
    assert peak < source.arrow_bytes(rows)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(path).metadata.num_rows == rows  # the measured write really completed
