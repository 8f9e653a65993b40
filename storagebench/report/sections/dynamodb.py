"""DynamoDB: latency percentiles by access pattern and table size, items evaluated vs returned,
pages, read capacity (computed from item sizes and as the backend reported it) and cost, with
each backend's caveat (a mock's latency and ConsumedCapacity are not DynamoDB's).

Rendered only when the run has DynamoDB results (``suite == "dynamodb"``; the keys are
storagebench.results.DynamoDBRecord's: latency percentiles are ``p50_s``/``p95_s``/``p99_s``,
in seconds, and ``latency_slope`` is how p50 grows with the table (log-log slope))."""

from __future__ import annotations

from typing import Any

import pandas as pd

from storagebench.report import charts, fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Chart, Table, Text
from storagebench.report.sections import section


def latency_s(row: Any, pct: str) -> float:
    """A latency percentile (``p50``/``p95``/``p99``) in seconds, NaN where the case has none
    (load and files-vs-items rows are not pattern timings)."""
    v = row.get(f"{pct}_s")
    return float("nan") if fmt.missing(v) else float(v)


def _slopes(frame: pd.DataFrame) -> Table | None:
    """One row per pattern x backend x layout: the log-log slope of p50 against table size."""
    if "latency_slope" not in frame.columns:
        return None
    have = frame[frame["latency_slope"].map(lambda v: not fmt.missing(v))]
    if have.empty:
        return None
    keys = [c for c in ("operation", "backend", "table_layout", "item_bytes_target") if c in have.columns]
    rows = []
    for _, r in have.drop_duplicates(subset=keys).sort_values(keys).iterrows():
        sizes = frame[(frame[keys] == r[keys]).all(axis=1)]["table_items"]
        rows.append([r["operation"], r.get("backend", "-"), fmt.number(r["latency_slope"]),
                     f"{fmt.count(sizes.min())} - {fmt.count(sizes.max())}"])
    return Table("p50 growth with table size: the log-log slope (0 = flat, 1 = linear in the table's "
                 "items)", ["pattern", "backend", "slope", "table items"], rows, key="dynamodb:slopes")


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
    slopes = _slopes(frame)
    if slopes is not None:
        blocks.append(slopes)
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
