"""A real ``storagebench decide`` end to end on tiny data, and its bad-input paths."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from storagebench.cli import main


@pytest.fixture()
def tiny_csv(tmp_path):
    rng = np.random.default_rng(7)
    n = 3_000
    table = pa.table({"id": np.arange(n, dtype=np.int64), "amount": np.round(rng.uniform(0, 100, n), 2),
                      "city": rng.choice(["Berlin", "Lyon", "Porto"], n)})
    path = tmp_path / "orders.csv"
    pacsv.write_csv(table, path)
    return path


def test_decide_end_to_end_local_and_s3(tiny_csv, tmp_path, capsys):
    out = tmp_path / "decision"
    code = main(["decide", str(tiny_csv), "--budget", "90s", "--targets", "local,s3", "--out", str(out),
                 "--formats", "csv,parquet,feather", "--sample-rows", "500", "--data-size", "2TB",
                 "--workloads", "archive,full-export,selective-filter,point-lookup"])
    assert code == 0
    decision = json.loads((out / "decision.json").read_text())
    rows = decision["workloads"]
    assert {(r["workload"], r["target"]) for r in rows} == {
        (w, t) for w in ("archive", "full-export", "selective-filter", "point-lookup") for t in ("local", "s3")}
    for r in rows:
        assert list(r)[:5] == ["workload", "winner", "tie_with", "ratio", "ci"]
        if r["skipped"]:
            continue
        assert r["winner"] and isinstance(r["tie_with"], list)
        if r["stopped"] == "single finalist":  # the others failed on this target (e.g. DuckDB cannot write to S3)
            assert r["ratio"] is None and r["tie_with"] == []
            continue
        assert r["ci"][0] <= r["ratio"] <= r["ci"][1] or r["tie_with"]
    decided = {(r["workload"], r["target"]): r for r in rows if r["winner"]}
    assert ("archive", "local") in decided, "archive is exact bytes: always decidable"
    archive = decided[("archive", "local")]
    assert archive["winner"].count("/") == 2 and ">" not in archive["winner"]
    # the projection is the measured ratio (winner's file / the CSV as given) times 2 TB
    ratio = archive["bytes_full"] / tiny_csv.stat().st_size
    assert archive["bytes_at_size"] == pytest.approx(2 * 2**40 * ratio)
    assert archive["usd_month_at_size"] > 0
    read = next(r for k, r in decided.items() if k[0] == "full-export")
    assert ">" in read["winner"]
    # every measured read finalist has its page-fault count; archive (no read) has none
    measured = [f for f in read["finalists"] if f["rounds"]]
    assert measured and all(isinstance(f["page_faults"], (int, float)) and f["page_faults"] >= 0 for f in measured)
    assert all(isinstance(f["disk_read_kib"], (int, float)) and f["disk_read_kib"] >= 0 for f in measured)
    assert all(f["page_faults"] is None and f["disk_read_kib"] is None for f in archive["finalists"])
    s3_rows = [r for r in rows if r["target"] == "s3" and r["workload"] == "full-export" and r["finalists"]]
    assert s3_rows and any(f["s3"] and f["s3"]["requests"] >= 1 for f in s3_rows[0]["finalists"])
    assert decision["elapsed_s"] <= 90 + 15  # the report and cleanup fit in the reserve
    assert decision["read_finalists"] == "narrow", "two targets in 90 s: too little time for the wide read set"
    report = (out / "report.md").read_text()
    first_screen = report[: report.index("## Method")]
    assert "## Decision" in first_screen and archive["winner"] in first_screen
    assert "page faults per read" in report and "KiB from disk per read" in report
    cond = decision["conditions"]
    assert 0 <= cond["other_cpu_share"] <= 1 and cond["wall_s"] > 0
    assert "machine during the run" in report


def test_decide_sends_the_wide_read_set_when_the_budget_allows(tiny_csv, tmp_path):
    """One target with a 300 s budget has about 148 s of confirmation: the read workloads send the
    wide set (more than the narrow rule's at most 8), and every one of it is measured at full size
    (a tiny file settles in seconds, so the run ends long before the budget)."""
    out = tmp_path / "wide"
    code = main(["decide", str(tiny_csv), "--budget", "300s", "--targets", "local", "--out", str(out),
                 "--formats", "csv,parquet,feather", "--sample-rows", "500", "--workloads", "selective-filter"])
    assert code == 0
    decision = json.loads((out / "decision.json").read_text())
    assert decision["read_finalists"] == "wide"
    (row,) = decision["workloads"]
    assert row["winner"] and ">" in row["winner"]
    finalists = [f for f in row["finalists"] if not f["status"].startswith("failed")]
    assert len(finalists) > 8, "the wide set: every (format, reader) group's near candidates"
    assert all(f["rounds"] >= 1 for f in finalists), [f["label"] for f in finalists if not f["rounds"]]
    readers = {f["label"].split(">")[1] for f in finalists}
    assert len(readers) >= 3, readers
    assert (out / "report.html").read_text().count("<table") >= 3


@pytest.mark.parametrize("argv,message", [
    (["decide", "--budget", "soon"], "budget"),
    (["decide", "--targets", "ftp"], "unknown target 'ftp'"),
    (["decide", "--workloads", "teleport"], "unknown workload 'teleport'"),
    (["decide", "--data-size", "lots"], "size"),
    (["decide", "/nonexistent/data.csv", "--budget", "10s"], "dataset file not found"),
    (["decide", "tpch-lineitem", "--scale", "-1"], "scale factor"),
])
def test_decide_bad_input_is_one_clear_line(argv, message, capsys, tmp_path):
    assert main([*argv, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]


def test_decide_never_overwrites_a_decision(tiny_csv, tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "decision.json").write_text("{}")
    assert main(["decide", str(tiny_csv), "--out", str(out)]) == 2
    assert "already holds a decision.json" in capsys.readouterr().err
    assert (out / "decision.json").read_text() == "{}"
