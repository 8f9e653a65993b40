"""Orchestration of ``storagebench decide``: data -> screen -> confirm -> decision, per target.

Budget split (all from one clock, :mod:`.budget`): loading the data is charged first; the first
target screens (:mod:`.screen_phase`) for ``SCREEN_SHARE`` of what is left (the same work however
many targets follow); what is left then is split equally between the targets' confirmations, time
a target does not use passing to the next.  Every target confirms
(:mod:`.confirm_phase`: a first pass reaching every workload, later passes giving the leftover to
open decisions).  A final reserve keeps time for the S3 counts, the report and cleanup.
"""

from __future__ import annotations

from storagebench import allocators
from storagebench.decide import confirm as confirming
from storagebench.decide import screen as screening
from storagebench.decide.bench import Bench, short
from storagebench.decide.budget import Budget
from storagebench.decide.configs import Configuration, FileConfig, file_configs, read_configs
from storagebench.decide.confirm_phase import confirm_target
from storagebench.decide.context import DEFAULT_SAMPLE_ROWS, DecideOptions, TargetRun
from storagebench.decide.model import Decision, WorkloadDecision
from storagebench.decide.screen_phase import (PROBE_LIMIT, READ_QUALIFY_BAND, READ_QUALIFY_KEEP, READ_WRITE_LIMIT,
                                              VERIFY_SHARE, WIDE_READS_MIN_CONFIRM_S, screen_target)
from storagebench.decide.stats import BOOTSTRAP_RESAMPLES
from storagebench.decide.targets import TARGETS
from storagebench.decide.workloads import Workload, select

__all__ = ["DecideOptions", "decide", "DEFAULT_SAMPLE_ROWS"]

SCREEN_SHARE = 0.45  # of the whole run, on the first target
REPORT_RESERVE_S = 30.0  # the report, cleanup and interpreter exit: "decided in" 282-284 s, wall 297-300 s under load 8

METHOD = [
    "Every configuration (format x compression x writer x reader engine) the codec registry declares "
    "was written and read back on a sample of the data; a configuration whose reader gets different "
    "values back (fidelity verdict lossy-values, file judged without the written schema) is dropped. "
    "Writers whose write (of 1,000 rows, then of the sample) projects past {probe_limit:.0%} of the budget at "
    "full size are dropped first. Writing the sample files and these fidelity reads take at most {verify:.0%} of "
    "the screening time, cheapest 1,000-row writers first; what did not fit is listed under Dropped.",
    "Screening: each remaining configuration ran {screen_rounds} rounds per workload on the sample "
    "({sample_rows:,} evenly spaced rows), cheapest first (by the sample's fidelity read or write, so a "
    "screening slice that ends early cuts the slow tail; full-export's first round is that fidelity read); those within {refine_spread:g}x of the best (at most "
    "{refine_top}) then ran up to {refine_rounds} rounds each, interleaved. Ranked by fastest round (load "
    "only adds time), when each target's confirmation has at least {wide_min:.0f} s (estimated from the budget; this run: "
    "{read_mode}), the finalists of a read workload are every configuration within {read_band_x:g}x of the best "
    "of its own format and reader, for every such group whose best is within {read_spread:g}x of the overall best (at most {read_keep}, "
    "nearest their group's best first; only files whose sample write, scaled by rows, projects within {read_write:.0%} of the budget, "
    "the others listed under Dropped): on the sample a read is mostly fixed costs and its order did not predict "
    "the full-size one, so the first full-size rounds sort them (otherwise, and for append stream: within {band_x:g}x, at most "
    "{keep}, at least 2, plus, for each other format whose best is within {spread:g}x, its configurations within "
    "the band of that best, at most {format_keep}; archive bytes: within {det_band:.0%}, at most {det_keep}, other "
    "formats within {det_spread:g}x). For the read workloads only one writer per (format, compression, "
    "reader) may go on, the format's reference writer (on {sample_rows:,} rows the writers' order is noise, and "
    "letting it choose made two runs confirm different files); the writer is decided where it matters, by "
    "archive and append stream.",
    "Confirming: finalists ran at the full size of the data ({rows:,} rows), rounds interleaved. Each finalist's ratio to the leader (the lowest trimmed geometric mean of its rounds) got a bootstrap 95% "
    "interval ({resamples} resamples), paired by sweep: a 20%-trimmed geometric mean of the per-sweep ratios of rounds "
    "that ran in the same sweep, resampled as pairs, so a slow spell of the machine that slows both "
    "cancels out (the ratio of medians, resampled independently, until {min_rounds} paired sweeps exist). Practical equivalence margin: {equiv:.0%} (a smaller "
    "win is a tie in practice). A finalist is beaten when its whole interval lies above "
    "{equiv_hi:.2f} (the interval excludes 1 and the margin exceeds {equiv:.0%}), or after {gross_rounds} "
    "shared sweeps when in every one its round took over {gross:g}x the round of another finalist in the same sweep; it is tied when its whole interval lies "
    "between {equiv_lo:.2f} and {equiv_hi:.2f}; otherwise it is open and gets more rounds. A beaten finalist stays beaten when the leader changes (the finalists table names who beat it). Intervals settle nothing before {min_rounds} rounds each. A winner is declared only when "
    "every other finalist is beaten; a tie names the leader and, in label order, "
    "every finalist not beaten.",
    "Passes: a first pass gave every workload {first_pass} rounds per finalist; the time left (every "
    "workload's unused share) then went to the still-open decisions in equal shares, with round limits "
    "{passes}.",
    "Archive is decided on exact bytes on disk: every archive finalist is written once at full size "
    "(the files the read workloads then read), cheapest estimated write first; the smallest wins, a tie only on identical bytes. "
    "Point lookup confirms DynamoDB GetItem (moto, 127.0.0.1) against a file layout the selective filter "
    "did not beat (its final winner and tie, with row groups, first by label: a fixed "
    "choice among layouts the filter could not tell apart) the same way "
    "(at least {lookup_min} rounds).",
    "Screening runs on the first target only (local disk by default); every other target confirms the "
    "first target's contenders (its winner, its tie and its runner-up; the best {later} of them by the first "
    "target's median; archive: all its finalists) at full size, so the budget goes "
    "to full-size rounds there rather than a second screening. An S3-only winner that lost on local "
    "disk by more than the band is not found.",
    "Times on S3 are measured against the embedded moto server on loopback: they rank clients by "
    "requests more than a cloud would (TRAPS.md); the counted requests, bytes, amplification and the "
    "labelled in-region model are shown beside them.",
]


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
    confirmed: dict[str, confirming.Confirmation] = {}
    full_writes: dict[FileConfig, float] = {}
    for i, target_name in enumerate(opts.targets):
        try:
            _decide_target(target_name, len(opts.targets) - i, opts, budget, workloads, files, reads, decision,
                           TargetRun(target_name, opts, budget, None, decision, screens, confirmed, full_writes))
        except Exception as exc:  # one target failing (a server that will not start) must not lose the others
            done = {wd.workload for wd in decision.workloads if wd.target == target_name}
            for w in workloads:
                if w.name not in done:
                    decision.workloads.append(WorkloadDecision(w.name, w.title, target_name, w.unit,
                                                               skipped=f"target {target_name} failed: {short(exc)}"))
            opts.progress(f"[{target_name}] failed: {short(exc)}")
    decision.method = _method(decision, ds.rows)
    decision.elapsed_s = budget.elapsed()
    return decision


