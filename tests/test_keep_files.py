"""--keep-files DIR: the measured files stay under DIR and DIR/manifest.json describes them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import formats
from fake_benchmark import FakeBenchmark
from storagebench.cases import ReadCase, WriteCase
from storagebench.datasets import resolve
from storagebench.harness import Harness
from storagebench.keep import KeepDirError, check_keep_dir
from storagebench.profiles import get_profile

ROOT = Path(__file__).resolve().parents[1]
FILE_KEYS = {"path", "dataset", "format", "writer_engine", "compression", "bytes", "conversions", "reads"}


def _check_manifest(root: Path) -> dict:
    manifest = json.loads((root / "manifest.json").read_text())
    assert set(manifest) == {"datasets", "files"}
    for name, ds in manifest["datasets"].items():
        assert set(ds) == {"reference", "rows", "fingerprint"}
        with pa.ipc.open_file(str(root / ds["reference"])) as reader:
            assert reader.read_all().num_rows == ds["rows"]
    for f in manifest["files"]:
        assert set(f) == FILE_KEYS and not Path(f["path"]).is_absolute()
        assert (root / f["path"]).stat().st_size == f["bytes"] > 0
        assert f["dataset"] in manifest["datasets"]
        for verdict in f["reads"].values():
            assert set(verdict) == {"fidelity", "lossy_columns"}
            assert verdict["fidelity"] in ("lossless", "lossy-types", "lossy-values")
    kept = {p.relative_to(root).as_posix() for p in (root / "files").rglob("*") if p.is_file()}
    assert kept == {f["path"] for f in manifest["files"]}  # nothing kept that is not described
    return manifest


def test_harness_keeps_the_files_it_measured_with_their_verdicts(tmp_path):
    keep = check_keep_dir(tmp_path / "kept")
    h = Harness(get_profile("quick", rows=300), ["mixed"], 42, memory_pass=False, keep_dir=keep)
    try:
        h.run_write(WriteCase("csv", "pandas", "gzip", "mixed"), FakeBenchmark())
        for reader in ("pandas", "pyarrow", "pyarrow-schema"):
            h.run_read(ReadCase("csv", "pandas", reader, "gzip", "full", "mixed"), FakeBenchmark())
        h.run_read(ReadCase("orc", "pyarrow", "pyarrow", "zstd", "full", "mixed"), FakeBenchmark())
        h.run_read(ReadCase("orc", "pyarrow", "pyarrow", "zstd", "projection", "mixed"), FakeBenchmark())
    finally:
        h.close()
    manifest = _check_manifest(keep)
    ds = resolve("mixed", 300, 42)
    assert manifest["datasets"]["mixed"]["fingerprint"] == ds.fingerprint
    with pa.ipc.open_file(str(keep / "datasets/mixed.arrow")) as reader:
        assert reader.read_all().equals(ds.table)  # as generated, before any conversion
    by_format = {f["format"]: f for f in manifest["files"]}
    assert set(by_format) == {"csv", "orc"}
    csv = by_format["csv"]
    assert csv["path"].endswith(".csv.gz") and csv["writer_engine"] == "pandas" and csv["compression"] == "gzip"
    assert set(csv["reads"]) == {"pandas", "pyarrow", "pyarrow-schema"}
    assert csv["reads"]["pyarrow-schema"]["fidelity"] == "lossless"
    assert "ordered_at" in csv["reads"]["pyarrow"]["lossy_columns"]  # the zone name did not survive
    orc = by_format["orc"]
    assert orc["conversions"] and set(orc["reads"]) == {"pyarrow"}  # full reads only
    # The file read is the file kept: reading it again gives the recorded verdict.
    codec = formats.get_codec("orc")
    assert codec.to_arrow(codec.read(formats.Location(str(keep / orc["path"])), "pyarrow",
                                     formats.ReadRequest())).num_rows == 300


def test_without_the_option_nothing_is_kept(tmp_path):
    h = Harness(get_profile("quick", rows=200), ["numeric"], 42, memory_pass=False, work_dir=tmp_path / "w")
    h.run_read(ReadCase("feather", "pyarrow", "pyarrow", "lz4", "full", "numeric"), FakeBenchmark())
    assert h.keeper is None and not (tmp_path / "w" / "manifest.json").exists()
    h.close()


def test_keep_dir_must_be_new_or_empty(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "manifest.json").write_text("{}")
    with pytest.raises(KeepDirError, match="--keep-files .*used: directory is not empty"):
        check_keep_dir(tmp_path / "used")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(KeepDirError, match="not a directory"):
        check_keep_dir(tmp_path / "afile")
    assert (tmp_path / "used" / "manifest.json").read_text() == "{}"  # never touched


def _pytest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "benchmarks/test_local_formats.py", "-q",
                           "-p", "no:cacheprovider", "--benchmark-disable", "--no-memory", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_pytest_option_keeps_every_file_of_the_local_formats_suite(tmp_path):
    keep = tmp_path / "kept"
    proc = _pytest("--formats", "avro,json", "--datasets", "numeric", "--rows", "200", "--keep-files", str(keep))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    manifest = _check_manifest(keep)
    configs = {(f["format"], f["writer_engine"], f["compression"]) for f in manifest["files"]}
    # Every writer of the two formats at the quick profile's compression (none), polars' and
    # DuckDB's included: the registry says which.
    assert configs == {(fmt, w.name, "none") for fmt in ("avro", "json") for w in formats.get_codec(fmt).writers()}
    assert {("avro", "fastavro", "none"), ("json", "python", "none"), ("json", "pandas", "none")} <= configs
    json_python = next(f for f in manifest["files"] if f["writer_engine"] == "python")
    assert set(json_python["reads"]) == {r.name for r in formats.get_codec("json").readers()}


def test_pytest_option_refuses_a_used_directory_with_one_line(tmp_path):
    (tmp_path / "old.parquet").write_bytes(b"PAR1")
    proc = _pytest("--formats", "feather", "--datasets", "numeric", "--rows", "100", "--keep-files", str(tmp_path))
    assert proc.returncode == 4  # pytest's usage error, before anything runs
    assert "--keep-files" in proc.stderr and "not empty" in proc.stderr
    assert (tmp_path / "old.parquet").read_bytes() == b"PAR1"


def test_storagebench_run_passes_keep_files_on(tmp_path):
    keep = tmp_path / "kept"
    proc = subprocess.run([sys.executable, "-m", "storagebench.cli", "run", "--suites", "local_formats",
                           "--formats", "feather", "--datasets", "numeric", "--rows", "200", "--no-memory",
                           "--runs-dir", str(tmp_path / "runs"), "--no-report", "--keep-files", str(keep)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = _check_manifest(keep)
    kept = {(f["format"], f["writer_engine"], f["compression"]): f for f in manifest["files"]}
    assert set(kept) == {("feather", w.name, "lz4") for w in formats.get_codec("feather").writers()}
    entry = kept[("feather", "pyarrow", "lz4")]
    assert entry["reads"] == {r.name: {"fidelity": "lossless", "lossy_columns": []}
                              for r in formats.get_codec("feather").readers()}
    assert {"pyarrow", "pandas"} <= set(entry["reads"])
