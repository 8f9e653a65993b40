"""The typed results schema (storagebench/results.py): each kind of bad record is caught with a
message naming suite, case and key; a real run validates; the report refuses a bad or older JSON
in one line; a bad record at write time fails the run and marks the JSON; ``storagebench run``'s
summary reads the same records the report's loader returns."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rich.console import Console

from storagebench import results
from storagebench.commands.run_summary import print_summary, summary_rows
from storagebench.report.loading import ReportInputError, load_run
from storagebench.results import ResultsSchemaError, validate_benchmarks, validate_record
from report_support import fmt_case, format_set, run_doc, write_json  # real_run_json: tests/conftest.py

REPO = Path(__file__).resolve().parents[1]


def _read_info() -> dict:
    return fmt_case("parquet", "read", 0.01, 1000)["extra_info"]


def test_a_valid_record_passes():
    validate_record(_read_info(), "c")


@pytest.mark.parametrize("change, message", [
    (lambda i: i.update(extra_thing=1), "suite 'formats', case 'c': unknown key 'extra_thing'"),
    (lambda i: i.pop("bytes_on_disk"), "suite 'formats', case 'c': missing required key 'bytes_on_disk'"),
    (lambda i: i.update(bytes_on_disk="12"),
     "suite 'formats', case 'c': key 'bytes_on_disk' is str '12', expected int"),
    (lambda i: i.update(bytes_on_disk=True), "key 'bytes_on_disk' is bool True, expected int"),
    (lambda i: i.update(fidelity="fine"), "key 'fidelity' is str 'fine', expected 'lossless' | 'lossy-types'"),
    (lambda i: i.update(fidelity_lossy_columns=[1]), "key 'fidelity_lossy_columns' is list [1]"),
    (lambda i: i.update(suite="nosuch"), "case 'c': unknown suite 'nosuch' (known: catalog, dynamodb"),
    (lambda i: i.pop("suite"), "case 'c': extra_info lacks 'suite'"),
    # a format record labelled as another suite: the declaration of that suite decides
    (lambda i: i.update(suite="volume"), "suite 'volume', case 'c': unknown key 'columns'"),
])
def test_each_kind_of_bad_record_is_named(change, message):
    info = _read_info()
    change(info)
    with pytest.raises(ResultsSchemaError) as err:
        validate_record(info, "c")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_float_key_takes_a_json_integer_but_an_int_key_no_float():
    info = _read_info()
    info["compression_ratio"] = 3  # JSON writes 3.0 as 3 in some encoders
    validate_record(info, "c")
    info["bytes_on_disk"] = 1000.5
    with pytest.raises(ResultsSchemaError, match="'bytes_on_disk' is float"):
        validate_record(info, "c")


def test_bad_outcome_is_named():
    with pytest.raises(ResultsSchemaError, match="outcome 'x': missing required key 'reason'"):
        validate_benchmarks([], [{"case": "x", "suite": "s3", "status": "skipped"}])
    with pytest.raises(ResultsSchemaError, match="outcome 'x': key 'status' is 'maybe'"):
        validate_benchmarks([], [{"case": "x", "suite": "s3", "status": "maybe", "reason": "r"}])


def test_every_record_declares_its_keys_with_checkable_types():
    """Each declared type is one the validator knows (a typo'd declaration fails here, not in a run)."""
    for suite, record in results.RECORDS.items():
        hints, required = results._declaration(record)
        assert {"suite", "operation", "dataset"} <= required, suite
        for key, tp in hints.items():
            results._matches(None, tp)  # raises TypeError for a type with no check


def test_a_real_run_validates(real_run_json):
    data = json.loads(real_run_json.read_text())
    assert data["storagebench"]["schema_version"] == results.SCHEMA_VERSION
    assert "schema_error" not in data["storagebench"]
    validate_benchmarks(data["benchmarks"], data["storagebench"]["outcomes"])
    assert len(load_run(real_run_json).benchmarks) == len(data["benchmarks"]) > 0


@pytest.mark.parametrize("change, words", [
    (lambda b: b["extra_info"].update(p50_ms=1.0), "unknown key 'p50_ms'"),
    (lambda b: b["extra_info"].pop("fidelity"), "missing required key 'fidelity'"),
    (lambda b: b["extra_info"].update(rows="many"), "key 'rows' is str 'many', expected int"),
    (lambda b: b["extra_info"].update(suite="dynamodb"), "suite 'dynamodb'"),
])
def test_report_refuses_a_bad_record_in_one_line(real_run_json, tmp_path, change, words):
    data = json.loads(real_run_json.read_text())
    bad = copy.deepcopy(data)
    change(bad["benchmarks"][1])
    path = write_json(tmp_path / "bad.json", bad)
    with pytest.raises(ReportInputError) as err:
        load_run(path)
    text = str(err.value)
    assert str(path) in text and "benchmark #1" in text and words in text
    assert data["benchmarks"][1]["fullname"] in text and "\n" not in text


def test_report_refuses_an_older_schema_in_one_line(tmp_path):
    doc = run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1))
    doc["storagebench"]["schema_version"] = 1
    path = write_json(tmp_path / "old.json", doc)
    with pytest.raises(ReportInputError) as err:
        load_run(path)
    assert "schema_version 1, written by an older storagebench" in str(err.value)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_report_refuses_a_run_marked_with_a_schema_error(tmp_path):
    doc = run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1))
    doc["storagebench"]["schema_error"] = "suite 'formats', case 'x': unknown key 'y'"
    with pytest.raises(ReportInputError, match="written with a results schema error: suite 'formats'"):
        load_run(write_json(tmp_path / "marked.json", doc))


