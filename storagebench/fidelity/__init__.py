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

Modules: ``issues`` (ColumnIssue, Verdict), ``column`` (one column), ``types`` (type rules and
conversions back to the written type), ``values`` (value comparison).
"""

from __future__ import annotations

from typing import Any, Iterable

import pyarrow as pa

from storagebench.fidelity.column import compare_column
from storagebench.fidelity.issues import ColumnIssue, Verdict, unreadable
from storagebench.results import ISSUE_CONVERTED, ISSUE_EXTRA, ISSUE_MISSING, ISSUE_ROWS, ISSUE_TYPE

__all__ = ["ColumnIssue", "Verdict", "verdict", "compare", "compare_column", "unreadable"]


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
