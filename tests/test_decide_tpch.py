"""TPC-H datasets from tpchgen-cli (cached, fingerprinted) and the Q1/Q6 query workload."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

import formats
from formats.base import Location, WriteOptions
from storagebench.datasets import tpch
from storagebench.decide import query


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


@pytest.mark.parametrize("qname", list(query.QUERIES))
@pytest.mark.parametrize("fmt,writer,reader", [("parquet", "pyarrow", "pyarrow"), ("csv", "pyarrow", "pyarrow"),
                                               ("orc", "pyarrow", "pandas")])
def test_query_answers_agree_across_formats_and_engines(lineitem, tmp_path, qname, fmt, writer, reader):
    table = lineitem
    q = query.QUERIES[qname]
    codec = formats.get_codec(fmt)
    prepared, _ = codec.prepare(table)
    loc = Location(str(tmp_path / codec.file_name("li", "none")))
    codec.write(codec.writer_input(prepared, writer), loc, writer, WriteOptions("none", 10_000))
    answer = q.run(codec.to_arrow(codec.read(loc, reader, q.request())))
    expected = query.reference_answer(q, table)
    assert query.answer_difference(expected, answer) is None
    assert expected.num_rows == (4 if qname == "tpch-q1" else 1)


def test_answer_difference_names_the_wrong_value():
    a = pa.table({"revenue": [100.0]})
    b = pa.table({"revenue": [100.5]})
    assert "revenue row 0" in query.answer_difference(a, b)
