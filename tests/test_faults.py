"""Faults a newcomer meets, each ending with one clear line, exit != 0, nothing left behind.

Every test here drives the real command (``python3 -m storagebench ...`` or ``pytest``) in a
subprocess, the way a user runs it, and then looks at what is left: the runs directory, the
screen, the files.  The numbered faults are those of the fault probe in the project's issue 9.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--suites", "local_formats", "--formats", "csv", "--datasets", "numeric", "--rows", "100", "--no-memory"]


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storagebench", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)


def _one_clear_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode != 0, proc.stdout[-2000:]
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
    for word in words:
        assert word in proc.stderr, proc.stderr[-3000:]


def _nothing_left(runs: Path) -> None:
    left = sorted(p.name for p in runs.rglob("*")) if runs.exists() else []
    assert left == [], left


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- 3 and 16: runs started together ---------------------------------------------------------------

def test_run_ids_are_unique_within_one_second(tmp_path):
    from storagebench.runfiles import RunFiles

    files = [RunFiles(tmp_path, "quick") for _ in range(50)]
    assert len({f.id for f in files}) == 50
    assert len({f.log for f in files}) == 50 and all(f.partial.exists() for f in files)


def test_concurrent_runs_keep_both_results_logs_and_reports(tmp_path):
    runs = tmp_path / "runs"
    procs = [subprocess.Popen([sys.executable, "-m", "storagebench", "run", *TINY, "--runs-dir", str(runs)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
    results = sorted(runs.glob("*.json"))
    logs = sorted(runs.glob("*.log"))
    assert len(results) == 2 and len(logs) == 2
    assert all(json.loads(r.read_text())["benchmarks"] for r in results)
    reports = sorted((tmp_path / "reports").glob("*/report.md"))
    assert [r.parent.name for r in reports] == [r.stem for r in results]


# -- 4, 5, 6: options checked before anything starts, no log for a rejected command line ----------

@pytest.mark.parametrize("args,words", [
    (["--rows", "0"], ["--rows", ">= 1"]),
    (["--rows", "-5"], ["--rows", ">= 1"]),
    (["--rows", "1e15"], ["--rows", "memory"]),
    (["--seed", "x"], ["--seed"]),
    (["--", "--ddb-sizes", "inf"], ["--ddb-sizes", "'inf' is not a whole number"]),
    (["--", "--ddb-sizes", "1e12"], ["--ddb-sizes", "memory"]),
    (["--", "--ddb-item-bytes", "500000"], ["--ddb-item-bytes", "400 KB"]),
    (["--", "--ddb-rounds", "0"], ["--ddb-rounds"]),
    (["--", "--no-such-option"], ["--no-such-option"]),
])
def test_bad_option_is_one_line_naming_it_and_leaves_no_file(tmp_path, args, words):
    runs = tmp_path / "runs"
    proc = _cli("run", "--suites", "dynamodb", "--runs-dir", str(runs), "--no-report", *args)
    assert proc.returncode == 2
    _one_clear_line(proc, *words)
    assert "--ddb-sizes" not in proc.stderr or "--ddb-sizes" in args
    _nothing_left(runs)


def test_pytest_names_the_option_it_rejects():
    proc = subprocess.run([sys.executable, "-m", "pytest", "benchmarks/test_local_formats.py", "--collect-only",
                           "-q", "--rows", "0"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR
    assert "argument --rows: must be a whole number >= 1" in proc.stderr


def test_size_parsers_follow_machine_memory():
    import argparse

    from storagebench import options

    assert options.rows("1e5") == 100_000 and options.table_sizes("1000,1e4") == [1000, 10_000]
    assert options.table_sizes("") == []
    with pytest.raises(argparse.ArgumentTypeError, match="memory"):
        options.rows(str(options.max_rows() + 1))
    for bad in ("inf", "nan", "2.5", "-1", "0"):
        with pytest.raises(argparse.ArgumentTypeError):
            options.table_sizes(bad)


# -- 7, 8, 9, 10: endpoints --------------------------------------------------------------------------

def test_unreachable_custom_s3_endpoint_is_one_line_at_start(tmp_path):
    runs = tmp_path / "runs"
    url = f"http://127.0.0.1:{_free_port()}"
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
    proc = _cli("run", "--suites", "s3_formats", "--runs-dir", str(runs), "--no-report", "--",
                "--s3-endpoint", url, env=env, timeout=120)
    assert proc.returncode == 2
    _one_clear_line(proc, url, "unreachable", "start the server")
    _nothing_left(runs)


@pytest.mark.parametrize("typed,shown", [
    ("localhost:9000", "localhost:9000"),
    ("ftp://files.example:21", "ftp://files.example:21"),
    ("http://[::1", "http://[::1"),
])
def test_malformed_endpoint_is_echoed_as_typed(tmp_path, typed, shown):
    proc = _cli("run", "--suites", "s3_formats", "--runs-dir", str(tmp_path / "runs"), "--no-report", "--",
                "--s3-endpoint", typed, timeout=120)
    assert proc.returncode == 2
    _one_clear_line(proc, shown, "--s3-endpoint", "http(s) URL")
    assert "None" not in proc.stderr


def test_secrets_in_an_endpoint_url_are_refused_and_never_written(tmp_path):
    runs = tmp_path / "runs"
    url = f"http://alice:hunter2@127.0.0.1:{_free_port()}/?token=SECRETTOKEN"
    for extra in (["--suites", "s3_formats", "--", "--s3-endpoint", url],
                  ["--suites", "dynamodb", "--", "--ddb-backends", "endpoint", "--ddb-allow-real",
                   "--ddb-endpoint", url]):
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
        proc = _cli("run", "--runs-dir", str(runs), "--no-report", *extra[:2], *extra[2:], env=env, timeout=120)
        assert proc.returncode == 2
        _one_clear_line(proc, "user info or a query string")
        assert "hunter2" not in proc.stderr + proc.stdout and "SECRETTOKEN" not in proc.stderr + proc.stdout
        _nothing_left(runs)


def test_redaction_of_urls_in_text_logs_and_results(tmp_path):
    from storagebench.dynamodb.backends import RunningBackend
    from storagebench.runfiles import RunFiles
    from storagebench.urls import redact_text, redact_url

    assert redact_url("https://u:p@h:9/x?X-Amz-Security-Token=t#f") == "https://h:9/x"
    assert redact_url("u:p@h:9?t=1") == "h:9"
    text = "failed: Could not connect to the endpoint URL: \"http://u:pw@10.0.0.1:9000/b?token=abc\"; retry"
    assert "pw" not in redact_text(text) and "abc" not in redact_text(text)
    assert "http://10.0.0.1:9000/b" in redact_text(text)
    backend = RunningBackend("endpoint", "http://u:pw@h:1/?t=z", "us-east-1", None, False, None, None, 0.0)
    assert backend.describe()["endpoint"] == "http://h:1/"
    files = RunFiles(tmp_path, "quick")
    with files.open_log() as log:
        log.write(text)
    files.partial.write_text(json.dumps({"benchmarks": [], "note": text}))
    saved = files.publish()
    for path in (files.log, saved):
        assert "pw" not in path.read_text() and "abc" not in path.read_text()


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com./",
    "https://S3.US-EAST-1.AMAZONAWS.COM",
    "https://bucket.s3.eu-west-1.amazonaws.com.",
    "https://s3.cn-north-1.amazonaws.com.cn",
    "https://s3.dualstack.us-east-1.api.aws",
    "https://s3.us-east-1.api.aws.",
])
def test_real_aws_guard_normalises_the_host(url):
    from storagebench.s3.endpoint import EndpointSpec, resolve
    from storagebench.s3.errors import S3RealAwsNotAllowed

    with pytest.raises(S3RealAwsNotAllowed):
        resolve(EndpointSpec(endpoint=url))


def test_guard_does_not_mistake_lookalike_hosts():
    from storagebench.urls import is_aws_url

    assert not is_aws_url("http://notamazonaws.com:9000")
    assert not is_aws_url("http://api.aws.example.org")
    assert not is_aws_url("http://127.0.0.1:9000")


# -- 12: DynamoDB endpoint without credentials -------------------------------------------------------

def _no_credentials_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
               AWS_EC2_METADATA_DISABLED="true")
    return env


def test_dynamodb_endpoint_without_credentials_is_one_line(tmp_path):
    runs = tmp_path / "runs"
    proc = _cli("run", "--suites", "dynamodb", "--runs-dir", str(runs), "--no-report", "--", "--ddb-backends",
                "endpoint", "--ddb-allow-real", "--ddb-endpoint", f"http://127.0.0.1:{_free_port()}",
                env=_no_credentials_env(tmp_path), timeout=120)
    assert proc.returncode == 2
    _one_clear_line(proc, "no AWS credentials found for DynamoDB endpoint", "AWS_ACCESS_KEY_ID")
    assert "NoCredentialsError" not in proc.stderr
    _nothing_left(runs)


def test_custom_s3_endpoint_without_credentials_is_one_line(tmp_path):
    from storagebench.moto_server import EmbeddedMoto

    runs = tmp_path / "runs"
    with EmbeddedMoto() as server:
        proc = _cli("run", "--suites", "s3_formats", "--runs-dir", str(runs), "--no-report", "--",
                    "--s3-endpoint", server.endpoint_url, env=_no_credentials_env(tmp_path), timeout=120)
    assert proc.returncode == 2
    _one_clear_line(proc, "no AWS credentials found for S3 endpoint", "--s3-profile")
    _nothing_left(runs)


# -- 13: a run in which every case skips --------------------------------------------------------------

def test_run_where_every_case_skips_says_why(tmp_path):
    runs = tmp_path / "runs"
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}  # no node, no npm
    proc = _cli("run", "--suites", "dynamodb", "--runs-dir", str(runs), "--no-report", "--", "--ddb-backends",
                "dynalite", "--ddb-sizes", "10", "--ddb-patterns", "get_item_hit", env=env)
    assert proc.returncode == 1
    _one_clear_line(proc, "nothing was measured", "skipped", "Node.js")
    assert not list(runs.glob("*.json")) and not list(runs.glob(".*.partial"))


# -- 14: a runs directory that cannot hold a run -------------------------------------------------------

def test_runs_dir_that_is_not_a_directory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = _cli("run", *TINY, "--runs-dir", str(blocker / "runs"), "--no-report")
    assert proc.returncode == 2
    _one_clear_line(proc, "--runs-dir", "cannot write there")


@pytest.fixture
def tmpfs(tmp_path):
    """A real small or read-only file system (needs root and mount; CI runs as root)."""
    mounted: list[Path] = []

    def make(options: str) -> Path:
        where = tmp_path / f"fs{len(mounted)}"
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(where)
        return where

    yield make
    for where in mounted:
        subprocess.run(["umount", str(where)], check=False)


def test_runs_dir_read_only(tmpfs):
    where = tmpfs("ro,size=1m")
    proc = _cli("run", *TINY, "--runs-dir", str(where / "runs"), "--no-report")
    assert proc.returncode == 2
    _one_clear_line(proc, "--runs-dir", "Read-only file system")


def test_runs_dir_full(tmpfs):
    where = tmpfs("size=1m")
    (where / "earlier.json").write_text('{"kept": true}')
    proc = _cli("run", *TINY, "--runs-dir", str(where), "--no-report")
    assert proc.returncode == 2
    _one_clear_line(proc, "--runs-dir", "MiB free")
    assert sorted(p.name for p in where.iterdir()) == ["earlier.json"]
    assert (where / "earlier.json").read_text() == '{"kept": true}'


def test_broken_json_at_the_end_is_not_published(tmp_path):
    from storagebench.runfiles import RunFiles, RunsDirError

    files = RunFiles(tmp_path, "quick")
    files.partial.write_text('{"benchmarks": [')  # what a disk that filled up mid-write leaves
    with pytest.raises(RunsDirError, match="incomplete"):
        files.publish()
    assert not list(tmp_path.glob("*.json")) and not files.partial.exists()


# -- S3 matrix: every profile covers CSV, JSON, Parquet and ORC ----------------------------------------

def test_quick_s3_matrix_has_csv_json_parquet_orc():
    proc = subprocess.run([sys.executable, "-m", "pytest", "benchmarks/test_s3_formats.py", "--collect-only", "-q",
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    for fmt in ("csv", "json", "parquet", "orc"):
        assert f"test_s3_write[{fmt}-" in proc.stdout and f"test_s3_read[{fmt}-" in proc.stdout, fmt
