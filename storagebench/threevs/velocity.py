"""Velocity: a stream of micro-batches (one object per append) vs one batch write, and compaction.

Streaming ingestion (Kinesis Firehose, Kafka Connect, a cron every minute) lands each small
batch as its own object.  Measured side by side in one run, locally and on S3:

* **write**: ``appends`` micro-batches of ``batch_rows`` rows, each its own Parquet object,
  vs the same rows written once;
* **read**: reading every small object (pyarrow.dataset over the prefix: a listing, then per
  object a footer and data request) vs reading the one compacted object;
* **compaction**: the job that turns the small objects into one.  Timed: listing and reading
  every small object and writing the one object (:func:`rewrite_as_one`).  Around it, untimed:
  the check that the output does not exist (never overwritten) before, and after it the
  verification of the written footer and the deletion of the inputs (the output is checked
  *before* anything is deleted); their requests and wall time are reported apart
  (``cleanup_*`` keys);
* **requests and cost** of each (PUT/GET/LIST counted on the endpoint, priced from the table).

The rows come from the ``numeric`` sensor dataset (a time series is what streams), in order,
so the compacted file must hold exactly the rows of the stream, in the same order
(:func:`compact` checks the count; the tests check every value).

extra_info keys: :class:`storagebench.results.VelocityRecord` (``suite == "velocity"``;
required and optional keys, types, units), checked when the run JSON is written and read.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from formats.base import StorageBenchInputError
from storagebench.results import SUITE_VELOCITY  # noqa: F401  (re-exported: the benchmarks import it here)


class CompactionError(StorageBenchInputError):
    pass


def micro_batches(table: pa.Table, batch_rows: int) -> list[pa.Table]:
    """``table`` cut into consecutive slices of ``batch_rows`` rows (the last may be shorter)."""
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be >= 1, got {batch_rows}")
    return [table.slice(i, batch_rows) for i in range(0, table.num_rows, batch_rows)]


def object_name(index: int) -> str:
    # Zero-padded so a listing's lexicographic order is arrival order.
    return f"part-{index:08d}.parquet"


def _ensure_dir(filesystem: pafs.FileSystem, path: str) -> None:
    # Local disk needs the folder; object stores have no folders (creating one costs a PUT).
    if isinstance(filesystem, pafs.LocalFileSystem):
        filesystem.create_dir(path, recursive=True)


def write_stream(batches: list[pa.Table], prefix: str, filesystem: pafs.FileSystem) -> None:
    """Each micro-batch as its own object under ``prefix``, in arrival order."""
    _ensure_dir(filesystem, prefix)
    for i, batch in enumerate(batches):
        pq.write_table(batch, f"{prefix}/{object_name(i)}", filesystem=filesystem)


def write_batch(table: pa.Table, path: str, filesystem: pafs.FileSystem) -> None:
    _ensure_dir(filesystem, path.rsplit("/", 1)[0])
    pq.write_table(table, path, filesystem=filesystem)


def stored_bytes(path: str, filesystem: pafs.FileSystem) -> tuple[int, int]:
    """(objects, bytes) under a prefix, or of one object (untimed accounting)."""
    info = filesystem.get_file_info(path)
    if info.type == pafs.FileType.File:
        return 1, info.size
    infos = filesystem.get_file_info(pafs.FileSelector(path, recursive=True))
    files = [i for i in infos if i.type == pafs.FileType.File]
    return len(files), sum(i.size for i in files)


def read_prefix(prefix: str, filesystem: pafs.FileSystem) -> pa.Table:
    """Every object under ``prefix`` in arrival (name) order."""
    dataset = ds.dataset(prefix, format="parquet", filesystem=filesystem)
    return dataset.to_table()


def read_object(path: str, filesystem: pafs.FileSystem) -> pa.Table:
    return pq.read_table(path, filesystem=filesystem)


@dataclass
class Compaction:
    files_in: int
    rows: int


def check_compaction_target(prefix: str, output: str, filesystem: pafs.FileSystem) -> None:
    """Refuse an output that exists (never overwrite) or lies inside the input prefix."""
    if filesystem.get_file_info(output).type != pafs.FileType.NotFound:
        raise CompactionError(f"compaction output {output!r} already exists; refusing to overwrite it")
    if output.startswith(prefix.rstrip("/") + "/"):
        raise CompactionError(f"compaction output {output!r} is inside the input prefix {prefix!r}")


def rewrite_as_one(prefix: str, output: str, filesystem: pafs.FileSystem) -> Compaction:
    """The compaction itself (the timed part): list and read every object, write one."""
    dataset = ds.dataset(prefix, format="parquet", filesystem=filesystem)
    paths = list(dataset.files)
    if not paths:
        raise CompactionError(f"nothing to compact: no objects under {prefix!r}")
    table = dataset.to_table()
    _ensure_dir(filesystem, output.rsplit("/", 1)[0])
    pq.write_table(table, output, filesystem=filesystem)
    return Compaction(len(paths), table.num_rows)


def verify_compaction(result: Compaction, prefix: str, output: str, filesystem: pafs.FileSystem) -> None:
    """The written object's footer must count the rows that were read (inputs kept otherwise)."""
    with filesystem.open_input_file(output) as f:
        written_rows = pq.ParquetFile(f).metadata.num_rows
    if written_rows != result.rows:
        raise CompactionError(f"compaction wrote {written_rows} rows to {output!r} but read "
                              f"{result.rows}; inputs under {prefix!r} kept")


def delete_inputs(prefix: str, filesystem: pafs.FileSystem) -> None:
    filesystem.delete_dir(prefix)  # S3: DeleteObjects in batches of up to 1000 keys


def compact(prefix: str, output: str, filesystem: pafs.FileSystem, delete: bool = True) -> Compaction:
    """The whole job: rewrite the objects under ``prefix`` as one object ``output`` (never
    overwriting one), verify it, then delete the inputs.  The benchmark times
    :func:`rewrite_as_one` alone, with the check before and verify/delete after it."""
    check_compaction_target(prefix, output, filesystem)
    result = rewrite_as_one(prefix, output, filesystem)
    verify_compaction(result, prefix, output, filesystem)
    if delete:
        delete_inputs(prefix, filesystem)
    return result
