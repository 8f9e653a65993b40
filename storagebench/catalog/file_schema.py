"""A written file's own schema, in catalog terms, read from the file and nothing else.

Used to check that a catalog entry tells the truth about the file it points to.  Each codec
reads its own files' schema (``Codec.file_schema`` / ``Codec.file_hive_columns`` in
``formats/<fmt>.py``); this module only maps what they return to catalog columns:

* Parquet, ORC and Arrow IPC embed an Arrow-convertible schema: it is mapped with the format's
  catalog rules (:func:`storagebench.catalog.columns_for`);
* Avro embeds its writer schema: its codec maps it from Avro types to Hive types directly,
  independently of the Arrow -> Hive path used at registration, so the two paths check each other;
* CSV and JSON Lines carry names only (the CSV header, the keys of the first record): types are
  reported as ``None`` because the file has none; the catalog's types are what makes them typed.
"""

from __future__ import annotations

import pyarrow as pa

import formats
from formats.base import Codec, Location, UnknownNameError
from storagebench.catalog import columns_for
from storagebench.catalog.formats import catalog_format


def _has_schema_reader(codec: Codec) -> bool:
    return type(codec).file_schema is not Codec.file_schema or type(codec).file_hive_columns is not Codec.file_hive_columns


def file_columns(fmt: str, location: Location) -> list[tuple[str, str | None]]:
    """(name, Hive type or None when the file carries no types) for each column in the file."""
    readers = {c.name: c for c in formats.all_codecs() if _has_schema_reader(c)}
    try:
        codec = readers[fmt]
    except KeyError:
        raise UnknownNameError("format with a schema reader", fmt, readers) from None
    own = codec.file_hive_columns(location)
    if own is not None:
        return list(own)
    schema = codec.file_schema(location)
    if isinstance(schema, pa.Schema):
        return [(c.name, c.type) for c in columns_for(schema, catalog_format(fmt))]
    return [(name.lower(), None) for name in schema or ()]
