"""Parquet: columnar, compressed, with row-group statistics.

Measured because it is the default analytic format on object storage.  Engines side by side:

* ``pyarrow`` writes and reads (projection and row-group pruning by statistics through
  ``pyarrow.parquet.read_table(filters=...)``);
* ``fastparquet`` writes and reads (projection; ``filters`` prune whole row groups only, so the
  rows inside a kept group are masked after reading);
* ``pandas`` reads through ``pandas.read_parquet`` (pyarrow engine), i.e. what most users call.

Row-group size is a parameter because it changes conclusions: pyarrow's default (1,048,576
rows) makes a 1M-row file a single row group and a filter prunes nothing.

Cross-engine reads are part of the matrix: fastparquet silently misreads some pyarrow-written
files (TRAPS.md), and only the value-level fidelity check catches that.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from formats import register
from formats.catalog_facts import NUMERIC_WIDENINGS, CatalogFormat
from formats.base import (
    Codec,
    Conversion,
    EngineSpec,
    Location,
    ReadRequest,
    WriteOptions,
    finish_pandas,
    columns_to_load,
    first_batch,
)

_PYARROW_COMPRESSIONS = ("none", "snappy", "gzip", "brotli", "zstd", "lz4")
_FASTPARQUET_COMPRESSIONS = ("none", "snappy", "gzip", "brotli", "zstd", "lz4")
# fastparquet's codec names; "lz4" means LZ4_RAW, which is what pyarrow's "lz4" writes too.
_FASTPARQUET_NAMES = {
    "none": None,
    "snappy": "SNAPPY",
    "gzip": "GZIP",
    "brotli": "BROTLI",
    "zstd": "ZSTD",
    "lz4": "LZ4_RAW",
}


@register
class ParquetCodec(Codec):
    name = "parquet"
    # Athena matches Parquet columns by name: adding, reordering and dropping columns are safe.
    catalog = CatalogFormat(
        "parquet", "parquet", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        match_by="name", widenings=NUMERIC_WIDENINGS,
        serde_parameters={"serialization.format": "1"},
    )
    extension = "parquet"
    description = "columnar, compressed, row-group statistics"
    file_extensions = (".parquet", ".pq")
    magic = b"PAR1"  # a user's file is told by its first bytes
    title = "Parquet"
    has_row_groups = True
    default_compression = "snappy"
    quick_compressions = ("snappy",)  # zstd (4.5 s of the smoke run) from standard up
    engines = {
        "pyarrow": EngineSpec("pyarrow", True, True, _PYARROW_COMPRESSIONS, predicate="pushdown"),
        "fastparquet": EngineSpec(
            "fastparquet", True, True, _FASTPARQUET_COMPRESSIONS, predicate="pushdown",
            requires=("fastparquet",), install_hint="pip install fastparquet",
        ),
        "pandas": EngineSpec("pandas", False, True, (), predicate="pushdown"),
    }

    # -- the file on its own -------------------------------------------------------------------
    def load_user_file(self, path: Path) -> tuple[pa.Table, str]:
        return pq.read_table(path), ""

    def file_schema(self, location: Location) -> pa.Schema:
        with location.open_input() as f:
            return pq.read_schema(f)

    def write(self, data: Any, location: Location, engine: str, options: WriteOptions) -> None:
        self.check_write_case(engine, options.compression)
        if engine == "pyarrow":
            compression = None if options.compression == "none" else options.compression
            if location.is_memory:
                with location.open_output() as sink:
                    pq.write_table(data, sink, compression=compression,
                                   row_group_size=options.row_group_size)
                return
            fs, path = location.pyarrow_filesystem()
            pq.write_table(data, path, filesystem=fs, compression=compression,
                           row_group_size=options.row_group_size)
            return

        import fastparquet

        fastparquet.write(
            location.path,
            data,
            compression=_FASTPARQUET_NAMES[options.compression],
            row_group_offsets=options.row_group_size or 50_000_000,
            write_index=False,
            # fastparquet cannot infer a type for columns of dicts/lists: store them as JSON.
            object_encoding={c: "json" for c in data.attrs.get("nested_columns", ())} or "infer",
            open_with=lambda path, mode="wb": location.open_output(),
        )

    def writer_conversions(self, table: pa.Table, engine: str) -> list[Conversion]:
        """What fastparquet changes (see writer_input); pyarrow stores every Arrow type."""
        if engine != "fastparquet":
            return []
        out = []
        for f in table.schema:
            if pa.types.is_date(f.type):
                out.append(Conversion(f.name, str(f.type), "timestamp[ms]",
                                      "fastparquet cannot write datetime.date; stored as datetime64"))
            elif pa.types.is_nested(f.type):
                out.append(Conversion(f.name, str(f.type), "string (JSON text)",
                                      "fastparquet stores nested columns as JSON text"))
        return out

    def writer_input(self, table: pa.Table, engine: str) -> Any:
        if engine != "fastparquet":
            return table
        import pandas as pd

        from formats.base import to_pandas_for_writing

        # fastparquet cannot write datetime.date objects: give it datetime64 (type change,
        # reported by the fidelity check) as pandas itself does with date_as_object=False.
        for i, f in enumerate(table.schema):
            if pa.types.is_date(f.type):
                table = table.set_column(i, f.name, table.column(i).cast(pa.timestamp("ms")))
        frame = to_pandas_for_writing(table)
        nested = [f.name for f in table.schema if pa.types.is_nested(f.type)]
        for name in nested:
            # Plain Python dicts/lists (not numpy arrays) so fastparquet's JSON encoder takes them.
            frame[name] = pd.Series(table.column(name).to_pylist(), dtype=object)
        frame.attrs["nested_columns"] = nested
        return frame

    def read(self, location: Location, engine: str, request: ReadRequest) -> Any:
        columns = list(request.columns) if request.columns is not None else None
        filters = request.predicate.expression() if request.predicate is not None else None
        pre_buffer = request.engine_options.get("pre_buffer", True)
        if engine == "pyarrow":
            source, fs = _pyarrow_source(location)
            return pq.read_table(source, filesystem=fs, columns=columns, filters=filters,
                                 pre_buffer=pre_buffer)
        if engine == "pandas":
            import pandas as pd

            source, fs = _pyarrow_source(location)
            return pd.read_parquet(source, engine="pyarrow", filesystem=fs, columns=columns,
                                   filters=filters, pre_buffer=pre_buffer)

        import fastparquet

        pf = fastparquet.ParquetFile(
            location.path, open_with=lambda path, mode="rb": location.open_python_input()
        )
        frame = pf.to_pandas(
            columns=columns_to_load(request),
            filters=request.predicate.dnf_filters() if request.predicate is not None else None,
        )
        return finish_pandas(frame, request)

    def write_batches(self, batches: Iterable[Any], location: Location, engine: str,
                      options: WriteOptions) -> None:
        # pyarrow's ParquetWriter appends row groups batch by batch; fastparquet has no
        # streaming writer on a file object (its append re-opens the file by path).
        if engine != "pyarrow":
            return super().write_batches(batches, location, engine, options)
        self.check_write_case(engine, options.compression)
        first, rest = first_batch(batches, self.name)
        compression = None if options.compression == "none" else options.compression
        with location.open_output() as sink, \
                pq.ParquetWriter(sink, first.schema, compression=compression) as writer:
            for batch in itertools.chain([first], rest):
                writer.write_table(batch, row_group_size=options.row_group_size)


def _pyarrow_source(location: Location) -> tuple[Any, Any]:
    """(source, filesystem) for pyarrow: a path on a filesystem, or a buffer for memory."""
    if location.is_memory:
        return location.open_input(), None
    fs, path = location.pyarrow_filesystem()
    return path, fs


def row_group_count(location: Location) -> int:
    """Row groups in a written file (reported beside the predicate-read results)."""
    with location.open_input() as f:
        return pq.ParquetFile(f).metadata.num_row_groups
