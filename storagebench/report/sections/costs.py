"""Costs: what storing and querying the data would cost per month on AWS, from measured size
ratios and scan fractions times the one price table (storagebench/costs.py, prices.json).

With ``--data-size`` and ``--queries-per-day`` the projection is for the user's data; without
them it is given per TiB of data and per 1,000 queries a day (a unit, not an assumption about
anyone's workload).  Bytes scanned per query come from the S3 suite's counted GET bytes when the
run has them; otherwise the whole object is taken as scanned, an upper bound, and labelled so."""

from __future__ import annotations

import pandas as pd

from storagebench import costs, prices
from storagebench.report import fmt
from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.metrics import config_label
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.report.sections.sizes import size_rows

KINDS = ("full", "projection", "predicate")
CLASS_LABELS = {"STANDARD": "Standard", "STANDARD_IA": "Standard-IA", "GLACIER_IR": "Glacier IR",
                "GLACIER": "Glacier Flexible", "DEEP_ARCHIVE": "Deep Archive"}


def scan_fractions(ctx: ReportContext, dataset: str, rows: int, fmt_: str, comp: str) -> tuple[dict, str]:
    """read kind -> fraction of the object a query reads, and where the fraction came from."""
    s3 = ctx.rows(suite="s3", operation="read")
    out, source = {}, []
    for kind in KINDS:
        m = s3[(s3.get("dataset") == dataset) & (s3.get("rows") == rows) & (s3.get("format") == fmt_)
               & (s3.get("compression") == comp) & (s3.get("read_kind") == kind)] if not s3.empty else s3
        if not m.empty and "s3_get_bytes" in m and "s3_object_bytes" in m:
            frac = (m["s3_get_bytes"] / m["s3_object_bytes"]).min()
            if pd.notna(frac):
                out[kind] = float(frac)
                source.append(f"{kind}: S3-measured")
                continue
        out[kind] = 1.0
    return out, ", ".join(source) or "whole object (upper bound: no S3 measurement)"


@section("costs", "Costs", order=85)
def build(ctx: ReportContext) -> list[Block] | None:
    groups = dataset_groups(ctx.local_formats())
    ddb = ctx.rows(suite="dynamodb")
    if not groups and ddb.empty:
        return None
    o = ctx.options
    region = o.region
    prov = prices.provenance()
    user = o.data_size_bytes is not None
    data_bytes = o.data_size_bytes if user else costs.TB
    qpd = o.queries_per_day if o.queries_per_day is not None else 1000.0
    basis = o.data_size_basis
    blocks: list[Block] = [Text(
        f"Prices: {region}, as of {prov['as_of']} ({prov['currency']}); source: {prov['source']}", kind="note"),
        Text((f"Projection for **{fmt.bytes_(data_bytes)}** of data (measured as {basis})"
              if user else f"Per **1 TiB** of data (as {basis}; pass `--data-size` for yours)")
             + (f" and **{fmt.number(qpd)} queries/day**" if o.queries_per_day is not None
                else " and per **1,000 queries/day** (pass `--queries-per-day`)")
             + f", objects of {fmt.bytes_(o.object_size_bytes)} (`--object-size`). Stored size scales "
               "the measured bytes on disk per byte of data; queries are billed Athena-style "
               "($ per TB scanned, rounded up per MB, 10 MB minimum per query), 30-day months.")]
    classes = costs.s3_classes(region)
    for label, part in groups:
        writes = size_rows(part)
        if writes.empty:
            continue
        csv = writes[(writes["format"] == "csv") & (writes["compression"] == "none")]["bytes_on_disk"]
        denom = float(csv.min()) if basis == "csv" and not csv.empty else float(part["dataset_arrow_bytes"].iloc[0])
        rows, sources = [], set()
        for _, r in writes.iterrows():
            frac, src = scan_fractions(ctx, r["dataset"], r["rows"], r["format"], r["compression"])
            sources.add(src)
            p = costs.project_format(data_bytes, r["bytes_on_disk"] / denom, frac, qpd, o.object_size_bytes, region)
            rows.append([config_label(r, False), fmt.bytes_(p.stored_bytes), fmt.count(p.objects),
                         *[fmt.usd(p.storage[c].usd_month) for c in classes], fmt.usd(p.load_put_usd),
                         *[fmt.usd(p.query_usd_month[k]) for k in KINDS]])
        blocks += [Heading(label), Table("", ["format/compression writer", "stored", "objects",
                                              *[f"{CLASS_LABELS.get(c, c)} /month" for c in classes],
                                              "load PUTs (once)", *[f"{k} queries /month" for k in KINDS]],
                                         rows, [f"Bytes scanned per query: {s}." for s in sorted(sources)],
                                         key=f"costs:{label}")]
    blocks.append(Table("S3 storage class rules applied", ["class", "$/GB-month", "minimum days",
                                                           "minimum object", "per-object overhead",
                                                           "retrieval $/GB"],
                        [[CLASS_LABELS.get(n, n), c["gb_month"], c["min_days"], fmt.bytes_(c["min_object_bytes"]),
                          f"{fmt.bytes_(c['overhead_bytes_class'])} + {fmt.bytes_(c['overhead_bytes_standard'])} at Standard"
                          if c["overhead_bytes_class"] else "-",
                          c["retrieval_per_gb"] if c["retrieval_per_gb"] is not None else "restore tiers below"]
                         for n, c in classes.items()], key="costs:classes"))
    tiers = prices.region_prices(region)["s3"]["restore_tiers"]
    blocks.append(Table("Restoring the whole data set from the archive classes (once)",
                        ["class", "tier", "hours", "cost"],
                        [[CLASS_LABELS.get(c, c), t, f"{v['hours_min']:g}\u2013{v['hours_max']:g}",
                          fmt.usd(costs.s3_retrieval_cost(data_bytes, c, region, t))]
                         for c, ts in tiers.items() for t, v in ts.items()],
                        ["Per-request restore fees are not included (one per object)."], key="costs:restore"))
    if not ddb.empty and "rcu_computed" in ddb.columns:
        rows = []
        for _, r in ddb.sort_values(["operation", "table_items"]).iterrows():
            rcu = r.get("rcu_computed")
            rows.append([r["operation"], r.get("backend", "-"), fmt.count(r.get("table_items")), fmt.number(rcu),
                         fmt.usd(costs.dynamodb_read_cost(rcu * qpd * costs.DAYS_PER_MONTH, region))
                         if not fmt.missing(rcu) else "-", fmt.usd(r.get("cost_per_million_usd"))])
        blocks.append(Heading("DynamoDB on-demand reads"))
        blocks.append(Table("", ["pattern", "backend", "table items", "RCU per request (computed)",
                                 f"$ /month at {fmt.number(qpd)} requests/day", "$ per million (suite)"], rows,
                            ["RCUs computed from item sizes by DynamoDB's rules (4 KB units, eventually "
                             "consistent = half); a mock's reported ConsumedCapacity is not used for cost."],
                            key="costs:dynamodb"))
    return blocks
