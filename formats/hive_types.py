"""Arrow types <-> the Hive type strings the Glue Data Catalog stores (and Athena reads).

``arrow_to_hive`` is the mapping used when a table is registered; ``parse_hive`` reads a type
string back (``struct<a:int,b:array<string>>``, ``decimal(12,2)``, ``map<string,bigint>``) into
an Arrow type so a catalog entry can be checked against a file's own schema.

Mapping choices (and what they lose, stated where a column is registered):

* int8/int16/int32/int64 -> tinyint/smallint/int/bigint; unsigned ints widen to the next signed
  type (uint64 -> decimal(20,0): Hive has no unsigned 64-bit integer);
* float32/float64 -> float/double; bool -> boolean; string/large_string -> string;
  binary -> binary; date32 -> date; decimal128(p,s) -> decimal(p,s) (Hive's limit is 38);
* every timestamp unit and zone -> ``timestamp``: Hive's timestamp has no zone, so a tz-aware
  column is registered as its UTC instant and the zone name is recorded in the column comment;
* dictionary (categorical) -> the value type (Hive has no categorical);
* list -> array<T>, struct -> struct<name:T,...>, map -> map<K,V>.
"""

from __future__ import annotations

import re

import pyarrow as pa

from formats.errors import UnsupportedCaseError

_SIMPLE: dict[str, pa.DataType] = {
    "boolean": pa.bool_(),
    "tinyint": pa.int8(),
    "smallint": pa.int16(),
    "int": pa.int32(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "float": pa.float32(),
    "double": pa.float64(),
    "string": pa.string(),
    "binary": pa.binary(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}

_UNSIGNED_WIDENED = {8: "smallint", 16: "int", 32: "bigint", 64: "decimal(20,0)"}
_SIGNED = {8: "tinyint", 16: "smallint", 32: "int", 64: "bigint"}
_HIVE_MAX_DECIMAL_PRECISION = 38


def arrow_to_hive(t: pa.DataType, column: str = "?") -> str:
    """The Hive type string for an Arrow type; ``column`` names the column in errors."""
    if pa.types.is_dictionary(t):
        return arrow_to_hive(t.value_type, column)
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_unsigned_integer(t):
        return _UNSIGNED_WIDENED[t.bit_width]
    if pa.types.is_integer(t):
        return _SIGNED[t.bit_width]
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return "float"
    if pa.types.is_float64(t):
        return "double"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "binary"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_decimal(t):
        if t.precision > _HIVE_MAX_DECIMAL_PRECISION:
            raise UnsupportedCaseError(
                f"column {column!r}: {t} exceeds Hive's maximum decimal precision of 38")
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return f"array<{arrow_to_hive(t.value_type, column)}>"
    if pa.types.is_map(t):
        return f"map<{arrow_to_hive(t.key_type, column)},{arrow_to_hive(t.item_type, column)}>"
    if pa.types.is_struct(t):
        fields = ",".join(f"{f.name}:{arrow_to_hive(f.type, column)}" for f in t)
        return f"struct<{fields}>"
    if pa.types.is_null(t):
        return "string"  # an all-null column: any type reads it; string is the safe choice
    raise UnsupportedCaseError(f"column {column!r}: no Glue/Hive type for Arrow type {t}")


def column_comment(t: pa.DataType) -> str:
    """A comment that states what the Hive type does not carry (zone, categorical)."""
    if pa.types.is_timestamp(t) and t.tz:
        return f"UTC instant; source time zone {t.tz}"
    if pa.types.is_dictionary(t):
        return "categorical (dictionary-encoded) in the source"
    return ""


# -- parsing type strings back -------------------------------------------------------------------
_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|<|>|\(|\)|,|:|\d+)")


class HiveTypeSyntaxError(ValueError):
    pass


def parse_hive(text: str) -> pa.DataType:
    """Parse a Hive/Glue type string into an Arrow type (canonical widths and units)."""
    tokens = [m.group(1) for m in _TOKEN.finditer(text)]
    if "".join(tokens) != re.sub(r"\s+", "", text):
        raise HiveTypeSyntaxError(f"unparseable Hive type {text!r}")
    pos, result = _parse(tokens, 0, text)
    if pos != len(tokens):
        raise HiveTypeSyntaxError(f"trailing text in Hive type {text!r}")
    return result


def _expect(tokens: list[str], pos: int, want: str, text: str) -> int:
    if pos >= len(tokens) or tokens[pos] != want:
        raise HiveTypeSyntaxError(f"expected {want!r} at token {pos} of Hive type {text!r}")
    return pos + 1


def _parse(tokens: list[str], pos: int, text: str) -> tuple[int, pa.DataType]:
    if pos >= len(tokens):
        raise HiveTypeSyntaxError(f"incomplete Hive type {text!r}")
    name = tokens[pos].lower()
    pos += 1
    if name in _SIMPLE:
        return pos, _SIMPLE[name]
    if name == "decimal":
        pos = _expect(tokens, pos, "(", text)
        precision = int(tokens[pos])
        pos = _expect(tokens, pos + 1, ",", text)
        scale = int(tokens[pos])
        pos = _expect(tokens, pos + 1, ")", text)
        return pos, pa.decimal128(precision, scale)
    if name == "array":
        pos = _expect(tokens, pos, "<", text)
        pos, item = _parse(tokens, pos, text)
        return _expect(tokens, pos, ">", text), pa.list_(item)
    if name == "map":
        pos = _expect(tokens, pos, "<", text)
        pos, key = _parse(tokens, pos, text)
        pos = _expect(tokens, pos, ",", text)
        pos, value = _parse(tokens, pos, text)
        return _expect(tokens, pos, ">", text), pa.map_(key, value)
    if name == "struct":
        pos = _expect(tokens, pos, "<", text)
        fields = []
        while True:
            field_name = tokens[pos]
            pos = _expect(tokens, pos + 1, ":", text)
            pos, ftype = _parse(tokens, pos, text)
            fields.append(pa.field(field_name, ftype))
            if tokens[pos] == ">":
                return pos + 1, pa.struct(fields)
            pos = _expect(tokens, pos, ",", text)
    raise HiveTypeSyntaxError(f"unknown Hive type {name!r} in {text!r}")
