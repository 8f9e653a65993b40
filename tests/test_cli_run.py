"""`storagebench run` end to end on a tiny matrix: the JSON it keeps, its atomicity, its errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storagebench.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    proc = _cli("run", "--suites", "local_formats", "--rows", "300", "--formats", "parquet,csv",
                "--datasets", "nested,numeric", "--runs-dir", str(runs), "--no-report")
    return runs, proc


def test_run_writes_one_complete_json_with_extra_info(tiny_run):
    runs, proc = tiny_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = sorted(runs.glob("*.json"))
    assert len(files) == 1 and not list(runs.glob(".*.partial"))
    data = json.loads(files[0].read_text())
    assert data["storagebench"]["profile"] == "quick" and data["storagebench"]["rows"] == 300
    required = {"format", "engine", "compression", "dataset", "rows", "columns", "bytes_on_disk",
                "arrow_bytes", "compression_ratio", "mb_per_s", "fidelity", "peak_memory_bytes"}
    assert data["benchmarks"]
    for bench in data["benchmarks"]:
        info = bench["extra_info"]
        assert required <= set(info), set(required) - set(info)
        assert info["bytes_on_disk"] > 0 and info["rows"] > 0
        assert info["fidelity"] in ("lossless", "lossy-types", "lossy-values")
    fingerprints = data["storagebench"]["datasets"]
    assert set(fingerprints) == {"nested", "numeric"}


def test_interop_failures_are_kept_as_outcomes(tiny_run):
    runs, _ = tiny_run
    data = json.loads(next(runs.glob("*.json")).read_text())
    outcomes = data["storagebench"]["outcomes"]
    # fastparquet cannot project a struct column of a pyarrow-written file: a result, not a crash.
    assert any(o["case"].startswith("parquet-pyarrow>fastparquet") and o["dataset"] == "nested"
               and o["status"] == "failed" for o in outcomes)


def test_second_run_never_overwrites_the_first(tiny_run):
    runs, _ = tiny_run
    first = next(runs.glob("*.json"))
    before = first.read_bytes()
    proc = _cli("run", "--suites", "local_formats", "--rows", "200", "--formats", "feather",
                "--datasets", "numeric", "--runs-dir", str(runs), "--no-report", "--no-memory")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list(runs.glob("*.json"))) == 2 and first.read_bytes() == before


# Interrupts are tested with real signals sent to a real run in tests/test_interrupts.py (real
# pytest catches Ctrl-C itself, so patching pytest.main to raise KeyboardInterrupt tested nothing).


@pytest.mark.parametrize("args,message", [
    (["--formats", "parqet"], "unknown format 'parqet'"),
    (["--datasets", "numric"], "unknown dataset 'numric'"),
    (["--profile", "fast"], "unknown profile 'fast'"),
    (["--dataset", "/nonexistent/data.csv"], "dataset file not found"),
    (["--suites", "nosuch"], "unknown suite 'nosuch'"),
])
def test_bad_run_arguments_fail_with_one_clear_line(tmp_path, args, message):
    proc = _cli("run", "--runs-dir", str(tmp_path), "--no-report", *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not list(tmp_path.glob("*.json"))


def test_list_shows_formats_engines_and_datasets():
    proc = _cli("list")
    assert proc.returncode == 0
    for word in ("parquet", "fastparquet", "orc", "feather", "avro", "police", "quick", "s3fs-tuned",
                 "dynalite", "scan_filter_one", "local_formats", "glacier"):
        assert word in proc.stdout


def test_user_file_dataset_runs_every_case(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = tmp_path / "data dir" / "my.orders.parquet"
    data.parent.mkdir()
    pq.write_table(pa.table({"id": list(range(400)), "name": [f"n{i}" for i in range(400)]}), data)
    runs = tmp_path / "runs"
    proc = _cli("run", "--suites", "local_formats", "--formats", "csv,parquet", "--dataset", str(data),
                "--runs-dir", str(runs), "--no-report", "--no-memory")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(next(runs.glob("*.json")).read_text())
    assert not [o for o in result["storagebench"]["outcomes"] if "cannot write" in o["reason"]]
    ops = {(b["extra_info"]["operation"], b["extra_info"]["dataset"]) for b in result["benchmarks"]}
    assert ("write", "file:my") in ops and ("read", "file:my") in ops
