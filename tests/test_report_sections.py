"""Sections for S3 and DynamoDB results (present -> rendered from their keys, absent -> left out),
the cost model against the price table, run comparison, and the section registry."""

from __future__ import annotations

import math

import pytest

from formats.base import StorageBenchInputError
from storagebench import costs, prices, results
from storagebench.report import ReportOptions, build_report, build_sections
from storagebench.report.compare import compare_runs
from storagebench.report.loading import load_run
from storagebench.report.sections import all_sections
from report_support import fmt_case, format_set, run_doc, stats, write_json


def s3_case(kind: str, get_bytes: int, obj: int = 100_000, requests: int = 3) -> dict:
    b = fmt_case("parquet", "read", 0.02, obj, kind=kind, target="s3", suite="s3", s3_client="pyarrow",
                 s3_requests={"GetObject": requests - 1, "HeadObject": 1}, s3_requests_total=requests,
                 s3_bytes_in=0, s3_bytes_out=get_bytes, s3_get_bytes=get_bytes, s3_object_bytes=obj,
                 s3_range_reads=requests - 1, s3_bytes_needed=get_bytes, s3_read_amplification=1.0,
                 s3_cloud_model={"in-region": {"label": "in-region: 20 ms first byte, 90 MB/s", "seconds": 0.05,
                                               "serial_seconds": 0.06}},
                 s3_measured_median_s=0.02, s3_request_cost_usd=1.2e-6)
    b["fullname"] += "-s3"
    return b


