"""Bytes a read *needs*: the denominator of read amplification (bytes fetched / bytes needed).

* Full reads need the whole object.
* Projected or filtered Parquet reads need the footer plus the column chunks of the columns
  read, in the row groups a reader that prunes by statistics must keep (taken from the file's
  own metadata via ``pyarrow.parquet``): the least any client could fetch.
* ORC and Feather: ``pyarrow.orc`` exposes stripe counts but not stripe or stream offsets, and
  ``pyarrow.feather``/``pyarrow.ipc`` expose no buffer offsets, so the needed bytes of a
  projected read cannot be computed from their metadata here: the object size is used and the
  basis says so (an amplification below 1 then means the reader skipped part of the file).
* CSV, JSON and Avro have no column layout: they are read whole, the object size.

Every figure carries ``s3_bytes_needed_basis`` naming how it was computed.
"""

from __future__ import annotations

from typing import Any

import pyarrow.parquet as pq

from formats.base import Location, ReadRequest

BASIS_OBJECT = "object size (full read)"
BASIS_PARQUET = "parquet footer + needed column chunks (from file metadata)"
BASIS_NO_OFFSETS = "object size (pyarrow exposes no per-column byte ranges for {format})"
BASIS_WHOLE_FORMAT = "object size (format has no column layout: read whole)"
_COLUMNAR_WITHOUT_OFFSETS = ("orc", "feather")


def parquet_needed_bytes(metadata: pq.FileMetaData, object_size: int, request: ReadRequest) -> int:
    footer = metadata.serialized_size + 8  # thrift footer + 4-byte length + "PAR1"
    wanted: set[str] | None = None
    if request.columns is not None:
        wanted = set(request.columns)
        if request.predicate is not None:
            wanted.add(request.predicate.column)
    total = footer
    for i in range(metadata.num_row_groups):
        rg = metadata.row_group(i)
        if request.predicate is not None and not _may_match(rg, request):
            continue
        for j in range(rg.num_columns):
            col = rg.column(j)
            if wanted is not None and col.path_in_schema.split(".", 1)[0] not in wanted:
                continue
            total += col.total_compressed_size
    return min(total, object_size)


def _may_match(rg: Any, request: ReadRequest) -> bool:
    """False only when statistics prove no row of this row group satisfies lo <= x < hi."""
    pred = request.predicate
    assert pred is not None
    for j in range(rg.num_columns):
        col = rg.column(j)
        if col.path_in_schema != pred.column:
            continue
        stats = col.statistics
        if stats is None or not stats.has_min_max:
            return True
        try:
            return not (stats.max < pred.lo or stats.min >= pred.hi)
        except TypeError:  # incomparable types: a reader cannot prune either
            return True
    return True


def needed_bytes(format_name: str, read_kind: str, location: Location, object_size: int,
                 request: ReadRequest) -> tuple[int, str]:
    """(bytes needed, basis) for one read of the object at ``location`` (metadata read untimed)."""
    if read_kind == "full":
        return object_size, BASIS_OBJECT
    if format_name == "parquet":
        with location.open_input() as f:
            metadata = pq.ParquetFile(f).metadata
        return parquet_needed_bytes(metadata, object_size, request), BASIS_PARQUET
    if format_name in _COLUMNAR_WITHOUT_OFFSETS:
        return object_size, BASIS_NO_OFFSETS.format(format=format_name)
    return object_size, BASIS_WHOLE_FORMAT
