"""Recommendations: for each workload, the winner and runners-up computed from this run's numbers.

Nothing is hard-coded.  For every dataset the candidates are the measured configurations
(format, compression, writer engine, and the reader engine where reading matters); each is
placed on three measured axes (bytes on disk, write median, the workload's read median) and the
Pareto front over them is computed.  The winner is the best candidate on the workload's deciding
figure; ties inside the noise (overlapping interquartile ranges) are said to be ties.

Fidelity: a candidate whose read came back with changed values (``lossy-values``) is excluded
and named; a ``lossy-types`` winner carries its caveat.  A configuration with no successful read
is excluded (a file nobody could read back is not an archive).

Workloads (what the deciding figure is):

* archive: smallest bytes on disk, restorable without value loss;
* full export: write + full-read time of the same file;
* analytic read of few columns: projection-read time;
* selective filter: predicate-read time (about 10% of rows);
* append stream: write time (the run measures whole-file writes; said in the caveat);
* point lookup: DynamoDB access pattern with the lowest p50 latency (when DynamoDB ran);
* analytic query: the fastest (format, engine) whose answer agreed with the reference (when the
  query suite ran), then the fastest engine per format and workload.

When the Glacier suite ran, the archive recommendation is followed by where to keep each
format's file (the storage class with the lowest monthly cost for that measured file, with its
minimum-duration commitment and restore hours); when the Velocity suite ran, the append-stream
recommendation is followed by the measured micro-batch stream vs one batch (requests, $ per
million rows, time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from storagebench.report import charts, fmt
from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.metrics import iqr_overlap, pareto_front
from storagebench.report.model import Block, Chart, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.report.tidy import NOISY_CV
from storagebench.results import FIDELITY_LOSSY_VALUES


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    decides: str  # "size" | "write" | "read" | "write+read"
    read_kind: str = "full"
    per_reader: bool = True  # candidates differ by reader engine too
    caveat: str = ""


WORKLOADS = (
    Workload("archive", "Archive (keep for years, read rarely)", "size", per_reader=False),
    Workload("full-export", "Full export (write everything, read everything elsewhere)", "write+read"),
    Workload("analytic", "Analytic read of few columns", "read", read_kind="projection"),
    Workload("selective", "Selective filter (about 10% of rows)", "read", read_kind="predicate"),
    Workload("append", "Append stream", "write", per_reader=False,
             caveat="measured as whole-file writes of the dataset; appending small batches adds "
                    "per-file overhead that favours row formats (CSV, JSON lines, Avro)"),
)


def _timing(row: pd.Series | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"median": float(row["time_median"]), "q1": float(row["time_q1"]), "q3": float(row["time_q3"]),
            "iqr": float(row["time_iqr"]), "n": int(row["rounds"]), "cv": row["cv"]}


def _sum(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {"median": a["median"] + b["median"], "q1": a["q1"] + b["q1"], "q3": a["q3"] + b["q3"],
            "iqr": a["iqr"] + b["iqr"], "n": min(a["n"], b["n"]),
            "cv": max((x for x in (a["cv"], b["cv"]) if not fmt.missing(x)), default=None)}


def _lossy_cols(row: pd.Series) -> str:
    from storagebench.report.sections.fidelity import details_of

    return ", ".join(details_of(row.get("fidelity_lossy_columns")))


def candidates(part: pd.DataFrame, w: Workload) -> list[dict[str, Any]]:
    """Measured configurations with their size, write, read and deciding figure for ``w``."""
    writes = {(r["format"], r["compression"], r["engine"]): r
              for _, r in part[part["operation"] == "write"].iterrows()}
    reads = part[part["operation"] == "read"]
    out = []
    if w.per_reader:
        for _, r in reads[reads["read_kind"] == w.read_kind].iterrows():
            wr = writes.get((r["format"], r["compression"], r["writer_engine"]))
            if wr is None:
                continue
            read = _timing(r)
            out.append({"label": f"{r['format']}/{r['compression']} "
                                 + (r["writer_engine"] if r["writer_engine"] == r["reader_engine"]
                                    else f"{r['writer_engine']}>{r['reader_engine']}"),
                        "format": r["format"], "size": int(r["bytes_on_disk"]), "write": _timing(wr),
                        "read": read, "fidelity": r["fidelity"], "lossy": _lossy_cols(r)})
    else:
        for (fmt_, comp, writer), wr in writes.items():
            full = reads[(reads["format"] == fmt_) & (reads["compression"] == comp)
                         & (reads["writer_engine"] == writer) & (reads["read_kind"] == "full")]
            best = None
            if "fidelity_schema_supplied" in full:  # a read handed the schema says nothing of the file
                full = full[~full["fidelity_schema_supplied"].eq(True)]
            if not full.empty:  # the best way to get this file back: lossless first, then fastest
                rank = full["fidelity"].map({"lossless": 0, "lossy-types": 1}).fillna(2)
                best = full.assign(_rank=rank).sort_values(["_rank", "time_median"]).iloc[0]
            # No timed full read of this file (e.g. a non-default compression of a second writer):
            # the write's own read-back verdict (fidelity_checked_by) still says if values survive.
            source = best if best is not None else wr
            fidelity = source.get("fidelity")
            out.append({"label": f"{fmt_}/{comp} {writer}", "format": fmt_, "size": int(wr["bytes_on_disk"]),
                        "write": _timing(wr), "read": _timing(best),
                        "fidelity": None if fmt.missing(fidelity) else fidelity,
                        "lossy": _lossy_cols(source),
                        "reader": best["reader_engine"] if best is not None
                        else (None if fmt.missing(wr.get("fidelity_checked_by")) else wr.get("fidelity_checked_by"))})
    for c in out:
        if w.decides == "size":
            c["decide"] = {"median": float(c["size"]), "q1": float(c["size"]), "q3": float(c["size"]),
                           "iqr": 0.0, "n": None, "cv": None}
        elif w.decides == "write":
            c["decide"] = c["write"]
        elif w.decides == "read":
            c["decide"] = c["read"]
        else:
            c["decide"] = _sum(c["write"], c["read"]) if c["write"] and c["read"] else None
        c["size_v"] = c["size"]
        c["write_v"] = c["write"]["median"] if c["write"] else float("nan")
        c["read_v"] = c["read"]["median"] if c["read"] else float("nan")
    return out


@dataclass
class Decision:
    workload: Workload
    dataset: str
    winner: dict[str, Any] | None
    runners_up: list[dict[str, Any]]
    front: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    tie_with: list[str]
    n_candidates: int


def decide(part: pd.DataFrame, w: Workload, dataset: str) -> Decision:
    cands = [c for c in candidates(part, w) if c["decide"] is not None]
    excluded = [c for c in cands if c["fidelity"] is None or c["fidelity"] == FIDELITY_LOSSY_VALUES]
    eligible = [c for c in cands if c not in excluded]
    front = pareto_front(eligible, ["size_v", "write_v", "read_v"])
    ranked = sorted(eligible, key=lambda c: (c["decide"]["median"], c["size"]))
    winner = ranked[0] if ranked else None
    ties = []
    if winner and w.decides != "size":
        ties = [c["label"] for c in ranked[1:] if iqr_overlap(winner["decide"]["q1"], winner["decide"]["q3"],
                                                             c["decide"]["q1"], c["decide"]["q3"])]
    return Decision(w, dataset, winner, ranked[1:3], front, excluded, ties, len(cands))


def _figure(w: Workload, c: dict[str, Any]) -> str:
    d = c["decide"]
    if w.decides == "size":
        return f"{fmt.count(c['size'])} bytes"
    flag = f" {fmt.NOISY_MARK}CV {fmt.percent(d['cv'])}" if d["cv"] is not None and d["cv"] == d["cv"] \
        and d["cv"] > NOISY_CV else ""
    return f"{fmt.timing(d['median'], d['iqr'], d['n'])}{flag}"


def decision_row(dec: Decision) -> list[str]:
    w, win = dec.workload, dec.winner
    if win is None:
        return [dec.dataset, "none eligible", "-", "-", "-",
                f"{len(dec.excluded)} excluded (lossy values or unreadable)" if dec.excluded else "no measurements"]
    on_front = {id(c) for c in dec.front}
    runners = "; ".join(f"{c['label']} {_figure(w, c)}{' (front)' if id(c) in on_front else ''}"
                        for c in dec.runners_up) or "-"
    caveats = []
    if win["fidelity"] == "lossy-types":
        caveats.append(f"lossy types: {win['lossy'] or 'see Fidelity'}")
    if dec.tie_with:
        caveats.append(f"tie within noise (IQRs overlap) with {', '.join(dec.tie_with[:3])}"
                       + (f" and {len(dec.tie_with) - 3} more" if len(dec.tie_with) > 3 else ""))
    if dec.excluded:
        caveats.append("excluded for lossy values or no read-back: "
                       + ", ".join(sorted({c['label'] for c in dec.excluded})[:4])
                       + (" ..." if len(dec.excluded) > 4 else ""))
    if w.caveat:
        caveats.append(w.caveat)
    extra = f", read by {win['reader']}" if win.get("reader") else ""
    return [dec.dataset, f"**{win['label']}**{extra}", _figure(w, win),
            f"{fmt.count(win['size'])} B, write {fmt.seconds(win['write_v'])}, read {fmt.seconds(win['read_v'])}",
            runners, "; ".join(caveats) or "-"]


def _point_lookup(ctx: ReportContext) -> list[Block]:
    ddb = ctx.rows(suite="dynamodb")
    title = "Point lookup (one item by key)"
    if ddb.empty:
        return [Heading(title), Text("Not measured in this run: point lookups are measured by the "
                                     "DynamoDB suite (GetItem, BatchGetItem, Query, Scan).", kind="note")]
    from storagebench.report.sections.dynamodb import latency_s  # the one reading of p50_s

    biggest = ddb["table_items"].max() if "table_items" in ddb.columns else None
    at = ddb[ddb["table_items"] == biggest] if biggest is not None else ddb
    # Only timed lookups rank: a load row has no p50_s (its time is a load, not a lookup).
    ranked = sorted(((p50, r) for p50, r in ((latency_s(r, "p50"), r) for _, r in at.iterrows()) if p50 == p50),
                    key=lambda t: t[0])
    if not ranked:
        return [Heading(title), Text(f"No lookup was timed at {fmt.count(biggest)} items (only loads).",
                                     kind="note")]
    rows = [[r["operation"], r.get("backend", "-"), fmt.seconds(p50), fmt.seconds(latency_s(r, "p99")),
             fmt.number(r.get("rcu_computed")), fmt.usd(r.get("cost_per_million_usd"))] for p50, r in ranked]
    caveats = sorted({str(c) for c in at.get("backend_caveat", pd.Series(dtype=object)).dropna()})
    blocks: list[Block] = [Heading(title), Text(
        f"Winner at {fmt.count(biggest)} items: **{ranked[0][1]['operation']}** (lowest p50). "
        "Ranked by p50 latency; RCUs and cost per million requests beside it.")]
    blocks.append(Table("", ["pattern", "backend", "p50", "p99", "RCU per request", "$ per million"], rows,
                        [f"Backend caveat: {c}" for c in caveats], key="recommend:point-lookup"))
    return blocks


def _archive_placement(ctx: ReportContext) -> list[Block]:
    """Per format, the storage class with the lowest monthly cost for the file the Glacier suite
    archived, from its measured size and the price table (minimum size and overheads included)."""
    from storagebench.report.sections._counted import value

    rows_in = ctx.rows(suite="glacier")
    if rows_in.empty or "operation" not in rows_in.columns:
        return []
    puts = rows_in[rows_in["operation"] == "archive_put"].drop_duplicates(subset=["format"])
    ranked = []
    for _, r in puts.iterrows():
        monthly, commitment = value(r.get("monthly_cost_usd")), value(r.get("minimum_commitment_usd"))
        if not isinstance(monthly, dict) or not monthly:
            continue
        best = min(monthly, key=monthly.get)
        ranked.append((monthly[best], r, best, monthly, commitment if isinstance(commitment, dict) else {}))
    if not ranked:
        return []
    ranked.sort(key=lambda t: t[0])
    table_rows = [[f"{r['format']}", fmt.count(value(r.get("object_bytes"))), cls, fmt.usd(cost),
                   fmt.usd(monthly.get("STANDARD")), fmt.usd(commitment.get(cls))]
                  for cost, r, cls, monthly, commitment in ranked]
    win_cost, win, win_cls, _, _ = ranked[0]
    return [Text(f"Where to keep it (Glacier suite, {win.get('dataset', '?')} at {fmt.count(value(win.get('rows')))} "
                 f"rows): cheapest is **{win['format']} in {win_cls}** at {fmt.usd(win_cost)} per month for this "
                 "file. Small files can cost more in the archive classes than in Glacier Instant Retrieval: "
                 "each archived object carries 40 KiB of billed overhead. Restore hours and fees are in the "
                 "Glacier section."),
            Table("", ["format", "object bytes", "cheapest class", "$ / month there", "$ / month STANDARD",
                       "minimum commitment there"], table_rows, key="recommend:archive-placement")]


def _append_measured(ctx: ReportContext) -> list[Block]:
    """The Velocity suite's stream of micro-batches vs one batch write, per target."""
    from storagebench.report.sections._counted import first, ratio_cell, value

    vel = ctx.rows(suite="velocity")
    if vel.empty or "operation" not in vel.columns:
        return []
    rows = []
    for target in sorted(vel["target"].dropna().unique(), key=lambda t: (t != "local", t)):
        stream = first(vel, operation="write_stream", target=target)
        batch = first(vel, operation="write_batch", target=target)
        if stream is None or batch is None:
            continue
        rows.append([target, fmt.count(value(stream.get("objects"))), fmt.count(value(stream.get("requests"))),
                     fmt.count(value(batch.get("requests"))), fmt.usd(value(stream.get("cost_per_million_rows_usd"))),
                     fmt.usd(value(batch.get("cost_per_million_rows_usd"))), ratio_cell(stream, batch)])
    if not rows:
        return []
    return [Text("Measured appends (Velocity suite, Parquet): one object per micro-batch vs one batch write. "
                 "Time ratio = stream / batch median, with its quartile range."),
            Table("", ["target", "stream objects", "stream requests", "batch requests", "stream $ / M rows",
                       "batch $ / M rows", "time ratio"], rows, key="recommend:append-measured")]


