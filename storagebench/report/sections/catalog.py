"""Glue Data Catalog: what registering, evolving and looking up a table costs per format, and
what each format's catalog entry is (SerDe, whether Athena can query it, the schema-evolution
check), from the catalog suite (``suite == "catalog"``; keys in :mod:`storagebench.catalog`).

Timings are against moto's Glue on loopback: the portable facts are the Glue requests per call
(and their price); the times rank formats only relative to each other in this run."""

from __future__ import annotations

import pandas as pd

from storagebench.report import fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.report.sections._counted import TIMING, skipped_note, timing_cells, value
from storagebench.results import SUITE_CATALOG

# Capture, update, retrieval: the table-level operations, timed per format.
TABLE_OPERATIONS = {"create_table": "capture (create_table)", "add_column": "update (add column)",
                    "get_table": "retrieve (get_table)"}
PARTITION_OPERATIONS = ("batch_create_partition", "get_partitions")


def schema_check(frame: pd.DataFrame, cases: pd.DataFrame, format_: str) -> str:
    """The add-column evolution check's outcome for ``format_``: passed (the timed update ran it
    and succeeded), failed with the suite's reason, or not run."""
    ok = frame[(frame["operation"] == "add_column") & (frame["format"] == format_)]
    if not ok.empty:
        how = value(ok.iloc[0].get("match_by"))
        rule = {"position": "old files matched by position: only appending at the end is safe",
                "name": "old files matched by column name"}.get(how, f"matched by {how}" if how else "")
        return "passed" + (f" ({rule})" if rule else "")
    if not cases.empty and {"suite", "format", "status"} <= set(cases.columns):
        gone = cases[(cases["suite"] == SUITE_CATALOG) & (cases["format"] == format_)
                     & (cases["status"] != "measured")]
        gone = gone[gone["case"].astype(str).str.contains("add_column")]
        if not gone.empty:
            return f"{gone.iloc[0]['status']}: {gone.iloc[0]['reason']}"
    return "not run"


@section("catalog", "Glue Data Catalog: capture, update, retrieval", order=76)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.rows(suite=SUITE_CATALOG)
    if frame.empty:
        return None
    blocks: list[Block] = [Text(
        "One table per file format in a Glue database of this run, on the embedded moto endpoint. "
        "**Glue requests** are counted per timed call at the endpoint and priced from the price "
        "table (before Glue's free tier); times are moto on loopback, comparable only within this run.")]

    per_table = frame[frame["operation"].isin(list(TABLE_OPERATIONS))]
    if not per_table.empty:
        entries, timings = [], []
        for format_, part in per_table.groupby("format", sort=True):
            r0 = part.iloc[0]
            declared = value(r0.get("declared_string_columns")) or []
            queryable = value(r0.get("queryable"))
            entries.append([format_, "yes" if queryable else ("no" if queryable is not None else "-"),
                            f"`{r0.get('serde')}`" if value(r0.get("serde")) else "none (no Glue reader)",
                            schema_check(frame, ctx.cases, format_),
                            ", ".join(declared) if declared else "-",
                            fmt.count(r0.get("rows")), fmt.count(r0.get("columns"))])
            for op, label in TABLE_OPERATIONS.items():
                m = part[part["operation"] == op]
                if m.empty:
                    continue
                r = m.iloc[0]
                timings.append([format_, label, *timing_cells(r), fmt.number(r.get("glue_requests")),
                                fmt.usd(r.get("glue_request_cost_usd"))])
        blocks.append(Table("Catalog entry per format",
                            ["format", "queryable (Athena)", "SerDe", "schema check (add column)",
                             "declared string", "rows", "columns"], entries,
                            ["declared string: columns the format's SerDe cannot parse as their type "
                             "(e.g. ISO-8601 text timestamps), declared string with the reason in the "
                             "column comment.", "queryable no: Glue/Athena have no reader for the "
                             "format; the table is registered for discovery only."],
                            key="catalog:entries"))
        blocks.append(Table("Capture, update, retrieval per format",
                            ["format", "operation", *TIMING, "Glue requests per call", "Glue $ per call"],
                            timings, key="catalog:timings"))

    parts = frame[frame["operation"].isin(PARTITION_OPERATIONS)]
    if not parts.empty:
        rows = []
        for _, r in parts.sort_values(["operation", "time_median"]).iterrows():
            expr = value(r.get("expression"))
            rows.append([f"{r['format']} `{r.get('table')}`", r["operation"], f"`{expr}`" if expr else "-",
                         fmt.count(r.get("partitions")), fmt.count(r.get("partitions_returned")),
                         *timing_cells(r), fmt.number(r.get("glue_requests")),
                         fmt.usd(r.get("glue_request_cost_usd"))])
        blocks += [Heading("Partitions in the catalog"),
                   Table("", ["table", "operation", "expression", "partitions in table", "returned", *TIMING,
                              "Glue requests per call", "Glue $ per call"], rows,
                         ["batch_create_partition sends at most 100 partitions per request (Glue's "
                          "limit); get_partitions pages through the Expression's matches."],
                         key="catalog:partitions")]
    return blocks + skipped_note(ctx, SUITE_CATALOG)
