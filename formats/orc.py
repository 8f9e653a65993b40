"""ORC: columnar with stripes and statistics, the Hive-ecosystem alternative to Parquet.

Measured because Hive/Presto/Athena tables often use it.  Engines: ``pyarrow`` (pyarrow.orc
writes and reads with column projection) and ``pandas`` (``pandas.read_orc``, which reads
through pyarrow and converts).  pyarrow's ORC reader does no stripe pruning by filter, so the
predicate is applied after reading (honestly reported as ``after-read``).

ORC cannot store dictionary (categorical) columns: they are cast to string before writing and the
conversion is recorded (fidelity: lossy type).  Stripe size is set from the row-group parameter
(rows x average in-memory row width), because pyarrow.orc sizes stripes in bytes.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.orc as paorc

from formats import register
from formats.catalog_facts import NUMERIC_WIDENINGS, CatalogFormat
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
    stringify_unsupported,
)

_COMPRESSIONS = ("none", "snappy", "zstd", "zlib", "lz4")
_MIN_STRIPE_BYTES = 64 * 1024


@register
class OrcCodec(Codec):
    name = "orc"
    # Athena reads ORC by column index by default (orc.column.index.access).
    catalog = CatalogFormat(
        "orc", "orc", "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
        "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
        match_by="position", widenings=NUMERIC_WIDENINGS,
        note="Athena reads ORC by column index by default: only appending columns is safe",
    )
    extension = "orc"
    description = "columnar, compressed, stripe statistics"
    file_extensions = (".orc",)
    magic = b"ORC"  # a user's file is told by its first bytes
    title = "ORC"
    has_row_groups = True
    default_compression = "zstd"
    quick_compressions = ("zstd",)
    engines = {
        "pyarrow": EngineSpec("pyarrow", True, True, _COMPRESSIONS),
        "pandas": EngineSpec("pandas", False, True, ()),
    }

    # -- the file on its own -------------------------------------------------------------------
    def load_user_file(self, path: Path) -> tuple[pa.Table, str]:
        return paorc.read_table(path), ""

    def file_schema(self, location: Location) -> pa.Schema:
        with location.open_input() as f:
            return paorc.ORCFile(f).schema

    def prepare(self, table: pa.Table) -> tuple[pa.Table, list]:
        return stringify_unsupported(
            table, pa.types.is_dictionary, pa.string(), "ORC cannot store dictionary columns"
        )

    def write(self, data: Any, location: Location, engine: str, options: WriteOptions) -> None:
        self.check_write_case(engine, options.compression)
        with location.open_output() as sink:
            paorc.write_table(data, sink, **_writer_options(options, data))

    def read(self, location: Location, engine: str, request: ReadRequest) -> Any:
        if engine == "pyarrow":
            with location.open_input() as f:
                table = paorc.ORCFile(f).read(columns=columns_to_load(request))
            return finish_arrow(table, request)

        import pandas as pd

        # pandas.read_orc ignores storage_options/filesystem for s3:// paths: give it a file.
        with location.open_input() as f:
            frame = pd.read_orc(f, columns=columns_to_load(request))
        return finish_pandas(frame, request)

    def write_batches(self, batches: Iterable[Any], location: Location, engine: str,
                      options: WriteOptions) -> None:
        # pyarrow's ORCWriter adds stripes batch by batch (stripe size as in write()).
        self.check_write_case(engine, options.compression)
        first, rest = first_batch(batches, self.name)
        with location.open_output() as sink:
            writer = paorc.ORCWriter(sink, **_writer_options(options, first))
            try:
                for batch in itertools.chain([first], rest):
                    writer.write(batch)
            finally:
                writer.close()


def _writer_options(options: WriteOptions, sample: pa.Table) -> dict[str, Any]:
    """pyarrow.orc writer keywords: compression, and a stripe size in bytes from the rows asked."""
    kwargs: dict[str, Any] = {
        "compression": "uncompressed" if options.compression == "none" else options.compression
    }
    if options.row_group_size and sample.num_rows:
        bytes_per_row = max(1, sample.nbytes // sample.num_rows)
        kwargs["stripe_size"] = max(_MIN_STRIPE_BYTES, bytes_per_row * options.row_group_size)
    return kwargs
