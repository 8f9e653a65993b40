"""Bad input to `storagebench report` / `compare`: each gives a clear error naming the file and
what is wrong (exit 2 from the CLI, one line), never a traceback; failed cases are reported."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from storagebench import cli
from storagebench.report import build_report, build_sections
from storagebench.report.loading import ReportInputError, load_run, load_runs, newest_run
from report_support import fmt_case, format_set, run_doc, write_json


@pytest.fixture
def report_cli(monkeypatch):
    """The real CLI entry point with the report and compare subcommands registered."""
    monkeypatch.setattr(cli, "_COMMAND_MODULES", ("storagebench.commands.report", "storagebench.commands.compare"))
    return cli.main


def test_missing_file(tmp_path, report_cli, capsys):
    with pytest.raises(ReportInputError, match="does not exist"):
        load_run(tmp_path / "nope.json")
    assert report_cli(["report", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.json" in err[0] and "does not exist" in err[0]


def test_no_runs_at_all(tmp_path, report_cli, capsys):
    with pytest.raises(ReportInputError, match="does not exist"):
        newest_run(tmp_path / "runs")
    (tmp_path / "runs").mkdir()
    with pytest.raises(ReportInputError, match="no \\*.json run"):
        newest_run(tmp_path / "runs")
    assert report_cli(["report", "--runs-dir", str(tmp_path / "runs"), "--out", str(tmp_path / "o")]) == 2
    assert "no *.json run" in capsys.readouterr().err


def test_newest_run_is_default(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    old = write_json(runs / "a.json", run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1)))
    new = write_json(runs / "b.json", run_doc(format_set("parquet", 500, 0.1, 0.1, 0.1, 0.1)))
    now = time.time()
    os.utime(old, (now - 100, now - 100))
    os.utime(new, (now, now))
    assert newest_run(runs) == new
    assert load_runs([], runs)[0].path == new


@pytest.mark.parametrize("content,expected", [
    ("", "is empty"),
    ("{not json", "is not JSON"),
    ('[1, 2]', "not pytest-benchmark JSON"),
    ('{"rows": 3}', "no 'benchmarks' list"),
])
def test_not_pytest_benchmark_json(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ReportInputError, match=expected) as info:
        load_run(path)
    assert "bad.json" in str(info.value)


def test_pytest_benchmark_without_suite_object(tmp_path):
    doc = run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1))
    del doc["storagebench"]
    with pytest.raises(ReportInputError, match="no top-level 'storagebench' object"):
        load_run(write_json(tmp_path / "plain.json", doc))


def test_older_schema_names_what_is_missing(tmp_path):
    doc = run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1))
    doc["storagebench"] = {"schema_version": 0, "profile": "quick", "seed": 1}
    with pytest.raises(ReportInputError) as info:
        load_run(write_json(tmp_path / "old.json", doc))
    msg = str(info.value)
    assert "older or other run schema" in msg and "old.json" in msg
    for key in ("versions", "machine", "datasets", "outcomes"):
        assert key in msg


def test_newer_schema_is_refused(tmp_path):
    doc = run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1))
    doc["storagebench"]["schema_version"] = 999
    with pytest.raises(ReportInputError, match="schema_version 999"):
        load_run(write_json(tmp_path / "new.json", doc))


def test_benchmark_from_other_schema(tmp_path):
    bench = fmt_case("csv", "write", 0.1, 1000)
    del bench["stats"]["iqr"], bench["extra_info"]["suite"]
    with pytest.raises(ReportInputError, match="stats lack iqr"):
        load_run(write_json(tmp_path / "x.json", run_doc([bench])))
    bench["stats"]["iqr"] = 0.0
    with pytest.raises(ReportInputError, match="extra_info lacks 'suite'"):
        load_run(write_json(tmp_path / "x.json", run_doc([bench])))


def test_empty_run(tmp_path, report_cli, capsys):
    path = write_json(tmp_path / "empty.json", run_doc([]))
    with pytest.raises(ReportInputError, match="empty run"):
        load_run(path)
    assert report_cli(["report", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "empty run" in capsys.readouterr().err
    assert not (tmp_path / "o" / "report.md").exists()


def test_failed_cases_are_reported_not_dropped(tmp_path):
    outcomes = [{"case": "parquet-pyarrow>fastparquet-none-projection-numeric", "suite": "formats",
                 "status": "failed", "reason": "fastparquet cannot read the pyarrow-written file: ValueError: x",
                 "format": "parquet", "dataset": "numeric", "rows": 1000},
                {"case": "avro-fastavro-none-numeric", "suite": "formats", "status": "skipped",
                 "reason": "engine 'fastavro' needs the Python module 'fastavro': pip install fastavro"}]
    path = write_json(tmp_path / "f.json", run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1), outcomes))
    out = build_report([path], tmp_path / "o")
    md = out.markdown.read_text()
    assert "Skipped and failed cases" in md and "**1 failed**" in md
    assert "fastparquet cannot read the pyarrow-written file" in md and "pip install fastavro" in md
    import pandas as pd

    cases = pd.read_csv(out.csv)
    assert sorted(cases["status"]) == ["failed", "measured", "measured", "measured", "measured", "skipped"]


def test_run_with_only_failures_still_reports(tmp_path):
    outcomes = [{"case": "x", "suite": "formats", "status": "failed", "reason": "boom"}]
    run = load_run(write_json(tmp_path / "f.json", run_doc([], outcomes)))
    assert run.warnings and "no case produced a timing" in run.warnings[0]
    sections = {s.key: s for s in build_sections([run])}
    assert sections["outcomes"].table("outcomes").rows[0][-1] == "boom"


def test_bad_cost_options(tmp_path, report_cli, capsys):
    path = write_json(tmp_path / "r.json", run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1)))
    assert report_cli(["report", str(path), "--out", str(tmp_path / "o"), "--data-size", "2 bananas"]) == 2
    assert "cannot read size '2 bananas'" in capsys.readouterr().err
    assert report_cli(["report", str(path), "--out", str(tmp_path / "o"), "--region", "mars-1"]) == 2
    assert "unknown price region 'mars-1'" in capsys.readouterr().err


def test_compare_bad_input(tmp_path, report_cli, capsys):
    good = write_json(tmp_path / "a.json", run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1)))
    assert report_cli(["compare", str(good), str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
    (tmp_path / "b.json").write_text(json.dumps({"benchmarks": "nope"}))
    assert report_cli(["compare", str(good), str(tmp_path / "b.json")]) == 2
    assert "not pytest-benchmark JSON" in capsys.readouterr().err
