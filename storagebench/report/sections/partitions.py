"""Partitions: what a Hive-style layout buys a query that selects one partition (files, bytes
and requests read, time) against the same rows in one unpartitioned file, and what it costs
everything else: the small-files trade-off of more partitions -> more, smaller files -> slower
full scans and more requests.  From the partitions suite (``suite == "partitions"``; keys in
:mod:`storagebench.threevs.partitions`), locally and on the embedded S3 endpoint."""

from __future__ import annotations

import pandas as pd

from storagebench.report import charts, fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Chart, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.report.sections._counted import (TARGET_LABELS, TIMING, by_op, by_target, first, ratio_cell,
                                                   skipped_note, timing_cells, value)
from storagebench.results import SUITE_PARTITIONS

def _schemes(frame: pd.DataFrame) -> list[str]:
    """Schemes ordered by how many partitions they make ("none" first)."""
    parts = frame.groupby("scheme")["partitions"].max().fillna(0)
    return sorted(parts.index, key=lambda s: (parts[s], s))


def pruning_rows(frame: pd.DataFrame) -> list[list[str]]:
    queries = frame[frame["operation"] == "query"]
    rows = []
    for scheme in _schemes(queries):
        base = first(queries, scheme=scheme, layout="unpartitioned")
        for layout in ("partitioned", "unpartitioned"):
            r = first(queries, scheme=scheme, layout=layout)
            if r is None:
                continue
            rows.append([scheme, f"`{value(r.get('query')) or '-'}`", layout, fmt.count(r.get("files")),
                         fmt.count(r.get("files_read")), fmt.bytes_(r.get("bytes_read")),
                         fmt.number(r.get("requests")), by_op(r.get("requests_by_op")),
                         fmt.count(r.get("discovery_requests")), fmt.count(r.get("rows_returned")),
                         *timing_cells(r), fmt.usd(r.get("request_cost_usd")),
                         ratio_cell(base, r) if layout == "partitioned" else "-"])
    return rows


def tradeoff_rows(frame: pd.DataFrame) -> list[list[str]]:
    rows = []
    for scheme in _schemes(frame):
        w = first(frame, scheme=scheme, operation="write")
        scan = first(frame, scheme=scheme, operation="full_scan")
        query = first(frame, scheme=scheme, operation="query", layout="partitioned")
        ref = w if w is not None else scan
        if ref is None:
            continue
        rows.append([scheme, fmt.count(ref.get("partitions")), fmt.count(ref.get("files")),
                     fmt.bytes_(ref.get("mean_file_bytes")), fmt.bytes_(ref.get("bytes_total")),
                     fmt.timing(w.get("time_median"), w.get("time_iqr"), w.get("rounds")) if w is not None else "-",
                     fmt.number(w.get("requests")) if w is not None else "-",
                     fmt.timing(scan.get("time_median"), scan.get("time_iqr"), scan.get("rounds"))
                     if scan is not None else "-",
                     fmt.cv(scan.get("cv")) if scan is not None else "-",
                     fmt.number(scan.get("requests")) if scan is not None else "-",
                     fmt.timing(query.get("time_median"), query.get("time_iqr"), query.get("rounds"))
                     if query is not None else "-"])
    return rows


def tradeoff_chart(frame: pd.DataFrame) -> Chart | None:
    """Full-scan and pruned-query medians against files in the layout, one line per target."""
    series: dict[str, list[tuple[float, float]]] = {}
    for (target, op), part in frame.groupby(["target", "operation"]):
        if op == "write":
            continue
        if op == "query":
            part = part[part["layout"] == "partitioned"]
        pts = [(float(r["files"]), float(r["time_median"])) for _, r in part.iterrows()
               if value(r.get("files")) and value(r.get("time_median"))]
        if len({x for x, _ in pts}) > 1:
            series[f"{target}: {'full scan' if op == 'full_scan' else 'one-partition query'}"] = pts
    if not series:
        return None
    return Chart("Small files: time vs files in the layout", charts.lines(
        series, "Median time vs files in the layout (log-log)", "files in the layout", "median, s"),
        name="partitions-small-files",
        caption="More partitions make more, smaller files: the one-partition query reads less, every "
                "full scan opens every file. The full-scan line's 1-file point is the unpartitioned layout.")


@section("partitions", "Partitions: pruning and the small-files trade-off", order=78)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.rows(suite=SUITE_PARTITIONS)
    if frame.empty:
        return None
    blocks: list[Block] = [Text(
        "The same rows written as one Parquet file and as Hive folders (`key=value/`) by each scheme, "
        "read with pyarrow.dataset. **Files read** and **bytes read** are what the query touched (S3: "
        "response bytes counted at the endpoint; requests per query, plus the listing needed to open "
        "the dataset as discovery requests). Time vs unpartitioned: the unpartitioned median / the "
        "partitioned one (range from the quartiles; a range containing 1\u00d7 is no measurable gain).")]
    for target, part in by_target(frame):
        blocks.append(Heading(TARGET_LABELS.get(target, target)))
        rows = pruning_rows(part)
        if rows:
            blocks.append(Table("Query selecting one partition: partitioned vs unpartitioned",
                                ["scheme", "query", "layout", "files in layout", "files read", "bytes read",
                                 "requests", "by operation", "discovery requests", "rows", *TIMING,
                                 "request $", "time vs unpartitioned"], rows, key=f"partitions:query:{target}"))
        rows = tradeoff_rows(part)
        if rows:
            blocks.append(Table("Small-files trade-off", ["scheme", "partitions", "files", "mean file size",
                                                          "total bytes", "write", "write requests",
                                                          "full scan", "full scan CV", "full scan requests",
                                                          "one-partition query"], rows,
                                ["Every Parquet file repeats its footer and schema, so total bytes grow "
                                 "with the file count."], key=f"partitions:tradeoff:{target}"))
    chart = tradeoff_chart(frame)
    if chart:
        blocks.append(chart)
    return blocks + skipped_note(ctx, SUITE_PARTITIONS)
