"""The S3 harness end to end on the embedded server: extra_info carries counted work per client.

Uses a minimal stand-in for pytest-benchmark's fixture (runs each round once, records nothing
about time), so the assertions are about counts, amplification, the model and outcomes only.
"""

from __future__ import annotations

import pytest

from storagebench.cases import ReadCase, WriteCase
from storagebench.harness import CaseSkipped
from storagebench.profiles import get_profile
from storagebench.s3 import cloud_model
from storagebench.s3.endpoint import EndpointSpec, S3Target, resolve
from storagebench.s3.target import S3Case, S3Harness
from fake_benchmark import FakeBenchmark


@pytest.fixture(scope="module")
def harness():
    with S3Target(resolve(EndpointSpec())) as target:
        h = S3Harness(get_profile("quick", rows=2_000), ["mixed"], 42, target)
        yield h
        h.close()


def _read(h, client, kind="projection", fmt="parquet", compression="snappy", reader="pyarrow"):
    b = FakeBenchmark()
    info = h.run_s3_read(S3Case(ReadCase(fmt, "pyarrow", reader, compression, kind, "mixed"), client), b)
    assert info == {**info, **b.extra_info}
    return b.extra_info


def test_projected_parquet_read_via_pyarrow_is_range_reads_with_amplification(harness):
    info = _read(harness, "pyarrow")
    assert info["suite"] == "s3" and info["target"] == "s3" and info["s3_client"] == "pyarrow"
    assert info["s3_full_gets"] == 0 and info["s3_range_reads"] >= 2
    assert info["s3_bytes_needed"] < info["s3_object_bytes"]
    assert info["s3_read_amplification"] == pytest.approx(info["s3_get_bytes"] / info["s3_bytes_needed"])
    assert info["fidelity"] == "lossless"
    assert set(info["s3_cloud_model"]) == set(cloud_model.profiles())
    assert info["s3_request_cost_usd"] > 0
    assert info["s3_client_settings"] == {"pre_buffer": True}
    assert info["s3_endpoint_kind"] == "embedded" and "s3_bucket" in info


def test_boto3_full_read_is_one_get_of_the_object(harness):
    info = _read(harness, "boto3", kind="full")
    assert info["s3_requests"] == {"GetObject": 1}
    assert info["s3_get_bytes"] == info["s3_object_bytes"] == info["s3_bytes_needed"]
    assert info["s3_read_amplification"] == 1.0


def test_s3fs_settings_recorded_and_defaults_fetch_more_than_tuned(harness):
    default = _read(harness, "s3fs")
    tuned = _read(harness, "s3fs-tuned")
    assert default["s3_client_settings"]["default_cache_type"] == "readahead"
    assert tuned["s3_client_settings"]["default_cache_type"] == "none"
    assert default["s3_client_settings"]["default_block_size"] > 0
    assert default["s3_get_bytes"] > tuned["s3_get_bytes"]


def test_write_counts_the_upload(harness):
    b = FakeBenchmark()
    harness.run_s3_write(S3Case(WriteCase("csv", "pyarrow", "none", "mixed"), "boto3"), b)
    info = b.extra_info
    assert info["s3_requests"] == {"PutObject": 1}
    assert info["s3_bytes_in"] == info["s3_object_bytes"] == info["bytes_on_disk"]
    assert info["s3_upload_amplification"] == 1.0


def test_unsupported_client_is_an_outcome_not_a_crash(harness):
    with pytest.raises(CaseSkipped, match="does not read csv"):
        _read(harness, "pyarrow-nobuffer", kind="full", fmt="csv", compression="none")
    outcome = harness.outcomes[-1]
    assert outcome.suite == "s3" and outcome.status == "skipped"
    assert outcome.case.endswith("-pyarrow-nobuffer")


