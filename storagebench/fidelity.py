"""Fidelity: did the read give back what was written?  Speed of a wrong answer is not a result.

Every read in the suite is compared, column by column and value by value, with the table that
was written (projected and filtered the same way).  The verdict is ``lossless``,
``lossy-types`` (every value came back, but a type changed: categorical to string, int32 to
int64, timestamp to text...) or ``lossy-values`` (values changed, a timezone was dropped, rows
or columns went missing).  Each issue names the column and the reason, with a count and an
example for changed values.

Only these normalisations are treated as lossless, because they change representation and
never a value:

* string / large_string / string_view (and the binary equivalents) are the same type;
* list / large_list are the same type;
* a timestamp read back at a finer unit (us -> ns) with equal values;
* dictionary index width (int8 vs int32 indices) with equal values;
* a decimal's precision when every value is equal (pandas has no decimal dtype, so a
  DataFrame -> Arrow conversion re-infers precision from the values);
* chunking and column order (columns are matched by name), and a pandas index is ignored.

Conversions the suite made before writing (``formats.base.Conversion``) are always lossy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc

from storagebench.results import FIDELITY_LOSSLESS as LOSSLESS
from storagebench.results import fidelity_status


@dataclass
class ColumnIssue:
    column: str
    kind: str  # "type", "values", "timezone", "nulls", "missing", "converted", "rows"
    detail: str

    def describe(self) -> str:
        return f"{self.column}: {self.detail}"


@dataclass
class Verdict:
    issues: list[ColumnIssue] = field(default_factory=list)

    @property
    def status(self) -> str:
        """"lossless", "lossy-types" (every value kept, a type changed) or "lossy-values"."""
        return fidelity_status([i.kind for i in self.issues])

    @property
    def lossy_columns(self) -> list[str]:
        return sorted({i.column for i in self.issues})

    def as_info(self) -> dict[str, Any]:
        return {
            "fidelity": self.status,
            "fidelity_lossy_columns": self.lossy_columns,
            "fidelity_details": [i.describe() for i in self.issues],
        }


def _canonical(t: pa.DataType) -> pa.DataType:
    """The type a value would have ignoring representation-only differences."""
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return pa.binary()
    if pa.types.is_large_list(t) or pa.types.is_list_view(t) or pa.types.is_large_list_view(t):
        return pa.list_(_canonical_field(t.value_field))
    if pa.types.is_list(t):
        return pa.list_(_canonical_field(t.value_field))
    if pa.types.is_struct(t):
        return pa.struct([_canonical_field(t.field(i)) for i in range(t.num_fields)])
    if pa.types.is_dictionary(t):
        return pa.dictionary(pa.int32(), _canonical(t.value_type))
    return t


def _canonical_field(f: pa.Field) -> pa.Field:
    # List item names differ by writer ("item" vs "element"): not a data difference.
    return pa.field("item" if f.name in ("item", "element") else f.name, _canonical(f.type))


def compare(expected: pa.Table, actual: pa.Table, conversions: Iterable[Any] = ()) -> Verdict:
    """Compare a read-back table with what was written (both already projected/filtered)."""
    verdict = Verdict()
    for conv in conversions:
        verdict.issues.append(ColumnIssue(conv.column, "converted", conv.describe().split(": ", 1)[1]))
    actual = _drop_pandas_index(actual, expected)
    if actual.num_rows != expected.num_rows:
        verdict.issues.append(ColumnIssue(
            "*", "rows", f"{actual.num_rows} rows read, {expected.num_rows} expected"))
        return verdict
    for name in expected.column_names:
        if name not in actual.column_names:
            verdict.issues.append(ColumnIssue(name, "missing", "column missing from the read"))
            continue
        issue = compare_column(name, expected.column(name), actual.column(name))
        if issue is not None:
            verdict.issues.append(issue)
    for name in actual.column_names:
        if name not in expected.column_names:
            verdict.issues.append(ColumnIssue(name, "extra", "column read that was not written"))
    return verdict


def _drop_pandas_index(actual: pa.Table, expected: pa.Table) -> pa.Table:
    for name in list(actual.column_names):
        if name.startswith("__index_level_") and name not in expected.column_names:
            actual = actual.drop_columns([name])
    return actual


def compare_column(name: str, exp: pa.ChunkedArray, act: pa.ChunkedArray) -> ColumnIssue | None:
    exp, act = exp.combine_chunks(), act.combine_chunks()
    et, at = exp.type, act.type
    type_note = None
    if _canonical(et) != _canonical(at):
        if pa.types.is_timestamp(et) and pa.types.is_timestamp(at):
            if et.tz != at.tz:
                if at.tz is None:
                    return ColumnIssue(name, "timezone", f"timezone {et.tz} dropped ({et} -> {at})")
                type_note = f"timezone {et.tz} -> {at.tz}"
            elif _unit_rank(at.unit) < _unit_rank(et.unit):
                type_note = f"precision {et.unit} -> {at.unit}"
            # finer unit with equal values is a documented normalisation
        elif pa.types.is_decimal(et) and pa.types.is_decimal(at) and et.scale == at.scale:
            pass  # precision re-inferred from values (see module docstring)
        elif pa.types.is_dictionary(et) and not pa.types.is_dictionary(at):
            type_note = f"type {et} -> {at} (categorical lost)"
        else:
            type_note = f"type {et} -> {at}"
    diff = _value_differences(exp, act)
    if diff is None and type_note is None:
        return None
    if diff is None:
        return ColumnIssue(name, "type", f"{type_note}; values equal")
    count, example = diff
    prefix = f"{type_note}; " if type_note else ""
    return ColumnIssue(name, "values", f"{prefix}{count} of {len(exp)} values differ (e.g. {example})")


def _unit_rank(unit: str) -> int:
    return {"s": 0, "ms": 1, "us": 2, "ns": 3}[unit]


def _value_differences(exp: pa.Array, act: pa.Array) -> tuple[int, str] | None:
    """None when every value (and null) matches, else (count, one example)."""
    target = exp.type
    if pa.types.is_dictionary(target):
        exp = _decoded(exp)
        target = exp.type
    if pa.types.is_dictionary(act.type):
        act = _decoded(act)
    try:
        cast_act = act.cast(_canonical(target), safe=True) if _canonical(act.type) != _canonical(target) else act
        cast_exp = exp.cast(_canonical(target)) if _canonical(exp.type) != exp.type else exp
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return _python_differences(exp, act)
    if cast_act.equals(cast_exp):
        return None
    if pa.types.is_nested(target):
        return _python_differences(exp, act)
    try:
        equal = pc.equal(cast_exp, cast_act)
        nulls_differ = pc.xor(pc.is_null(cast_exp), pc.is_null(cast_act))
        differ = pc.or_(pc.fill_null(pc.invert(equal), False), nulls_differ)
        if pa.types.is_floating(target):
            both_nan = pc.and_(pc.fill_null(pc.is_nan(cast_exp), False), pc.fill_null(pc.is_nan(cast_act), False))
            differ = pc.and_(differ, pc.invert(both_nan))
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return _python_differences(exp, act)
    count = pc.sum(differ).as_py() or 0
    if count == 0:
        return None
    idx = pc.index(differ, True).as_py()
    return count, _example(exp[idx].as_py(), act[idx].as_py(), idx)


def _decoded(arr: pa.DictionaryArray) -> pa.Array:
    """A dictionary column's values.  Not ``cast``/``dictionary_decode``: Arrow has no kernels for
    dictionaries of string_view, which polars writes for Categorical columns."""
    values = arr.dictionary
    if pa.types.is_string_view(values.type):
        values = values.cast(pa.string())
    elif pa.types.is_binary_view(values.type):
        values = values.cast(pa.binary())
    return pa.DictionaryArray.from_arrays(arr.indices, values).dictionary_decode()


def _python_differences(exp: pa.Array, act: pa.Array) -> tuple[int, str] | None:
    ev, av = exp.to_pylist(), act.to_pylist()
    bad = [i for i, (a, b) in enumerate(zip(ev, av)) if not _same(a, b)]
    if not bad:
        return None
    return len(bad), _example(ev[bad[0]], av[bad[0]], bad[0])


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return a == b


def _example(written: Any, read: Any, row: int) -> str:
    def short(v: Any) -> str:
        text = repr(v)
        return text if len(text) <= 60 else text[:57] + "..."

    if written is None and isinstance(read, float) and read != read:
        return f"row {row}: null became NaN"
    return f"row {row}: wrote {short(written)}, read {short(read)}"
