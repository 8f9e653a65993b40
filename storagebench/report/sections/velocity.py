"""Velocity: a stream of micro-batches (one object per append) against one batch write of the
same rows, reading many small objects against the compacted one, and the compaction job itself:
objects, requests, cost per million rows and time, locally and on the embedded S3 endpoint.
From the velocity suite (``suite == "velocity"``; keys in :mod:`storagebench.threevs.velocity`)."""

from __future__ import annotations

import pandas as pd

from storagebench.report import fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.report.sections._counted import (TARGET_LABELS, TIMING, by_op, by_target, first, ratio_cell,
                                                   skipped_note, timing_cells, value)
from storagebench.results import SUITE_VELOCITY

OPERATIONS = {"write_stream": "write: stream of micro-batches", "write_batch": "write: one batch",
              "read_small_objects": "read: every small object", "read_compacted": "read: the compacted object",
              "compaction": "compaction (list and read all, write one)"}
# (slower-expected side, other side): the side-by-side comparisons the suite exists for.
PAIRS = (("write_stream", "write_batch", "write: stream / batch"),
         ("read_small_objects", "read_compacted", "read: small objects / compacted"))


def _ratio(a, b) -> str:
    a, b = value(a), value(b)
    return fmt.ratio(a / b) if a is not None and b else "-"


def comparison_rows(part: pd.DataFrame) -> list[list[str]]:
    rows = []
    for slow, fast, label in PAIRS:
        a, b = first(part, operation=slow), first(part, operation=fast)
        if a is None or b is None:
            continue
        rows.append([label, ratio_cell(a, b),
                     _ratio(a.get("objects"), b.get("objects")), _ratio(a.get("requests"), b.get("requests")),
                     _ratio(a.get("cost_per_million_rows_usd"), b.get("cost_per_million_rows_usd"))])
    return rows


@section("velocity", "Velocity: micro-batch stream vs batch, and compaction", order=79)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.rows(suite=SUITE_VELOCITY)
    if frame.empty:
        return None
    r0 = frame.iloc[0]
    blocks: list[Block] = [Text(
        f"{fmt.count(r0.get('rows'))} rows of the `{r0.get('dataset')}` dataset landed as "
        f"{fmt.count(r0.get('appends'))} appends of {fmt.count(r0.get('batch_rows'))} rows, each its own "
        "Parquet object, against the same rows written once. Requests are counted at the S3 endpoint "
        "around the timed calls only (a round's setup, such as the stream a compaction works on, is "
        "not counted) and priced from the price table; $ per million rows scales that cost to a "
        "million rows ingested or read the same way. A stream write is timed once (one round: the "
        "whole stream).")]
    for target, part in by_target(frame):
        order = {op: i for i, op in enumerate(OPERATIONS)}
        rows = [[OPERATIONS.get(r["operation"], r["operation"]), fmt.count(r.get("objects")),
                 fmt.bytes_(r.get("bytes_total")), fmt.number(r.get("requests")), by_op(r.get("requests_by_op")),
                 fmt.bytes_(r.get("s3_bytes_out")), fmt.usd(r.get("request_cost_usd")),
                 fmt.usd(r.get("cost_per_million_rows_usd")), fmt.count(r.get("rows_returned")), *timing_cells(r)]
                for _, r in part.assign(_o=part["operation"].map(order)).sort_values("_o").iterrows()]
        blocks += [Heading(TARGET_LABELS.get(target, target)),
                   Table("", ["operation", "objects", "bytes stored", "requests", "by operation",
                              "bytes received", "request $", "$ per million rows", "rows read", *TIMING], rows,
                         key=f"velocity:{target}")]
        cmp_rows = comparison_rows(part)
        if cmp_rows:
            blocks.append(Table("Side by side", ["comparison", "time ratio (q range)", "objects ratio",
                                                 "requests ratio", "$ per million rows ratio"], cmp_rows,
                                ["time ratio: first median / second median; the range divides the "
                                 "quartiles, so a range containing 1\u00d7 is no measurable difference."],
                                key=f"velocity:compare:{target}"))
        comp = first(part, operation="compaction")
        if comp is not None:
            blocks.append(Text(
                f"Compaction turned {fmt.count(comp.get('files_in'))} objects ({fmt.bytes_(comp.get('input_bytes'))}) "
                f"into {fmt.count(comp.get('objects'))} ({fmt.bytes_(comp.get('output_bytes'))}) in "
                f"{fmt.timing(comp.get('time_median'), comp.get('time_iqr'), comp.get('rounds'))}"
                + (f" with {fmt.number(comp.get('requests'))} requests ({fmt.usd(comp.get('request_cost_usd'))})"
                   if value(comp.get("requests")) is not None else "") + "."
                + _cleanup(comp)))
    return blocks + skipped_note(ctx, SUITE_VELOCITY)


def _cleanup(comp: pd.Series) -> str:
    """The job's untimed tail: verifying the output and deleting the inputs (after the timer)."""
    if value(comp.get("cleanup_s")) is None:
        return ""
    text = f" Verifying the output and deleting the inputs, after the timer: {fmt.seconds(comp.get('cleanup_s'))} (median)"
    if value(comp.get("cleanup_requests")) is not None:
        text += (f", {fmt.number(comp.get('cleanup_requests'))} requests ({by_op(comp.get('cleanup_requests_by_op'))}, "
                 f"{fmt.usd(comp.get('cleanup_request_cost_usd'))})")
    return text + "."
