"""Engine comparison: for each format and workload, which engine did it fastest.

Workloads: write, full read, 2-column projection read, ~10% predicate read (the format suite on
local disk) and the analytic query (the query suite).  Engines are compared on the same file:
reads are those of the format's reference writer's file at one compression (the format's default
where measured), so only the reader differs; a read that changed values (``lossy-values``) is
not a candidate (speed of a wrong answer is not a result), and the query suite only times
answers that agreed with the reference.  The fastest engine is named with the runner-up and
their ratio; when their interquartile ranges overlap the run cannot tell them apart and says so.

Also used by the recommendations (:func:`fastest_engine_summary`, :func:`query_decision_rows`),
so the decision tables and this section read the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
import pandas as pd

import formats
from storagebench.report import charts, fmt
from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.metrics import iqr_overlap
from storagebench.report.model import Block, Chart, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.results import FIDELITY_LOSSY_VALUES, SUITE_QUERY

WORKLOADS = (("write", "write"), ("read-full", "full read"), ("read-projection", "projection read"),
             ("read-predicate", "predicate read"), ("query", "query"))


@dataclass
class Ranking:
    dataset: str
    workload: str
    format: str
    compression: str
    ranked: list[pd.Series]  # one row per engine, fastest first

    @property
    def tie(self) -> bool:
        if len(self.ranked) < 2:
            return False
        a, b = self.ranked[0], self.ranked[1]
        return iqr_overlap(a["time_q1"], a["time_q3"], b["time_q1"], b["time_q3"])


def _reference_writer(fmt_name: str) -> str | None:
    try:
        writers = formats.get_codec(fmt_name).writers()
    except formats.UnknownNameError:
        return None
    return writers[0].name if writers else None


def _default_compression(fmt_name: str, available: list[str]) -> str:
    try:
        default = formats.get_codec(fmt_name).default_compression
    except formats.UnknownNameError:
        default = None
    return default if default in available else sorted(available)[0]


def _engine_column(workload: str) -> str:
    return "engine" if workload in ("write", "query") else "reader_engine"


def _candidates(part: pd.DataFrame, workload: str) -> pd.DataFrame:
    if workload == "write":
        return part[part["operation"] == "write"]
    if workload == "query":
        return part[part["operation"] == "query"]
    kind = workload.split("-", 1)[1]
    reads = part[(part["operation"] == "read") & (part["read_kind"] == kind)]
    if "fidelity" in reads.columns:
        reads = reads[reads["fidelity"] != FIDELITY_LOSSY_VALUES]
    ref = reads["format"].map(_reference_writer)
    return reads[reads["writer_engine"] == ref]


def rankings(frame: pd.DataFrame, dataset: str, workload: str) -> list[Ranking]:
    """Per format: the engines of ``workload`` on one file/compression, fastest first."""
    cands = _candidates(frame, workload) if not frame.empty else frame
    if cands.empty:
        return []
    out = []
    engine_col = _engine_column(workload)
    for fmt_name, rows in cands.groupby("format", sort=False):
        comp = _default_compression(fmt_name, list(rows["compression"].dropna().unique()))
        rows = rows[rows["compression"] == comp]
        best = rows.sort_values("time_median").drop_duplicates(subset=[engine_col])
        if not best.empty:
            out.append(Ranking(dataset, workload, fmt_name, comp, [r for _, r in best.iterrows()]))
    return out


def _frames(ctx: ReportContext) -> dict[str, pd.DataFrame]:
    return {"formats": ctx.local_formats(), "query": ctx.rows(suite=SUITE_QUERY)}


def all_rankings(ctx: ReportContext) -> list[Ranking]:
    frames = _frames(ctx)
    out = []
    for workload, _ in WORKLOADS:
        frame = frames["query" if workload == "query" else "formats"]
        for label, part in dataset_groups(frame):
            out += rankings(part, label, workload)
    return out


def _engine(r: pd.Series, workload: str) -> str:
    return str(r[_engine_column(workload)])


def ranking_row(rk: Ranking) -> list[str]:
    win = rk.ranked[0]
    name = dict(WORKLOADS)[rk.workload]
    row = [rk.dataset, name, f"{rk.format}/{rk.compression}",
           f"**{_engine(win, rk.workload)}** {fmt.timing(win['time_median'], win['time_iqr'], win['rounds'])}"]
    if len(rk.ranked) > 1:
        run = rk.ranked[1]
        ratio = run["time_median"] / win["time_median"] if win["time_median"] else None
        row += [f"{_engine(run, rk.workload)} {fmt.seconds(run['time_median'])}", fmt.ratio(ratio),
                "tie within noise (IQRs overlap)" if rk.tie else "-"]
    else:
        row += ["-", "-", "only engine measured"]
    row.append(", ".join(_engine(r, rk.workload) for r in rk.ranked))
    return row


_COLUMNS = ["dataset", "workload", "format/compression", "fastest engine (median ± IQR, n)", "runner-up",
            "runner-up / fastest", "note", "engines, fastest first"]


def fastest_engine_summary(ctx: ReportContext) -> list[Block]:
    """For the recommendations: per workload and format, the engine fastest on most datasets."""
    ranks = all_rankings(ctx)
    if not ranks:
        return []
    tally: dict[tuple[str, str], dict[str, list[int]]] = {}  # -> engine -> [wins, of which ties]
    totals: dict[tuple[str, str], int] = {}
    for rk in ranks:
        if len(rk.ranked) < 2:
            continue
        key = (rk.workload, rk.format)
        wins = tally.setdefault(key, {}).setdefault(_engine(rk.ranked[0], rk.workload), [0, 0])
        wins[0] += 1
        wins[1] += rk.tie
        totals[key] = totals.get(key, 0) + 1
    rows = []
    order = {w: i for i, (w, _) in enumerate(WORKLOADS)}
    for (workload, fmt_name), counts in sorted(tally.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        (best, (wins, ties)), others = ranked[0], ranked[1:]
        rows.append([dict(WORKLOADS)[workload], fmt_name, f"**{best}**",
                     f"{wins} of {totals[(workload, fmt_name)]}" + (f" ({ties} within noise)" if ties else ""),
                     "; ".join(f"{e} {n}" for e, (n, _) in others) or "-"])
    if not rows:
        return []
    return [Heading("Fastest engine per format and workload"),
            Text("Counted over this run's datasets (the same file, only the engine differs; reads that "
                 "changed values and disagreeing query answers excluded). Per-dataset figures and charts: "
                 "see Engine comparison."),
            Table("", ["workload", "format", "fastest engine", "fastest on (datasets)", "others fastest on"],
                  rows, key="recommend:fastest-engine")]


def query_decision_rows(ctx: ReportContext) -> list[list[str]]:
    """The query workload as a decision-table row per dataset: winner = fastest (format, engine)."""
    out = []
    for label, part in dataset_groups(ctx.rows(suite=SUITE_QUERY)):
        q = part[part["operation"] == "query"].sort_values("time_median")
        if q.empty:
            continue
        win = q.iloc[0]
        ties = [f"{r['format']}/{r['engine']}" for _, r in q.iloc[1:].iterrows()
                if iqr_overlap(win["time_q1"], win["time_q3"], r["time_q1"], r["time_q3"])]
        runners = "; ".join(f"{r['format']}/{r['engine']} {fmt.timing(r['time_median'], r['time_iqr'], r['rounds'])}"
                            for _, r in q.iloc[1:3].iterrows()) or "-"
        caveats = [f"answers of all {len(q)} timed engine x format cases agreed with the reference"]
        if ties:
            caveats.append(f"tie within noise (IQRs overlap) with {', '.join(ties[:3])}"
                           + (f" and {len(ties) - 3} more" if len(ties) > 3 else ""))
        failed = _failed_queries(ctx)
        failed = failed[failed["dataset"] == win["dataset"]] if "dataset" in failed.columns else failed
        if len(failed):
            caveats.append(f"{len(failed)} case(s) failed (wrong answer or unreadable): see Engine comparison")
        out.append([label, f"**{win['format']}/{win['compression']} {win['engine']}** ({win.get('query', '')})",
                    fmt.timing(win["time_median"], win["time_iqr"], win["rounds"]),
                    f"{fmt.count(win['bytes_on_disk'])} B on disk; read via {win.get('query_scan', '-')}",
                    runners, "; ".join(caveats)])
    return out


def _chart(ctx: ReportContext, workload: str, title: str) -> Chart | None:
    frames = _frames(ctx)
    groups = dataset_groups(frames["query" if workload == "query" else "formats"])
    if not groups:
        return None
    # One chart per workload: the dataset group with the most engines compared (largest first).
    scored = []
    for label, part in groups:
        ranks = rankings(part, label, workload)
        engines = {_engine(r, workload) for rk in ranks for r in rk.ranked}
        scored.append((len(engines), int(part["rows"].max()), label, ranks))
    n_engines, _, label, ranks = max(scored, key=lambda t: (t[0], t[1]))
    if n_engines < 2:
        return None
    bars = [(f"{rk.format}/{rk.compression} {_engine(r, workload)}", r) for rk in ranks for r in rk.ranked]
    labels = [b[0] for b in bars]
    values = [float(b[1]["time_median"]) for b in bars]
    errors = [(float(b[1]["time_q1"]), float(b[1]["time_q3"])) for b in bars]
    key = "".join(ch if ch.isalnum() else "-" for ch in label)
    return Chart(f"{title}: {label}", charts.bars(labels, values, f"{title} by engine, {label}",
                                                  "median seconds (log); bars: q1..q3", errors=errors, log=True),
                 name=f"engines-{workload}-{key}",
                 caption="Grouped by format; within a format the same file, only the engine differs.")


@section("engines", "Engine comparison", order=45)
def build(ctx: ReportContext) -> list[Block] | None:
    ranks = all_rankings(ctx)
    if not any(len(rk.ranked) > 1 for rk in ranks):
        return None
    blocks: list[Block] = [Text(
        "Every engine on the same file (the format's reference writer, one compression): pyarrow, pandas, "
        "fastparquet, fastavro, polars (lazy scan + collect) and DuckDB (SQL, result as Arrow), threads as "
        "recorded in the environment block. Predicate reads are pushed down (row groups skipped by "
        "statistics) or applied after reading, as each engine declares for each format (see Write and "
        "read speed). Reads that changed values and query answers that disagreed are not candidates.")]
    blocks.append(Table("Fastest engine per dataset, format and workload", _COLUMNS,
                        [ranking_row(rk) for rk in ranks], key="engines:fastest"))
    preds = ctx.local_formats()
    if not preds.empty and "predicate_mode" in preds.columns:
        preds = preds[(preds["operation"] == "read") & (preds["read_kind"] == "predicate")]
        pairs = preds[["format", "reader_engine", "predicate_mode"]].dropna().drop_duplicates()
        if not pairs.empty:
            table = pairs.pivot_table(index="format", columns="reader_engine", values="predicate_mode",
                                      aggfunc="first")
            blocks.append(Table("Predicate reads: pushed down (statistics skip data) or applied after reading",
                                ["format", *table.columns],
                                [[f, *["-" if fmt.missing(v) else v for v in row]] for f, row in table.iterrows()],
                                key="engines:predicate-mode"))
    for workload, title in WORKLOADS:
        chart = _chart(ctx, workload, title)
        if chart is not None:
            blocks.append(Heading(title.capitalize()))
            blocks.append(chart)
    failed = _failed_queries(ctx)
    if not failed.empty:
        blocks.append(Table("Query cases that failed (wrong answer or unreadable; never timed)",
                            ["case", "reason"], [[r["case"], r["reason"]] for _, r in failed.iterrows()],
                            key="engines:query-failed"))
    return blocks


def _failed_queries(ctx: ReportContext) -> pd.DataFrame:
    cases = ctx.cases
    if "suite" not in cases.columns:
        return cases.iloc[0:0]
    return cases[(cases["suite"] == SUITE_QUERY) & (cases["status"] == "failed")]