def _method(decision: Decision, rows: int) -> list[str]:
    from storagebench.decide.confirm_phase import LATER_TARGET_FINALISTS, PASS_ROUNDS
    from storagebench.decide.lookup import LOOKUP_MIN_ROUNDS

    values = dict(
        screen_rounds=screening.DEFAULT_ROUNDS, sample_rows=decision.sample_rows, refine_spread=screening.REFINE_SPREAD,
        refine_top=screening.REFINE_TOP, refine_rounds=screening.REFINE_ROUNDS, band_x=1 + screening.KEEP_BAND, det_band=screening.DETERMINISTIC_BAND, det_keep=screening.DETERMINISTIC_KEEP,
        keep=screening.DEFAULT_KEEP, spread=screening.FORMAT_SPREAD, format_keep=screening.FORMAT_KEEP, rows=rows, min_rounds=confirming.MIN_ROUNDS,
        resamples=BOOTSTRAP_RESAMPLES, equiv=confirming.EQUIVALENCE, equiv_hi=1 + confirming.EQUIVALENCE, equiv_lo=1 / (1 + confirming.EQUIVALENCE),
        gross=confirming.GROSS, gross_rounds=confirming.GROSS_ROUNDS, first_pass=PASS_ROUNDS[0], passes=" / ".join(map(str, PASS_ROUNDS[1:])), lookup_min=LOOKUP_MIN_ROUNDS,
        later=LATER_TARGET_FINALISTS, verify=VERIFY_SHARE, read_band_x=1 + READ_QUALIFY_BAND, read_keep=READ_QUALIFY_KEEP,
        read_spread=screening.READ_FORMAT_SPREAD, read_write=READ_WRITE_LIMIT,
        wide_min=WIDE_READS_MIN_CONFIRM_S, read_mode=f"{decision.read_finalists} set" if decision.read_finalists else "no read set chosen, screening did not run", det_spread=screening.DETERMINISTIC_FORMAT_SPREAD, probe_limit=PROBE_LIMIT)
    return [*(m.format(**values) for m in METHOD), allocators.method_text(allocators.settings())]


def _decide_target(target_name: str, targets_left: int, opts: DecideOptions, budget: Budget,
                   workloads: list[Workload], files: list[FileConfig], reads: list[Configuration],
                   decision: Decision, run: TargetRun) -> None:
    t0 = budget.clock()
    opts.progress(f"[{target_name}] starting the target")
    bench = run.bench = Bench(TARGETS[target_name](), opts.dataset.table, opts.sample_rows)
    try:
        if run.first:
            # Screening is the same work however many targets follow: a share of the whole run.
            screen_end = t0 + max(0.0, budget.remaining() - REPORT_RESERVE_S) * SCREEN_SHARE
            # Each target's confirmation time, estimated now: the wide read set needs enough of it.
            confirm_each = max(0.0, budget.remaining() - (screen_end - budget.clock()) - REPORT_RESERVE_S) / len(opts.targets)
            wide = confirm_each >= WIDE_READS_MIN_CONFIRM_S
            decision.read_finalists = "wide" if wide else "narrow"
            run.say(f"read finalists: {'wide set' if wide else 'narrow set'} "
                    f"(about {confirm_each:.0f} s of confirmation per target)")
            screen_target(run, workloads, files, reads, screen_end, wide_reads=wide)
        else:
            run.say(f"confirming the contenders found on {opts.targets[0]}")
        decision.phases_s[f"{target_name}:screen"] = budget.clock() - t0
        # Confirmation: an equal share of what is left per remaining target (a target that
        # finishes early leaves its time to the next).
        target_end = budget.clock() + max(0.0, budget.remaining() - REPORT_RESERVE_S) / targets_left
        confirm_target(run, workloads, target_end)
        decision.phases_s[f"{target_name}:total"] = budget.clock() - t0
    finally:
        bench.close()
