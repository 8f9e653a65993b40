"""Velocity: micro-batching keeps every row in order, and compaction keeps the same rows
(locally and on S3), deletes inputs only after the output is verified, and never overwrites."""

from __future__ import annotations

import pyarrow.fs as pafs
import pytest

from storagebench.datasets import build_dataset
from storagebench.threevs.pytest_plugin import embedded_s3  # noqa: F401  (fixture)
from storagebench.threevs.velocity import (
    Compaction,
    CompactionError,
    check_compaction_target,
    compact,
    delete_inputs,
    micro_batches,
    read_object,
    read_prefix,
    rewrite_as_one,
    stored_bytes,
    verify_compaction,
    write_batch,
    write_stream,
)


@pytest.fixture(scope="module")
def table():
    return build_dataset("numeric", 1_050, 9).table


def test_micro_batches_cover_every_row(table):
    batches = micro_batches(table, 100)
    assert [b.num_rows for b in batches] == [100] * 10 + [50]
    with pytest.raises(ValueError, match="batch_rows"):
        micro_batches(table, 0)


@pytest.fixture(params=["local", "s3"])
def place(request, tmp_path, embedded_s3):
    if request.param == "local":
        return pafs.LocalFileSystem(), str(tmp_path)
    name = f"test-velocity-{request.node.name.split('[')[0].replace('_', '-')[:30]}"
    if embedded_s3.arrow_fs().get_file_info(name).type == pafs.FileType.NotFound:
        embedded_s3.create_bucket(name)
    return embedded_s3.arrow_fs(), name


def test_compaction_keeps_the_same_rows(table, place):
    fs, root = place
    write_stream(micro_batches(table, 100), f"{root}/c1/small", fs)
    assert stored_bytes(f"{root}/c1/small", fs)[0] == 11
    assert read_prefix(f"{root}/c1/small", fs).equals(table)  # arrival order kept

    result = compact(f"{root}/c1/small", f"{root}/c1/out/all.parquet", fs)
    assert (result.files_in, result.rows) == (11, table.num_rows)
    assert read_object(f"{root}/c1/out/all.parquet", fs).equals(table)  # same rows, same order
    assert fs.get_file_info(f"{root}/c1/small").type == pafs.FileType.NotFound  # inputs removed


def test_compaction_never_overwrites(table, place):
    fs, root = place
    write_stream(micro_batches(table, 500), f"{root}/c2/small", fs)
    write_batch(table.slice(0, 10), f"{root}/c2/out.parquet", fs)
    with pytest.raises(CompactionError, match="already exists; refusing to overwrite"):
        compact(f"{root}/c2/small", f"{root}/c2/out.parquet", fs)
    assert read_object(f"{root}/c2/out.parquet", fs).num_rows == 10  # untouched
    assert read_prefix(f"{root}/c2/small", fs).equals(table)  # inputs kept
    with pytest.raises(CompactionError, match="inside the input prefix"):
        compact(f"{root}/c2/small", f"{root}/c2/small/all.parquet", fs)


def test_nothing_to_compact_is_an_error(tmp_path):
    fs = pafs.LocalFileSystem()
    (tmp_path / "empty").mkdir()
    with pytest.raises(CompactionError, match="no objects under"):
        compact(str(tmp_path / "empty"), str(tmp_path / "out.parquet"), fs)


def test_timed_compaction_is_the_rewrite_alone(table, place, embedded_s3):
    """The timed part lists, reads and writes; the checks before and verify/delete after it."""
    fs, root = place
    prefix, output = f"{root}/c3/small", f"{root}/c3/out/all.parquet"
    write_stream(micro_batches(table, 100), prefix, fs)
    check_compaction_target(prefix, output, fs)
    with embedded_s3.counting() as counts:
        result = rewrite_as_one(prefix, output, fs)
    assert (result.files_in, result.rows) == (11, table.num_rows)
    assert stored_bytes(prefix, fs)[0] == 11  # nothing deleted by the timed part
    if "s3" in type(fs).__name__.lower():
        assert counts.by_op["s3:PutObject"] == 1 and counts.by_op["s3:GetObject"] >= 11
        assert not {op for op in counts.by_op if "Delete" in op}
    verify_compaction(result, prefix, output, fs)
    with pytest.raises(CompactionError, match="inputs under .* kept"):
        verify_compaction(Compaction(11, table.num_rows + 1), prefix, output, fs)
    delete_inputs(prefix, fs)
    assert fs.get_file_info(prefix).type == pafs.FileType.NotFound
    assert read_object(output, fs).equals(table)
