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
