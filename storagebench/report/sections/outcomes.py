"""Skipped and failed cases: every case the run attempted but could not time, with its reason.

Interoperability failures (a reader that cannot read another engine's file), missing optional
dependencies and unsupported combinations are results too; a report that dropped them would
make a format look better than it is."""

from __future__ import annotations

from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Table, Text
from storagebench.report.sections import section


@section("outcomes", "Skipped and failed cases", order=25)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.cases
    if frame.empty or "status" not in frame.columns:
        return None
    gone = frame[frame["status"] != "measured"]
    if gone.empty:
        return None
    failed = int((gone["status"] == "failed").sum())
    blocks: list[Block] = [Text(
        f"{len(gone)} case(s) produced no timing: **{failed} failed** (the operation ran and went "
        f"wrong) and {len(gone) - failed} skipped (the combination cannot run here). They are listed, "
        "not dropped; a failed read counts against its format in the recommendations.",
        kind="warn" if failed else "note")]
    rows = []
    for r in gone.sort_values(["status", "case"]).itertuples(index=False):
        d = r._asdict()
        rows.append([d.get("run"), d.get("status"), f"`{d.get('case')}`", d.get("suite"), d.get("reason")])
    blocks.append(Table("", ["run", "status", "case", "suite", "reason"], rows, key="outcomes"))
    return blocks