def test_written_objects_are_removed_after_write_rounds(harness):
    t = harness.target
    before = {o["Key"] for o in t.boto3().list_objects_v2(Bucket=t.bucket).get("Contents", [])}
    harness.run_s3_write(S3Case(WriteCase("parquet", "pyarrow", "snappy", "mixed"), "s3fs"), FakeBenchmark())
    after = {o["Key"] for o in t.boto3().list_objects_v2(Bucket=t.bucket).get("Contents", [])}
    assert after == before


def test_every_case_records_request_latency_and_the_profile(harness):
    info = _read(harness, "pyarrow", kind="full")
    assert info["s3_latency_profile"] == "none" and "s3_model_s" not in info
    rows = info["s3_request_latency"]
    gets = [r for r in rows if r["operation"] == "GetObject"]
    assert gets and all(r["requests"] >= 1 and r["ttlb_p50_s"] >= r["ttfb_p50_s"] > 0 for r in gets)
    m = info["s3_cloud_model"]["in-region"]
    assert m["seconds"] == pytest.approx(m["network_seconds"] + m["client_compute_seconds"])


class TimedFakeBenchmark(FakeBenchmark):
    """Records each round's wall time so the harness has a measured median."""

    def pedantic(self, fn, args=(), kwargs=None, setup=None, rounds=1, iterations=1, warmup_rounds=0):
        import statistics
        import time
        from types import SimpleNamespace

        times = []
        for _ in range(rounds):
            a, k = setup() if setup else (args, kwargs or {})
            t0 = time.perf_counter()
            fn(*a, **k)
            times.append(time.perf_counter() - t0)
        self.stats = SimpleNamespace(median=statistics.median(times))


def test_injected_run_keeps_the_models_prediction_beside_the_measurement():
    fixed = cloud_model.CloudProfile("fixed", "test: 50 ms first byte", 0.05, 50_000_000)
    with S3Target(resolve(EndpointSpec()), latency=fixed) as target:
        # standard: quick's S3 scope leaves the read memory pass out (storagebench/profiles.py)
        h = S3Harness(get_profile("standard", rows=2_000), ["mixed"], 42, target, memory_pass=True)
        try:
            b = TimedFakeBenchmark()
            h.run_s3_read(S3Case(ReadCase("parquet", "pyarrow", "pyarrow", "snappy", "full", "mixed"),
                                 "pyarrow"), b)
        finally:
            h.close()
    info = b.extra_info
    assert info["s3_latency_profile"] == "fixed" and info["s3_model_profile"] == "fixed"
    # Every timed request paid the injected first byte; the counted (model input) run did not.
    assert all(r["ttlb_p50_s"] >= 0.05 for r in info["s3_request_latency"])
    assert info["s3_loopback_s"] < info["s3_measured_median_s"]
    assert info["s3_measured_over_model"] == pytest.approx(info["s3_measured_median_s"] / info["s3_model_s"])
    assert info["s3_model_s"] >= 0.05  # at least one first byte
    # Peak memory of the read, measured in a child of the clean forkserver (never a fork of this process).
    assert info["peak_memory_method"] == "child of a clean forkserver process + /proc VmHWM delta"
    assert info["peak_memory_bytes"] > 0


def test_quick_scope_records_why_an_s3_read_has_no_peak_memory():
    """quick's S3 scope skips the S3 read memory pass (storagebench/profiles.py) and says so."""
    with S3Target(resolve(EndpointSpec())) as target:
        h = S3Harness(get_profile("quick", rows=500), ["mixed"], 42, target, memory_pass=True)
        try:
            b = FakeBenchmark()
            h.run_s3_read(S3Case(ReadCase("parquet", "pyarrow", "pyarrow", "snappy", "full", "mixed"), "pyarrow"), b)
        finally:
            h.close()
    assert not get_profile("quick").s3.read_memory and get_profile("standard").s3.read_memory
    assert b.extra_info["peak_memory_bytes"] is None and b.extra_info["peak_memory_method"] is None
    assert "not measured in the quick profile" in b.extra_info["peak_memory_not_measured_reason"]
