"""The catalog, Glacier, partitions, velocity and volume report sections, built from a real small
run of their benchmarks: the numbers in the tables agree with the pytest-benchmark JSON, and each
section is absent (without error) when its suite has no results."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storagebench.report import build_report, build_sections, fmt
from storagebench.report.loading import load_run
from storagebench.report.sections.costs import CLASS_LABELS
from storagebench.report.sections.velocity import OPERATIONS
from storagebench.results import (SUITE_CATALOG, SUITE_GLACIER, SUITE_PARTITIONS, SUITE_VELOCITY,
                                  SUITE_VOLUME)
from report_support import REPO, format_set, run_doc, write_json

SUITES = (SUITE_CATALOG, SUITE_GLACIER, SUITE_PARTITIONS, SUITE_VELOCITY, SUITE_VOLUME)
BENCHMARKS = [f"benchmarks/test_{s}.py" for s in SUITES]


@pytest.fixture(scope="module")
def run_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("threevs") / "run.json"
    cmd = [sys.executable, "-m", "pytest", *BENCHMARKS, "--rows", "500", f"--benchmark-json={path}",
           "-p", "no:cacheprovider", "-q", "--benchmark-quiet"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return path


@pytest.fixture(scope="module")
def raw(run_json: Path) -> dict[str, Any]:
    return json.loads(run_json.read_text())


@pytest.fixture(scope="module")
def sections(run_json: Path) -> dict[str, Any]:
    return {s.key: s for s in build_sections([load_run(run_json)])}


def infos(raw: dict[str, Any], suite: str, **where: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(extra_info, stats) of the run's benchmarks of ``suite`` matching ``where``."""
    return [(b["extra_info"], b["stats"]) for b in raw["benchmarks"]
            if b["extra_info"]["suite"] == suite and all(b["extra_info"].get(k) == v for k, v in where.items())]


def timing_ok(row: dict[str, str], stats: dict[str, Any]) -> None:
    assert row["median"] == fmt.seconds(stats["median"])
    assert row["IQR"] == fmt.seconds(stats["iqr"])
    assert row["n"] == fmt.count(stats["rounds"])


def test_report_files_and_charts(run_json: Path, tmp_path: Path) -> None:
    paths = build_report([run_json], tmp_path)
    names = {p.stem for p in paths.charts}
    assert {"volume-write", "volume-read", "partitions-small-files"} <= names
    md = paths.markdown.read_text()
    for title in ("Glue Data Catalog", "Glacier: archive cost", "Partitions: pruning", "Velocity:", "Volume:"):
        assert f"## {title}" in md
    html = paths.html.read_text()
    assert html.count("<svg") == len(paths.charts)


def test_catalog_tables_match_json(raw, sections) -> None:
    sec = sections["catalog"]
    entries = {r["format"]: r for r in sec.table("catalog:entries").records()}
    created = infos(raw, SUITE_CATALOG, operation="create_table")
    assert set(entries) == {e["format"] for e, _ in created} and len(entries) >= 5
    for e, _ in created:
        row = entries[e["format"]]
        assert row["queryable (Athena)"] == ("yes" if e["queryable"] else "no")
        assert (e["serde"] in row["SerDe"]) if e["serde"] else "no Glue reader" in row["SerDe"]
        assert row["schema check (add column)"].startswith("passed")  # every add_column ran
        assert row["declared string"] == (", ".join(e["declared_string_columns"]) or "-")
    assert entries["feather"]["queryable (Athena)"] == "no"  # Glue/Athena have no Arrow reader
    labels = {"create_table": "capture (create_table)", "add_column": "update (add column)",
              "get_table": "retrieve (get_table)"}
    timings = {(r["format"], r["operation"]): r for r in sec.table("catalog:timings").records()}
    for op, label in labels.items():
        for e, s in infos(raw, SUITE_CATALOG, operation=op):
            row = timings[(e["format"], label)]
            timing_ok(row, s)
            assert row["Glue requests per call"] == fmt.number(e["glue_requests"])
            assert row["Glue $ per call"] == fmt.usd(e["glue_request_cost_usd"])
    parts = sec.table("catalog:partitions").records()
    returned = sorted(e["partitions_returned"] for e, _ in infos(raw, SUITE_CATALOG, operation="get_partitions"))
    assert sorted(int(r["returned"]) for r in parts if r["returned"] != "-") == returned == [1, 7]


