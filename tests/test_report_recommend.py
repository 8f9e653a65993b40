"""Recommendations come from the numbers: different inputs flip the winner, lossy-values results
never win silently, and ties inside the noise are called ties."""

from __future__ import annotations

import pytest

from storagebench.report import build_sections
from storagebench.report.loading import load_run
from storagebench.report.metrics import pareto_front
from report_support import fmt_case, format_set, run_doc, write_json


def recommend(tmp_path, benchmarks, name="r.json"):
    run = load_run(write_json(tmp_path / name, run_doc(benchmarks)))
    sec = {s.key: s for s in build_sections([run])}["recommendations"]
    return {w: sec.table(f"recommend:{w}").records()[0] for w in
            ("archive", "full-export", "analytic", "selective", "append")}


def winner(rec):
    return rec["winner"].split("**")[1]


def test_winners_flip_with_the_data(tmp_path):
    # Run A: parquet small and fast on column reads, csv fast to write.
    a = recommend(tmp_path, format_set("parquet", 20_000, write=0.030, full=0.010, projection=0.002, predicate=0.003)
                  + format_set("csv", 90_000, write=0.010, full=0.040, projection=0.030, predicate=0.035), "a.json")
    # Run B: the opposite numbers.
    b = recommend(tmp_path, format_set("parquet", 90_000, write=0.010, full=0.040, projection=0.030, predicate=0.035)
                  + format_set("csv", 20_000, write=0.030, full=0.010, projection=0.002, predicate=0.003), "b.json")
    expected_a = {"archive": "parquet/none pyarrow", "full-export": "parquet/none pyarrow",
                  "analytic": "parquet/none pyarrow", "selective": "parquet/none pyarrow",
                  "append": "csv/none pyarrow"}
    flip = {"parquet/none pyarrow": "csv/none pyarrow", "csv/none pyarrow": "parquet/none pyarrow"}
    for w, label in expected_a.items():
        assert winner(a[w]) == label, w
        assert winner(b[w]) == flip[label], w
    assert a["archive"]["deciding figure"] == "20,000 bytes"
    assert a["analytic"]["deciding figure"].startswith("2 ms (IQR")


def test_lossy_values_never_wins(tmp_path):
    lossy = ["ts: timezone UTC dropped (timestamp[us, tz=UTC] -> timestamp[us])"]
    rec = recommend(tmp_path, format_set("json", 5_000, 0.001, 0.001, 0.001, 0.001, fidelity="lossy-values",
                                         details=lossy)
                    + format_set("parquet", 20_000, 0.01, 0.01, 0.01, 0.01))
    for w in ("archive", "full-export", "analytic", "selective", "append"):
        assert winner(rec[w]) == "parquet/none pyarrow"
        assert "excluded for lossy values" in rec[w]["caveats"] and "json/none" in rec[w]["caveats"]


def test_lossy_types_winner_carries_caveat(tmp_path):
    rec = recommend(tmp_path, format_set("csv", 5_000, 0.001, 0.001, 0.001, 0.001, fidelity="lossy-types",
                                         details=["sensor_id: type int32 -> int64; values equal"])
                    + format_set("parquet", 20_000, 0.01, 0.01, 0.01, 0.01))
    assert winner(rec["analytic"]) == "csv/none pyarrow"
    assert "lossy types: sensor_id" in rec["analytic"]["caveats"]


def test_tie_inside_noise_is_marked(tmp_path):
    rec = recommend(tmp_path, format_set("parquet", 20_000, 0.010, 0.010, 0.0100, 0.010, spread=0.2)
                    + format_set("orc", 21_000, 0.010, 0.010, 0.0105, 0.010, spread=0.2))
    assert "tie within noise" in rec["analytic"]["caveats"]
    rec = recommend(tmp_path, format_set("parquet", 20_000, 0.010, 0.010, 0.002, 0.010, spread=0.01)
                    + format_set("orc", 21_000, 0.010, 0.010, 0.020, 0.010, spread=0.01))
    assert "tie" not in rec["analytic"]["caveats"]


def test_noisy_winner_is_flagged(tmp_path):
    rec = recommend(tmp_path, format_set("parquet", 20_000, 0.01, 0.01, 0.002, 0.01, spread=0.3)
                    + format_set("orc", 21_000, 0.01, 0.01, 0.020, 0.01))
    assert "\u26a0CV" in rec["analytic"]["deciding figure"]


def test_no_readable_file_is_not_an_archive(tmp_path):
    # ORC is the smallest, but its only read failed (an outcome, no read timing).
    rec = recommend(tmp_path, [fmt_case("orc", "write", 0.01, 1_000, fidelity="lossy-values")]
                    + format_set("parquet", 20_000, 0.01, 0.01, 0.01, 0.01))
    assert winner(rec["archive"]) == "parquet/none pyarrow"
    assert "orc/none pyarrow" in rec["archive"]["caveats"]


def test_pareto_front():
    items = [{"n": "a", "x": 1, "y": 5}, {"n": "b", "x": 2, "y": 2}, {"n": "c", "x": 3, "y": 3},
             {"n": "d", "x": 5, "y": 1}, {"n": "e", "x": float("nan"), "y": 0.5}]
    assert [i["n"] for i in pareto_front(items, ["x", "y"])] == ["a", "b", "d", "e"]


def test_point_lookup_absent_and_present(tmp_path):
    run = load_run(write_json(tmp_path / "r.json", run_doc(format_set("csv", 1, 1, 1, 1, 1))))
    sec = {s.key: s for s in build_sections([run])}["recommendations"]
    assert any("Not measured in this run" in getattr(b, "text", "") for b in sec.blocks)
