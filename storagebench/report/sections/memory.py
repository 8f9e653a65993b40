"""Peak memory: the extra resident memory one write or read needed, measured in a separate
forked pass (``peak_memory_method`` in each result says how), next to the data's in-memory size."""

from __future__ import annotations

from storagebench.report import fmt
from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.metrics import config_label
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section


@section("memory", "Peak memory", order=60)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.local_formats()
    if frame.empty or "peak_memory_bytes" not in frame.columns or frame["peak_memory_bytes"].isna().all():
        return None
    blocks: list[Block] = []
    methods = sorted({m for m in frame.get("peak_memory_method", []) if isinstance(m, str)})
    for label, part in dataset_groups(frame):
        part = part[part["peak_memory_bytes"].notna()
                    & ((part["operation"] == "write") | (part.get("read_kind") == "full"))]
        if part.empty:
            continue
        rows = [[config_label(r, r["operation"] == "read"), r["operation"], fmt.count(r["peak_memory_bytes"]),
                 fmt.bytes_(r["peak_memory_bytes"]), fmt.ratio(r["peak_memory_bytes"] / r["dataset_arrow_bytes"])
                 if r.get("dataset_arrow_bytes") else "-"]
                for _, r in part.sort_values(["operation", "peak_memory_bytes"]).iterrows()]
        blocks += [Heading(label), Table("", ["format/compression engine", "operation", "peak bytes",
                                              "peak", "\u00d7 data in memory"], rows, key=f"memory:{label}")]
    if not blocks:
        return None
    return [Text(f"Method: {', '.join(methods) or 'not recorded'}. One measurement per case (no spread): "
                 "small operations can read low when they reuse memory the process already held.",
                 kind="note")] + blocks
