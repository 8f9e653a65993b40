"""The query engines: one :class:`QueryEngine` entry per engine, each running a
:class:`~storagebench.query.spec.Query` over a file the way its users write it.

* ``pyarrow``: ``pyarrow.dataset`` scan with the filter pushed into the scanner (Parquet row
  groups pruned by statistics; Feather, ORC, CSV filtered while scanning), then
  ``Table.group_by().aggregate()`` (Acero's hash aggregation).  JSON and Avro have no dataset
  format here: the codec's reader loads the needed columns, then the same filter and aggregate.
* ``pandas``: the format's pandas reader (``read_parquet(columns=...)``, ``read_csv(usecols=...)``
  ...; Avro through fastavro into a DataFrame), a boolean mask, ``groupby(...).agg(...)``.
* ``polars``: one lazy plan ``scan_*().filter().group_by().agg().collect()`` (the predicate
  reaches the Parquet scan); ORC, which polars cannot read, is loaded by pyarrow and handed over.
* ``duckdb``: one SQL statement over ``read_csv/read_json/read_parquet('<file>')`` with the result
  as Arrow; Feather, ORC and Avro, which DuckDB cannot read without extensions that are not
  available offline, are loaded by pyarrow (fastavro for Avro) and queried as an Arrow table.

``scan_label`` says which path an engine took for a format (reported beside each timing).
Adding an engine is one :class:`QueryEngine` entry in :data:`ENGINES`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

import pyarrow as pa
import pyarrow.compute as pc

from formats.base import Codec, Location, ReadRequest, UnsupportedCaseError
from storagebench.query.spec import BinOp, Col, Cond, Expr, Lit, Query

TEXT_FORMATS = ("csv", "json")  # no stored types: the query's declared types may need casts
_PYARROW_DATASET_FORMATS = {"parquet": "parquet", "feather": "ipc", "orc": "orc", "csv": "csv"}
_POLARS_FORMATS = ("csv", "json", "parquet", "feather", "avro")
_DUCKDB_FORMATS = ("csv", "json", "parquet")


@dataclass(frozen=True)
class QueryEngine:
    name: str
    description: str
    run: Callable[[Codec, Location, Query], Any]  # the timed call; returns the engine's native answer
    scan_label: Callable[[str], str]  # format -> how the engine reads it
    requires: tuple[str, ...] = ()
    install_hint: str = ""

    def missing_requirement(self) -> str | None:
        import importlib.util

        for module in self.requires:
            if importlib.util.find_spec(module) is None:
                return f"query engine {self.name!r} needs {module!r}: {self.install_hint or 'pip install ' + module}"
        return None


# -- helpers shared by the engines ---------------------------------------------------------------
def _reader_of(codec: Codec, preferred: tuple[str, ...]) -> str:
    readers = [r.name for r in codec.readers()]
    for name in preferred:
        if name in readers:
            return name
    if not readers:
        raise UnsupportedCaseError(f"{codec.name} has no reader")
    return readers[0]


def load_arrow(codec: Codec, location: Location, query: Query) -> pa.Table:
    """The query's columns as Arrow, through the format's pyarrow reader (else its first)."""
    reader = _reader_of(codec, ("pyarrow",))
    return codec.to_arrow(codec.read(location, reader, ReadRequest(columns=tuple(query.columns))))


def _arrow_type(kind: str) -> pa.DataType:
    return {"date": pa.date32(), "string": pa.string(), "float": pa.float64(), "int": pa.int64()}[kind]


def _arrow_matches(t: pa.DataType, kind: str) -> bool:
    if kind == "date":
        return pa.types.is_date32(t)
    if kind == "string":
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t)
    if kind == "float":
        return pa.types.is_floating(t)
    return pa.types.is_integer(t)


# -- pyarrow (Acero) ---------------------------------------------------------------------------
def _arrow_expr(e: Expr) -> pc.Expression:
    return e.build(pc.field, pc.scalar)


def _arrow_cond(c: Cond) -> pc.Expression:
    return c.build(pc.field(c.column), pc.scalar(c.value))


def arrow_where(query: Query) -> pc.Expression | None:
    expr = None
    for c in query.where:
        expr = _arrow_cond(c) if expr is None else expr & _arrow_cond(c)
    return expr


def arrow_cast(table: pa.Table, query: Query) -> pa.Table:
    for name, kind in query.types.items():
        if name in table.column_names and not _arrow_matches(table.schema.field(name).type, kind):
            i = table.schema.get_field_index(name)
            column = table.column(i)
            if kind == "date" and pa.types.is_timestamp(column.type):
                column = pc.cast(column, pa.timestamp(column.type.unit)) if column.type.tz is None else column
            table = table.set_column(i, name, pc.cast(column, _arrow_type(kind)))
    return table


def arrow_aggregate(table: pa.Table, query: Query) -> pa.Table:
    """Filter-free part: compute aggregate inputs, then group by (Acero hash aggregation)."""
    inputs: dict[str, Any] = {g: table.column(g) for g in query.group_by}
    specs: list[tuple[Any, str]] = []
    names: list[str] = []
    for i, a in enumerate(query.aggregates):
        if a.expr is None:
            specs.append(([], "count_all"))
        else:
            key = f"__agg{i}"
            inputs[key] = _evaluate(table, a.expr)
            specs.append((key, a.func))
        names.append(a.name)
    # count(*) alone still needs a column of the right length to count.
    source = pa.table(inputs) if inputs else pa.table({"__n": pa.nulls(table.num_rows)})
    result = source.group_by(list(query.group_by)).aggregate(specs)
    # Acero names outputs "<column>_<func>" / "count_all" and puts keys last: rename and order.
    out = {g: result.column(g) for g in query.group_by}
    for (key, func), name in zip(specs, names):
        out[name] = result.column("count_all" if func == "count_all" else f"{key}_{func}")
    return pa.table(out)


def _evaluate(table: pa.Table, e: Expr) -> pa.ChunkedArray:
    if isinstance(e, Col):
        return table.column(e.name)
    import pyarrow.dataset as ds

    # Acero projects the expression over the in-memory table.
    return ds.dataset(table).to_table(columns={"value": _arrow_expr(e)}).column("value")


def arrow_answer(table: pa.Table, query: Query) -> pa.Table:
    """The query over an in-memory Arrow table (also the reference answer)."""
    table = arrow_cast(table, query)
    where = arrow_where(query)
    if where is not None:
        table = table.filter(where)
    return arrow_aggregate(table, query)


def _run_pyarrow(codec: Codec, location: Location, query: Query) -> pa.Table:
    fmt = _PYARROW_DATASET_FORMATS.get(codec.name)
    if fmt is None or (codec.name in TEXT_FORMATS and location.path.endswith(".gz")):
        return arrow_answer(load_arrow(codec, location, query), query)
    import pyarrow.dataset as ds

    fs, path = location.pyarrow_filesystem()
    dataset = ds.dataset(path, filesystem=fs, format=fmt)
    mismatched = [n for n, k in query.types.items()
                  if n in dataset.schema.names and not _arrow_matches(dataset.schema.field(n).type, k)]
    if mismatched:  # cast before filtering (the filter cannot be pushed into the scan then)
        return arrow_answer(dataset.to_table(columns=query.columns), query)
    where = arrow_where(query)
    return arrow_aggregate(dataset.to_table(columns=query.columns, filter=where), query)


# -- pandas ------------------------------------------------------------------------------------
def _pandas_value(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return pd.Timestamp(value)
    return value


def _pandas_cast(frame: Any, query: Query) -> Any:
    import pandas as pd

    for name, kind in query.types.items():
        if name not in frame.columns:
            continue
        s = frame[name]
        if kind == "date" and not pd.api.types.is_datetime64_any_dtype(s):
            frame[name] = pd.to_datetime(s)
        elif kind == "float" and not pd.api.types.is_float_dtype(s):
            frame[name] = s.astype("float64")
        elif kind == "int" and not pd.api.types.is_integer_dtype(s):
            frame[name] = s.astype("int64")
    return frame


def _run_pandas(codec: Codec, location: Location, query: Query) -> Any:
    import pandas as pd

    reader = _reader_of(codec, ("pandas",))
    frame = codec.read(location, reader, ReadRequest(columns=tuple(query.columns)))
    if not isinstance(frame, pd.DataFrame):  # no pandas reader (Avro): the records into a DataFrame
        frame = codec.to_arrow(frame).to_pandas()
    frame = _pandas_cast(frame, query)
    if query.where:
        mask = None
        for c in query.where:
            m = c.build(frame[c.column], _pandas_value(c.value))
            mask = m if mask is None else mask & m
        frame = frame[mask]
    values = {}
    for i, a in enumerate(query.aggregates):
        if a.expr is not None:
            values[f"__agg{i}"] = a.expr.build(frame.__getitem__, lambda v: v)
    work = frame[list(query.group_by)].assign(**values) if query.group_by else pd.DataFrame(values, index=frame.index)
    named = {a.name: (f"__agg{i}", a.func) if a.expr is not None else (None, "size")
             for i, a in enumerate(query.aggregates)}
    if query.group_by:
        grouped = work.groupby(list(query.group_by), observed=True, sort=False)
        parts = {name: grouped.size() if func == "size" else grouped[column].agg(func)
                 for name, (column, func) in named.items()}
        return pd.DataFrame(parts).reset_index()
    return pd.DataFrame({name: [len(work) if func == "size" else work[column].agg(func)]
                         for name, (column, func) in named.items()})


# -- polars ------------------------------------------------------------------------------------
def _polars_cast(schema: Any, query: Query) -> list[Any]:
    import polars as pl

    casts = []
    for name, kind in query.types.items():
        if name not in schema:
            continue
        dtype = schema[name]
        c = pl.col(name)
        if kind == "date" and dtype != pl.Date:
            casts.append(c.str.to_date() if dtype == pl.String else (c.dt.date() if isinstance(dtype, pl.Datetime)
                                                                     else c.cast(pl.Date)))
        elif kind == "float" and not dtype.is_float():
            casts.append(c.cast(pl.Float64))
        elif kind == "int" and not dtype.is_integer():
            casts.append(c.cast(pl.Int64))
    return casts


def _run_polars(codec: Codec, location: Location, query: Query) -> Any:
    import polars as pl

    from formats.engines import polars as polars_engine

    if codec.name in _POLARS_FORMATS:
        frame = polars_engine.scan(codec.name, location)
    else:
        frame = pl.from_arrow(load_arrow(codec, location, query)).lazy()
    casts = _polars_cast(frame.collect_schema(), query)
    if casts:
        frame = frame.with_columns(casts)
    for c in query.where:
        frame = frame.filter(c.build(pl.col(c.column), pl.lit(c.value)))
    aggs = [pl.len().alias(a.name) if a.expr is None else getattr(a.expr.build(pl.col, pl.lit), a.func)().alias(a.name)
            for a in query.aggregates]
    frame = frame.group_by(list(query.group_by)).agg(aggs) if query.group_by else frame.select(aggs)
    return frame.collect()


# -- DuckDB ------------------------------------------------------------------------------------
_SQL_TYPES = {"date": "DATE", "string": "VARCHAR", "float": "DOUBLE", "int": "BIGINT"}
_SQL_AGG = {"sum": "SUM", "mean": "AVG", "min": "MIN", "max": "MAX", "count": "COUNT"}


def _sql_expr(e: Expr, q: Callable[[str], str]) -> str:
    if isinstance(e, Col):
        return q(e.name)
    if isinstance(e, Lit):
        return repr(e.value)
    assert isinstance(e, BinOp)
    return f"({_sql_expr(e.left, q)} {e.op} {_sql_expr(e.right, q)})"


def duckdb_sql(query: Query, source: str, cast: bool) -> tuple[str, list[Any]]:
    from formats.engines.duckdb import quote_identifier as q

    columns = [f"CAST({q(n)} AS {_SQL_TYPES[query.types[n]]}) AS {q(n)}" if cast and n in query.types else q(n)
               for n in query.columns]
    select = [q(g) for g in query.group_by] + [
        f"{_SQL_AGG[a.func]}({'*' if a.expr is None else _sql_expr(a.expr, q)}) AS {q(a.name)}"
        for a in query.aggregates]
    sql = f"SELECT {', '.join(select)} FROM (SELECT {', '.join(columns)} FROM {source})"
    params = [c.value for c in query.where]
    if query.where:
        sql += " WHERE " + " AND ".join(f"{q(c.column)} {'<>' if c.op == '!=' else '=' if c.op == '==' else c.op} ?"
                                        for c in query.where)
    if query.group_by:
        sql += " GROUP BY " + ", ".join(q(g) for g in query.group_by)
    return sql, params


def _run_duckdb(codec: Codec, location: Location, query: Query) -> pa.Table:
    from formats.engines import duckdb as duck

    con = duck.connection()
    if codec.name in _DUCKDB_FORMATS:
        sql, params = duckdb_sql(query, duck.scan_sql(codec.name, location, con), codec.name in TEXT_FORMATS)
        return duck.to_arrow(con.execute(sql, params))
    table = load_arrow(codec, location, query)  # no DuckDB reader for this format offline
    con.register("query_source", table)
    try:
        sql, params = duckdb_sql(query, "query_source", True)
        return duck.to_arrow(con.execute(sql, params))
    finally:
        con.unregister("query_source")


ENGINES: dict[str, QueryEngine] = {e.name: e for e in (
    QueryEngine("pyarrow", "pyarrow.dataset scan with pushed filter + Acero group_by/aggregate", _run_pyarrow,
                lambda f: "pyarrow.dataset" if f in _PYARROW_DATASET_FORMATS else "codec reader -> Arrow"),
    QueryEngine("pandas", "the format's pandas reader, boolean mask, groupby().agg()", _run_pandas,
                lambda f: "pandas reader" if f != "avro" else "fastavro records -> DataFrame",
                requires=("pandas",)),
    QueryEngine("polars", "lazy scan_*().filter().group_by().agg().collect()", _run_polars,
                lambda f: "polars read_avro (eager)" if f == "avro" else "polars scan" if f in _POLARS_FORMATS
                else "pyarrow reader -> polars",
                requires=("polars",), install_hint="pip install polars"),
    QueryEngine("duckdb", "one SQL statement over read_csv/read_json/read_parquet, result as Arrow", _run_duckdb,
                lambda f: "DuckDB reader" if f in _DUCKDB_FORMATS else "pyarrow reader -> DuckDB over Arrow",
                requires=("duckdb",), install_hint="pip install duckdb"),
)}


def get_engine(name: str) -> QueryEngine:
    from formats.base import UnknownNameError

    try:
        return ENGINES[name]
    except KeyError:
        raise UnknownNameError("query engine", name, ENGINES) from None
