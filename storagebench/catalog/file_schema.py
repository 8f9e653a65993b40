"""A written file's own schema, in catalog terms, read from the file and nothing else.

Used to check that a catalog entry tells the truth about the file it points to:

* Parquet, ORC and Arrow IPC embed an Arrow-convertible schema: read it and map it with the
  format's catalog rules;
* Avro embeds its writer schema: it is mapped from Avro types to Hive types here, independently
  of the Arrow -> Hive path used at registration, so the two paths check each other;
* CSV and JSON Lines carry names only (the CSV header, the keys of the first record): types are
  reported as ``None`` because the file has none; the catalog's types are what makes them typed.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc
import pyarrow.orc as paorc
import pyarrow.parquet as pq

from formats.base import Location, UnknownNameError
from storagebench.catalog import columns_for
from storagebench.catalog.formats import catalog_format


def _from_arrow(fmt: str, schema: pa.Schema) -> list[tuple[str, str | None]]:
    return [(c.name, c.type) for c in columns_for(schema, catalog_format(fmt))]


def _parquet(loc: Location) -> list[tuple[str, str | None]]:
    with loc.open_input() as f:
        return _from_arrow("parquet", pq.read_schema(f))


def _orc(loc: Location) -> list[tuple[str, str | None]]:
    with loc.open_input() as f:
        return _from_arrow("orc", paorc.ORCFile(f).schema)


def _feather(loc: Location) -> list[tuple[str, str | None]]:
    with loc.open_input() as f:
        return _from_arrow("feather", ipc.open_file(f).schema)


def _csv(loc: Location) -> list[tuple[str, str | None]]:
    with loc.open_input() as f:
        # Read only the header: every column as string, no type inference, one small block.
        reader = pacsv.open_csv(f, read_options=pacsv.ReadOptions(block_size=1 << 16))
        return [(name.lower(), None) for name in reader.schema.names]


def _json(loc: Location) -> list[tuple[str, str | None]]:
    with loc.open_input() as f:
        head = b""
        while b"\n" not in head:  # the first record only, in 64 KiB reads
            chunk = f.read(1 << 16)
            if not chunk:
                break
            head += chunk
    first = json.loads(head.split(b"\n", 1)[0])
    return [(name.lower(), None) for name in first]


_AVRO_PRIMITIVE = {"boolean": "boolean", "int": "int", "long": "bigint", "float": "float",
                   "double": "double", "string": "string", "bytes": "binary"}


def avro_to_hive(avro_type: Any) -> str:
    """Hive type for an Avro type (unions with null are unwrapped: every Hive column is nullable)."""
    if isinstance(avro_type, list):
        branches = [b for b in avro_type if b != "null"]
        if len(branches) != 1:
            raise ValueError(f"Avro union {avro_type} has no single Hive type")
        return avro_to_hive(branches[0])
    if isinstance(avro_type, str):
        return _AVRO_PRIMITIVE[avro_type]
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


def _avro(loc: Location) -> list[tuple[str, str | None]]:
    import fastavro

    with loc.open_python_input() as f:
        schema = fastavro.reader(f).writer_schema
    return [(field["name"].lower(), avro_to_hive(field["type"])) for field in schema["fields"]]


_READERS: dict[str, Callable[[Location], list[tuple[str, str | None]]]] = {
    "parquet": _parquet, "orc": _orc, "feather": _feather, "csv": _csv, "json": _json, "avro": _avro,
}


def file_columns(fmt: str, location: Location) -> list[tuple[str, str | None]]:
    """(name, Hive type or None when the file carries no types) for each column in the file."""
    try:
        reader = _READERS[fmt]
    except KeyError:
        raise UnknownNameError("format with a schema reader", fmt, _READERS) from None
    return reader(location)
