"""Fidelity: did the read give back what was written?  Speed of a wrong answer is not a result.

Every read in the suite is compared, column by column and value by value, with the table that
was written (projected and filtered the same way).  The verdict is ``lossless``,
``lossy-types`` (every value came back, but a type changed: categorical to string, int32 to
int64, a date or timestamp as text, a time-zone name replaced by UTC...) or ``lossy-values``
(values changed, a time zone was dropped so instants are ambiguous, rows or columns went
missing).  Each issue is structured, ``{column, kind, detail}``; the kind alone decides whether
it costs values or only types (:func:`storagebench.results.issue_loses_values`), so no consumer
ever re-derives a verdict from the English detail.

The comparison is engine-agnostic: it takes two Arrow tables, so any engine whose native result
converts to Arrow (pyarrow, pandas, fastparquet, polars, DuckDB...) is judged the same way.
:func:`verdict` is the public entry point.

Values are compared as values, not as Arrow's ``equals``: floats by value *and sign* (Arrow
treats ``-0.0 == 0.0``; pandas' JSON writer turns -0.0 into 0.0) with NaN equal to NaN; a null
is never equal to NaN.  A column read back as text (or as another type) is converted to the
written type before its values are compared, so "2024-03-21T00:00:00.000000" read for a
``date32`` keeps its values and costs only the type, while text that does not parse back to the
written value is a lost value.

Only these normalisations are treated as lossless, because they change representation and
never a value:

* string / large_string / string_view (and the binary equivalents) are the same type;
* list / large_list are the same type, and list item names ("item" / "element") do not matter;
* a timestamp read back at a finer unit (us -> ns) with equal values;
* dictionary index width (int8 vs int32 indices) with equal values;
* a decimal's precision when every value is equal (pandas has no decimal dtype, so a
  DataFrame -> Arrow conversion re-infers precision from the values);

and a decimal of at most 15 significant digits read back as the double nearest to it keeps its
values (a type loss): printing that double gives the decimal back.
* chunking and column order (columns are matched by name), and a pandas index is ignored.

Conversions the suite made before writing (``formats.base.Conversion``) are always reported
(kind ``converted``, a type loss); a type difference they explain is not reported twice.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from storagebench.results import (
    ISSUE_CONVERTED,
    ISSUE_EXTRA,
    ISSUE_MISSING,
    ISSUE_ROWS,
    ISSUE_TIMEZONE,
    ISSUE_TYPE,
    ISSUE_UNREADABLE,
    ISSUE_VALUES,
    fidelity_status,
)

__all__ = ["ColumnIssue", "Verdict", "verdict", "compare", "compare_column", "unreadable"]


@dataclass(frozen=True)
class ColumnIssue:
    """One thing a read changed: ``kind`` is one of the ``ISSUE_*`` names in results.py."""

    column: str
    kind: str
    detail: str

    def describe(self) -> str:
        return f"{self.column}: {self.detail}"

    def as_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Verdict:
    issues: list[ColumnIssue] = field(default_factory=list)
    # True when the reader was handed the written schema (a labelled engine option, not what a
    # user without the original schema sees): the verdict then describes that read, not the file.
    schema_supplied: bool = False

    @property
    def status(self) -> str:
        """"lossless", "lossy-types" (every value kept, a type changed) or "lossy-values"."""
        return fidelity_status([i.kind for i in self.issues])

    @property
    def lossy_columns(self) -> list[str]:
        return sorted({i.column for i in self.issues})

    def as_info(self) -> dict[str, Any]:
        """The ``extra_info`` keys (storagebench/results.py): structured, no prose to parse."""
        return {
            "fidelity": self.status,
            "fidelity_lossy_columns": self.lossy_columns,
            "fidelity_issues": [i.as_json() for i in self.issues],
            "fidelity_schema_supplied": self.schema_supplied,
        }


def unreadable(reason: str) -> Verdict:
    return Verdict([ColumnIssue("*", ISSUE_UNREADABLE, reason)])


def verdict(expected: pa.Table, got: pa.Table, conversions: Iterable[Any] = (),
            schema_supplied: bool = False) -> Verdict:
    """The verdict on ``got`` (what a reader returned, as Arrow) against ``expected``."""
    result = compare(expected, got, conversions)
    result.schema_supplied = schema_supplied
    return result


def compare(expected: pa.Table, actual: pa.Table, conversions: Iterable[Any] = ()) -> Verdict:
    """Compare a read-back table with what was written (both already projected/filtered)."""
    result = Verdict()
    converted: set[str] = set()
    for conv in conversions:
        converted.add(conv.column)
        result.issues.append(ColumnIssue(
            conv.column, ISSUE_CONVERTED,
            f"converted {conv.from_type} -> {conv.to_type} before writing ({conv.reason})"))
    actual = _drop_pandas_index(actual, expected)
    if actual.num_rows != expected.num_rows:
        result.issues.append(ColumnIssue(
            "*", ISSUE_ROWS, f"{actual.num_rows} rows read, {expected.num_rows} expected"))
        return result
    for name in expected.column_names:
        if name not in actual.column_names:
            result.issues.append(ColumnIssue(name, ISSUE_MISSING, "column missing from the read"))
            continue
        issue = compare_column(name, expected.column(name), actual.column(name))
        if issue is not None and not (issue.kind == ISSUE_TYPE and name in converted):
            result.issues.append(issue)
    for name in actual.column_names:
        if name not in expected.column_names:
            result.issues.append(ColumnIssue(name, ISSUE_EXTRA, "column read that was not written"))
    return result


def _drop_pandas_index(actual: pa.Table, expected: pa.Table) -> pa.Table:
    for name in list(actual.column_names):
        if name.startswith("__index_level_") and name not in expected.column_names:
            actual = actual.drop_columns([name])
    return actual


# -- one column -------------------------------------------------------------------------------

def compare_column(name: str, exp: pa.ChunkedArray | pa.Array, act: pa.ChunkedArray | pa.Array
                   ) -> ColumnIssue | None:
    exp, act = _whole(exp), _whole(act)
    type_note = _type_note(exp.type, act.type)
    exp_plain, act_plain = _decoded(exp), _decoded(act)
    et = exp_plain.type

    if pa.types.is_timestamp(et) and et.tz is not None:
        dropped = _zone_dropped(et, act_plain)
        if dropped:
            return ColumnIssue(name, ISSUE_TIMEZONE, dropped)

    if pa.types.is_decimal(et) and pa.types.is_floating(act_plain.type) and et.precision <= 15:
        # A double keeps a decimal of up to 15 significant digits when it is the double nearest
        # to it (what printing and parsing give); compare with exactly that double.
        # (Arrow's decimal -> double cast is not correctly rounded: 7935.40 -> 7935.400000000001;
        # parsing the decimal's text is.)
        exp_plain, et = exp_plain.cast(pa.string()).cast(pa.float64()), pa.float64()
    try:
        coerced = _coerce(act_plain, et)
    except _NotComparable as exc:
        return ColumnIssue(name, ISSUE_VALUES, f"{type_note or 'type changed'}; values cannot be read "
                                              f"back as {et} ({exc})")
    diff = _value_differences(exp_plain, coerced, act_plain)
    if diff is None and type_note is None:
        return None
    if diff is None:
        return ColumnIssue(name, ISSUE_TYPE, f"{type_note}; values equal")
    count, example = diff
    prefix = f"{type_note}; " if type_note else ""
    return ColumnIssue(name, ISSUE_VALUES, f"{prefix}{count} of {len(exp)} values differ (e.g. {example})")


def _whole(a: pa.ChunkedArray | pa.Array) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def _decoded(a: pa.Array) -> pa.Array:
    """Values without their encoding: dictionaries decoded, extension types (e.g. arrow.json,
    what pyarrow reads fastparquet's JSON-text columns as) reduced to their storage."""
    if isinstance(a.type, pa.BaseExtensionType):
        a = a.storage
    return _dictionary_values(a) if pa.types.is_dictionary(a.type) else a


def _type_note(et: pa.DataType, at: pa.DataType) -> str | None:
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


def _zone_dropped(et: pa.DataType, act: pa.Array) -> str | None:
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


class _NotComparable(Exception):
    pass


def _coerce(act: pa.Array, target: pa.DataType) -> pa.Array | list:
    """``act`` converted to the written type so values can be compared (an Arrow array), or a
    list of Python values for text that holds nested JSON.  Raises _NotComparable."""
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
        raise _NotComparable(str(exc).splitlines()[0][:120]) from None


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


# -- values -----------------------------------------------------------------------------------

def _value_differences(exp: pa.Array, got: pa.Array | list, raw: pa.Array) -> tuple[int, str] | None:
    """None when every value (and null) matches, else (count, one example from the raw read)."""
    if isinstance(got, list) or pa.types.is_nested(exp.type):
        ev = exp.to_pylist()
        gv = got if isinstance(got, list) else got.to_pylist()
        bad = [i for i, (a, b) in enumerate(zip(ev, gv)) if not _same(a, b)]
        if not bad:
            return None
        return len(bad), _example(ev[bad[0]], raw[bad[0]].as_py(), bad[0])
    if pa.types.is_floating(exp.type):
        differ = _float_differences(exp, got.cast(exp.type))
    else:
        got = got.cast(exp.type) if got.type != exp.type else got
        equal = pc.equal(exp, got)
        nulls_differ = pc.xor(pc.is_null(exp), pc.is_null(got))
        differ = pc.or_(pc.fill_null(pc.invert(equal), False), nulls_differ)
    count = pc.sum(differ).as_py() or 0
    if count == 0:
        return None
    idx = pc.index(differ, True).as_py()
    return count, _example(exp[idx].as_py(), raw[idx].as_py(), idx)


def _float_differences(exp: pa.Array, got: pa.Array) -> pa.Array:
    """Per row: differs by value, by sign (-0.0 vs 0.0), by NaN-ness or by null-ness."""
    e_null = np.asarray(exp.is_null())
    g_null = np.asarray(got.is_null())
    e = np.asarray(pc.fill_null(exp, 0.0).to_numpy(zero_copy_only=False))
    g = np.asarray(pc.fill_null(got, 0.0).to_numpy(zero_copy_only=False))
    with np.errstate(invalid="ignore"):
        same = ((e == g) & (np.signbit(e) == np.signbit(g))) | (np.isnan(e) & np.isnan(g))
    return pa.array(~same & ~(e_null & g_null) | (e_null != g_null))


def _same(a: Any, b: Any) -> bool:
    """Python-value equality with floats by value and sign, NaN == NaN, and nesting."""
    if isinstance(a, float) and isinstance(b, (float, int)) and not isinstance(b, bool):
        b = float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _example(written: Any, read: Any, row: int) -> str:
    def short(v: Any) -> str:
        text = repr(v)
        return text if len(text) <= 60 else text[:57] + "..."

    if written is None and isinstance(read, float) and read != read:
        return f"row {row}: null became NaN"
    return f"row {row}: wrote {short(written)}, read {short(read)}"


def _dictionary_values(arr: pa.DictionaryArray) -> pa.Array:
    """A dictionary column's values.  Not ``cast``/``dictionary_decode``: Arrow has no kernels for
    dictionaries of string_view, which polars writes for Categorical columns."""
    values = arr.dictionary
    if pa.types.is_string_view(values.type):
        values = values.cast(pa.string())
    elif pa.types.is_binary_view(values.type):
        values = values.cast(pa.binary())
    return pa.DictionaryArray.from_arrays(arr.indices, values).dictionary_decode()