def test_a_bad_record_fails_the_run_and_marks_its_json(tmp_path):
    """Write time: the plugin's JSON hook validates; the session fails after its teardown with one
    line naming suite, case and key, and the JSON says so (a report refuses it)."""
    (tmp_path / "test_probe.py").write_text(textwrap.dedent('''
        def test_probe(benchmark):
            benchmark.pedantic(lambda: None, rounds=2, iterations=1)
            benchmark.extra_info.update(suite="harness", operation="overhead", dataset="numeric",
                                        profile="quick", seed=42, rows=1, bare_median_s=1.0,
                                        suite_median_s=1.0, interleaved_rounds=2)  # no overhead_ratio
    '''))
    out = tmp_path / "probe.json"
    proc = subprocess.run([sys.executable, "-m", "pytest", str(tmp_path / "test_probe.py"), "-q",
                           "-p", "storagebench.pytest_plugin", "-p", "no:cacheprovider", f"--benchmark-json={out}",
                           "--rootdir", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == pytest.ExitCode.INTERNAL_ERROR, proc.stdout[-2000:] + proc.stderr[-2000:]
    line = next(ln for ln in (proc.stdout + proc.stderr).splitlines() if "results schema error" in ln)
    assert "suite 'harness', case 'test_probe.py::test_probe': missing required key 'overhead_ratio'" in line
    marked = json.loads(out.read_text())["storagebench"]["schema_error"]
    assert "missing required key 'overhead_ratio'" in marked
    with pytest.raises(ReportInputError, match="results schema error"):
        load_run(out)


def _summary_text(path: Path) -> str:
    console = Console(record=True, width=300)
    print_summary(path, console)
    return console.export_text()


def test_run_summary_numbers_equal_the_loaders(tmp_path):
    benches = (format_set("csv", 5000, 0.020, 0.010, 0.004, 0.003)
               + format_set("parquet", 1200, 0.030, 0.002, 0.001, 0.001, comp="zstd"))
    lossy = fmt_case("csv", "read", 0.0005, 5000, reader="pandas", fidelity="lossy-values",
                     details=["ts: values differ"])  # fastest, but lost values: never the summary's read
    path = write_json(tmp_path / "r.json", run_doc(benches + [lossy]))
    run = load_run(path)
    rows = summary_rows(run)
    for (dataset, fmt), row in rows.items():
        mine = [b for b in run.benchmarks if (b["extra_info"]["dataset"], b["extra_info"]["format"]) == (dataset, fmt)]
        writes = [b["stats"]["median"] for b in mine if b["extra_info"]["operation"] == "write"]
        reads = [b["stats"]["median"] for b in mine if b["extra_info"].get("read_kind") == "full"
                 and b["extra_info"]["fidelity"] == "lossless"]
        assert row["write"][0] == min(writes) and row["read"][0] == min(reads)
        assert row["size"][0] == min(b["extra_info"]["bytes_on_disk"] for b in mine)
    assert rows[("numeric", "csv")]["read"] == (0.010, "pyarrow/none")
    assert rows[("numeric", "csv")]["fidelity"] == {"lossless", "lossy-values"}
    text = _summary_text(path)
    assert "10.0 ms (pyarrow/none)" in text and "0.0012" not in text and "1,000 rows" in text


def test_run_summary_refuses_what_the_loader_refuses(tmp_path):
    doc = run_doc(format_set("csv", 1000, 0.1, 0.1, 0.1, 0.1))
    doc["benchmarks"][0]["extra_info"]["bytes_on_disk"] = "big"
    with pytest.raises(ReportInputError, match="key 'bytes_on_disk' is str"):
        _summary_text(write_json(tmp_path / "bad.json", doc))
