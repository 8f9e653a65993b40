"""The S3 report section under injected latency: model vs measurement per read case (with the
verdict for exceptions), pyarrow's pre_buffer on/off ratio beside the model's, and the request
latency percentiles from the run's own summary."""

from __future__ import annotations

from storagebench.report import build_sections
from storagebench.report.loading import load_run
from report_support import fmt_case, run_doc, write_json


def _case(client: str, seconds: float, model: float, on_mock: float, bound: int, requests: int,
          kind: str = "full", **extra) -> dict:
    b = fmt_case("parquet", "read", seconds, 10_000_000, kind=kind, target="s3", suite="s3", s3_client=client,
                 s3_requests={"GetObject": requests}, s3_requests_total=requests, s3_bytes_in=0,
                 s3_bytes_out=10_000_000, s3_get_bytes=10_000_000, s3_object_bytes=10_000_000,
                 s3_range_reads=requests, s3_bytes_needed=10_000_000, s3_read_amplification=1.0,
                 s3_cloud_model={"in-region": {"label": "in-region", "seconds": model}},
                 s3_latency_profile="in-region", s3_model_profile="in-region", s3_model_s=model,
                 s3_measured_over_model=seconds / model, s3_model_on_mock_s=on_mock,
                 s3_measured_over_model_on_mock=seconds / on_mock, s3_mock_bound_requests=bound, **extra)
    b["fullname"] += f"-{client}"
    b["name"] += f"-{client}"
    return b


def test_model_check_prebuffer_ratio_and_latency_percentiles(tmp_path):
    doc = run_doc([_case("pyarrow", 0.40, 0.38, 0.39, 0, 5),
                   _case("pyarrow-nobuffer", 3.0, 1.5, 2.8, 80, 124),
                   _case("s3fs", 1.0, 0.5, 0.55, 0, 7),
                   _case("s3fs-tuned", 1.0, 0.5, 0.55, 0, 7, s3_observed_first_byte_s=0.041,
                         s3_measured_over_model_observed_first_byte=1.1),
                   _case("boto3", 1.0, 0.7, 0.7, 0, 1, spread=0.5),
                   _case("nobuffer-like", 2.0, 1.0, 1.1, 0, 124, s3_loopback_waves=71,
                         s3_injected_waves_per_read=110.0),
                   _case("concurrent", 0.43, 0.19, 0.6, 0, 24, s3_observed_first_byte_s=0.065,
                         s3_model_observed_first_byte_s=0.59,
                         s3_measured_over_model_observed_first_byte=0.73),
                   _case("noisy-input", 2.0, 1.0, 1.0, 0, 3, s3_loopback_spread=1.6)])
    doc["storagebench"]["s3"] = {"s3_latency_profile": "in-region", "request_latency": [
        {"operation": "GetObject", "size_bucket": "< 64 KiB", "requests": 10, "bytes": 1000,
         "ttfb_p50_s": 0.021, "ttfb_p90_s": 0.03, "ttfb_p99_s": 0.05,
         "ttlb_p50_s": 0.022, "ttlb_p90_s": 0.031, "ttlb_p99_s": 0.06}]}
    run = load_run(write_json(tmp_path / "r.json", doc))
    s3 = {s.key: s for s in build_sections([run])}["s3"]
    rows = {r["client"]: r for r in s3.table("s3:model-check").records()}
    assert rows["pyarrow"]["verdict"] == "within 25%"
    assert rows["pyarrow-nobuffer"]["verdict"].startswith("mock-bound: 80 of 124 requests")
    assert rows["s3fs"]["verdict"].startswith("off by more than 25% even with the mock's and the observed")
    assert rows["s3fs-tuned"]["verdict"].startswith("the injected requests' median first byte was 41 ms")
    assert rows["boto3"]["verdict"].startswith("off the median by more than 25%, but inside the measured rounds")
    assert rows["nobuffer-like"]["verdict"].startswith("the client overlapped fewer requests under latency "
                                                      "than on loopback (110 sequential waves per read vs 71)")
    assert rows["nobuffer-like"]["waves loopback / injected"] == "71 / 110"
    assert rows["concurrent"]["verdict"].startswith("between the model with the profile's first byte and with "
                                                   "the observed one (65 ms")
    assert rows["noisy-input"]["verdict"].startswith("the model's own input varied: its loopback runs spanned 1.60x")
    assert "1 of 8 read cases are within 25%" in " ".join(getattr(b, "text", "") for b in s3.blocks)
    (pre,) = s3.table("s3:prebuffer").records()
    assert pre["measured off/on"] == "7.5×" and pre["model off/on"] == "3.95×"
    assert pre["requests on / off"] == "5 / 124"
    (lat,) = s3.table(f"s3:latency:{run.label}").records()
    assert lat["TTFB p50"] == "21 ms" and lat["TTLB p99"] == "60 ms" and lat["requests"] == "10"


def test_no_injection_no_model_tables(tmp_path):
    b = _case("pyarrow", 0.4, 0.38, 0.39, 0, 5)
    for k in ("s3_measured_over_model", "s3_model_s", "s3_model_on_mock_s",
              "s3_measured_over_model_on_mock", "s3_model_profile", "s3_mock_bound_requests"):
        del b["extra_info"][k]
    run = load_run(write_json(tmp_path / "r.json", run_doc([b])))
    s3 = {s.key: s for s in build_sections([run])}["s3"]
    assert not [t for t in s3.blocks if getattr(t, "key", "") in ("s3:model-check", "s3:prebuffer")]