def test_glacier_tables_match_json(raw, sections) -> None:
    sec = sections["glacier"]
    storage = {(r["format"], r["storage class"].replace(" (cheapest)", "")): r
               for r in sec.table("glacier:storage").records()}
    puts = infos(raw, SUITE_GLACIER, operation="archive_put")
    assert puts
    for e, _ in puts:
        for cls, usd in e["monthly_cost_usd"].items():
            row = storage[(e["format"], CLASS_LABELS.get(cls, cls))]
            assert row["$ per month"] == fmt.usd(usd)
            assert row["minimum commitment $"] == fmt.usd(e["minimum_commitment_usd"][cls])
            assert row["billable bytes"] == fmt.count(e["billable_bytes"][cls])
            assert row["object bytes"] == fmt.count(e["object_bytes"])
        cheapest = storage[(e["format"], CLASS_LABELS[e["cheapest_class"]])]
        assert cheapest["storage class"].endswith("(cheapest)")
    # The archive overhead is in the billed bytes: 32 KiB + 8 KiB over the object itself.
    e = puts[0][0]
    assert e["billable_bytes"]["GLACIER"] == e["object_bytes"] + 40 * 1024

    flows = infos(raw, SUITE_GLACIER, operation="restore_flow")
    restore = {(r["archived in"], r["tier"]): r for r in sec.table("glacier:restore").records()}
    assert len(restore) == len(flows) == 5
    tiers = {(r["archived in"], r["tier"]): r for r in sec.table("glacier:tiers").records()}
    for e, s in flows:
        key = (CLASS_LABELS[e["storage_class"]], e["tier"])
        row = restore[key]
        timing_ok(row, s)
        assert row["polls"] == fmt.count(e["polls"]) and row["requests"] == fmt.number(e["requests"])
        assert row["states observed"].split(" \u2192 ") == e["states"]
        assert row["restore $"] == fmt.usd(e["restore_cost_usd"])
        hours = row["restore hours (price table)"]
        assert fmt.number(e["restore_hours_max"]) in hours
        assert tiers[key]["restore hours (price table)"] == hours
        assert tiers[key][f"{e['format']} $"] == fmt.usd(e["restore_cost_usd"])
    warn = [b.text for b in sec.blocks if getattr(b, "kind", "") == "warn"]
    assert any("not from moto" in t and "instantly" in t for t in warn)


def test_partitions_tables_match_json(raw, sections) -> None:
    sec = sections["partitions"]
    for target in ("local", "s3"):
        table = sec.table(f"partitions:query:{target}").records()
        rows = {(r["scheme"], r["layout"]): r for r in table}
        queries = infos(raw, SUITE_PARTITIONS, operation="query", target=target)
        assert len(rows) == len(queries) >= 4
        for e, s in queries:
            row = rows[(e["scheme"], e["layout"])]
            assert row["files read"] == fmt.count(e["files_read"])
            assert row["bytes read"] == fmt.bytes_(e["bytes_read"])
            assert row["requests"] == (fmt.number(e["requests"]) if e["requests"] is not None else "-")
            assert row["request $"] == (fmt.usd(e["request_cost_usd"]) if e["request_cost_usd"] is not None else "-")
            assert row["rows"] == fmt.count(e["rows_returned"])
            timing_ok(row, s)
        # Pruning: the partitioned query reads fewer bytes than the flat file's.
        for scheme in {e["scheme"] for e, _ in queries}:
            part = next(e for e, _ in queries if e["scheme"] == scheme and e["layout"] == "partitioned")
            flat = next(e for e, _ in queries if e["scheme"] == scheme and e["layout"] == "unpartitioned")
            assert part["bytes_read"] < flat["bytes_read"] and part["files"] > flat["files"] == 1
        trade = {r["scheme"]: r for r in sec.table(f"partitions:tradeoff:{target}").records()}
        for e, s in infos(raw, SUITE_PARTITIONS, operation="full_scan", target=target):
            row = trade[e["scheme"]]
            assert row["files"] == fmt.count(e["files"])
            assert row["mean file size"] == fmt.bytes_(e["mean_file_bytes"])
            assert row["full scan"] == fmt.timing(s["median"], s["iqr"], s["rounds"])
    # S3 layouts over the quick limit are skipped and said so.
    assert any("not measured" in getattr(b, "text", "") for b in sec.blocks)


