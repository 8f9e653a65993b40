"""Orchestration of ``storagebench decide``: data -> screen -> confirm -> decision, per target.

Budget split (all from one clock, :mod:`.budget`): loading the data is charged first; the first
target gets ``FIRST_TARGET_WEIGHT`` parts of what is left and every other target one part.  Only
the first target screens (fidelity verdicts and sample rounds, at most ``SCREEN_SHARE`` of its
share, each workload an equal slice, candidates format by format in turn so a slice cut short has
seen every format; unscreened candidates are listed); every target then confirms the finalists,
each workload getting an equal share of what remains, time a workload does not use passing to
the next.  A final reserve keeps time for the S3 counts
and the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable

import formats
from storagebench import costs
from storagebench.datasets import Dataset
from storagebench.decide import confirm as confirming
from storagebench.decide import screen as screening
from storagebench.decide.bench import Bench
from storagebench.decide.budget import Budget
from storagebench.decide.configs import Configuration, FileConfig, file_configs, read_configs
from storagebench.decide.model import Decision, Finalist, WorkloadDecision
from storagebench.decide.screen import CandidateFailed
from storagebench.decide.stats import median, ratio_interval
from storagebench.decide.targets import TARGETS
from storagebench.decide.workloads import PointLookup, Workload, select
from storagebench.fidelity import Verdict
from storagebench.results import FIDELITY_LOSSLESS

SCREEN_SHARE = 0.5
CONFIRM_MIN_SHARE = 0.25
OTHER_TARGET_ESTIMATE_FACTOR = 3.0
FIRST_TARGET_WEIGHT = 1.5  # the first target screens as well as confirms
PROBE_ROWS = 1_000
PROBE_LIMIT = 0.25
PROBE_SLACK = 4.0
REPORT_RESERVE_S = 20.0  # the report, and removing the S3 bucket and temporary files (10-15 s measured under load)
LOOKUP_SETUP_S = 15.0  # moto start, 2,000 items loaded, the sorted file written (measured 5-10 s)
DEFAULT_SAMPLE_ROWS = 10_000
OBJECT_BYTES = 128 * 2**20  # object size assumed for the $ projection (per-object minimums)

METHOD = [
    "Every configuration (format x compression x writer x reader engine) the codec registry declares "
    "was written and read back on a sample of the data; a configuration whose reader gets different "
    "values back (fidelity verdict lossy-values, file judged without the written schema) is dropped.",
    "Screening: each remaining configuration ran {screen_rounds} rounds per workload on the sample "
    "({sample_rows:,} evenly spaced rows). Per workload, finalists are the best and those within noise "
    "of it (fastest round no more than 10% slower than the best's slowest), at most 3, at least 2, "
    "plus the best configuration of each other format within 3x of the best (a sample favours low fixed costs). "
    "Writers whose write (of 1,000 rows, then of the sample) projects past a quarter of the budget at full size are dropped first.",
    "Confirming: finalists ran at the full size of the data ({rows:,} rows), rounds interleaved, at least "
    "{min_rounds} each; after every round each finalist's ratio to the leader's median got a bootstrap "
    "95% interval over its rounds ({resamples} resamples); finalists whose interval lay above 1 stopped. "
    "A winner is declared when only it is left; when the budget or {max_rounds} rounds ended first, "
    "the finalists whose interval still contained 1 are reported as a tie.",
    "Archive is decided on exact bytes on disk at full size (one write each; a tie only when equal). "
    "Point lookup confirms DynamoDB GetItem (moto, 127.0.0.1) against the best file layout the same way.",
    "Screening runs on the first target only (local disk by default); every other target confirms the "
    "same finalists at full size, so the budget goes to full-size rounds rather than a second screening.",
    "Times on S3 are measured against the embedded moto server on loopback: they rank clients by "
    "requests more than a cloud would (TRAPS.md); the counted requests, bytes, amplification and the "
    "labelled in-region model are shown beside them.",
]


@dataclass
class DecideOptions:
    dataset: Dataset
    basis_bytes: int
    basis_text: str
    budget_s: float = 300.0
    targets: list[str] = field(default_factory=lambda: ["local"])
    workloads: list[str] | None = None
    formats: list[str] | None = None
    data_size_bytes: float | None = None
    sample_rows: int = DEFAULT_SAMPLE_ROWS
    seed: int = 42
    progress: Callable[[str], None] = lambda msg: None
    budget: Budget | None = None


def decide(opts: DecideOptions) -> Decision:
    budget = opts.budget or Budget(opts.budget_s)
    ds = opts.dataset
    workloads = select(opts.workloads)
    files, missing_w = file_configs(opts.formats)
    reads, missing_r = read_configs(files)
    decision = Decision(
        dataset={"name": ds.name, "rows": ds.rows, "columns": ds.columns, "fingerprint": ds.fingerprint,
                 "origin": ds.origin, "description": ds.description, "basis_bytes": opts.basis_bytes},
        targets=list(opts.targets), budget_s=budget.seconds,
        data_size_bytes=opts.data_size_bytes or opts.basis_bytes,
        data_size_basis=(f"--data-size, per {opts.basis_text}" if opts.data_size_bytes
                         else f"the data as given ({opts.basis_text})"),
        sample_rows=min(opts.sample_rows, ds.rows))
    decision.dropped += [{"configuration": u.what, "reason": u.reason} for u in missing_w + missing_r]
    decision.phases_s["data"] = budget.elapsed()
    screens: dict[str, screening.WorkloadScreen] = {}
    for i, target_name in enumerate(opts.targets):
        # The first target screens and confirms (weight FIRST_TARGET_WEIGHT), the others only
        # confirm the same finalists (weight 1 each).
        weights = [FIRST_TARGET_WEIGHT if j == 0 else 1.0 for j in range(i, len(opts.targets))]
        share = (budget.remaining() - REPORT_RESERVE_S) * weights[0] / sum(weights)
        try:
            _decide_target(target_name, share, opts, budget, workloads, files, reads, decision, screens)
        except Exception as exc:  # one target failing (a server that will not start) must not lose the others
            from storagebench.decide.bench import short

            done = {wd.workload for wd in decision.workloads if wd.target == target_name}
            for w in workloads:
                if w.name not in done:
                    decision.workloads.append(WorkloadDecision(w.name, w.title, target_name, w.unit,
                                                               skipped=f"target {target_name} failed: {short(exc)}"))
            opts.progress(f"[{target_name}] failed: {short(exc)}")
    decision.method = [m.format(screen_rounds=screening.DEFAULT_ROUNDS, sample_rows=decision.sample_rows,
                                rows=ds.rows, min_rounds=confirming.MIN_ROUNDS,
                                resamples=2000, max_rounds=confirming.MAX_ROUNDS) for m in METHOD]
    decision.elapsed_s = budget.elapsed()
    return decision


def _decide_target(target_name: str, share: float, opts: DecideOptions, budget: Budget, workloads: list[Workload],
                   files: list[FileConfig], reads: list[Configuration], decision: Decision,
                   screens: dict[str, screening.WorkloadScreen]) -> None:
    ds = opts.dataset
    say = opts.progress
    t0 = budget.clock()
    target_end = t0 + max(0.0, share)
    screen_end = t0 + max(0.0, share) * SCREEN_SHARE
    say(f"[{target_name}] starting the target")
    bench = Bench(TARGETS[target_name](), ds.table, opts.sample_rows)
    first = target_name == opts.targets[0]
    try:
        if first:
            _screen(target_name, opts, budget, bench, workloads, files, reads, decision, screens, screen_end)
        else:
            say(f"[{target_name}] confirming the finalists screened on {opts.targets[0]}")
        decision.phases_s[f"{target_name}:screen"] = budget.clock() - t0
        _confirm_all(target_name, opts, budget, bench, workloads, decision, screens, target_end)
        decision.phases_s[f"{target_name}:total"] = budget.clock() - t0
    finally:
        bench.close()


def _screen(target_name: str, opts: DecideOptions, budget: Budget, bench: Bench, workloads: list[Workload],
            files: list[FileConfig], reads: list[Configuration], decision: Decision,
            screens: dict[str, screening.WorkloadScreen], screen_end: float) -> None:
    ds, say = opts.dataset, opts.progress
    # -- a writer too slow to write the full data within the budget cannot be chosen -----
    _probe_writers(bench, files, ds.rows, budget, decision)
    files = [fc for fc in files if fc.label not in decision.excluded]
    reads = [c for c in reads if c.file.label not in decision.excluded]
    # -- fidelity on the sample: drop what loses values (a property of the file and the
    #    reader, not of the target: judged once, on the first target) ---------------------
    kept_reads: list[Configuration] = []
    for cfg in reads:
        if budget.clock() >= screen_end:
            break
        if cfg.label in decision.excluded:
            continue
        v = bench.verdict(cfg)
        if v.status in (FIDELITY_LOSSLESS, "lossy-types"):
            kept_reads.append(cfg)
        else:
            decision.excluded.add(cfg.label)
            decision.dropped.append({"configuration": cfg.label,
                                     "reason": f"[{target_name}] {v.status}: {_gist(v)}"})
    kept_files = [fc for fc in files if bench.file_verdict(fc).status in (FIDELITY_LOSSLESS, "lossy-types")]
    say(f"[{target_name}] fidelity: {len(kept_reads)} of {len(reads)} read configurations keep every value")
    # -- screening: each workload gets an equal slice of what is left of the screening
    #    time, and candidates come format by format in turn, so a slice that ends early
    #    has still seen every format ----------------------------------------------------
    rows: dict[str, dict[str, Any]] = {}
    todo = [w for w in workloads if w.side != "lookup" and not w.applies(ds)]
    for i, w in enumerate(todo):
        cands = _interleave(kept_files if w.side == "write" else kept_reads)
        slice_end = budget.clock() + max(0.0, screen_end - budget.clock()) / (len(todo) - i)
        scr = screening.screen_workload(
            w.name, cands, lambda c, w=w: w.measure(bench, c, "sample", ds), budget,
            deadline=slice_end, deterministic=w.deterministic)
        screens[w.name] = scr
        for c, med in scr.medians().items():
            rows.setdefault(str(c), {"configuration": str(c), "target": target_name})[w.name] = med
        say(f"[{target_name}] screened {w.name}: {len(scr.samples)} measured, finalists "
            f"{', '.join(map(str, scr.finalists))}")
    finalists_anywhere = {str(c) for s in screens.values() for c in s.finalists}
    for label, row in rows.items():
        row["outcome"] = "finalist" if label in finalists_anywhere else "lost beyond noise on every workload"
    decision.screening += list(rows.values())
    bench.release("sample")


def _interleave(cands: list[Any]) -> list[Any]:
    """Candidates reordered format by format in turn (csv, json, parquet, ..., csv, ...)."""
    by_format: dict[str, list[Any]] = {}
    for c in cands:
        by_format.setdefault(c.format, []).append(c)
    out: list[Any] = []
    for i in range(max((len(v) for v in by_format.values()), default=0)):
        out += [v[i] for v in by_format.values() if i < len(v)]
    return out


def _confirm_all(target_name: str, opts: DecideOptions, budget: Budget, bench: Bench, workloads: list[Workload],
                 decision: Decision, screens: dict[str, screening.WorkloadScreen], target_end: float) -> None:
    ds, say = opts.dataset, opts.progress
    todo = [w for w in workloads]
    filter_winner: Configuration | None = None
    for i, w in enumerate(todo):
        # An equal share of what is left, but at least CONFIRM_MIN_SHARE of it: a first
        # full-size round (with its file write) must fit, or nothing is confirmed at all.
        left = max(0.0, target_end - budget.clock())
        deadline = budget.clock() + left * max(1 / (len(todo) - i), min(1.0, CONFIRM_MIN_SHARE))
        reason = w.applies(ds)
        wd = WorkloadDecision(w.name, w.title, target_name, w.unit)
        decision.workloads.append(wd)
        if reason:
            wd.skipped = reason
            continue
        if isinstance(w, PointLookup):
            _point_lookup(w, wd, bench, ds, filter_winner, budget, deadline, opts, say)
            continue
        scr = screens.get(w.name)
        if scr is None or not scr.finalists:
            wd.skipped = "no configuration could be screened within the budget" if scr is None or \
                scr.not_screened else "every configuration failed this workload"
            if scr:
                wd.screen_failed = {str(k): v for k, v in scr.failed.items()}
            continue
        wd.screened, wd.not_screened = len(scr.samples), len(scr.not_screened)
        wd.screen_failed = {str(k): v for k, v in scr.failed.items()}
        scale = ds.rows / max(1, bench.tables["sample"].num_rows)
        # Screening ran on the first target; elsewhere (S3: uploads and range reads through
        # moto) full-size rounds overran that estimate (a 72 s selective-filter confirmation in a
        # ~50 s slice overran a 5-minute run by 23 s): 3x is an assumed safety margin.
        factor = 1.0 if target_name == opts.targets[0] else OTHER_TARGET_ESTIMATE_FACTOR
        estimates = {c: _estimate(bench, w, c, scr, scale) * factor for c in scr.finalists}
        conf = confirming.confirm(w.name, scr.finalists, lambda c, w=w: w.measure(bench, c, "full", ds),
                                  budget, deadline=deadline, estimates=estimates,
                                  deterministic=w.deterministic, seed=opts.seed)
        _fill(wd, conf, bench, w, opts, decision, target_name)
        if w.name == "selective-filter" and isinstance(conf.winner, Configuration):
            filter_winner = conf.winner
        say(f"[{target_name}] {w.name}: {wd.winner} {'tie with ' + ', '.join(wd.tie_with) if wd.tie_with else ''}"
            f" {wd.margin_text()} ({conf.stopped})")
        bench.release("full")


def _estimate(bench: Bench, w: Workload, cand: Hashable, scr: screening.WorkloadScreen, scale: float) -> float:
    """Predicted seconds of the first full-size round: the sample's round (or, for archive, whose
    value is bytes, the sample write) scaled by rows; append-stream batches do not grow."""
    if w.name == "append-stream":
        return median(scr.samples[cand])
    fc = cand if isinstance(cand, FileConfig) else cand.file
    # The full-size file is written once and shared by every workload that reads it.
    try:
        write = 0.0 if bench.has_written(fc, "full") else bench.written(fc, "sample").write_seconds * scale
    except CandidateFailed:
        # This target cannot hold the finalist (e.g. DuckDB writes only by path or its own
        # s3:// client, not through the target's file objects): confirm() measures it, gets the
        # same CandidateFailed and records it as failed on this target, without losing the others.
        return 0.0
    return write if w.deterministic else median(scr.samples[cand]) * scale + write


def _probe_writers(bench: Bench, files: list[FileConfig], rows: int, budget: Budget, decision: Decision) -> None:
    """Drop writers whose full-size write cannot fit in PROBE_LIMIT of the whole budget: they
    cannot be confirmed at full size, and a user would not wait for them either.

    Two steps, because a linear projection from a small write multiplies its fixed cost too:
    a PROBE_ROWS write drops only writers projected PROBE_SLACK times over the limit (before
    their sample file is written at all: fastparquet's brotli took 14 s for 15,000 rows); the
    sample write (rows / sample rows, far smaller fixed-cost error) decides the rest."""
    probe = bench.tables["sample"].slice(0, PROBE_ROWS)
    for fc in files:
        try:
            seconds, _ = bench.time_write(fc, "sample", table=probe, stem="probe")
        except CandidateFailed as exc:
            decision.excluded.add(fc.label)
            decision.dropped.append({"configuration": fc.label, "reason": str(exc)})
            continue
        _drop_if_slow(fc, seconds, probe.num_rows, rows, PROBE_LIMIT * PROBE_SLACK, budget, decision)
    sample = bench.tables["sample"].num_rows
    for fc in files:
        if fc.label in decision.excluded:
            continue
        try:
            seconds = bench.written(fc, "sample").write_seconds
        except CandidateFailed:
            continue  # reported by the fidelity verdict as unreadable/unwritable
        _drop_if_slow(fc, seconds, sample, rows, PROBE_LIMIT, budget, decision)


def _drop_if_slow(fc: FileConfig, seconds: float, measured_rows: int, rows: int, limit: float, budget: Budget,
                  decision: Decision) -> None:
    projected = seconds * rows / max(1, measured_rows)
    if projected > limit * budget.seconds:
        decision.excluded.add(fc.label)
        decision.dropped.append({"configuration": fc.label, "reason": (
            f"too slow to write: {seconds:.3f} s for {measured_rows:,} rows projects to {projected:.0f} s "
            f"for the data's {rows:,} rows, over {limit:.0%} of the {budget.seconds:.0f} s budget")})


def _gist(v: Verdict, n: int = 2) -> str:
    details = [i.describe() for i in v.issues]
    return "; ".join(details[:n]) + (f" (+{len(details) - n} more)" if len(details) > n else "")


def _fill(wd: WorkloadDecision, conf: confirming.Confirmation, bench: Bench, w: Workload, opts: DecideOptions,
          decision: Decision, target_name: str) -> None:
    wd.stopped = conf.stopped
    if conf.winner is None:
        wd.skipped = "no finalist could be measured at full size within the budget"
        wd.finalists = [Finalist(str(c), 0, None, status=f"failed: {r}") for c, r in conf.failed.items()]
        return
    win = conf.winner
    wd.winner, wd.tie_with = str(win), [str(c) for c in conf.tie_with]
    wd.runner_up = str(conf.runner_up) if conf.runner_up is not None else None
    if conf.interval is not None:
        wd.ratio, wd.ci = conf.interval.ratio, [conf.interval.lo, conf.interval.hi]
    wd.winner_value = median(conf.samples[win])
    verdict = bench.file_verdict(win) if isinstance(win, FileConfig) else bench.verdict(win)
    wd.gives_up = "nothing (lossless)" if verdict.status == FIDELITY_LOSSLESS else f"{verdict.status}: {_gist(verdict)}"
    fc = win if isinstance(win, FileConfig) else win.file
    try:
        wd.bytes_full = bench.written(fc, "full").size
    except CandidateFailed:
        wd.bytes_full = None
    if wd.bytes_full and decision.data_size_bytes:
        wd.bytes_at_size = decision.data_size_bytes * wd.bytes_full / max(1, opts.basis_bytes)
        objects = max(1, math.ceil(wd.bytes_at_size / OBJECT_BYTES))
        wd.usd_month_at_size = costs.s3_storage_month(wd.bytes_at_size, objects, "STANDARD").usd_month
    for c, values in conf.samples.items():
        if not values:
            wd.finalists.append(Finalist(str(c), 0, None, status="tie: the budget ended before its first full-size round"))
            continue
        f = Finalist(str(c), len(values), median(values))
        if c == win:
            f.status, f.ratio, f.ci = "winner", 1.0, [1.0, 1.0]
        else:
            iv = ratio_interval(conf.samples[win], values, opts.seed)
            f.ratio, f.ci = iv.ratio, [iv.lo, iv.hi]
            f.status = "tie" if c in conf.tie_with else "beaten"
        if target_name == "s3" and w.side == "read":
            f.s3 = _s3_counts(bench, c, w, opts.dataset)
        wd.finalists.append(f)
    wd.finalists.sort(key=lambda f: f.median if f.median is not None else float("inf"))
    wd.finalists += [Finalist(str(c), 0, None, status=f"failed: {r}") for c, r in conf.failed.items()]


def _s3_counts(bench: Bench, cfg: Configuration, w: Workload, ds: Dataset) -> dict[str, Any] | None:
    """One more read of a finalist, counted at the server (untimed): requests, bytes, amplification, $."""
    from storagebench.s3 import cloud_model
    from storagebench.s3.counting import summarise

    try:
        written = bench.written(cfg.file, "full")
        records = bench.target.counted(lambda: w.measure(bench, cfg, "full", ds))
    except CandidateFailed:
        return None
    if records is None:
        return None
    s = summarise(records)
    model = cloud_model.model_info(records, ["in-region"])["s3_cloud_model"]["in-region"]
    return {"requests": s.total_requests, "get_bytes": s.get_bytes, "object_bytes": written.size,
            "amplification_vs_object": s.get_bytes / written.size if written.size else None,
            "modelled_in_region_s": model["seconds"], "model_label": model["label"],
            "usd_per_million_reads": cloud_model.request_cost(records)["s3_request_cost_per_million_ops_usd"]}


def _point_lookup(w: Workload, wd: WorkloadDecision, bench: Bench, ds: Dataset, filter_winner: Configuration | None,
                  budget: Budget, deadline: float, opts: DecideOptions, say: Callable[[str], None]) -> None:
    from storagebench.decide.lookup import LookupBench, best_layout, find_key
    from storagebench.dynamodb.session import DynamoSession

    key = find_key(ds)
    assert key is not None
    if not budget.allows(LOOKUP_SETUP_S) or budget.clock() + LOOKUP_SETUP_S > deadline:
        wd.skipped = f"less than the {LOOKUP_SETUP_S:.0f} s its setup needs (a DynamoDB table, a sorted file) was left"
        return
    session = DynamoSession()
    try:
        try:
            lb = LookupBench(bench, ds, key, best_layout(filter_winner), session, opts.seed)
        except CandidateFailed as exc:
            wd.skipped = str(exc)
            return
        conf = confirming.confirm(w.name, lb.candidates, lb.measure, budget, deadline=deadline,
                                  min_rounds=10, max_rounds=100, seed=opts.seed)
        wd.stopped = conf.stopped
        if conf.winner is None:
            wd.skipped = "no lookup could be measured within the budget"
            return
        wd.winner, wd.tie_with = str(conf.winner), [str(c) for c in conf.tie_with]
        if conf.interval is not None:
            wd.ratio, wd.ci = conf.interval.ratio, [conf.interval.lo, conf.interval.hi]
        wd.winner_value = median(conf.samples[conf.winner])
        wd.gives_up = ("a second copy of the data in DynamoDB (its storage and writes)" if conf.winner == lb.candidates[0]
                       else "nothing (the same file serves the other workloads)")
        wd.details = {"key": list(key), **lb.counts(), "load_seconds": lb.load.seconds}
        wd.bytes_full = lb.file_bytes
        for c, values in conf.samples.items():
            iv = ratio_interval(conf.samples[conf.winner], values, opts.seed)
            wd.finalists.append(Finalist(str(c), len(values), median(values), iv.ratio, [iv.lo, iv.hi],
                                         "winner" if c == conf.winner else ("tie" if c in conf.tie_with else "beaten")))
        say(f"[{bench.target.name}] point-lookup: {wd.winner} {wd.margin_text()} ({conf.stopped})")
    finally:
        problems = session.close()
        if problems:
            wd.details["cleanup_problems"] = problems
