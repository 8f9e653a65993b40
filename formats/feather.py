"""Feather (Arrow IPC file): the "no parsing" reference.

Measured as the floor: bytes on disk are Arrow's own memory layout, so reading is a copy (or a
memory map) rather than a decode.  Compression none/lz4/zstd by buffer.  Engines: ``pyarrow``
(write and read with column projection) and ``pandas`` (``read_feather``).  No statistics, so a
predicate is applied after reading.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc

from formats import register
from formats.catalog_facts import CatalogFormat
from formats.base import (
    Codec,
    EngineSpec,
    Location,
    ReadRequest,
    WriteOptions,
    finish_arrow,
    finish_pandas,
    columns_to_load,
    first_batch,
)

_COMPRESSIONS = ("none", "lz4", "zstd")


@register
class FeatherCodec(Codec):
    name = "feather"
    # Glue and Athena have no SerDe or reader for Arrow IPC files: the table is registered for
    # discovery (schema, location) with classification=arrow and queryable=false.
    catalog = CatalogFormat(
        "feather", "arrow", None, None, None, match_by="name", widenings=frozenset(), queryable=False,
        note="Glue/Athena have no SerDe or reader for Arrow IPC files: registered for discovery only",
    )
    extension = "arrow"
    description = "Arrow IPC file; in-memory layout on disk (reference)"
    file_extensions = (".feather", ".arrow", ".ipc")
    magic = b"ARROW1"  # a user's file is told by its first bytes
    title = "Arrow/Feather"
    has_row_groups = True  # record batches (chunksize)
    default_compression = "lz4"
    quick_compressions = ("lz4",)
    engines = {
        "pyarrow": EngineSpec("pyarrow", True, True, _COMPRESSIONS),
        "pandas": EngineSpec("pandas", False, True, ()),
    }

    # -- the file on its own -------------------------------------------------------------------
    def load_user_file(self, path: Path) -> tuple[pa.Table, str]:
        return feather.read_table(path), ""

    def file_schema(self, location: Location) -> pa.Schema:
        with location.open_input() as f:
            return ipc.open_file(f).schema

    def write(self, data: Any, location: Location, engine: str, options: WriteOptions) -> None:
        self.check_write_case(engine, options.compression)
        with location.open_output() as sink:
            feather.write_feather(
                data,
                sink,
                compression="uncompressed" if options.compression == "none" else options.compression,
                chunksize=options.row_group_size,
            )

    def read(self, location: Location, engine: str, request: ReadRequest) -> Any:
        columns = columns_to_load(request)
        with location.open_input() as f:
            if engine == "pyarrow":
                return finish_arrow(feather.read_table(f, columns=columns, memory_map=False), request)
            import pandas as pd

            return finish_pandas(pd.read_feather(f, columns=columns), request)

    def write_batches(self, batches: Iterable[Any], location: Location, engine: str,
                      options: WriteOptions) -> None:
        # An Arrow IPC file takes record batches one at a time (one dictionary per column for
        # the whole file: batches must share it, see the volume suite's pool).
        self.check_write_case(engine, options.compression)
        first, rest = first_batch(batches, self.name)
        ipc = pa.ipc.IpcWriteOptions(compression=None if options.compression == "none" else options.compression)
        with location.open_output() as sink, pa.ipc.new_file(sink, first.schema, options=ipc) as writer:
            for batch in itertools.chain([first], rest):
                writer.write_table(batch, max_chunksize=options.row_group_size)
