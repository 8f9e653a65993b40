"""Comparing query answers: the same rows and values, whichever engine and format produced them.

Each engine's native answer (Arrow table, pandas or polars DataFrame) is normalised to Arrow with
plain types (categorical keys to string, every integer to int64, every float to float64), sorted
by the group keys, and compared with the reference: keys and counts exactly, floats within
:data:`REL_TOL` relative or :data:`ABS_TOL` absolute (engines sum in different orders and
threads, and text formats round-trip floats through decimal text).  A difference is reported
with the first differing groups, never timed.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from formats.base import native_to_arrow
from storagebench.query.spec import Query

REL_TOL = 1e-9
ABS_TOL = 1e-6
TOLERANCE_TEXT = f"floats equal within {REL_TOL:g} relative or {ABS_TOL:g} absolute; keys and counts exactly"
_SHOW = 3  # differing groups shown in a failure


def _decode(chunk: pa.DictionaryArray) -> pa.Array:
    values = chunk.dictionary
    if pa.types.is_string_view(values.type) or pa.types.is_large_string(values.type):
        values = values.cast(pa.string())  # no dictionary kernels for string_view (polars)
    return pa.DictionaryArray.from_arrays(chunk.indices, values).dictionary_decode()


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    t = column.type
    if pa.types.is_dictionary(t):
        column = pa.chunked_array([_decode(c) for c in column.chunks], type=pa.string()) \
            if pa.types.is_string(t.value_type) or pa.types.is_large_string(t.value_type) \
            or pa.types.is_string_view(t.value_type) else column.cast(t.value_type)
        t = column.type
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return column.cast(pa.string())
    if pa.types.is_integer(t):
        return column.cast(pa.int64())
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return column.cast(pa.float64())
    return column


def normalise(answer: Any, query: Query) -> pa.Table:
    """The answer as a plain Arrow table: the query's output columns, sorted by its keys."""
    table = native_to_arrow(answer)
    names = [*query.group_by, *(a.name for a in query.aggregates)]
    missing = [n for n in names if n not in table.column_names]
    if missing:
        raise ValueError(f"query {query.name!r}: answer lacks column(s) {', '.join(missing)}")
    table = pa.table({n: _plain(table.column(n)) for n in names})
    if query.group_by:
        table = table.sort_by([(k, "ascending") for k in query.group_by])
    return table


@dataclass(frozen=True)
class Agreement:
    agrees: bool
    detail: str  # "" when it agrees; else what differs


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return a == b


def compare(reference: pa.Table, answer: pa.Table, query: Query) -> Agreement:
    """Does ``answer`` (normalised) equal ``reference`` (normalised) within the tolerance?"""
    if answer.num_rows != reference.num_rows:
        ref_keys = _keys(reference, query)
        got_keys = _keys(answer, query)
        extra, lost = sorted(got_keys - ref_keys)[:_SHOW], sorted(ref_keys - got_keys)[:_SHOW]
        return Agreement(False, f"{answer.num_rows} groups, expected {reference.num_rows}"
                         + (f"; unexpected {extra}" if extra else "") + (f"; missing {lost}" if lost else ""))
    diffs = []
    ref_rows, got_rows = reference.to_pylist(), answer.to_pylist()
    for i, (r, g) in enumerate(zip(ref_rows, got_rows)):
        bad = [n for n in r if not _close(r[n], g.get(n))]
        if bad:
            key = tuple(r[k] for k in query.group_by)
            diffs.append(f"group {key or '(all)'}: " + ", ".join(f"{n} {g.get(n)!r} vs expected {r[n]!r}" for n in bad))
    if diffs:
        return Agreement(False, f"{len(diffs)} of {len(ref_rows)} groups differ: " + "; ".join(diffs[:_SHOW]))
    return Agreement(True, "")


def _keys(table: pa.Table, query: Query) -> set[tuple]:
    return {tuple(r[k] for k in query.group_by) for r in table.select(list(query.group_by)).to_pylist()} \
        if query.group_by else {()}


def digest(answer: pa.Table) -> str:
    """A short fingerprint of a normalised answer, floats to 8 significant digits: equal digests
    mean the same rows; two agreeing answers can still differ here when a float sits on a
    rounding boundary (agreement is decided by :func:`compare`, not by this)."""
    rows = []
    for r in answer.to_pylist():
        rows.append(tuple(float(f"{v:.8g}") if isinstance(v, float) else v for v in r.values()))
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:12]


