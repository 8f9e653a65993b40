"""Table helpers the codecs share: pandas input for writers, native results back to Arrow,
columns a format cannot store turned to text, projection/predicate applied after a read, and the
first batch of a streaming write."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import pyarrow as pa

from formats.errors import UnsupportedCaseError
from formats.spec import Conversion, ReadRequest


def to_pandas_for_writing(table: pa.Table) -> Any:
    """Arrow -> pandas the way a careful user does it: integer and bool columns with nulls keep
    pandas' nullable dtypes instead of silently becoming float64/object (TRAPS.md)."""
    import pandas as pd

    mapping = {
        pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype(),
    }
    nullable = {f.name for f in table.schema if table.column(f.name).null_count > 0}
    frame = table.to_pandas(types_mapper=lambda t: None)  # numpy dtypes where lossless
    for name in nullable:
        dtype = mapping.get(table.schema.field(name).type)
        if dtype is not None:
            frame[name] = table.column(name).to_pandas(types_mapper=mapping.get)
    return frame


def native_to_arrow(result: Any) -> pa.Table:
    if isinstance(result, pa.Table):
        return result
    if isinstance(result, pa.RecordBatch):
        return pa.Table.from_batches([result])
    if callable(getattr(result, "to_arrow", None)):  # polars DataFrame and the like
        return result.to_arrow()
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return pa.Table.from_pandas(result, preserve_index=False)
    if isinstance(result, list):
        return pa.Table.from_pylist(result)
    raise TypeError(f"cannot turn {type(result).__name__} into an Arrow table")


def stringify_unsupported(
    table: pa.Table, unsupported: callable, to_type: pa.DataType, reason: str
) -> tuple[pa.Table, list[Conversion]]:
    """Cast every column whose type satisfies ``unsupported`` to ``to_type`` (recorded)."""
    conversions: list[Conversion] = []
    for i, f in enumerate(table.schema):
        if unsupported(f.type):
            new = _to_text(table.column(i), to_type)
            table = table.set_column(i, pa.field(f.name, new.type, f.nullable), new)
            conversions.append(Conversion(f.name, str(f.type), str(new.type), reason))
    return table, conversions


def _to_text(column: pa.ChunkedArray, to_type: pa.DataType) -> pa.ChunkedArray:
    import json as _json

    t = column.type
    if pa.types.is_dictionary(t):
        return column.cast(t.value_type).cast(to_type) if t.value_type != to_type else column.cast(to_type)
    if pa.types.is_nested(t):
        values = [None if v is None else _json.dumps(v, default=str) for v in column.to_pylist()]
        return pa.chunked_array([pa.array(values, type=to_type)])
    return column.cast(to_type)


def is_nested(t: pa.DataType) -> bool:
    return pa.types.is_nested(t)


def columns_to_load(request: ReadRequest) -> list[str] | None:
    """Columns a reader should load: the projection plus the predicate column (None = all)."""
    if request.columns is None:
        return None
    cols = list(request.columns)
    if request.predicate is not None and request.predicate.column not in cols:
        cols.append(request.predicate.column)
    return cols


def finish_pandas(frame: Any, request: ReadRequest) -> Any:
    """Apply an after-read predicate and the final projection to a pandas frame."""
    if request.predicate is not None:
        frame = request.predicate.apply_pandas(frame)
    if request.columns is not None:
        frame = frame[list(request.columns)]
    return frame


def finish_arrow(table: pa.Table, request: ReadRequest) -> pa.Table:
    """Apply an after-read predicate and the final projection to an Arrow table."""
    if request.predicate is not None:
        table = request.predicate.apply_arrow(table)
    if request.columns is not None:
        table = table.select(list(request.columns))
    return table


def first_batch(batches: Iterable[Any], fmt: str) -> tuple[Any, Iterator[Any]]:
    """(first batch, iterator over the rest): streaming writers take the schema from the first."""
    it = iter(batches)
    try:
        return next(it), it
    except StopIteration:
        raise UnsupportedCaseError(f"{fmt}: no batches to write (a file needs at least one batch)") from None
