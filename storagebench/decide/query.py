"""TPC-H Q1 and Q6 on ``lineitem``: the query workload, with answers checked across engines.

Each query is a registry entry (:data:`QUERIES`): the columns and the date range the reader is
asked for (so an engine that prunes row groups or columns can), and ``run``, the rest of the
query on the Arrow result (pyarrow compute).  The timed operation is the read through the
configuration's reader plus ``run``; a reader that hands back pandas is converted to Arrow
inside the timing, since the answer is what the user waits for.

Answers are computed in float64 (a CSV reader without a schema returns floats where the file's
writer had decimals), and every configuration's answer is compared with the answer computed
from the original in-memory table: a configuration that returns a different answer is dropped
from the workload, named with the difference.

Written as registry entries so an engine-level query module (SQL in DuckDB or polars running
on the file) can take them over: the names, predicates and reference answers stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

from formats.base import RangePredicate, ReadRequest

_EARLIEST = dt.date(1900, 1, 1)
LINEITEM_COLUMNS = {"l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount",
                    "l_tax", "l_shipdate"}


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    columns: tuple[str, ...]
    predicate: RangePredicate
    run: Callable[[pa.Table], pa.Table]

    def request(self) -> ReadRequest:
        return ReadRequest(columns=self.columns, predicate=self.predicate)

    def applies(self, table: pa.Table) -> str | None:
        """None when the table has this query's columns, else the reason it does not apply."""
        missing = sorted(set(self.columns) - set(table.column_names))
        return f"needs TPC-H lineitem columns (missing {', '.join(missing)})" if missing else None


def _f64(table: pa.Table, name: str) -> pa.ChunkedArray:
    return pc.cast(table.column(name), pa.float64())


def _q1(table: pa.Table) -> pa.Table:
    price, disc, tax = _f64(table, "l_extendedprice"), _f64(table, "l_discount"), _f64(table, "l_tax")
    disc_price = pc.multiply(price, pc.subtract(1.0, disc))
    work = pa.table({
        "l_returnflag": pc.cast(table.column("l_returnflag"), pa.string()),
        "l_linestatus": pc.cast(table.column("l_linestatus"), pa.string()),
        "qty": _f64(table, "l_quantity"), "price": price, "disc": disc,
        "disc_price": disc_price, "charge": pc.multiply(disc_price, pc.add(1.0, tax)),
    })
    out = work.group_by(["l_returnflag", "l_linestatus"]).aggregate([
        ("qty", "sum"), ("price", "sum"), ("disc_price", "sum"), ("charge", "sum"),
        ("qty", "mean"), ("price", "mean"), ("disc", "mean"), ("qty", "count")])
    return out.sort_by([("l_returnflag", "ascending"), ("l_linestatus", "ascending")])


def _q6(table: pa.Table) -> pa.Table:
    disc, qty = _f64(table, "l_discount"), _f64(table, "l_quantity")
    # BETWEEN 0.06 - 0.01 AND 0.06 + 0.01, with a half-cent guard for binary floats.
    keep = pc.and_(pc.and_(pc.greater_equal(disc, 0.05 - 1e-9), pc.less_equal(disc, 0.07 + 1e-9)),
                   pc.less(qty, 24.0))
    revenue = pc.sum(pc.multiply(pc.filter(_f64(table, "l_extendedprice"), keep), pc.filter(disc, keep)))
    return pa.table({"revenue": pa.array([revenue.as_py() or 0.0], pa.float64())})


QUERIES: dict[str, Query] = {
    "tpch-q1": Query(
        "tpch-q1", "TPC-H Q1 (pricing summary: scan 98% of lineitem, group by flag/status)",
        ("l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount", "l_tax", "l_shipdate"),
        RangePredicate("l_shipdate", _EARLIEST, dt.date(1998, 9, 3)), _q1),
    "tpch-q6": Query(
        "tpch-q6", "TPC-H Q6 (forecast revenue: one year, discount 5-7%, quantity < 24)",
        ("l_extendedprice", "l_discount", "l_quantity", "l_shipdate"),
        RangePredicate("l_shipdate", dt.date(1994, 1, 1), dt.date(1995, 1, 1)), _q6),
}


def reference_answer(query: Query, table: pa.Table) -> pa.Table:
    """The answer from the original in-memory table (what every engine must return)."""
    return query.run(query.predicate.apply_arrow(table.select(list(query.columns))))


def answer_difference(expected: pa.Table, actual: pa.Table, rel: float = 1e-9) -> str | None:
    """None when equal (floats within ``rel``), else a one-line description."""
    if expected.num_rows != actual.num_rows or expected.column_names != actual.column_names:
        return f"{actual.num_rows} result rows {actual.column_names}, expected {expected.num_rows} {expected.column_names}"
    for name in expected.column_names:
        for i, (e, a) in enumerate(zip(expected.column(name).to_pylist(), actual.column(name).to_pylist())):
            if isinstance(e, float) and isinstance(a, float):
                if abs(e - a) > rel * max(1.0, abs(e)):
                    return f"{name} row {i}: expected {e!r}, got {a!r}"
            elif e != a:
                return f"{name} row {i}: expected {e!r}, got {a!r}"
    return None
