"""Avro (via fastavro): row-oriented binary records with an embedded schema.

Measured as the streaming/row-store reference (Kafka, Kinesis Firehose and many ingestion tools
write Avro).  Row-oriented: projection and predicates are applied after decoding every record.
The Avro schema is derived from the Arrow schema; timestamps use ``timestamp-micros`` (UTC, the
zone name is not kept), decimals the ``decimal`` logical type, dictionaries become strings (a
recorded conversion).  Encoding includes turning the table into Python records and decoding
includes building an Arrow table from them: that is what using Avro from Python costs.

Needs ``fastavro`` (``pip install 'storagebench[avro]'``); without it every Avro case is skipped
with that hint.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa

from formats import register
from formats.catalog_facts import CatalogFormat
from formats.hive_types import arrow_to_hive
from formats.base import (
    Codec,
    EngineSpec,
    Location,
    ReadRequest,
    UnsupportedCaseError,
    UserFileError,
    WriteOptions,
    finish_arrow,
    first_batch,
    stringify_unsupported,
)

_HINT = "pip install 'storagebench[avro]'  (or: pip install fastavro)"


def _available_codecs() -> tuple[str, ...]:
    codecs = ["none", "deflate"]
    # fastavro's snappy needs cramjam (installed with fastparquet) or python-snappy.
    if importlib.util.find_spec("cramjam") or importlib.util.find_spec("snappy"):
        codecs.append("snappy")
    if importlib.util.find_spec("zstandard"):
        codecs.append("zstd")
    return tuple(codecs)


_FASTAVRO_CODEC = {"none": "null", "deflate": "deflate", "snappy": "snappy", "zstd": "zstandard"}

# Avro's schema-resolution promotions: the type changes old files survive.
_AVRO_WIDENINGS = frozenset({("int", "bigint"), ("int", "float"), ("int", "double"), ("bigint", "float"),
                             ("bigint", "double"), ("float", "double"), ("string", "binary"),
                             ("binary", "string")})


def _catalog_type(t: pa.DataType, column: str) -> tuple[str, str]:
    # This module writes 8/16/32-bit ints as Avro int and unsigned/64-bit as long.
    if pa.types.is_integer(t):
        wide = t.bit_width > 32 or pa.types.is_unsigned_integer(t)
        return ("bigint" if wide else "int"), ""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        inner, note = _catalog_type(t.value_type, column)
        return f"array<{inner}>", note
    if pa.types.is_struct(t):
        parts = [f"{f.name}:{_catalog_type(f.type, column)[0]}" for f in t]
        return f"struct<{','.join(parts)}>", ""
    return arrow_to_hive(t, column), ""


def _schema_literal(schema: pa.Schema) -> dict[str, str]:
    # AvroSerDe reads the writer schema from the table: the one this module writes for ``schema``.
    return {"avro.schema.literal": json.dumps(avro_schema(schema))}


@register
class AvroCodec(Codec):
    name = "avro"
    catalog = CatalogFormat(
        "avro", "avro", "org.apache.hadoop.hive.serde2.avro.AvroSerDe",
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
        match_by="name", widenings=_AVRO_WIDENINGS, declared_type=_catalog_type,
        schema_serde_parameters=_schema_literal,
        note="avro.schema.literal holds the writer schema",
    )
    extension = "avro"
    description = "row-oriented binary records with schema (streaming reference)"
    file_extensions = (".avro",)
    magic = b"Obj\x01"  # an Avro object container file
    title = "Avro"
    default_compression = "deflate"
    quick_compressions = ("none",)
    engines = {
        "fastavro": EngineSpec(
            "fastavro", True, True, _available_codecs(), projection=False,
            requires=("fastavro",), install_hint=_HINT,
        ),
    }

    def prepare(self, table: pa.Table) -> tuple[pa.Table, list]:
        return stringify_unsupported(
            table, pa.types.is_dictionary, pa.string(), "Avro enums need symbol names; stored as string"
        )

    def writer_input(self, table: pa.Table, engine: str) -> Any:
        # A Python Avro producer holds records (dicts); building them is setup, not encoding.
        return AvroRecords(avro_schema(table.schema), table.to_pylist())

    def write(self, data: Any, location: Location, engine: str, options: WriteOptions) -> None:
        self.check_write_case(engine, options.compression)
        import fastavro

        schema = fastavro.parse_schema(data.schema)
        with location.open_output() as sink:
            fastavro.writer(sink, schema, data.records, codec=_FASTAVRO_CODEC[options.compression])

    def read(self, location: Location, engine: str, request: ReadRequest) -> Any:
        import fastavro

        with location.open_python_input() as f:
            reader = fastavro.reader(f)
            # The file's own (writer) schema decides the Arrow types, never the suite's schema:
            # a timestamp-micros column is UTC, whatever zone name it was written from.
            schema = arrow_schema(reader.writer_schema)
            # Decoded records become Arrow batches a chunk at a time: only one chunk of Python
            # dicts is alive beside the growing table (all records at once held ~13x the Arrow
            # size of the data at 1M rows).
            batches = [pa.RecordBatch.from_pylist(chunk, schema=schema)
                       for chunk in _chunks(reader, _READ_CHUNK_RECORDS)]
        return finish_arrow(pa.Table.from_batches(batches, schema=schema), request)

    # -- the file on its own -------------------------------------------------------------------
    def load_user_file(self, path: Path) -> tuple[pa.Table, str]:
        # The same read as the benchmark's: types from the file's own writer schema.
        if importlib.util.find_spec("fastavro") is None:
            raise UserFileError(f"dataset file {path} is Avro: pip install 'storagebench[avro]'")
        return self.read(Location(str(path)), "fastavro", ReadRequest()), ""

    def file_schema(self, location: Location) -> pa.Schema:
        return arrow_schema(_writer_schema(location))

    def file_hive_columns(self, location: Location) -> list[tuple[str, str]]:
        # Avro's writer schema mapped straight to Hive types, not through Arrow: the catalog's
        # check then compares two independent paths (Arrow -> Hive at registration, this here).
        return [(field["name"].lower(), avro_to_hive(field["type"])) for field in _writer_schema(location)["fields"]]

    def write_batches(self, batches: Iterable[Any], location: Location, engine: str,
                      options: WriteOptions) -> None:
        # One Avro container (schema from the first batch), fastavro pulling records batch by
        # batch from a generator: only the batch being written is resident.
        self.check_write_case(engine, options.compression)
        import fastavro

        first, rest = first_batch(batches, self.name)
        records = (record for batch in itertools.chain([first], rest) for record in batch.records)
        with location.open_output() as sink:
            fastavro.writer(sink, fastavro.parse_schema(first.schema), records,
                            codec=_FASTAVRO_CODEC[options.compression])


_READ_CHUNK_RECORDS = 65_536


def _chunks(records: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    iterator = iter(records)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@dataclass(frozen=True)
class AvroRecords:
    schema: dict[str, Any]
    records: list[dict[str, Any]]


_AVRO_PRIMITIVES = {
    "boolean": pa.bool_(), "int": pa.int32(), "long": pa.int64(), "float": pa.float32(),
    "double": pa.float64(), "string": pa.string(), "bytes": pa.binary(), "null": pa.null(),
}
_AVRO_LOGICAL = {
    "timestamp-micros": pa.timestamp("us", tz="UTC"), "timestamp-millis": pa.timestamp("ms", tz="UTC"),
    "local-timestamp-micros": pa.timestamp("us"), "local-timestamp-millis": pa.timestamp("ms"),
    "date": pa.date32(), "time-micros": pa.time64("us"), "time-millis": pa.time32("ms"),
}


def arrow_schema(avro: dict[str, Any]) -> pa.Schema:
    """The Arrow schema an Avro record schema (as fastavro parses it) describes."""
    return pa.schema([pa.field(f["name"], _arrow_type(f["type"])) for f in avro["fields"]])


def _arrow_type(t: Any) -> pa.DataType:
    if isinstance(t, list):  # a union: ["null", X] is a nullable X
        branches = [b for b in t if b != "null"]
        if len(branches) != 1:
            raise UnsupportedCaseError(f"avro: union {t} has no single Arrow type")
        return _arrow_type(branches[0])
    if isinstance(t, str):
        if t not in _AVRO_PRIMITIVES:
            raise UnsupportedCaseError(f"avro: no Arrow type for Avro type {t!r}")
        return _AVRO_PRIMITIVES[t]
    logical = t.get("logicalType")
    if logical == "decimal":
        return pa.decimal128(t["precision"], t.get("scale", 0))
    if logical in _AVRO_LOGICAL:
        return _AVRO_LOGICAL[logical]
    if t["type"] == "record":
        return pa.struct(list(arrow_schema(t)))
    if t["type"] == "array":
        return pa.list_(_arrow_type(t["items"]))
    if t["type"] == "enum":
        return pa.dictionary(pa.int32(), pa.string())
    # Not written by this module, but found in users' files (read as a dataset).
    if t["type"] == "map":
        return pa.map_(pa.string(), _arrow_type(t["values"]))
    if t["type"] == "fixed":
        return pa.binary(t["size"])
    return _arrow_type(t["type"])


def avro_schema(schema: pa.Schema, name: str = "Row") -> dict[str, Any]:
    """An Avro record schema for an Arrow schema (every field nullable, as Arrow's are)."""
    return {
        "type": "record",
        "name": name,
        "fields": [{"name": f.name, "type": ["null", _avro_type(f.type, f"{name}_{f.name}")]}
                   for f in schema],
    }


def _avro_type(t: pa.DataType, name: str) -> Any:
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t):
        return "long" if t.bit_width > 32 or pa.types.is_unsigned_integer(t) else "int"
    if pa.types.is_float32(t):
        return "float"
    if pa.types.is_floating(t):
        return "double"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return "bytes"
    if pa.types.is_timestamp(t):
        return {"type": "long", "logicalType": "timestamp-micros"}
    if pa.types.is_date32(t):
        return {"type": "int", "logicalType": "date"}
    if pa.types.is_decimal(t):
        return {"type": "bytes", "logicalType": "decimal", "precision": t.precision, "scale": t.scale}
    if pa.types.is_struct(t):
        return avro_schema(pa.schema([t.field(i) for i in range(t.num_fields)]), name)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return {"type": "array", "items": ["null", _avro_type(t.value_type, name + "_item")]}
    raise UnsupportedCaseError(f"avro: no Avro type for Arrow type {t} (column {name})")


