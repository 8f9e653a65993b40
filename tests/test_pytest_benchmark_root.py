"""``pytest --benchmark`` from the repository root runs the benchmarks, keeps the run and reports;
plain ``pytest`` still collects the tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pytest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)


def test_pytest_benchmark_runs_benchmarks_saves_the_run_and_writes_the_report(tmp_path):
    runs = tmp_path / "runs"
    # ``--runs-dir=DIR``: pytest takes a separate value that is an existing path for a test path.
    proc = _pytest("--benchmark", f"--runs-dir={runs}", "--rows", "100", "--formats", "csv",
                   "--datasets", "numeric", "--no-memory", "-k", "test_write")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "benchmarks/test_local_formats.py" in proc.stdout
    saved = list(runs.glob("*.json"))
    assert len(saved) == 1 and not list(runs.glob(".*.partial"))
    data = json.loads(saved[0].read_text())
    assert data["storagebench"]["profile"] == "quick" and data["storagebench"]["complete"] is True
    assert {b["extra_info"]["operation"] for b in data["benchmarks"]} == {"write"}
    assert f"run saved: {saved[0]}" in proc.stdout
    report = tmp_path / "reports" / saved[0].stem / "report.md"
    assert report.is_file() and "numeric" in report.read_text()


def test_pytest_benchmark_takes_a_profile():
    proc = _pytest("--benchmark", "--profile", "standard", "--collect-only", "-q", "-k", "test_write and numeric",
                   "--formats", "csv", "--datasets", "numeric")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "benchmarks/test_local_formats.py::test_write[csv-" in proc.stdout


def test_plain_pytest_still_collects_the_tests():
    proc = _pytest("--collect-only", "-q")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "tests/test_pytest_benchmark_root.py" in proc.stdout
    assert "benchmarks/" not in proc.stdout
