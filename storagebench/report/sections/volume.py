"""Volume: how write time, read time and file size grow with rows, per format (the fitted
log-log scaling exponent with its R², and the sweep on a log-log chart), and whether peak memory
stayed bounded.  From the volume suite (``suite == "volume"``; keys in
:mod:`storagebench.threevs.volume`).  Unlike the "Scaling with volume" section, which needs
several run files, the sweep here is inside one run."""

from __future__ import annotations

import pandas as pd

from storagebench.report import charts, fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Chart, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.report.sections._counted import TIMING, skipped_note, timing_cells, value
from storagebench.results import SUITE_VOLUME


def sweep(points: pd.DataFrame) -> list[tuple[float, float]]:
    """(rows, median seconds) of one format's and operation's sweep-point cases, by rows."""
    return sorted((float(r["rows"]), float(r["time_median"])) for _, r in points.iterrows()
                  if value(r.get("time_median")) is not None)


def fitted(frame: pd.DataFrame) -> pd.DataFrame:
    """The cases that carry a sweep's fit (its largest point)."""
    if "sweep_s" not in frame.columns:
        return frame.iloc[0:0]
    return frame[frame["sweep_s"].map(lambda x: value(x) is not None)]


LOW_R2 = 0.9  # below this one slope does not describe the sweep: flagged, not hidden


def r2(x) -> str:
    x = value(x)
    return "-" if x is None else (f"{fmt.NOISY_MARK} {fmt.number(x)}" if x < LOW_R2 else fmt.number(x))


def _bounded(x) -> str:
    x = value(x)
    return "-" if x is None else ("yes" if x else "**no**")


@section("volume", "Volume: scaling exponents and bounded memory", order=82)
def build(ctx: ReportContext) -> list[Block] | None:
    frame = ctx.rows(suite=SUITE_VOLUME)
    if frame.empty:
        return None
    sizes = sorted({int(n) for r in frame.itertuples() for n in (value(getattr(r, "sweep_rows", None)) or [])})
    blocks: list[Block] = [Text(
        f"Each format writes the `{frame['dataset'].iloc[0]}` dataset at {', '.join(f'{n:,}' for n in sizes)} "
        "rows through its streaming batch writer, and reads it back in full. The **exponent** is the "
        "least-squares slope of log(value) against log(rows): 1 is linear, below 1 a fixed cost "
        "(headers, start-up) still dominates, above 1 the format gets slower per row as data grows. "
        "R\u00b2 says how well one slope fits; with three points a low R\u00b2 means the slope is not "
        "a property of the format yet. Every sweep point is its own pytest-benchmark case with "
        "several rounds; the fit uses their medians (each point's median, IQR and n are in the "
        "table of sweep points).")]
    rows = []
    for _, r in fitted(frame).sort_values(["operation", "format"], ascending=[False, True]).iterrows():
        rows.append([r["format"], f"{r.get('compression')}", r["operation"], fmt.count(r.get("rows")),
                     fmt.number(r.get("time_exponent")), r2(r.get("time_fit_r2")),
                     fmt.number(r.get("size_exponent")), r2(r.get("size_fit_r2")),
                     fmt.number(r.get("bytes_per_row")), *timing_cells(r)])
    blocks.append(Table("Fitted scaling exponents", ["format", "compression", "operation", "rows (largest)",
                                                     "time exponent", "time R\u00b2", "size exponent",
                                                     "size R\u00b2", "bytes per row", *TIMING], rows,
                        [f"{fmt.NOISY_MARK} R\u00b2 below {LOW_R2}: the points do not lie on one line "
                         "(fixed costs at the small end, or noise); read the chart, not the slope."],
                        key="volume:exponents"))
    points = [[r["format"], r["operation"], fmt.count(r.get("rows")), fmt.bytes_(r.get("bytes_on_disk")), *timing_cells(r)]
              for _, r in frame.sort_values(["operation", "format", "rows"], ascending=[False, True, True]).iterrows()]
    blocks.append(Table("Sweep points", ["format", "operation", "rows", "file bytes", *TIMING], points,
                        ["One pytest-benchmark case per point: median and IQR over n rounds."],
                        key="volume:points"))
    for op in ("write", "read"):
        series = {f"{f}": pts for f, group in frame[frame["operation"] == op].groupby("format")
                  if len(pts := sweep(group)) > 1}
        if series:
            blocks.append(Chart(f"{op.capitalize()} time vs rows", charts.lines(
                series, f"Volume: {op} time vs rows (log-log)", "rows", f"{op} time, s"),
                name=f"volume-{op}", caption="A line steeper than its neighbours grows faster per row; "
                                             "parallel lines scale alike."))
    if "peak_memory_bytes" in frame.columns and frame["peak_memory_bytes"].notna().any():
        mem = frame[frame["peak_memory_bytes"].notna()]
        rows = [[r["format"], r["operation"], fmt.count(r.get("rows")), fmt.bytes_(r.get("arrow_bytes")),
                 fmt.bytes_(r.get("batch_arrow_bytes")), fmt.bytes_(r.get("peak_memory_bytes")),
                 fmt.ratio(r.get("peak_rss_ratio")), fmt.ratio(r.get("peak_per_batch_ratio")),
                 _bounded(r.get("memory_bounded"))]
                for _, r in mem.sort_values(["operation", "format"], ascending=[False, True]).iterrows()]
        methods = sorted({str(m) for m in mem.get("peak_memory_method", pd.Series(dtype=object)).dropna()})
        blocks += [Heading("Peak memory"),
                   Table("", ["format", "operation", "rows", "data in Arrow", "one batch in Arrow", "peak extra RSS",
                              "peak / data", "peak / batch", "bounded (\u2264 3\u00d7 data)"], rows,
                         [f"One measurement per case at the largest point (method: "
                          f"{', '.join(methods) or 'not recorded'}). Bounded memory shows as a write's peak "
                          "that tracks the batch, not the total; a full read materialises the table, so it "
                          "has no bound (-)."],
                         key="volume:memory")]
    else:
        blocks.append(Text("Peak memory was not measured in this run (the quick profile and `--no-memory` "
                           "skip it; `--profile standard` measures it).", kind="note"))
    return blocks + skipped_note(ctx, SUITE_VOLUME)
