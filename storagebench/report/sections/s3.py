"""S3: the counted work of each read and write (requests by operation, bytes moved, range reads,
read amplification) beside the mock's measured wall time and the labelled cloud-time model.

A loopback mock's wall time is not the cloud's; requests and bytes are the portable facts
(see TRAPS.md), so they lead the table.  Rendered only when the run has S3 results
(``suite == "s3"``); keys are those documented in storagebench/s3/target.py."""

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
    return blocks