@section("recommendations", "Recommendations", order=20)
def build(ctx: ReportContext) -> list[Block] | None:
    groups = dataset_groups(ctx.local_formats())
    if not groups and all(ctx.rows(suite=s).empty for s in ("dynamodb", "glacier", "velocity", "query")):
        return None
    blocks: list[Block] = [Text(
        "Computed from this run's measurements per dataset: the winner is the best eligible "
        "configuration on the deciding figure; runners-up follow, marked (front) when they are on "
        "the Pareto front of size vs write vs read (no other configuration is better on all three). "
        "Candidates whose reads changed values are excluded and named. Re-run at your data size "
        "before deciding: small runs favour low fixed overhead.")]
    extras = {"archive": _archive_placement(ctx), "append": _append_measured(ctx)}
    for w in WORKLOADS:
        rows = [decision_row(decide(part, w, label)) for label, part in groups]
        extra = extras.get(w.key, [])
        if not rows and not extra:
            continue
        blocks.append(Heading(w.title))
        if rows:
            blocks.append(Table("", ["dataset", "winner", "deciding figure", "its other figures",
                                     "runners-up", "caveats"], rows, key=f"recommend:{w.key}"))
        blocks += extra
    # The query workload and the fastest engine per format/workload (storagebench/report/sections/engines.py).
    from storagebench.report.sections.engines import fastest_engine_summary, query_decision_rows

    query_rows = query_decision_rows(ctx)
    if query_rows:
        blocks.append(Heading("Analytic query (filter + group-by aggregate, answers checked)"))
        blocks.append(Table("", ["dataset", "winner", "deciding figure", "its other figures", "runners-up",
                                 "caveats"], query_rows, key="recommend:query"))
    blocks += fastest_engine_summary(ctx)
    blocks += _point_lookup(ctx)
    for label, part in groups:
        full = Workload("chart", "", "read", per_reader=False)
        cands = [c for c in candidates(part, full) if c["read"] is not None]
        if len(cands) < 2:
            continue
        eligible = [c for c in cands if c["fidelity"] != FIDELITY_LOSSY_VALUES]
        front = {c["label"] for c in pareto_front(eligible, ["size_v", "write_v", "read_v"])}
        blocks.append(Chart(f"Size vs full read: {label}", charts.scatter(
            [(c["size"], c["read_v"], c["label"]) for c in cands], f"Size vs full-read time, {label}",
            "bytes on disk (log)", "full read median, s (log)", highlight=front),
            name=f"pareto-{part['dataset'].iloc[0]}-{int(part['rows'].iloc[0])}",
            caption="Red: Pareto front over size, write and full-read time (best reader per file, "
                    "lossy-values reads excluded)."))
    return blocks
