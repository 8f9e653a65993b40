"""Scaling with volume: write and full-read time against rows, log-log, for each format's
reference configuration, when the runs given hold the same dataset at several sizes
(``storagebench report small.json large.json``).  A slope of 1 is linear; flatter lines at
small sizes show fixed per-file overhead."""

from __future__ import annotations

from storagebench.report import charts
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Chart, Text
from storagebench.report.sections import section


@section("scaling", "Scaling with volume", order=80)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.local_formats()
    if frame.empty or frame["rows"].nunique() < 2:
        return None
    blocks: list[Block] = []
    for ds in sorted(frame["dataset"].unique()):
        part = frame[frame["dataset"] == ds]
        if part["rows"].nunique() < 2:
            continue
        for op, sel in (("write", part["operation"] == "write"),
                        ("full read", (part["operation"] == "read") & (part.get("read_kind") == "full")
                         & (part["writer_engine"] == part["reader_engine"]))):
            series: dict[str, list[tuple[float, float]]] = {}
            for _, r in part[sel].iterrows():
                series.setdefault(f"{r['format']}/{r['compression']} {r['engine']}", []).append(
                    (float(r["rows"]), float(r["time_median"])))
            series = {k: v for k, v in series.items() if len({x for x, _ in v}) > 1}
            if series:
                blocks.append(Chart(f"{ds}: {op} time vs rows", charts.lines(
                    series, f"{ds}: {op} median vs rows (log-log)", "rows", "median, s"),
                    name=f"scaling-{ds}-{op.replace(' ', '-')}"))
    if not blocks:
        return None
    return [Text("Each point is a median from one run; runs of different sizes must share machine "
                 "and versions (see Environment) to be comparable.")] + blocks
