"""How each file format is described to the Glue Data Catalog: SerDe, input/output format,
declared column types, and which schema changes old files survive.

One :class:`CatalogFormat` per codec name, registered in ``_REGISTRY`` (adding a format is one
entry here).  Facts encoded per format, with the reason where it matters:

* **parquet**: ParquetHiveSerDe, Mapred Parquet input/output formats; Athena matches Parquet
  columns by *name*, so adding, reordering and dropping columns are safe.
* **orc**: OrcSerde; Athena reads ORC by column *index* by default
  (``orc.column.index.access``), so only appending columns at the end is safe.
* **csv**: OpenCSVSerde (handles the quoting pyarrow writes, including the JSON text of nested
  columns), ``skip.header.line.count=1``; columns match by *position*.  OpenCSVSerDe parses
  DATE and TIMESTAMP only from UNIX numeric values, while pyarrow writes ISO-8601 text, so
  date/timestamp columns are declared ``string`` (cast in the query) and the note says so.
* **json**: org.openx.data.jsonserde.JsonSerDe; fields match by *name*.  Timestamps written
  as ISO-8601 with a UTC offset are declared ``string`` for the same reason as CSV.
* **avro**: AvroSerDe with the writer's schema in ``avro.schema.literal``; Avro's own types
  decide the declared ones (Avro has no 8/16-bit ints: they are ``int``); matched by name.
* **feather** (Arrow IPC file): Glue and Athena have no SerDe or reader for Arrow IPC files.
  The table is still registered (discoverable, with its schema and location) with
  ``classification=arrow`` and ``queryable=false``; a query engine cannot read it.

Type widenings each format's readers accept for old files (Athena's documented promotions for
Parquet/ORC; Avro's schema-resolution promotions; text formats re-parse text, so a type that
parses every old value is safe) are listed in ``widenings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pyarrow as pa

from formats.base import UnknownNameError
from storagebench.catalog.hive_types import arrow_to_hive

_TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
_TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

_NUMERIC_WIDENINGS = frozenset({
    ("tinyint", "smallint"), ("tinyint", "int"), ("tinyint", "bigint"), ("smallint", "int"),
    ("smallint", "bigint"), ("int", "bigint"), ("float", "double"),
})
# Text is re-parsed on every read: widening numbers, or reading anything as string, is safe.
_TEXT_WIDENINGS = _NUMERIC_WIDENINGS | frozenset(
    (t, "string") for t in ("boolean", "tinyint", "smallint", "int", "bigint", "float", "double",
                            "date", "timestamp", "decimal")) | frozenset({("int", "double"), ("bigint", "double")})
_AVRO_WIDENINGS = frozenset({("int", "bigint"), ("int", "float"), ("int", "double"), ("bigint", "float"),
                             ("bigint", "double"), ("float", "double"), ("string", "binary"),
                             ("binary", "string")})


@dataclass(frozen=True)
class CatalogFormat:
    name: str  # the codec name in formats/
    classification: str
    serde: str | None
    input_format: str | None
    output_format: str | None
    match_by: str  # "name" | "position": how readers line old files' columns up with the table's
    widenings: frozenset[tuple[str, str]]
    queryable: bool = True
    serde_parameters: dict[str, str] = field(default_factory=dict)
    table_parameters: dict[str, str] = field(default_factory=dict)
    declared_type: Callable[[pa.DataType, str], tuple[str, str]] | None = None
    note: str = ""

    def hive_type(self, t: pa.DataType, column: str) -> tuple[str, str]:
        """(declared Hive type, note) for a column of Arrow type ``t`` as this format stores it."""
        if self.declared_type is not None:
            return self.declared_type(t, column)
        return arrow_to_hive(t, column), ""

    def widening_ok(self, old: str, new: str) -> bool:
        if old == new:
            return True
        base_old, base_new = old.split("(")[0], new.split("(")[0]
        return (old, new) in self.widenings or (base_old, base_new) in self.widenings


def _text_declared(t: pa.DataType, column: str, temporal: tuple[Callable[[pa.DataType], bool], ...],
                   reason: str) -> tuple[str, str]:
    if any(check(t) for check in temporal):
        return "string", f"declared string: {reason}"
    return arrow_to_hive(t, column), ""


def _csv_type(t: pa.DataType, column: str) -> tuple[str, str]:
    return _text_declared(t, column, (pa.types.is_timestamp, pa.types.is_date),
                          "OpenCSVSerDe parses DATE/TIMESTAMP only from UNIX numbers; the file holds ISO-8601 text")


def _json_type(t: pa.DataType, column: str) -> tuple[str, str]:
    return _text_declared(t, column, (pa.types.is_timestamp,),
                          "the file holds ISO-8601 text with a UTC offset, which Hive's timestamp parser rejects")


def _avro_type(t: pa.DataType, column: str) -> tuple[str, str]:
    # formats/avro.py writes 8/16/32-bit ints as Avro int and unsigned/64-bit as long.
    if pa.types.is_integer(t):
        wide = t.bit_width > 32 or pa.types.is_unsigned_integer(t)
        return ("bigint" if wide else "int"), ""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        inner, note = _avro_type(t.value_type, column)
        return f"array<{inner}>", note
    if pa.types.is_struct(t):
        parts = [f"{f.name}:{_avro_type(f.type, column)[0]}" for f in t]
        return f"struct<{','.join(parts)}>", ""
    return arrow_to_hive(t, column), ""


_REGISTRY: dict[str, CatalogFormat] = {f.name: f for f in (
    CatalogFormat(
        "parquet", "parquet", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        match_by="name", widenings=_NUMERIC_WIDENINGS,
        serde_parameters={"serialization.format": "1"},
    ),
    CatalogFormat(
        "orc", "orc", "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
        "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
        match_by="position", widenings=_NUMERIC_WIDENINGS,
        note="Athena reads ORC by column index by default: only appending columns is safe",
    ),
    CatalogFormat(
        "csv", "csv", "org.apache.hadoop.hive.serde2.OpenCSVSerde", _TEXT_INPUT, _TEXT_OUTPUT,
        match_by="position", widenings=_TEXT_WIDENINGS,
        serde_parameters={"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"},
        table_parameters={"skip.header.line.count": "1"},
        declared_type=_csv_type,
        note="columns match by position; dates/timestamps declared string (ISO-8601 text)",
    ),
    CatalogFormat(
        "json", "json", "org.openx.data.jsonserde.JsonSerDe", _TEXT_INPUT, _TEXT_OUTPUT,
        match_by="name", widenings=_TEXT_WIDENINGS,
        serde_parameters={"ignore.malformed.json": "false"},
        declared_type=_json_type,
        note="JSON Lines; timestamps declared string (ISO-8601 with offset)",
    ),
    CatalogFormat(
        "avro", "avro", "org.apache.hadoop.hive.serde2.avro.AvroSerDe",
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
        match_by="name", widenings=_AVRO_WIDENINGS, declared_type=_avro_type,
        note="avro.schema.literal holds the writer schema",
    ),
    CatalogFormat(
        "feather", "arrow", None, None, None, match_by="name", widenings=frozenset(), queryable=False,
        note="Glue/Athena have no SerDe or reader for Arrow IPC files: registered for discovery only",
    ),
)}


def catalog_format(name: str) -> CatalogFormat:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownNameError("catalog format", name, _REGISTRY) from None


def catalog_format_names() -> list[str]:
    return list(_REGISTRY)
