"""Write a dataset in a format to S3 and describe it for the catalog (the capture step's input).

Each dataset x format is written once (untimed) with the format's reference writer and default
compression to ``s3://bucket/prefix/<dataset>/<format>/``, the folder being the table location
(Glue/Athena tables point at folders, never at single files).  The TableInput built from it
records the measured row count and object size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs

from formats.base import Codec, Location, WriteOptions
from storagebench.catalog import GlueCatalog, table_name
from storagebench.datasets import Dataset


@dataclass
class CapturedFile:
    dataset: str
    format: str
    table: str  # Glue table name
    location: Location  # the object, on pyarrow's S3 filesystem
    folder_uri: str  # s3://bucket/prefix/dataset/format/ (the table location)
    schema: pa.Schema  # what was written (after the format's conversions)
    rows: int
    size: int
    table_input: dict[str, Any]


def encode(dataset: Dataset, codec: Codec) -> tuple[bytes, pa.Table]:
    """The file bytes of ``dataset`` in ``codec``'s reference writer and default compression,
    and the table as written (after the format's conversions)."""
    table, _ = codec.prepare(dataset.table)
    writer = codec.writers()[0].name
    rows_per_group = max(1, table.num_rows // 10) if codec.has_row_groups else None
    sink = Location.memory()
    codec.write(codec.writer_input(table, writer), sink, writer,
                WriteOptions(codec.default_compression, rows_per_group))
    return sink.getvalue(), table


def capture(filesystem: pafs.FileSystem, catalog: GlueCatalog, bucket: str, prefix: str, dataset: Dataset,
            codec: Codec, encoded: tuple[bytes, pa.Table] | None = None) -> CapturedFile:
    """Put ``dataset`` as ``codec`` on S3 and build its TableInput (not yet created).

    ``filesystem`` is pyarrow's S3 filesystem of the target (``S3Target.arrow_fs()``): the
    catalog layer takes what it needs, not the suite's target object, so it imports nothing from
    the layers above it (threevs).  ``encoded`` (from :func:`encode`) reuses bytes another
    suite already produced.
    """
    data, table = encoded or encode(dataset, codec)
    folder = f"{prefix}/{dataset.name}/{codec.name}"
    name = codec.file_name("part-00000", codec.default_compression)
    location = Location(f"{bucket}/{folder}/{name}", filesystem=filesystem)
    with location.open_output() as out:
        out.write(data)
    size = location.size()
    tname = table_name(dataset.name, codec.name)
    folder_uri = f"s3://{bucket}/{folder}/"
    table_input = catalog.table_input(tname, codec.name, table.schema, folder_uri, rows=table.num_rows,
                                      size_bytes=size)
    return CapturedFile(dataset.name, codec.name, tname, location, folder_uri, table.schema,
                        table.num_rows, size, table_input)