def _writer_schema(location: Location) -> dict[str, Any]:
    import fastavro

    with location.open_python_input() as f:
        return fastavro.reader(f).writer_schema


_AVRO_HIVE_PRIMITIVE = {"boolean": "boolean", "int": "int", "long": "bigint", "float": "float",
                        "double": "double", "string": "string", "bytes": "binary"}


def avro_to_hive(avro_type: Any) -> str:
    """Hive type for an Avro type (unions with null are unwrapped: every Hive column is nullable)."""
    if isinstance(avro_type, list):
        branches = [b for b in avro_type if b != "null"]
        if len(branches) != 1:
            raise ValueError(f"Avro union {avro_type} has no single Hive type")
        return avro_to_hive(branches[0])
    if isinstance(avro_type, str):
        return _AVRO_HIVE_PRIMITIVE[avro_type]
    logical = avro_type.get("logicalType")
    if logical == "decimal":
        return f"decimal({avro_type['precision']},{avro_type.get('scale', 0)})"
    if logical in ("timestamp-millis", "timestamp-micros"):
        return "timestamp"
    if logical == "date":
        return "date"
    kind = avro_type["type"]
    if kind == "array":
        return f"array<{avro_to_hive(avro_type['items'])}>"
    if kind == "map":
        return f"map<string,{avro_to_hive(avro_type['values'])}>"
    if kind == "record":
        return "struct<" + ",".join(f"{f['name']}:{avro_to_hive(f['type'])}" for f in avro_type["fields"]) + ">"
    return avro_to_hive(kind)
