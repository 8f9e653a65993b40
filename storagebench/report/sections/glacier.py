"""Glacier: what archiving each format's file costs per storage class (monthly, minimum
commitment, billable bytes with the archive overheads), what restoring it costs per tier, and
the restore flow as observed on the endpoint (states, polls, requests), from the glacier suite
(``suite == "glacier"``; keys in :mod:`storagebench.lifecycle`).

Costs are measured object sizes times the price table; restore *hours* are the price table's
published ranges, never a measurement: moto completes a restore at once."""

from __future__ import annotations

from typing import Any

import pandas as pd

from storagebench.report import fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.report.sections._counted import TIMING, by_op, skipped_note, timing_cells, value
from storagebench.report.sections.costs import CLASS_LABELS
from storagebench.results import SUITE_GLACIER

TIER_ORDER = {"Expedited": 0, "Standard": 1, "Bulk": 2}
CLASS_ORDER = {c: i for i, c in enumerate(CLASS_LABELS)}  # warmest to coldest, as the price table


def _class_tier_order(key: tuple[str, str]) -> tuple[int, int]:
    return CLASS_ORDER.get(key[0], 99), TIER_ORDER.get(key[1], 9)


def _hours(lo: Any, hi: Any) -> str:
    lo, hi = value(lo), value(hi)
    if lo is None and hi is None:
        return "-"
    if not lo:  # the table gives only an upper bound ("within 12 hours")
        return f"\u2264 {fmt.number(hi)} h"
    return f"{fmt.number(lo)}\u2013{fmt.number(hi)} h"


def class_costs(puts: pd.DataFrame) -> list[dict[str, Any]]:
    """One record per format x storage class, from each format's archive_put row (the dicts
    cover every class in the price table, so one row per format is enough)."""
    out = []
    for format_, part in puts.groupby("format", sort=True):
        r = part.iloc[0]
        monthly = value(r.get("monthly_cost_usd")) or {}
        minimum = value(r.get("minimum_commitment_usd")) or {}
        billable = value(r.get("billable_bytes")) or {}
        cheapest = value(r.get("cheapest_class"))
        for cls in sorted(monthly, key=lambda c: CLASS_ORDER.get(c, 99)):
            out.append({"format": format_, "class": cls, "object_bytes": value(r.get("object_bytes")),
                        "billable_bytes": billable.get(cls), "monthly_usd": monthly.get(cls),
                        "minimum_usd": minimum.get(cls), "cheapest": cls == cheapest})
    return out


@section("glacier", "Glacier: archive cost and the restore flow", order=77)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.rows(suite=SUITE_GLACIER)
    if frame.empty:
        return None
    as_of = sorted({str(v) for v in frame.get("price_as_of", pd.Series(dtype=object)).dropna()})
    blocks: list[Block] = [Text(
        "Each format's file (the suite's dataset) archived on the embedded S3 endpoint. Monthly cost, "
        "minimum commitment and restore cost are the measured object size times the price table"
        + (f" (prices as of {', '.join(as_of)})" if as_of else "")
        + "; billable bytes include the 128 KiB minimum object size (Standard-IA, Glacier IR) and the "
          "32 KiB + 8 KiB per-object archive overhead (Glacier, Deep Archive).")]
    puts = frame[frame["operation"] == "archive_put"]
    if not puts.empty:
        rows = [[c["format"], CLASS_LABELS.get(c["class"], c["class"]) + (" (cheapest)" if c["cheapest"] else ""),
                 fmt.count(c["object_bytes"]), fmt.count(c["billable_bytes"]), fmt.usd(c["monthly_usd"]),
                 fmt.usd(c["minimum_usd"])] for c in class_costs(puts)]
        blocks.append(Table("Storage cost per format and class (one object)",
                            ["format", "storage class", "object bytes", "billable bytes", "$ per month",
                             "minimum commitment $"], rows,
                            ["minimum commitment: what an object deleted at once is still billed "
                             "(the class's minimum storage days)."], key="glacier:storage"))
        put_rows = [[r["format"], CLASS_LABELS.get(r["storage_class"], r["storage_class"]),
                     value(r.get("state")) or "-", *timing_cells(r), fmt.number(r.get("requests")),
                     by_op(r.get("requests_by_op")), fmt.usd(r.get("request_cost_usd"))]
                    for _, r in puts.sort_values(["format", "storage_class"]).iterrows()]
        blocks.append(Table("Archive PUT (timed on moto)", ["format", "storage class", "state after",
                                                            *TIMING, "requests", "by operation", "request $"],
                            put_rows, key="glacier:put"))

    flows = frame[frame["operation"] == "restore_flow"]
    hours = {(r["storage_class"], r["tier"]): (r.get("restore_hours_min"), r.get("restore_hours_max"))
             for _, r in flows.iterrows()}
    tiers: dict[tuple[str, str], dict[str, Any]] = {}  # (class, tier) -> format -> restore $
    for _, r in puts.iterrows():
        for tier, usd in (value(r.get("restore_cost_usd")) or {}).items():
            tiers.setdefault((r["storage_class"], tier), {})[r["format"]] = usd
    if tiers:
        formats_ = sorted({f for by_format in tiers.values() for f in by_format})
        tier_rows = [[CLASS_LABELS.get(cls, cls), tier, _hours(*hours.get((cls, tier), (None, None))),
                      *[fmt.usd(tiers[(cls, tier)].get(f)) for f in formats_]]
                     for cls, tier in sorted(tiers, key=_class_tier_order)]
        blocks.append(Table("Restore tiers: hours and cost of restoring one object",
                            ["archived in", "tier", "restore hours (price table)", *[f"{f} $" for f in formats_]],
                            tier_rows, ["restore $: retrieval per GB of the format's object plus the tier's "
                                        "request fee; a tier a class does not offer is absent (Deep Archive "
                                        "has no Expedited).", "hours '-': no restore flow of that class and "
                                                             "tier ran in this run."],
                            key="glacier:tiers"))
    if not flows.empty:
        rows = []
        for _, r in flows.assign(_o=[_class_tier_order((c, t)) for c, t in zip(flows["storage_class"], flows["tier"])]).sort_values("_o").iterrows():
            states = value(r.get("states")) or []
            rows.append([CLASS_LABELS.get(r["storage_class"], r["storage_class"]), r["tier"], r.get("format"),
                         fmt.count(r.get("object_bytes")), " \u2192 ".join(states) or "-", fmt.count(r.get("polls")),
                         fmt.number(r.get("requests")), by_op(r.get("requests_by_op")), *timing_cells(r),
                         fmt.usd(r.get("restore_cost_usd")), _hours(r.get("restore_hours_min"),
                                                                     r.get("restore_hours_max"))])
        blocks += [Heading("Restore flow"),
                   Text("**Restore hours come from the price table, not from moto**: moto restores "
                        "instantly (the suite holds the object in progress for a few polls so that "
                        "state is really observed), so the timed flow is only the request overhead "
                        "of request, poll and read; on AWS the tier's hours come between the restore "
                        "request and the first successful GET.", kind="warn"),
                   Table("", ["archived in", "tier", "format", "object bytes", "states observed", "polls",
                              "requests", "by operation", *TIMING, "restore $", "restore hours (price table)"],
                         rows, ["Timed and counted: RestoreObject, the HEAD polls until restored, and the GET. "
                                "Archiving the object and checking it needs a restore are each round's setup "
                                "(neither timed nor counted)."], key="glacier:restore")]
    return blocks + skipped_note(ctx, SUITE_GLACIER)
