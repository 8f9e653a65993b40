"""The decide report: the decision on the first screen, then how it was reached.

Built from the suite's report blocks (:mod:`storagebench.report.model`) and rendered by its
Markdown/HTML renderers, so it looks like the rest of the suite's reports; it has no charts, so
it renders in milliseconds.  Sections, in order: **Decision** (one line per workload: winner or
tie, margin and interval, what it gives up, bytes and $ at the user's data size), **Method**
(how the decision was reached, stated once), **Finalists** (every confirmed finalist with its
rounds, median, ratio and interval, and S3 counts), **Screening** (every configuration's sample
medians and what became of it), **Dropped** (lossy or unavailable configurations, with reasons),
**Run** (data, budget, time spent per phase, versions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storagebench import environment
from storagebench.decide import confirm as confirming
from storagebench.decide.model import Decision, WorkloadDecision
from storagebench.report import fmt
from storagebench.report.model import Heading, SectionOutput, Table, Text
from storagebench.report.render import html_document, markdown


def _value(wd: WorkloadDecision, v: float | None) -> str:
    if v is None:
        return "-"
    return fmt.bytes_(v) if wd.unit == "bytes" else fmt.seconds(v)


def _winner_cell(wd: WorkloadDecision) -> str:
    if wd.skipped:
        return f"not decided: {wd.skipped}"
    if wd.tie_with:
        return f"**tie**: `{wd.winner}` = " + " = ".join(f"`{t}`" for t in wd.tie_with)
    return f"`{wd.winner}`"


def decision_section(d: Decision) -> SectionOutput:
    t = Table("Decision", ["workload", "target", "winner", "median", "margin over runner-up [95% CI]",
                           "gives up", "bytes at data size", "$/month at data size (S3 Standard)"], key="decision")
    for wd in d.workloads:
        t.rows.append([wd.title, wd.target, _winner_cell(wd), _value(wd, wd.winner_value), wd.margin_text(),
                       wd.gives_up or "-", fmt.bytes_(wd.bytes_at_size) if wd.bytes_at_size else "-",
                       fmt.usd(wd.usd_month_at_size) if wd.usd_month_at_size is not None else "-"])
    size = fmt.bytes_(d.data_size_bytes) if d.data_size_bytes else "-"
    t.notes.append(f"Data size for the projections: {size} ({d.data_size_basis}). Margin: the runner-up's time "
                   "divided by the winner's (paired by sweep; archive: bytes), with its bootstrap 95% interval. A winner beat every other finalist by "
                   "more than the equivalence margin (the whole interval above it); a tie lists, in label order, "
                   "the finalists within the margin or still open when the budget ended (see Method); a tie whose interval "
                   "lies above the margin is one the budget ended before every finalist had the rounds an interval needs "
                   f"to settle anything ({confirming.MIN_ROUNDS} each), or whose tied finalist was never measured.")
    ds = d.dataset
    intro = Text(f"**{ds['name']}**: {ds['rows']:,} rows x {ds['columns']} columns (fingerprint `{ds['fingerprint']}`); "
                 f"targets {', '.join(d.targets)}; decided in {d.elapsed_s:.0f} s of a {d.budget_s:.0f} s budget.")
    return SectionOutput("decision", "Decision", [intro, t])


def method_section(d: Decision) -> SectionOutput:
    return SectionOutput("method", "Method", [Text(m) for m in d.method])


def finalists_section(d: Decision) -> SectionOutput:
    blocks: list[Any] = []
    for wd in d.workloads:
        if not wd.finalists:
            continue
        blocks.append(Heading(f"{wd.title} — {wd.target}"))
        has_s3 = any(f.s3 for f in wd.finalists)
        has_faults = any(f.page_faults is not None for f in wd.finalists)
        cols = ["configuration", "status", "rounds", "median", "ratio to winner [95% CI]"]
        if has_faults:
            cols += ["page faults per read", "KiB from disk per read"]
        if has_s3:
            cols += ["S3 requests", "S3 bytes fetched", "amplification (fetched/object)",
                     "modelled in-region", "$ per million reads"]
        t = Table(wd.title, cols, key=f"finalists-{wd.workload}-{wd.target}")
        for f in wd.finalists:
            ci = f"{f.ratio:.3f}x [{f.ci[0]:.3f}, {f.ci[1]:.3f}]" if f.ratio is not None and f.ci else "-"
            row = [f"`{f.label}`", f.status, f.rounds, _value(wd, f.median), ci]
            if has_faults:
                row += [f"{f.page_faults:,.0f}" if f.page_faults is not None else "-",
                        f"{f.disk_read_kib:,.0f}" if f.disk_read_kib is not None else "-"]
            if has_s3:
                s = f.s3 or {}
                row += [s.get("requests", "-"), fmt.bytes_(s.get("get_bytes")), fmt.ratio(s.get("amplification_vs_object")),
                        fmt.seconds(s.get("modelled_in_region_s")), fmt.usd(s.get("usd_per_million_reads"))]
            t.rows.append(row)
        t.notes.append(f"Stopped: {wd.stopped}.")
        if has_faults:
            t.notes.append("Page faults per read: the median count of minor page faults the process took during one "
                           "full-size read (counted outside the timed region). Memory the allocator kept is reused "
                           "without faults; fresh pages from the kernel cost a fault each (4 KiB), and a read that "
                           "takes thousands is slowed by them (measured: a 96 MB uncompressed Feather read, 20 ms "
                           "without faults, 90 ms with 24,318). Readers that map the file take one fault per page read. "
                           "KiB from disk: what the read fetched from storage rather than the page cache (0 when "
                           "the file was cached).")
        if wd.screen_failed:
            t.notes.append("Failed in screening: " + "; ".join(f"`{k}`: {v}" for k, v in list(wd.screen_failed.items())[:6])
                           + (f" (+{len(wd.screen_failed) - 6} more)" if len(wd.screen_failed) > 6 else ""))
        if wd.details:
            t.notes.append("Details: " + ", ".join(f"{k}={_short(v)}" for k, v in wd.details.items()))
        blocks.append(t)
    return SectionOutput("finalists", "Finalists at full size", blocks)


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def screening_section(d: Decision) -> SectionOutput:
    names = [wd.workload for wd in d.workloads if wd.target == d.targets[0] and wd.workload != "point-lookup"]
    t = Table("Screening medians on the sample", ["configuration", "target", *names, "outcome"], key="screening")
    for row in d.screening:
        cells = []
        for n in names:
            v = row.get(n)
            cells.append("-" if v is None else (fmt.bytes_(v) if n == "archive" else fmt.seconds(v)))
        t.rows.append([f"`{row['configuration']}`", row["target"], *cells, row.get("outcome", "")])
    return SectionOutput("screening", "Screening", [t])


def dropped_section(d: Decision) -> SectionOutput:
    t = Table("Dropped before screening", ["configuration", "reason"], key="dropped")
    for row in d.dropped:
        t.rows.append([f"`{row['configuration']}`", row["reason"]])
    return SectionOutput("dropped", "Dropped (values lost, or engine unavailable)", [t])


def run_section(d: Decision) -> SectionOutput:
    t = Table("Run", ["item", "value"], key="run")
    t.rows += [["data", f"{d.dataset['description']} — {d.dataset['origin']}"],
               ["budget", f"{d.budget_s:.0f} s; used {d.elapsed_s:.1f} s"]]
    t.rows += [[f"time: {k}", f"{v:.1f} s"] for k, v in d.phases_s.items()]
    c = d.conditions
    if c:
        t.rows.append(["machine during the run", environment.conditions_text(c)])
    t.rows += [[k, str(v)] for k, v in d.environment.items()]
    return SectionOutput("run", "Run", [t])


def sections(d: Decision) -> list[SectionOutput]:
    return [decision_section(d), method_section(d), finalists_section(d), screening_section(d),
            dropped_section(d), run_section(d)]


def write_report(d: Decision, out: Path) -> list[Path]:
    """decision.json, report.md and report.html in ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    secs = sections(d)
    title = f"storagebench decide: {d.dataset['name']}"
    preamble = ["The decision comes first; how it was reached follows."]
    paths = [out / "decision.json", out / "report.md", out / "report.html"]
    d.write_json(paths[0])
    paths[1].write_text(markdown(title, preamble, secs), encoding="utf-8")
    paths[2].write_text(html_document(title, preamble, secs), encoding="utf-8")
    return paths