def test_velocity_tables_match_json(raw, sections) -> None:
    sec = sections["velocity"]
    for target in ("local", "s3"):
        by_label = {r["operation"]: r for r in sec.table(f"velocity:{target}").records()}
        cases = infos(raw, SUITE_VELOCITY, target=target)
        assert len(by_label) == len(cases) == 5
        for e, s in cases:
            row = by_label[OPERATIONS[e["operation"]]]
            assert row["objects"] == fmt.count(e["objects"])
            timing_ok(row, s)
            if target == "s3":
                assert row["requests"] == fmt.number(e["requests"])
                assert row["$ per million rows"] == fmt.usd(e["cost_per_million_rows_usd"])
    s3 = {e["operation"]: e for e, _ in infos(raw, SUITE_VELOCITY, target="s3")}
    cmp = {r["comparison"]: r for r in sec.table("velocity:compare:s3").records()}
    stream, batch = s3["write_stream"], s3["write_batch"]
    assert cmp["write: stream / batch"]["requests ratio"] == fmt.ratio(stream["requests"] / batch["requests"])
    assert stream["requests"] == stream["appends"]  # one PUT per micro-batch
    small, compacted = s3["read_small_objects"], s3["read_compacted"]
    assert cmp["read: small objects / compacted"]["$ per million rows ratio"] == fmt.ratio(
        small["cost_per_million_rows_usd"] / compacted["cost_per_million_rows_usd"])


def test_volume_table_and_chart_match_json(raw, sections) -> None:
    sec = sections["volume"]
    rows = {(r["format"], r["operation"]): r for r in sec.table("volume:exponents").records()}
    points = infos(raw, SUITE_VOLUME)
    cases = [(e, s) for e, s in points if e.get("sweep_s") is not None]  # each sweep's largest point
    assert len(rows) == len(cases) == 12 and len(points) == 36
    for e, s in cases:
        row = rows[(e["format"], e["operation"])]
        assert row["time exponent"] == fmt.number(e["time_exponent"])
        assert row["size exponent"] == fmt.number(e["size_exponent"])
        assert row["time R\u00b2"].endswith(fmt.number(e["time_fit_r2"]))
        assert row["time R\u00b2"].startswith(fmt.NOISY_MARK) == (e["time_fit_r2"] < 0.9)
        assert row["rows (largest)"] == fmt.count(e["sweep_rows"][-1]) == fmt.count(e["rows"])
        timing_ok(row, s)
        assert 0.8 < e["size_exponent"] < 1.2  # file size grows about linearly with rows
    table = {(r["format"], r["operation"], r["rows"]): r for r in sec.table("volume:points").records()}
    assert len(table) == 36
    for e, s in points:
        timing_ok(table[(e["format"], e["operation"], fmt.count(e["rows"]))], s)
    charts = {c.name: c for c in sec.charts()}
    svg = charts["volume-write"].svg
    assert all(f">{f}<" in svg or f" {f}" in svg for f in {e["format"] for e, _ in cases})
    assert not sec.tables()[2:]  # quick profile: no memory table, a note says so
    assert any("not measured" in getattr(b, "text", "") for b in sec.blocks)


def test_every_volume_sweep_point_has_rounds(raw) -> None:
    """No single perf_counter shots: each point is a case with n >= 2, and the fit's inputs are
    exactly those cases' medians."""
    points = infos(raw, SUITE_VOLUME)
    medians = {(e["operation"], e["format"], e["rows"]): s for e, s in points}
    for e, s in points:
        assert s["rounds"] >= 2, (e["operation"], e["format"], e["rows"])
        if e.get("sweep_s") is not None:
            for i, rows in enumerate(e["sweep_rows"]):
                stats = medians[(e["operation"], e["format"], rows)]
                assert e["sweep_s"][i] == stats["median"]
                assert e["sweep_iqr_s"][i] == stats["iqr"] and e["sweep_n"][i] == stats["rounds"]


def test_counted_requests_are_the_operations_own(raw) -> None:
    """Requests counted around the timed calls only: no setup PUT/CreateTable, no bookkeeping HEAD,
    no verification or cleanup request, and no subtracted estimate."""
    for e, _ in infos(raw, SUITE_CATALOG):
        expected = {"create_table": 1, "add_column": 2, "get_table": 1, "get_partitions": 1}.get(e["operation"])
        if expected is not None:
            assert e["glue_requests"] == expected, e["operation"]
    for e, _ in infos(raw, SUITE_GLACIER, operation="archive_put"):
        assert e["requests_by_op"] == {"s3:PutObject": 1}
    for e, _ in infos(raw, SUITE_GLACIER, operation="restore_flow"):
        by_op = e["requests_by_op"]
        assert by_op["s3:HeadObject"] == e["polls"] and by_op["s3:GetObject"] == 1  # polls, the GET
        assert e["requests"] == e["polls"] + 2 and "s3:PutObject" not in by_op  # + RestoreObject
    for e, _ in infos(raw, SUITE_VELOCITY, target="s3"):
        ops = e["requests_by_op"]
        if e["operation"] == "compaction":
            assert ops["s3:PutObject"] == 1 and not {op for op in ops if "Delete" in op}
            assert e["cleanup_requests_by_op"].get("s3:DeleteObjects", 0) >= 1  # reported apart
        if e["operation"] == "write_stream":
            assert ops == {"s3:PutObject": e["appends"]}
    for e, _ in infos(raw, SUITE_PARTITIONS, operation="query", target="s3"):
        assert e["requests"] == int(e["requests"])  # every round starts cold: whole requests


