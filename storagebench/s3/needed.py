"""Bytes a read *needs*: the denominator of read amplification (bytes fetched / bytes needed).

* Full reads need the whole object.
* Projected or filtered Parquet reads need the footer plus the column chunks of the columns
  read, in the row groups a reader that prunes by statistics must keep (taken from the file's
  own metadata via ``pyarrow.parquet``): the least any client could fetch.
* Projected or filtered ORC reads need the file tail (PostScript, footer, stripe statistics)
  plus, in every stripe the stripe statistics cannot rule out, the stripe footer and the data
  streams of the columns read (:mod:`storagebench.s3.orc_layout` reads stripes and streams from
  the file's own metadata): the ORC analogue of Parquet's figure, so their amplification compares.
* Feather: ``pyarrow.feather``/``pyarrow.ipc`` expose no buffer offsets, so the needed bytes of a
  projected read cannot be computed from its metadata here: the object size is used and the
  basis says so (an amplification below 1 then means the reader skipped part of the file).
* CSV, JSON and Avro have no column layout: they are read whole, the object size.

Every figure carries ``s3_bytes_needed_basis`` naming how it was computed.
"""

from __future__ import annotations

from typing import Any

import pyarrow.parquet as pq

from formats.base import Location, ReadRequest
from storagebench.s3.orc_layout import OrcLayout, read_layout

BASIS_OBJECT = "object size (full read)"
BASIS_PARQUET = "parquet footer + needed column chunks (from file metadata)"
BASIS_ORC = "orc tail + stripe footers + needed columns' data streams (from stripe/stream layout)"
BASIS_NO_OFFSETS = "object size (pyarrow exposes no per-column byte ranges for {format})"
BASIS_WHOLE_FORMAT = "object size (format has no column layout: read whole)"
_COLUMNAR_WITHOUT_OFFSETS = ("feather",)


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


def orc_needed_bytes(layout: OrcLayout, request: ReadRequest) -> int:
    """Tail + per stripe not ruled out by its statistics: stripe footer + the read columns' data
    streams (index streams excluded: a reader of whole stripes does not need them)."""
    columns: list[str] | None = None
    if request.columns is not None:
        columns = list(dict.fromkeys([*request.columns, *([request.predicate.column] if request.predicate else [])]))
    keep = None
    if request.predicate is not None:
        pred = request.predicate
        ids = layout.fields.get(pred.column, ())
        keep = [_stats_may_match(stats.get(ids[0]) if len(ids) == 1 else None, pred.lo, pred.hi)
                for stats in layout.stripe_stats] if len(layout.stripe_stats) == len(layout.stripes) else None
    total = sum(length for _, length in layout.needed_ranges(columns, keep))
    return min(total, layout.file_length)


def _stats_may_match(stats: Any, lo: Any, hi: Any) -> bool:
    """False only when min/max prove no value satisfies lo <= x < hi."""
    if stats is None:
        return True
    try:
        return not (stats.maximum < lo or stats.minimum >= hi)
    except TypeError:  # incomparable types: a reader cannot prune either
        return True


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
    if format_name == "orc":
        with location.open_input() as f:
            layout = read_layout(f, object_size)
        return orc_needed_bytes(layout, request), BASIS_ORC
    if format_name in _COLUMNAR_WITHOUT_OFFSETS:
        return object_size, BASIS_NO_OFFSETS.format(format=format_name)
    return object_size, BASIS_WHOLE_FORMAT