def ddb_case(pattern: str, items: int, p50: float, scanned: int, rcu: float) -> dict:
    info = {"suite": "dynamodb", "operation": pattern, "backend": "moto", "table_items": items,
            "dataset": "police", "profile": "quick", "seed": 42, "endpoint": "embedded", "backend_version": "5.2.5",
            "reports_capacity": False, "startup_s": 1.0, "table_layout": "guid", "item_bytes": 180.0,
            "item_bytes_target": 0, "latency_slope": None, "p50_s": p50, "p95_s": p50 * 1.5, "p99_s": p50 * 2,
            "scanned_count": scanned, "returned_count": 1, "pages": max(1, scanned // 5000),
            "rcu_computed": rcu, "rcu_reported": 1.0, "cost_per_million_usd": rcu * 0.125,
            "backend_caveat": "moto: latency is a mock's; ConsumedCapacity is a constant"}
    return {"group": "ddb", "name": f"test_ddb[{pattern}-{items}]", "fullname": f"b::test_ddb[{pattern}-{items}]",
            "param": f"{pattern}-{items}", "extra_info": info, "stats": stats(p50)}


def sections_of(tmp_path, benchmarks, options=None):
    run = load_run(write_json(tmp_path / "r.json", run_doc(benchmarks)))
    return {s.key: s for s in build_sections([run], options)}


def test_s3_section_renders_counted_work(tmp_path):
    secs = sections_of(tmp_path, format_set("parquet", 100_000, 0.01, 0.01, 0.01, 0.01)
                       + [s3_case("full", 100_000), s3_case("projection", 25_000, requests=5)])
    rows = secs["s3"].table("s3:numeric (1,000 rows)").records()
    proj = next(r for r in rows if r["read"] == "projection")
    assert proj["requests"] == "5" and proj["by operation"] == "GetObject 4, HeadObject 1"
    assert proj["modelled cloud time"] == "in-region: 50 ms" and proj["bytes out"] == "24.41 KiB"
    assert "in-region: 20 ms first byte" in " ".join(getattr(b, "text", "") for b in secs["s3"].blocks)
    # The cost section uses the S3-measured scan fraction (25%) instead of the whole object.
    cost = secs["costs"].table("costs:numeric (1,000 rows)")
    assert "projection: S3-measured" in cost.notes[0]
    row = cost.records()[0]
    assert row["projection queries /month"] != row["full queries /month"]


def test_dynamodb_section_and_point_lookup(tmp_path):
    benches = [ddb_case("get_item", 1000, 0.002, 1, 0.5), ddb_case("get_item", 10000, 0.002, 1, 0.5),
               ddb_case("scan", 1000, 0.05, 1000, 25.0), ddb_case("scan", 10000, 0.5, 10000, 250.0)]
    secs = sections_of(tmp_path, benches, ReportOptions(queries_per_day=1000))
    rows = secs["dynamodb"].table("dynamodb").records()
    scan = next(r for r in rows if r["pattern"] == "scan" and r["table items"] == "10,000")
    assert scan["p50"] == "500 ms" and scan["items evaluated"] == "10,000" and scan["items returned"] == "1"
    assert secs["dynamodb"].charts()  # several table sizes: log-log scaling chart
    assert any("moto: latency is a mock's" in getattr(b, "text", "") for b in secs["dynamodb"].blocks)
    look = secs["recommendations"].table("recommend:point-lookup").records()
    assert look[0]["pattern"] == "get_item"
    ddb_cost = secs["costs"].table("costs:dynamodb").records()
    scan_cost = next(r for r in ddb_cost if r["pattern"] == "scan" and r["table items"] == "10,000")
    expected = 250.0 * 1000 * 30 / 1e6 * prices.region_prices()["dynamodb"]["on_demand"]["per_million_read_request_units"]
    assert scan_cost["$ /month at 1e+03 requests/day"] == f"${expected:,.2f}"
    assert "sizes" not in secs and "s3" not in secs


def test_scaling_chart_needs_two_sizes(tmp_path):
    small = format_set("parquet", 10_000, 0.01, 0.01, 0.01, 0.01, rows=1000)
    large = format_set("parquet", 100_000, 0.1, 0.1, 0.1, 0.1, rows=10_000)
    for b in large:
        b["fullname"] += "-large"
    assert "scaling" not in sections_of(tmp_path, small)
    assert len(sections_of(tmp_path, small + large)["scaling"].charts()) == 2


def test_athena_minimum_and_rounding():
    per_tb = prices.region_prices()["athena"]["per_tb_scanned"]
    assert costs.athena_query_cost(1) == pytest.approx(10 * 2**20 / 2**40 * per_tb)  # 10 MB minimum
    assert costs.athena_query_cost(costs.TB) == pytest.approx(per_tb)
    assert costs.athena_query_cost(20 * 2**20 + 1) == pytest.approx(21 * 2**20 / 2**40 * per_tb)  # next MB


def test_storage_minimum_object_and_archive_overhead():
    c = costs.s3_classes()
    small = costs.s3_storage_month(1000 * 1024, 1000, "STANDARD_IA")  # 1 KiB objects billed at 128 KiB
    assert small.billed_bytes == 1000 * 131072
    assert small.usd_month == pytest.approx(1000 * 131072 / 2**30 * c["STANDARD_IA"]["gb_month"])
    deep = costs.s3_storage_month(costs.GB, 10, "DEEP_ARCHIVE")
    expected = (costs.GB + 10 * 32768) / 2**30 * c["DEEP_ARCHIVE"]["gb_month"] \
        + 10 * 8192 / 2**30 * c["STANDARD"]["gb_month"]
    assert deep.usd_month == pytest.approx(expected) and deep.min_days == 180


def test_projection_scales_measured_ratio():
    p = costs.project_format(2 * costs.TB, 0.25, {"full": 1.0, "projection": 0.1}, 500, 128 * 2**20)
    assert p.stored_bytes == pytest.approx(0.5 * costs.TB) and p.objects == math.ceil(0.5 * costs.TB / (128 * 2**20))
    assert p.query_usd_month["full"] == pytest.approx(500 * 30 * costs.athena_query_cost(0.5 * costs.TB))
    assert p.query_usd_month["projection"] == pytest.approx(p.query_usd_month["full"] / 10, rel=1e-3)


def test_parse_size():
    assert costs.parse_size("2TB") == 2 * 2**40 and costs.parse_size("500 GiB") == 500 * 2**30
    assert costs.parse_size("1e6") == 1_000_000
    for bad in ("", "-1GB", "2 XB", "0"):
        with pytest.raises(StorageBenchInputError):
            costs.parse_size(bad)


def test_user_projection_in_report(tmp_path):
    secs = sections_of(tmp_path, format_set("parquet", 25_000, 0.01, 0.01, 0.01, 0.01, arrow_bytes=100_000),
                       ReportOptions(data_size_bytes=2 * costs.TB, queries_per_day=500))
    row = secs["costs"].table("costs:numeric (1,000 rows)").records()[0]
    assert row["stored"] == "512.00 GiB"  # 2 TiB x (25,000 / 100,000) measured
    std = costs.s3_storage_month(0.5 * costs.TB, 4096, "STANDARD").usd_month
    assert row["Standard /month"] == f"${std:,.2f}"


def test_compare_marks_noise(tmp_path):
    a = format_set("parquet", 1, 0.010, 0.010, 0.010, 0.010, spread=0.05)
    b = format_set("parquet", 1, 0.0102, 0.020, 0.005, 0.010, spread=0.05)
    b = b[:3]  # one case only in A
    c = compare_runs(write_json(tmp_path / "a.json", run_doc(a)), write_json(tmp_path / "b.json", run_doc(b)))
    verdict = {r[0]: (r[-2], r[-1]) for r in c.table.rows}
    assert verdict["parquet-pyarrow-none-numeric"] == ("1.020", "within noise")
    assert verdict["parquet-pyarrow-none-full-numeric"] == ("2.000", "slower")
    assert verdict["parquet-pyarrow-none-projection-numeric"] == ("0.500", "faster")
    assert len(c.only_a) == 1 and "predicate" in c.only_a[0] and not c.only_b


def test_compare_cli_writes_markdown(tmp_path, monkeypatch, capsys):
    from storagebench import cli

    monkeypatch.setattr(cli, "_COMMAND_MODULES", ("storagebench.commands.compare",))
    a = write_json(tmp_path / "a.json", run_doc(format_set("csv", 1, 0.01, 0.01, 0.01, 0.01)))
    assert cli.main(["compare", str(a), str(a), "--out", str(tmp_path / "c.md")]) == 0
    assert "within noise" in (tmp_path / "c.md").read_text()


def test_every_section_registered_and_ordered():
    keys = [s.key for s in all_sections()]
    assert keys[0] == "environment"
    for k in ("recommendations", "outcomes", "sizes", "speed", "fidelity", "memory", "s3", "dynamodb",
              "scaling", "costs", "noise"):
        assert k in keys


def test_new_section_needs_only_registration(tmp_path, monkeypatch):
    from storagebench.report import sections as registry
    from storagebench.report.model import Text

    monkeypatch.setattr(registry, "_SECTIONS", dict(registry._SECTIONS))
    # A new suite declares its record (storagebench/results.py) and registers its section.
    monkeypatch.setitem(results.RECORDS, "probe", results.FormatsRecord)
    registry.section("probe", "Probe results", order=99)(
        lambda ctx: [Text(f"{len(ctx.rows(suite='probe'))} probe cases")] if not ctx.rows(suite="probe").empty else None)
    path = write_json(tmp_path / "r.json", run_doc(format_set("csv", 1, 0.01, 0.01, 0.01, 0.01)))
    assert "Probe results" not in build_report([path], tmp_path / "a").markdown.read_text()
    probe = fmt_case("csv", "write", 0.01, 1, suite="probe")
    probe["fullname"] += "-probe"
    path = write_json(tmp_path / "r2.json", run_doc([probe]))
    assert "1 probe cases" in build_report([path], tmp_path / "b").markdown.read_text()