def _subset(raw: dict[str, Any], keep: set[str], tmp_path: Path, name: str) -> Path:
    doc = copy.deepcopy(raw)
    doc["benchmarks"] = [b for b in doc["benchmarks"] if b["extra_info"]["suite"] in keep]
    doc["storagebench"]["outcomes"] = [o for o in doc["storagebench"]["outcomes"] if o.get("suite") in keep]
    return write_json(tmp_path / name, doc)


@pytest.mark.parametrize("suite", SUITES)
def test_each_section_only_with_its_suite(raw, tmp_path: Path, suite: str) -> None:
    keys = {s.key for s in build_sections([load_run(_subset(raw, {suite}, tmp_path, "one.json"))])}
    assert suite in keys and not (set(SUITES) - {suite}) & keys


def test_sections_absent_without_their_suites(tmp_path: Path) -> None:
    doc = run_doc(format_set("csv", 1000, 0.1, 0.1, 0.05, 0.05),
                  outcomes=[{"case": "partitions-write-s3-day", "suite": SUITE_PARTITIONS, "status": "skipped",
                             "reason": "over the quick limit", "target": "s3", "scheme": "day"}])
    paths = build_report([write_json(tmp_path / "formats.json", doc)], tmp_path / "out")
    keys = {s.key for s in build_sections([load_run(paths.markdown.parent.parent / "formats.json")])}
    assert not set(SUITES) & keys and "outcomes" in keys  # the skip is still listed, by the outcomes section


def test_volume_memory_table_and_failed_schema_check(raw, tmp_path: Path) -> None:
    doc = copy.deepcopy(raw)
    for b in doc["benchmarks"]:
        e = b["extra_info"]
        if e["suite"] == SUITE_VOLUME and e["operation"] == "write":
            peak = 5 * e["arrow_bytes"] if e["format"] == "json" else e["arrow_bytes"] // 2
            e.update(peak_memory_bytes=peak, peak_memory_method="fork + /proc VmHWM delta",
                     peak_rss_ratio=peak / e["arrow_bytes"], peak_per_batch_ratio=peak / e["batch_arrow_bytes"],
                     memory_bounded=peak <= 3 * e["arrow_bytes"])
    doc["benchmarks"] = [b for b in doc["benchmarks"] if not (
        b["extra_info"]["suite"] == SUITE_CATALOG and b["extra_info"]["operation"] == "add_column"
        and b["extra_info"]["format"] == "csv")]
    doc["storagebench"]["outcomes"].append({"case": "catalog-add_column-csv", "suite": SUITE_CATALOG,
                                            "status": "failed", "format": "csv",
                                            "reason": "column 'x' would move (position 2)"})
    secs = {s.key: s for s in build_sections([load_run(write_json(tmp_path / "mem.json", doc))])}
    mem = {r["format"]: r for r in secs["volume"].table("volume:memory").records()}
    assert mem["json"]["bounded (\u2264 3\u00d7 data)"] == "**no**" and mem["parquet"]["bounded (\u2264 3\u00d7 data)"] == "yes"
    assert mem["json"]["peak / data"] == fmt.ratio(5.0)
    entries = {r["format"]: r for r in secs["catalog"].table("catalog:entries").records()}
    assert entries["csv"]["schema check (add column)"] == "failed: column 'x' would move (position 2)"


def test_recommendations_use_glacier_and_velocity(raw: dict[str, Any], sections: dict[str, Any]) -> None:
    """Archive placement and measured appends agree with the Glacier and Velocity results."""
    rec = sections["recommendations"]
    placement = rec.table("recommend:archive-placement").records()
    puts = {e["format"]: e for e, _ in infos(raw, "glacier", operation="archive_put")}
    assert {r["format"] for r in placement} == set(puts)
    costs = []
    for row in placement:
        monthly = puts[row["format"]]["monthly_cost_usd"]
        cheapest = min(monthly, key=monthly.get)
        assert row["cheapest class"] == cheapest
        assert row["$ / month there"] == fmt.usd(monthly[cheapest])
        costs.append(monthly[cheapest])
    assert costs == sorted(costs)  # cheapest placement first
    appends = {r["target"]: r for r in rec.table("recommend:append-measured").records()}
    for e, _ in infos(raw, "velocity", operation="write_stream"):
        assert appends[e["target"]]["stream objects"] == fmt.count(e["objects"])
    s3_batch = infos(raw, "velocity", operation="write_batch", target="s3")[0][0]
    assert appends["s3"]["batch requests"] == fmt.count(s3_batch["requests"])
