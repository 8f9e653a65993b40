"""JSON Lines: one JSON object per line, the web's exchange format and JSON-native for nesting.

Measured because logs, APIs and streams land as JSON.  pyarrow has no JSON writer, so two
writers side by side: ``python`` (the standard library's ``json`` on the table's records:
exact floats via repr, ISO timestamps with their offset, decimals as strings) and ``pandas``
``to_json`` with ``date_format="iso", date_unit="us", double_precision=15`` (its defaults write
epoch *milliseconds* and 10 significant digits; even at its maximum of 15 digits some doubles
do not round-trip, which the fidelity check reports).  Readers side by side, each inferring types
from the text as a user with only the file does: pyarrow.json, pandas' default ujson reader and
pandas with ``engine="pyarrow"``.  ``pyarrow-schema`` is pyarrow.json handed the written schema
(``explicit_schema``): a separate, labelled option.  No projection push-down and no statistics:
projection and predicate are applied after parsing every line.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import io
import itertools
import json
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.json as pajson

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
    UserFileError,
    ReadRequest,
    WriteOptions,
    compressed_input,
    compressed_output,
    finish_arrow,
    finish_pandas,
    first_batch,
)

_COMPRESSIONS = ("none", "gzip")


def _catalog_type(t: pa.DataType, column: str) -> tuple[str, str]:
    return text_declared_type(t, column, (pa.types.is_timestamp,),
                              "the file holds ISO-8601 text with a UTC offset, which Hive's timestamp parser rejects")


@register
class JsonLinesCodec(Codec):
    name = "json"
    # org.openx JsonSerDe matches fields by name; timestamps are declared string.
    catalog = CatalogFormat(
        "json", "json", "org.openx.data.jsonserde.JsonSerDe", TEXT_INPUT_FORMAT, TEXT_OUTPUT_FORMAT,
        match_by="name", widenings=TEXT_WIDENINGS,
        serde_parameters={"ignore.malformed.json": "false"},
        declared_type=_catalog_type,
        note="JSON Lines; timestamps declared string (ISO-8601 with offset)",
    )
    extension = "jsonl"
    description = "JSON Lines text; self-describing, nests, no statistics"
    # A user's JSON file: JSON Lines, or one JSON array of objects.
    file_extensions = (".json", ".jsonl", ".ndjson")
    title = "JSON"
    stream_compression_suffixes = {"gzip": ".gz"}
    engines = {
        "python": EngineSpec("python", True, False, _COMPRESSIONS, projection=False),
        "pandas": EngineSpec("pandas", True, True, _COMPRESSIONS, projection=False),
        "pyarrow": EngineSpec("pyarrow", False, True, (), projection=False),
        "pandas-pyarrow": EngineSpec("pandas-pyarrow", False, True, (), projection=False),
        "pyarrow-schema": EngineSpec("pyarrow-schema", False, True, (), projection=False,
                                     reads_written_schema=True),
    }

    def writer_input(self, table: pa.Table, engine: str) -> Any:
        if engine == "python":
            return table.to_pylist()  # a Python producer holds dicts
        return super().writer_input(table, engine)

    def write(self, data: Any, location: Location, engine: str, options: WriteOptions) -> None:
        self.check_write_case(engine, options.compression)
        if engine == "python":
            dumps = json.JSONEncoder(default=_json_default, separators=(",", ":")).encode
            text = "\n".join(map(dumps, data)) + "\n"
        else:
            text = data.to_json(orient="records", lines=True, date_format="iso", date_unit="us",
                                double_precision=15)
        with compressed_output(location, options.compression) as sink:
            sink.write(text.encode("utf-8"))

    def read(self, location: Location, engine: str, request: ReadRequest) -> Any:
        compressed = location.path.endswith(".gz")
        if engine in ("pyarrow", "pyarrow-schema"):
            given = request.schema if engine == "pyarrow-schema" else None
            parse = pajson.ParseOptions(
                explicit_schema=_json_readable_schema(given),
                unexpected_field_behavior="infer",
            )
            return finish_arrow(pajson.read_json(compressed_input(location), parse_options=parse), request)

        import pandas as pd

        with location.open_python_input() as f:
            data = f.read()
        if compressed:
            data = gzip.decompress(data)
        if engine == "pandas-pyarrow":
            # pandas' pyarrow JSON engine rejects any compression argument, even None.
            frame = pd.read_json(io.BytesIO(data), lines=True, engine="pyarrow")
        else:
            frame = pd.read_json(io.BytesIO(data), lines=True)
        return finish_pandas(frame, request)

    # -- the file on its own -------------------------------------------------------------------
    def looks_like(self, head: bytes) -> bool:
        return head.lstrip()[:1] in (b"{", b"[")  # a record or an array of records

    def load_user_file(self, path: Path) -> tuple[pa.Table, str]:
        """JSON Lines via pyarrow; a single JSON array of objects via the json module."""
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as f:
            first = f.read(64).lstrip()
        if first.startswith(b"["):
            with opener(path, "rb") as f:
                records = json.load(f)
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise UserFileError(f"dataset file {path}: a JSON array must hold objects (one per row)")
            return pa.Table.from_pylist(records), ""
        return pajson.read_json(path), ""

    def file_schema(self, location: Location) -> list[str]:
        # JSON Lines holds names only: the keys of the first record.
        with location.open_input() as f:
            head = b""
            while b"\n" not in head:  # the first record only, in 64 KiB reads
                chunk = f.read(1 << 16)
                if not chunk:
                    break
                head += chunk
        return list(json.loads(head.split(b"\n", 1)[0]))

    def write_batches(self, batches: Iterable[Any], location: Location, engine: str,
                      options: WriteOptions) -> None:
        # JSON Lines files concatenate: each batch is encoded exactly as write() encodes a whole
        # file, and its lines are appended to one (possibly gzip) stream.
        self.check_write_case(engine, options.compression)
        first, rest = first_batch(batches, self.name)
        with compressed_output(location, options.compression) as sink:
            for batch in itertools.chain([first], rest):
                encoded = Location.memory()
                self.write(batch, encoded, engine, WriteOptions("none"))
                sink.write(encoded.getvalue())


def _json_default(value: Any) -> Any:
    """JSON text for the values the json module does not know (exact, reversible forms)."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _json_readable_schema(schema: pa.Schema | None) -> pa.Schema | None:
    """The written schema minus types pyarrow.json cannot parse from JSON text.

    pyarrow.json converts strings to timestamps and numbers to ints/floats, but not to decimals
    dictionaries or dates; those columns are left to inference and the fidelity check reports them.
    """
    if schema is None:
        return None
    keep = []
    for f in schema:
        if _json_parsable(f.type):
            keep.append(f)
    return pa.schema(keep)


def _json_parsable(t: pa.DataType) -> bool:
    if pa.types.is_decimal(t) or pa.types.is_dictionary(t) or pa.types.is_date(t):
        return False
    if pa.types.is_struct(t):
        return all(_json_parsable(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _json_parsable(t.value_type)
    return True
