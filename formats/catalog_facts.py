"""How a file format is described to a data catalog (the Glue Data Catalog / Hive metastore).

Each codec owns its catalog facts (``Codec.catalog``, declared in its own module beside its
readers and writers): SerDe, input/output format, declared column types, how readers line old
files' columns up with the table's, and which type changes old files survive.  A codec with
``catalog = None`` has no catalog description, and the catalog suite says so by name.

Type widenings each format's readers accept for old files: Athena's documented promotions for
Parquet/ORC (:data:`NUMERIC_WIDENINGS`); text formats re-parse text, so a type that parses every
old value is safe (:data:`TEXT_WIDENINGS`); Avro's schema-resolution promotions are in
``formats/avro.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pyarrow as pa

from formats.hive_types import arrow_to_hive

TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

NUMERIC_WIDENINGS = frozenset({
    ("tinyint", "smallint"), ("tinyint", "int"), ("tinyint", "bigint"), ("smallint", "int"),
    ("smallint", "bigint"), ("int", "bigint"), ("float", "double"),
})
# Text is re-parsed on every read: widening numbers, or reading anything as string, is safe.
TEXT_WIDENINGS = NUMERIC_WIDENINGS | frozenset(
    (t, "string") for t in ("boolean", "tinyint", "smallint", "int", "bigint", "float", "double",
                            "date", "timestamp", "decimal")) | frozenset({("int", "double"), ("bigint", "double")})


@dataclass(frozen=True)
class CatalogFormat:
    name: str  # the codec name
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
    # SerDe parameters that depend on the file's schema (Avro's writer schema literal).
    schema_serde_parameters: Callable[[pa.Schema], dict[str, str]] | None = None
    note: str = ""

    def hive_type(self, t: pa.DataType, column: str) -> tuple[str, str]:
        """(declared Hive type, note) for a column of Arrow type ``t`` as this format stores it."""
        if self.declared_type is not None:
            return self.declared_type(t, column)
        return arrow_to_hive(t, column), ""

    def serde_parameters_for(self, schema: pa.Schema) -> dict[str, str]:
        """The SerDe parameters of a table whose files hold ``schema``."""
        extra = self.schema_serde_parameters(schema) if self.schema_serde_parameters else {}
        return {**self.serde_parameters, **extra}

    def widening_ok(self, old: str, new: str) -> bool:
        if old == new:
            return True
        base_old, base_new = old.split("(")[0], new.split("(")[0]
        return (old, new) in self.widenings or (base_old, base_new) in self.widenings


def text_declared_type(t: pa.DataType, column: str, temporal: tuple[Callable[[pa.DataType], bool], ...],
                       reason: str) -> tuple[str, str]:
    """Declared type for a text format: temporal columns the SerDe cannot parse become string."""
    if any(check(t) for check in temporal):
        return "string", f"declared string: {reason}"
    return arrow_to_hive(t, column), ""
