"""TPC-H datasets from tpchgen-cli (cached, fingerprinted) and the Q1/Q6 query workload."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

import formats
from formats.base import Location, WriteOptions
from storagebench.datasets import tpch
from storagebench.decide.workloads import select
from storagebench.query import answers
from storagebench.query.engines import ENGINES, arrow_answer
from storagebench.query.queries import registered


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STORAGEBENCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_lineitem_generated_cached_and_fingerprinted(cache):
    ds = tpch.load("tpch-lineitem", 0.01)
    assert ds.rows == 60_175  # TPC-H lineitem at SF 0.01
    assert ds.table.schema.field("l_comment").type == pa.string()  # string_view normalised
    assert ds.predicate is not None and ds.predicate.column == "l_shipdate"
    meta_files = list(cache.rglob("lineitem.json"))
    assert len(meta_files) == 1 and "sf0.01" in str(meta_files[0]) and "tpchgen-" in str(meta_files[0])
    meta = json.loads(meta_files[0].read_text())
    assert meta["fingerprint"] == ds.fingerprint and meta["rows"] == ds.rows
    again = tpch.load("tpch-lineitem", 0.01)
    assert again.fingerprint == ds.fingerprint


def test_damaged_cache_is_regenerated(cache):
    ds = tpch.load("tpch-orders", 0.01)
    meta = next(cache.rglob("orders.json"))
    data = json.loads(meta.read_text())
    data["fingerprint"] = "0" * 16
    meta.write_text(json.dumps(data))
    again = tpch.load("tpch-orders", 0.01)
    assert again.fingerprint == ds.fingerprint
    assert json.loads(meta.read_text())["fingerprint"] == ds.fingerprint


@pytest.mark.parametrize("name,scale,message", [("tpch-nation", 0.1, "unknown TPC-H dataset"),
                                                ("tpch-lineitem", 0, "scale factor")])
def test_bad_tpch_input(cache, name, scale, message):
    with pytest.raises(tpch.TpchError, match=message):
        tpch.load(name, scale)


@pytest.fixture(scope="module")
def lineitem(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("STORAGEBENCH_CACHE", str(tmp_path_factory.mktemp("tpch-cache")))
    try:
        yield tpch.load("tpch-lineitem", 0.01).table
    finally:
        mp.undo()


QUERIES = {q.name: q for q in registered("tpch-lineitem", None)}


def test_tpch_queries_live_in_the_query_registry_and_decide_runs_them():
    assert set(QUERIES) == {"tpch-q1", "tpch-q6"}
    decide_queries = {w.name: w.query for w in select(["query"])}
    assert set(decide_queries) == set(QUERIES)
    assert all(decide_queries[n].sql_text() == QUERIES[n].sql_text() for n in QUERIES)


@pytest.mark.parametrize("qname", list(QUERIES))
@pytest.mark.parametrize("fmt,writer,reader", [("parquet", "pyarrow", "pyarrow"), ("csv", "pyarrow", "pyarrow"),
                                               ("orc", "pyarrow", "pandas")])
def test_query_answers_agree_across_formats_and_engines(lineitem, tmp_path, qname, fmt, writer, reader):
    """decide's path: the reader with the pushed-down date range, then the registry's aggregation."""
    table = lineitem
    q = QUERIES[qname]
    workload = next(w for w in select(["query"]) if w.name == qname)
    codec = formats.get_codec(fmt)
    prepared, _ = codec.prepare(table)
    loc = Location(str(tmp_path / codec.file_name("li", "none")))
    codec.write(codec.writer_input(prepared, writer), loc, writer, WriteOptions("none", 10_000))
    answer = answers.normalise(arrow_answer(codec.to_arrow(codec.read(loc, reader, workload.request())), q), q)
    expected = answers.normalise(arrow_answer(table, q), q)
    agreement = answers.compare(expected, answer, q)
    assert agreement.agrees, agreement.detail
    assert expected.num_rows == (4 if qname == "tpch-q1" else 1)


@pytest.mark.parametrize("qname", list(QUERIES))
@pytest.mark.parametrize("engine", ["pyarrow", "pandas", "polars", "duckdb"])
def test_query_suite_engines_agree_on_the_tpch_queries(lineitem, tmp_path, qname, engine):
    """The same registry entries through the query suite's engines (SQL in DuckDB, lazy polars)."""
    q = QUERIES[qname]
    codec = formats.get_codec("parquet")
    prepared, _ = codec.prepare(lineitem)
    loc = Location(str(tmp_path / codec.file_name("li", "snappy")))
    codec.write(codec.writer_input(prepared, "pyarrow"), loc, "pyarrow", WriteOptions("snappy", 10_000))
    answer = answers.normalise(ENGINES[engine].run(codec, loc, q), q)
    agreement = answers.compare(answers.normalise(arrow_answer(lineitem, q), q), answer, q)
    assert agreement.agrees, agreement.detail


def test_q6_bounds_are_the_decimal_bounds():
    """0.06 - 0.01 in binary floats is below 0.05: the entry states the bounds themselves."""
    q6 = QUERIES["tpch-q6"]
    bounds = {(c.column, c.op): c.value for c in q6.where}
    assert bounds[("l_discount", ">=")] == 0.05 and bounds[("l_discount", "<=")] == 0.07
    table = pa.table({"l_shipdate": pa.array([dt.date(1994, 6, 1)] * 2), "l_discount": [0.05, 0.04999],
                      "l_quantity": [1.0, 1.0], "l_extendedprice": [100.0, 100.0]})
    assert arrow_answer(table, q6).column("revenue").to_pylist() == [pytest.approx(5.0)]
