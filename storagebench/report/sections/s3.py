"""S3: the counted work of each read and write (requests by operation, bytes moved, range reads,
read amplification) beside the mock's measured wall time and the labelled cloud-time model.

A loopback mock's wall time is not the cloud's; requests and bytes are the portable facts
(see TRAPS.md), so they lead the table.  Rendered only when the run has S3 results
(``suite == "s3"``); keys are those documented in storagebench/s3/target.py.

Under injected latency (``--s3-latency``) two more tables validate the cloud model: measured /
predicted per read case (an exception beyond 25% is explained: the mock's own per-request time,
or named as unexplained), and pyarrow's Parquet read with and without pre_buffer, measured ratio
beside the model's.  Request latency percentiles (time to first / last byte by operation and
size, MinIO warp's view) come from the run's own summary of every timed request."""

from __future__ import annotations

import json
from typing import Any

from storagebench.report import fmt
from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section


def as_obj(value: Any) -> Any:
    """Dict/list columns are JSON text in the tidy table; give them back as objects."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _requests(value: Any) -> str:
    obj = as_obj(value)
    if isinstance(obj, dict):
        return ", ".join(f"{k} {v}" for k, v in obj.items()) or "-"
    return "-" if fmt.missing(obj) else str(obj)


def _model(value: Any) -> tuple[str, list[str]]:
    obj = as_obj(value)
    if not isinstance(obj, dict) or not obj:
        return "-", []
    cells, labels = [], []
    for name, m in obj.items():
        if isinstance(m, dict):
            cells.append(f"{name}: {fmt.seconds(m.get('seconds'))}")
            if m.get("label"):
                labels.append(f"{name}: {m['label']}")
    return "; ".join(cells), labels


MODEL_TOLERANCE = 0.25  # the model counts as right within +-25% of the measurement


def _within(ratio: Any) -> bool:
    return ratio is not None and not fmt.missing(ratio) and abs(float(ratio) - 1) <= MODEL_TOLERANCE


def _in_rounds(r: Any, seconds: Any) -> bool:
    lo, hi = r.get("time_min"), r.get("time_max")
    if fmt.missing(seconds) or fmt.missing(lo) or fmt.missing(hi):
        return False
    return float(lo) <= float(seconds) <= float(hi)


def _waves_cell(r: Any) -> str:
    loop_waves, injected = r.get("s3_loopback_waves"), r.get("s3_injected_waves_per_read")
    if fmt.missing(loop_waves) or fmt.missing(injected):
        return "-"
    return f"{int(loop_waves)} / {float(injected):.0f}"


def _model_verdict(r: Any) -> str:
    """Why measured and modelled agree or not (the model's known blind spots, named)."""
    ratio, on_mock = r.get("s3_measured_over_model"), r.get("s3_measured_over_model_on_mock")
    if _within(ratio):
        return "within 25%"
    if _in_rounds(r, r.get("s3_model_s")):
        return "off the median by more than 25%, but inside the measured rounds' min-max (noisy machine)"
    spread = r.get("s3_loopback_spread")
    if not fmt.missing(spread) and float(spread) > 1 + MODEL_TOLERANCE:
        return (f"the model's own input varied: its loopback runs spanned {float(spread):.2f}x (machine load), "
                "more than the 25% tolerance")
    bound = r.get("s3_mock_bound_requests")
    total = r.get("s3_requests_total")
    if not fmt.missing(bound) and bound and _within(on_mock):
        return (f"mock-bound: {int(bound)} of {fmt.count(total)} requests took moto longer than the injected "
                "first byte (moto reads the whole object for every range GET); with that floor the model "
                "is within 25%")
    observed = r.get("s3_observed_first_byte_s")
    loop_waves, injected_waves = r.get("s3_loopback_waves"), r.get("s3_injected_waves_per_read")
    if not fmt.missing(loop_waves) and not fmt.missing(injected_waves) and loop_waves \
            and float(injected_waves) > 1.25 * float(loop_waves) and float(ratio) > 1:
        return (f"the client overlapped fewer requests under latency than on loopback ({float(injected_waves):.0f} "
                f"sequential waves per read vs {int(loop_waves)}): the concurrency the model takes from loopback "
                "does not hold for this client (its reader threads wait on each other)")
    with_observed = r.get("s3_model_observed_first_byte_s")
    measured, model = r.get("time_median"), r.get("s3_model_s")
    if not any(fmt.missing(x) for x in (with_observed, measured, model, observed)) \
            and min(float(model), float(with_observed)) <= float(measured) <= max(float(model), float(with_observed)):
        return (f"between the model with the profile's first byte and with the observed one ({fmt.seconds(observed)} "
                "median: the in-process mock answers concurrent requests late)")
    if _within(r.get("s3_measured_over_model_observed_first_byte")) and not fmt.missing(observed):
        return (f"the injected requests' median first byte was {fmt.seconds(observed)}, not the profile's: the "
                "server threads share the cores with the client (and the machine's other load); with the "
                "observed first byte the model is within 25%")
    return ("off by more than 25% even with the mock's and the observed first byte: client-side scheduling "
            "(thread pools, event loop, GIL shared with the in-process server) the model cannot see")


def _model_tables(frame: Any) -> list[Block]:
    if "s3_measured_over_model" not in frame.columns or frame["s3_measured_over_model"].isna().all():
        return []
    reads = frame[(frame["operation"] == "read") & frame["s3_measured_over_model"].notna()]
    if reads.empty:
        return []
    profile = str(reads["s3_model_profile"].dropna().iloc[0])
    rows, within = [], 0
    for _, r in reads.sort_values([c for c in ("format", "read_kind", "s3_client", "engine")
                                   if c in reads.columns]).iterrows():
        within += _within(r.get("s3_measured_over_model"))
        rows.append([r.get("s3_client", "-"), f"{r.get('format', '-')}/{r.get('compression', '-')}",
                     r.get("engine", "-"), r.get("read_kind", "-"), fmt.bytes_(r.get("s3_object_bytes")),
                     fmt.count(r.get("s3_requests_total")), fmt.seconds(r.get("time_median")),
                     fmt.seconds(r.get("s3_model_s")), fmt.ratio(r.get("s3_measured_over_model")),
                     fmt.seconds(r.get("s3_model_on_mock_s")),
                     fmt.ratio(r.get("s3_measured_over_model_on_mock")),
                     fmt.seconds(r.get("s3_observed_first_byte_s")), _waves_cell(r), _model_verdict(r)])
    blocks: list[Block] = [
        Heading(f"Cloud model vs measurement under injected latency ({profile})"),
        Text(f"Every request to the embedded endpoint was delayed as the `{profile}` profile says (first byte, "
             "then the body at the per-connection rate; concurrent connections overlap). The model's "
             "prediction comes from the loopback counts alone (injection paused), as in a run without "
             f"injection. {within} of {len(rows)} read cases are within 25%.", kind="note"),
        Table("", ["client", "format", "engine", "read", "object", "requests", "measured (injected)",
                   "model", "measured / model", "model on this mock", "measured / model on mock",
                   "observed first byte (p50)", "waves loopback / injected", "verdict"],
              rows, ["model = client compute (loopback time minus its waits) + requests' first byte and "
                     "bytes at the profile's rate, with the concurrency seen on loopback; 'on this mock' "
                     "floors each request at moto's own time to first byte."], key="s3:model-check")]
    blocks += _prebuffer_table(reads)
    return blocks


def _prebuffer_table(reads: Any) -> list[Block]:
    """pyarrow's Parquet read without pre_buffer vs with it: measured ratio beside the model's."""
    if "s3_client" not in reads.columns:
        return []
    rows = []
    keys = [c for c in ("dataset", "rows", "format", "compression", "engine", "read_kind") if c in reads.columns]
    parquet = reads[(reads["format"] == "parquet") & reads["s3_client"].isin(["pyarrow", "pyarrow-nobuffer"])]
    for _, part in parquet.groupby(keys, dropna=False):
        on = part[part["s3_client"] == "pyarrow"]
        off = part[part["s3_client"] == "pyarrow-nobuffer"]
        if on.empty or off.empty:
            continue
        a, b = on.iloc[0], off.iloc[0]
        ratio = lambda x, y: (float(y) / float(x)) if not fmt.missing(x) and not fmt.missing(y) and float(x) else None
        rows.append([f"{a.get('dataset')} ({int(a.get('rows')):,} rows)", a.get("read_kind"), fmt.bytes_(a.get("s3_object_bytes")),
                     f"{fmt.count(a.get('s3_requests_total'))} / {fmt.count(b.get('s3_requests_total'))}",
                     f"{fmt.seconds(a.get('time_median'))} / {fmt.seconds(b.get('time_median'))}",
                     fmt.ratio(ratio(a.get("time_median"), b.get("time_median"))),
                     fmt.ratio(ratio(a.get("s3_model_s"), b.get("s3_model_s"))),
                     fmt.ratio(ratio(a.get("s3_model_on_mock_s"), b.get("s3_model_on_mock_s")))])
    if not rows:
        return []
    return [Table("Parquet through pyarrow: pre_buffer off vs on (injected latency)",
                  ["data", "read", "object", "requests on / off", "measured on / off", "measured off/on",
                   "model off/on", "model on mock off/on"], rows,
                  ["pre_buffer coalesces the column chunks into few concurrent range GETs; without it each "
                   "column chunk is one GET as it is decoded."], key="s3:prebuffer")]


def _latency_tables(ctx: ReportContext) -> list[Block]:
    blocks: list[Block] = []
    for run in ctx.runs:
        s3 = (run.suite or {}).get("s3") or {}
        summary = s3.get("request_latency")
        if not summary:
            continue
        profile = s3.get("s3_latency_profile", "none")
        rows = [[r["operation"], r["size_bucket"], fmt.count(r["requests"]), fmt.bytes_(r["bytes"]),
                 *(fmt.seconds(r.get(f"{k}_p{p}_s")) for k in ("ttfb", "ttlb") for p in (50, 90, 99))]
                for r in summary]
        blocks.append(Table(f"Request latency by operation and size ({run.label}; injected latency: {profile})",
                            ["operation", "size", "requests", "bytes", "TTFB p50", "TTFB p90", "TTFB p99",
                             "TTLB p50", "TTLB p90", "TTLB p99"], rows,
                            ["every request of the cases' timed reads and writes, timed at the endpoint: "
                             "first / last response byte after the request arrived. A request without a "
                             "body has no first byte (-)."], key=f"s3:latency:{run.label}"))
    return blocks


@section("s3", "S3: requests, bytes and modelled cloud time", order=70)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.rows(suite="s3")
    if frame.empty:
        return None
    blocks: list[Block] = [Text(
        "Counted at the S3 endpoint (every request and body byte). **Mock time** is the wall time "
        "measured against the embedded server on loopback; **modelled cloud time** is computed from "
        "the counted requests and bytes under the named profile, not measured in a cloud.", kind="note")]
    all_labels: set[str] = set()
    for label, part in dataset_groups(frame):
        rows = []
        for _, r in part.sort_values([c for c in ("operation", "read_kind", "format", "s3_client", "engine")
                                      if c in part.columns]).iterrows():
            model, labels = _model(r.get("s3_cloud_model"))
            all_labels.update(labels)
            engine = r.get("engine")
            rows.append([r.get("s3_client", "-"), engine if isinstance(engine, str) else "-",
                         f"{r.get('format', '-')}/{r.get('compression', '-')}",
                         r["operation"], r.get("read_kind") if isinstance(r.get("read_kind"), str) else "-",
                         fmt.count(r.get("s3_requests_total")), _requests(r.get("s3_requests")),
                         fmt.count(r.get("s3_range_reads")), fmt.bytes_(r.get("s3_bytes_out")),
                         fmt.bytes_(r.get("s3_bytes_in")), fmt.bytes_(r.get("s3_object_bytes")),
                         fmt.ratio(r.get("s3_read_amplification")),
                         fmt.timing(r.get("time_median"), r.get("time_iqr"), r.get("rounds")), fmt.cv(r.get("cv")),
                         model, fmt.usd(r.get("s3_request_cost_usd"))])
        blocks += [Heading(label), Table("", ["client", "engine", "format", "operation", "read", "requests",
                                              "by operation", "range GETs", "bytes out", "bytes in",
                                              "object", "read amplification", "mock time (measured)", "CV",
                                              "modelled cloud time", "request cost"], rows,
                                         ["read amplification: GET body bytes / bytes the read needed."],
                                         key=f"s3:{label}")]
    others = frame[frame["dataset"].isna()] if "dataset" in frame.columns else frame
    if not others.empty:
        blocks.append(Table("Other S3 measurements", ["case", "operation", "median", "CV"],
                            [[f"`{r['case']}`", r["operation"], fmt.timing(r["time_median"], r["time_iqr"], r["rounds"]),
                              fmt.cv(r["cv"])] for _, r in others.iterrows()], key="s3:other"))
    if all_labels:
        blocks.append(Text("Cloud model profiles: " + "; ".join(sorted(all_labels)), kind="note"))
    blocks += _model_tables(frame)
    blocks += _latency_tables(ctx)
    return blocks
