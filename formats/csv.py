"""CSV: the lowest-common-denominator text format.

Measured because it is what most data arrives as.  Engines side by side: pyarrow.csv (multi-
threaded C++ parser and writer), pandas' C parser and pandas' pyarrow parser.  CSV has no types,
no nesting and no statistics, so:

* nested columns (structs, lists) are written as JSON text (a recorded, lossy conversion);
* projection can skip converting columns but still parses every byte;
* a predicate is always applied after reading (nothing to prune with).

Every reader infers the types from the text, as a user who has only the file does, and the
fidelity check names what that changes (time-zone names, nullable ints, decimals, categoricals).
``pyarrow-schema`` is the same pyarrow reader handed the written schema (``column_types``): a
separate, labelled option showing what a reader who already knows the schema gets back.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.csv as pacsv

from formats import register
from formats.catalog_facts import (
    TEXT_INPUT_FORMAT,
    TEXT_OUTPUT_FORMAT,
    TEXT_WIDENINGS,
    CatalogFormat,
    text_declared_type,
)
from formats.base import (
    Codec,
    EngineSpec,
    Location,
    ReadRequest,
    UserFileError,
    WriteOptions,
    compressed_input,
    compressed_output,
    finish_arrow,
    finish_pandas,
    is_nested,
    columns_to_load,
    first_batch,
    open_plain,
    stringify_unsupported,
)

_COMPRESSIONS = ("none", "gzip")


def _catalog_type(t: pa.DataType, column: str) -> tuple[str, str]:
    return text_declared_type(t, column, (pa.types.is_timestamp, pa.types.is_date),
                              "OpenCSVSerDe parses DATE/TIMESTAMP only from UNIX numbers; the file holds ISO-8601 text")


@register
class CsvCodec(Codec):
    name = "csv"
    # OpenCSVSerde handles the quoting pyarrow writes (including nested columns' JSON text);
    # columns match by position; dates/timestamps are declared string (ISO-8601 text).
    catalog = CatalogFormat(
        "csv", "csv", "org.apache.hadoop.hive.serde2.OpenCSVSerde", TEXT_INPUT_FORMAT, TEXT_OUTPUT_FORMAT,
        match_by="position", widenings=TEXT_WIDENINGS,
        serde_parameters={"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"},
        table_parameters={"skip.header.line.count": "1"},
        declared_type=_catalog_type,
        note="columns match by position; dates/timestamps declared string (ISO-8601 text)",
    )
    extension = "csv"
    description = "comma-separated text; no types, no statistics"
    stream_compression_suffixes = {"gzip": ".gz"}
    engines = {
        "pyarrow": EngineSpec("pyarrow", True, True, _COMPRESSIONS, projection=True),
        "pandas": EngineSpec("pandas", True, True, _COMPRESSIONS, projection=True),
        "pandas-pyarrow": EngineSpec("pandas-pyarrow", False, True, (), projection=True),
        "pyarrow-schema": EngineSpec("pyarrow-schema", False, True, (), projection=True,
                                     reads_written_schema=True),
    }
    quick_compressions = ("none",)
    # A user's text file that is not JSON is read as CSV (whatever its delimiter): asked last.
    file_extensions = (".csv", ".tsv")
    sniff_last = True
    title = "CSV"

    def prepare(self, table: pa.Table) -> tuple[pa.Table, list]:
        return stringify_unsupported(
            table, is_nested, pa.string(), "CSV has no nested types; written as JSON text"
        )

    def write(self, data: Any, location: Location, engine: str, options: WriteOptions) -> None:
        self.check_write_case(engine, options.compression)
        with compressed_output(location, options.compression) as sink:
            if engine == "pyarrow":
                pacsv.write_csv(data, sink)
            else:
                # pandas writes text; encode once into the (possibly compressing) sink.
                sink.write(data.to_csv(index=False).encode("utf-8"))

    def read(self, location: Location, engine: str, request: ReadRequest) -> Any:
        compressed = location.path.endswith(".gz")
        if engine in ("pyarrow", "pyarrow-schema"):
            given = request.schema if engine == "pyarrow-schema" else None
            convert = pacsv.ConvertOptions(
                column_types=given,
                include_columns=columns_to_load(request) or [],  # [] means every column
            )
            return finish_arrow(pacsv.read_csv(compressed_input(location), convert_options=convert), request)

        import pandas as pd

        pandas_engine = "pyarrow" if engine == "pandas-pyarrow" else "c"
        with location.open_python_input() as f:
            frame = pd.read_csv(
                f,
                engine=pandas_engine,
                usecols=columns_to_load(request),
                compression="gzip" if compressed else None,
            )
        return finish_pandas(frame, request)

    def write_batches(self, batches: Iterable[Any], location: Location, engine: str,
                      options: WriteOptions) -> None:
        # One header, then each batch's rows appended through the (possibly gzip) stream.
        self.check_write_case(engine, options.compression)
        first, rest = first_batch(batches, self.name)
        with compressed_output(location, options.compression) as sink:
            if engine == "pyarrow":
                with pacsv.CSVWriter(sink, first.schema) as writer:
                    for batch in itertools.chain([first], rest):
                        writer.write_table(batch)
                return
            sink.write(first.to_csv(index=False).encode("utf-8"))
            for frame in rest:
                sink.write(frame.to_csv(index=False, header=False).encode("utf-8"))

    # -- the file on its own -------------------------------------------------------------------
    def looks_like(self, head: bytes) -> bool:
        return True  # any text the other text codecs declined (the caller checked it is text)

    def load_user_file(self, path: Path) -> tuple[pa.Table, str]:
        # Read as a user's tools read it: the delimiter sniffed, empty fields (strings too) and
        # pyarrow's null markers as null; the choices go into the dataset's description.
        delimiter = sniff_delimiter(path)
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=delimiter),
                               # Empty fields are null in string columns too (pyarrow's default keeps
                               # them as ''), as pandas and most engines read them.
                               convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
        header = table.column_names[0] if table.num_columns == 1 else ""
        if table.num_columns == 1 and any(sep in header for sep in ";\t|"):
            raise UserFileError(
                f"dataset file {path} reads as one column named {header[:60]!r}: its delimiter could not be "
                "told from the first lines; save it with ',' (or ';', tab, '|') used on every line")
        shown = {"\t": "tab"}.get(delimiter, repr(delimiter))
        return table, f", delimiter {shown} (sniffed), empty fields and NA/NULL markers read as null"

    def file_schema(self, location: Location) -> list[str]:
        with location.open_input() as f:
            # Read only the header: every column as string, no type inference, one small block.
            reader = pacsv.open_csv(f, read_options=pacsv.ReadOptions(block_size=1 << 16))
            return list(reader.schema.names)


CSV_DELIMITERS = ",;\t|"
CSV_SAMPLE_BYTES = 64 * 1024


def sniff_delimiter(path: Path) -> str:
    """The CSV delimiter the file's first lines show (``,`` when they show none)."""
    with open_plain(path) as f:
        sample = f.read(CSV_SAMPLE_BYTES).decode("utf-8", errors="replace")
    if len(sample) == CSV_SAMPLE_BYTES:  # keep whole lines only: a cut line confuses the sniffer
        sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return "\t" if path.suffix.lower() == ".tsv" else ","
