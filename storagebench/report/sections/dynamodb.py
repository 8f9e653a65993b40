"""DynamoDB: latency percentiles by access pattern and table size, items evaluated vs returned,
pages, read capacity (computed from item sizes and as the backend reported it) and cost, with
each backend's caveat (a mock's latency and ConsumedCapacity are not DynamoDB's).

Rendered only when the run has DynamoDB results (``suite == "dynamodb"``; keys: operation =
pattern, backend, table_items, p50_s/p95_s/p99_s, scanned_count, returned_count, pages,
rcu_computed, rcu_reported, cost_per_million_usd, backend_caveat)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from storagebench.report import charts, fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Chart, Table, Text
from storagebench.report.sections import section


def latency_s(row: Any, pct: str) -> float:
    """A percentile in seconds: ``p50_s``, else ``p50_ms``/1000, else the timing median for p50."""
    for key, scale in ((f"{pct}_s", 1.0), (f"{pct}_ms", 1e-3), (pct, 1.0)):
        v = row.get(key) if hasattr(row, "get") else None
        if v is not None and not fmt.missing(v):
            return float(v) * scale
    if pct == "p50" and not fmt.missing(row.get("time_median")):
        return float(row["time_median"])
    return float("nan")


@section("dynamodb", "DynamoDB access patterns", order=75)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.rows(suite="dynamodb")
    if frame.empty:
        return None
    sort = [c for c in ("backend", "operation", "table_items") if c in frame.columns]
    rows = []
    for _, r in frame.sort_values(sort).iterrows():
        rows.append([r["operation"], r.get("backend", "-"), fmt.count(r.get("table_items")),
                     fmt.seconds(latency_s(r, "p50")), fmt.seconds(latency_s(r, "p95")),
                     fmt.seconds(latency_s(r, "p99")), fmt.count(r.get("rounds")), fmt.cv(r.get("cv")),
                     fmt.count(r.get("scanned_count")), fmt.count(r.get("returned_count")), fmt.count(r.get("pages")),
                     fmt.number(r.get("rcu_computed")), fmt.number(r.get("rcu_reported")),
                     fmt.usd(r.get("cost_per_million_usd"))])
    caveats = sorted({str(c) for c in frame.get("backend_caveat", pd.Series(dtype=object)).dropna()})
    blocks: list[Block] = [
        Text("Items evaluated vs returned is the portable fact: a Scan reads (and bills) every item "
             "it evaluates, a Query or GetItem only what the key selects."),
        Table("", ["pattern", "backend", "table items", "p50", "p95", "p99", "n", "CV", "items evaluated",
                   "items returned", "pages", "RCU computed", "RCU reported", "$ per million"], rows,
              key="dynamodb")]
    blocks += [Text(f"Backend caveat: {c}", kind="warn") for c in caveats]
    if "table_items" in frame.columns and frame["table_items"].nunique() > 1:
        series: dict[str, list[tuple[float, float]]] = {}
        for _, r in frame.iterrows():
            p50 = latency_s(r, "p50")
            if p50 == p50 and r["table_items"]:
                series.setdefault(f"{r['operation']} ({r.get('backend', '?')})", []).append(
                    (float(r["table_items"]), p50))
        series = {k: v for k, v in series.items() if len(v) > 1}
        if series:
            blocks.append(Chart("DynamoDB latency vs table size", charts.lines(
                series, "p50 latency vs table size (log-log)", "items in table", "p50, s"),
                name="dynamodb-scaling", caption="A pattern whose line rises with table size evaluates "
                                                 "more items as the table grows (Scan, and Query on a mock)."))
    return blocks
