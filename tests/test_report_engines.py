"""The engine comparison section and the recommendations' engine and query tables, on synthetic
runs whose timings the test chooses (so the fastest engine is known)."""

from __future__ import annotations

from storagebench.report import build_sections
from storagebench.report.loading import load_run
from report_support import fmt_case, run_doc, stats, write_json


def query_case(fmt: str, engine: str, seconds: float, dataset: str = "mixed") -> dict:
    info = {"suite": "query", "target": "local", "format": fmt, "compression": "none", "engine": engine,
            "query": "revenue", "dataset": dataset, "dataset_fingerprint": "f" * 16, "dataset_arrow_bytes": 1,
            "rows": 1000, "columns": 3, "profile": "quick", "seed": 42, "operation": "query",
            "writer_engine": "pyarrow", "query_description": "d", "query_sql": "SELECT 1", "query_scan": "scan",
            "answer_rows": 5, "answer_digest": "abc", "answer_agrees": True, "answer_tolerance": "t",
            "bytes_on_disk": 1000, "peak_memory_bytes": None, "peak_memory_method": None,
            "time_median_s": seconds}
    param = f"{fmt}-{engine}-revenue-{dataset}"
    return {"group": "query", "name": f"test_query[{param}]", "fullname": f"b/test_query.py::test_query[{param}]",
            "params": {}, "param": param, "extra_info": info, "options": {}, "stats": stats(seconds)}


def _sections(tmp_path, benchmarks, outcomes=None):
    run = load_run(write_json(tmp_path / "r.json", run_doc(benchmarks, outcomes)))
    return {s.key: s for s in build_sections([run])}


def test_fastest_engine_named_per_format_and_workload(tmp_path):
    benches = [
        fmt_case("parquet", "write", 0.010, 1000),
        fmt_case("parquet", "read", 0.040, 1000, kind="full"),
        fmt_case("parquet", "read", 0.025, 1000, kind="full", reader="polars"),
        fmt_case("parquet", "read", 0.088, 1000, kind="full", reader="duckdb"),
        # A faster read that changed values is not a candidate.
        fmt_case("parquet", "read", 0.001, 1000, kind="full", reader="fastparquet", fidelity="lossy-values"),
        query_case("parquet", "polars", 0.005), query_case("parquet", "duckdb", 0.009),
        query_case("csv", "pyarrow", 0.030), query_case("csv", "duckdb", 0.060),
    ]
    outcomes = [{"case": "csv-pandas-revenue-mixed", "suite": "query", "status": "failed", "dataset": "mixed",
                 "reason": "pandas on csv gave a wrong answer to 'revenue': group ('a',): revenue 2.0 vs expected 1.0"}]
    secs = _sections(tmp_path, benches, outcomes)
    rows = secs["engines"].table("engines:fastest").records()
    full = next(r for r in rows if r["workload"] == "full read")
    assert full["fastest engine (median ± IQR, n)"].startswith("**polars** 25")
    assert full["runner-up"].startswith("pyarrow") and full["runner-up / fastest"] == "1.6×"
    assert "fastparquet" not in full["engines, fastest first"]
    failed = secs["engines"].table("engines:query-failed").records()
    assert "wrong answer" in failed[0]["reason"]

    summary = secs["recommendations"].table("recommend:fastest-engine").records()
    q_parquet = next(r for r in summary if r["workload"] == "query" and r["format"] == "parquet")
    assert q_parquet["fastest engine"] == "**polars**" and q_parquet["fastest on (datasets)"] == "1 of 1"
    (decision,) = secs["recommendations"].table("recommend:query").records()
    assert decision["winner"].startswith("**parquet/none polars**")
    assert "1 case(s) failed" in decision["caveats"]


def test_engine_section_absent_without_two_engines(tmp_path):
    secs = _sections(tmp_path, [fmt_case("csv", "write", 0.01, 100), fmt_case("csv", "read", 0.01, 100)])
    assert "engines" not in secs
