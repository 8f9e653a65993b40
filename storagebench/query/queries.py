"""The query registry: which query runs on which dataset.  Adding a query = one entry here.

Each entry is a function ``(Dataset) -> Query`` registered under a dataset name with
:func:`query`; it may use the dataset (its rows, its columns) to build the query.  A dataset may
have several queries (e.g. TPC-H Q1 and Q6 on ``lineitem``).  A user's own file, which has no
entry, gets :func:`user_file_query`: group by its first low-cardinality column, count the rows
and sum its first numeric (orderable) column.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

from storagebench.datasets import Dataset
from storagebench.query.spec import Agg, Cond, Query, col

QueryBuilder = Callable[[Dataset], Query]
_QUERIES: dict[str, list[QueryBuilder]] = {}


def query(dataset: str) -> Callable[[QueryBuilder], QueryBuilder]:
    """Decorator: register ``build(dataset) -> Query`` as a query of the named dataset."""

    def wrap(build: QueryBuilder) -> QueryBuilder:
        _QUERIES.setdefault(dataset, []).append(build)
        return build

    return wrap


def queries_for(ds: Dataset) -> list[Query]:
    """The queries of a dataset (a user file: the generic one; none when it has no usable column)."""
    builders = _QUERIES.get(ds.name)
    if builders:
        return [b(ds) for b in builders]
    generic = user_file_query(ds)
    return [generic] if generic is not None else []


def registered_datasets() -> list[str]:
    return list(_QUERIES)


# -- the generated datasets ----------------------------------------------------------------------
@query("mixed")
def revenue_by_status_and_country(ds: Dataset) -> Query:
    # ship_date spans 400 days from 2023-12-09 whatever the row count, so one month is ~7.5%
    # of rows at any size (ordered_at spans less than two days at the quick profile's size).
    return Query("revenue-by-status-country", "revenue and orders by status and country, shipped in June 2024",
                 aggregates=(Agg("revenue", "sum", col("amount")), Agg("orders", "count")),
                 where=(Cond("ship_date", ">=", dt.date(2024, 6, 1)), Cond("ship_date", "<", dt.date(2024, 7, 1))),
                 group_by=("status", "country"), types={"ship_date": "date", "status": "string"})


@query("numeric")
def dry_readings_by_sensor(ds: Dataset) -> Query:
    return Query("dry-readings-by-sensor", "mean temperature, max pressure, readings by sensor where humidity < 40%",
                 aggregates=(Agg("mean_temperature", "mean", col("temperature")),
                             Agg("max_pressure", "max", col("pressure")), Agg("readings", "count")),
                 where=(Cond("humidity", "<", 40.0),), group_by=("sensor_id",),
                 types={"humidity": "float", "sensor_id": "int"})


@query("text")
def errors_by_service(ds: Dataset) -> Query:
    return Query("errors-by-service", "ERROR lines, mean and max latency by service",
                 aggregates=(Agg("errors", "count"), Agg("mean_latency_ms", "mean", col("latency_ms")),
                             Agg("max_latency_ms", "max", col("latency_ms"))),
                 where=(Cond("level", "==", "ERROR"),), group_by=("service",), types={"level": "string"})


@query("nested")
def events_by_kind(ds: Dataset) -> Query:
    half = ds.rows // 2
    return Query("events-by-kind", f"events and first event id by kind, first {half} events",
                 aggregates=(Agg("events", "count"), Agg("first_event", "min", col("event_id"))),
                 where=(Cond("event_id", "<", half),), group_by=("event",), types={"event": "string"})


@query("wide")
def feature_sums(ds: Dataset) -> Query:
    return Query("feature-sums", "sum and mean of two features where f003 < 100 (no grouping: TPC-H Q6 shape)",
                 aggregates=(Agg("sum_f000", "sum", col("f000")), Agg("mean_f001", "mean", col("f001")),
                             Agg("weighted", "sum", col("f000") * (1 - col("f001"))), Agg("rows", "count")),
                 where=(Cond("f003", "<", 100),), types={"f003": "int"})


@query("police")
def officers_by_department(ds: Dataset) -> Query:
    return Query("officers-by-department", "incidents with 3+ officers and officers sent, by department",
                 aggregates=(Agg("incidents", "count"), Agg("officers", "sum", col("OfficerCount"))),
                 where=(Cond("OfficerCount", ">=", 3),), group_by=("PoliceDepartmentName",),
                 types={"OfficerCount": "int"})


# -- TPC-H (storagebench.datasets.tpch; `decide` runs them on any table with lineitem's columns) -----
# Decimal columns are declared "float": a CSV reader without a schema hands back floats where the
# writer had decimals, and every engine then aggregates the same float64 values.
_LINEITEM_TYPES = {"l_shipdate": "date", "l_quantity": "float", "l_extendedprice": "float",
                   "l_discount": "float", "l_tax": "float", "l_returnflag": "string", "l_linestatus": "string"}


@query("tpch-lineitem")
def tpch_q1(ds: Dataset) -> Query:
    price, disc = col("l_extendedprice"), col("l_discount")
    return Query("tpch-q1", "TPC-H Q1 (pricing summary: scan 98% of lineitem, group by flag/status)",
                 aggregates=(Agg("sum_qty", "sum", col("l_quantity")), Agg("sum_base_price", "sum", price),
                             Agg("sum_disc_price", "sum", price * (1 - disc)),
                             Agg("sum_charge", "sum", price * (1 - disc) * (1 + col("l_tax"))),
                             Agg("avg_qty", "mean", col("l_quantity")), Agg("avg_price", "mean", price),
                             Agg("avg_disc", "mean", disc), Agg("count_order", "count")),
                 # DATE '1998-12-01' - INTERVAL '90' DAY
                 where=(Cond("l_shipdate", "<=", dt.date(1998, 9, 2)),),
                 group_by=("l_returnflag", "l_linestatus"), types=_LINEITEM_TYPES)


@query("tpch-lineitem")
def tpch_q6(ds: Dataset) -> Query:
    # BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 written as its bounds: 0.06 - 0.01 in binary floats is
    # 0.049999999999999996, which would keep rows the decimal query excludes.
    return Query("tpch-q6", "TPC-H Q6 (forecast revenue: one year, discount 5-7%, quantity < 24)",
                 aggregates=(Agg("revenue", "sum", col("l_extendedprice") * col("l_discount")),),
                 where=(Cond("l_shipdate", ">=", dt.date(1994, 1, 1)), Cond("l_shipdate", "<", dt.date(1995, 1, 1)),
                        Cond("l_discount", ">=", 0.05), Cond("l_discount", "<=", 0.07), Cond("l_quantity", "<", 24.0)),
                 types=_LINEITEM_TYPES)


def registered(dataset: str, ds: Dataset) -> list[Query]:
    """The queries registered for ``dataset`` built for ``ds`` (which may be the same table under
    another name, e.g. TPC-H lineitem exported to a CSV file)."""
    return [b(ds) for b in _QUERIES.get(dataset, [])]


# -- a user's file -------------------------------------------------------------------------------
LOW_CARDINALITY_MAX = 100  # distinct values of a group key (and at most a tenth of the rows)


def _low_cardinality(table: pa.Table) -> str | None:
    limit = max(2, min(LOW_CARDINALITY_MAX, table.num_rows // 10))
    for f in table.schema:
        t = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t)
                or pa.types.is_boolean(t)):
            continue
        if pc.count_distinct(table.column(f.name)).as_py() <= limit:
            return f.name
    return None


def _first_numeric(table: pa.Table, skip: str | None) -> str | None:
    for f in table.schema:
        if f.name != skip and (pa.types.is_integer(f.type) or pa.types.is_floating(f.type)):
            return f.name
    return None


def user_file_query(ds: Dataset) -> Query | None:
    """Count (and sum of the first numeric column) by the first low-cardinality column."""
    key = _low_cardinality(ds.table)
    value = _first_numeric(ds.table, key)
    aggregates = [Agg("rows", "count")]
    types: dict[str, str] = {}
    if value is not None:
        kind = "int" if pa.types.is_integer(ds.table.schema.field(value).type) else "float"
        aggregates.append(Agg(f"sum_{value}", "sum", col(value)))
        types[value] = kind
    if key is None and value is None:
        return None
    what = f"rows{f' and sum of {value}' if value else ''}"
    return Query("file-summary", f"{what}{f' by {key}' if key else ''}", aggregates=tuple(aggregates),
                 group_by=(key,) if key else (), types=types)
