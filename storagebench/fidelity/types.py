"""Type rules: which type differences are representation only (canonical types), what a
type change is called, and how a column read as another type is converted back for the value
comparison (text parsed, timestamps to dates)."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc


def describe_type_change(et: pa.DataType, at: pa.DataType) -> str | None:
    """What changed about the type, or None for the documented normalisations."""
    if _canonical(et) == _canonical(at):
        return None
    if pa.types.is_timestamp(et) and pa.types.is_timestamp(at):
        notes = []
        if et.tz != at.tz:
            notes.append(f"timezone {et.tz} -> {at.tz}")
        if _unit_rank(at.unit) < _unit_rank(et.unit):
            notes.append(f"precision {et.unit} -> {at.unit}")
        return "; ".join(notes) or None  # a finer unit alone is a representation change
    if pa.types.is_decimal(et) and pa.types.is_decimal(at) and et.scale == at.scale:
        return None  # precision re-inferred from values (see module docstring)
    if pa.types.is_dictionary(et) and not pa.types.is_dictionary(at):
        return f"type {et} -> {at} (categorical lost)"
    if _is_text(at) and not _is_text(et):
        return f"type {et} -> {at} (read as text)"
    return f"type {et} -> {at}"


def _canonical(t: pa.DataType) -> pa.DataType:
    """The type a value would have ignoring representation-only differences."""
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return pa.binary()
    if pa.types.is_large_list(t) or pa.types.is_list_view(t) or pa.types.is_large_list_view(t) \
            or pa.types.is_list(t):
        return pa.list_(_canonical_field(t.value_field))
    if pa.types.is_struct(t):
        return pa.struct([_canonical_field(t.field(i)) for i in range(t.num_fields)])
    if pa.types.is_dictionary(t):
        return pa.dictionary(pa.int32(), _canonical(t.value_type))
    if pa.types.is_timestamp(t):
        return pa.timestamp("ns", t.tz)  # unit: compared by value below
    return t


def _canonical_field(f: pa.Field) -> pa.Field:
    # List item names differ by writer ("item" vs "element"): not a data difference.
    return pa.field("item" if f.name in ("item", "element") else f.name, _canonical(f.type))


def _unit_rank(unit: str) -> int:
    return {"s": 0, "ms": 1, "us": 2, "ns": 3}[unit]


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def zone_dropped(et: pa.DataType, act: pa.Array) -> str | None:
    """A reason when a zone-aware column came back without any zone (instants now ambiguous)."""
    if pa.types.is_timestamp(act.type) and act.type.tz is None:
        return f"timezone {et.tz} dropped ({et} -> {act.type}); instants ambiguous"
    if _is_text(act.type):
        sample = pc.drop_null(act)
        if len(sample):
            try:
                sample.cast(pa.timestamp("ns"))
                return f"timezone {et.tz} dropped (read as text without an offset, e.g. " \
                       f"{sample[0].as_py()!r}); instants ambiguous"
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None  # text with offsets (or not timestamps at all): compared by value
    return None


class NotComparable(Exception):
    pass


def coerce(act: pa.Array, target: pa.DataType) -> pa.Array | list:
    """``act`` converted to the written type so values can be compared (an Arrow array), or a
    list of Python values for text that holds nested JSON.  Raises NotComparable."""
    if _canonical(act.type) == _canonical(target):
        return act
    if pa.types.is_null(act.type):
        return pa.nulls(len(act), target)
    try:
        if pa.types.is_nested(target):
            if _is_text(act.type):
                return [None if v is None else json.loads(v) for v in act.to_pylist()]
            return act.to_pylist()  # nested of another shape: compared as Python values
        if _is_text(act.type):
            return _parse_text(act, target)
        if pa.types.is_date(target) and pa.types.is_timestamp(act.type):
            return _timestamp_to_date(act.cast(pa.timestamp(act.type.unit)), target)
        if pa.types.is_timestamp(target) and pa.types.is_timestamp(act.type):
            return act.cast(pa.timestamp(act.type.unit, tz=target.tz))  # instants kept by the cast
        return act.cast(target, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, ValueError) as exc:
        raise NotComparable(str(exc).splitlines()[0][:120]) from None


def _parse_text(act: pa.Array, target: pa.DataType) -> pa.Array:
    if pa.types.is_date(target):
        try:
            return act.cast(target)
        except pa.ArrowInvalid:
            return _timestamp_to_date(act.cast(pa.timestamp("us")), target)  # "2024-03-21T00:00:00"
    if pa.types.is_timestamp(target):
        return act.cast(pa.timestamp("ns", tz="UTC" if target.tz else None)).cast(
            pa.timestamp("ns", tz=target.tz))
    if pa.types.is_boolean(target):
        return pc.equal(pc.utf8_lower(act), "true")
    return act.cast(target, safe=True)


def _timestamp_to_date(ts: pa.Array, target: pa.DataType) -> pa.Array:
    # Arrow's timestamp -> date cast truncates the time silently: only midnights are a date.
    dates = ts.cast(target)
    if not pc.all(pc.fill_null(pc.equal(dates.cast(ts.type), ts), True)).as_py():
        raise ValueError("times of day other than midnight")
    return dates
