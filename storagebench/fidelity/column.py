"""One column compared: types first (a lossless representation change, a lost type, or a
lost time zone), then every value, after converting what was read to the written type."""

from __future__ import annotations



import pyarrow as pa

from storagebench.results import ISSUE_TIMEZONE, ISSUE_TYPE, ISSUE_VALUES
from storagebench.fidelity.issues import ColumnIssue
from storagebench.fidelity.types import NotComparable, coerce, describe_type_change, zone_dropped
from storagebench.fidelity.values import dictionary_values, value_differences


def compare_column(name: str, exp: pa.ChunkedArray | pa.Array, act: pa.ChunkedArray | pa.Array
                   ) -> ColumnIssue | None:
    exp, act = _whole(exp), _whole(act)
    type_note = describe_type_change(exp.type, act.type)
    exp_plain, act_plain = _decoded(exp), _decoded(act)
    et = exp_plain.type

    if pa.types.is_timestamp(et) and et.tz is not None:
        dropped = zone_dropped(et, act_plain)
        if dropped:
            return ColumnIssue(name, ISSUE_TIMEZONE, dropped)

    if pa.types.is_decimal(et) and pa.types.is_floating(act_plain.type) and et.precision <= 15:
        # A double keeps a decimal of up to 15 significant digits when it is the double nearest
        # to it (what printing and parsing give); compare with exactly that double.
        # (Arrow's decimal -> double cast is not correctly rounded: 7935.40 -> 7935.400000000001;
        # parsing the decimal's text is.)
        exp_plain, et = exp_plain.cast(pa.string()).cast(pa.float64()), pa.float64()
    try:
        coerced = coerce(act_plain, et)
    except NotComparable as exc:
        return ColumnIssue(name, ISSUE_VALUES, f"{type_note or 'type changed'}; values cannot be read "
                                              f"back as {et} ({exc})")
    diff = value_differences(exp_plain, coerced, act_plain)
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
    return dictionary_values(a) if pa.types.is_dictionary(a.type) else a
