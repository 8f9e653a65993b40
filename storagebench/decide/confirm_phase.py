"""The confirming phase of ``decide`` on one target: finalists at full size, in passes.

**Pass 1** gives every workload, in order, an equal share of what is left of the target's time
and measures its finalists for ``FIRST_PASS_ROUNDS`` (3) rounds only (archive: one exact write each, with up
to half of what is left, since its full-size files are the ones the read workloads read next;
point lookup: its own setup and rounds).  So every workload is reached before any is deepened.
Point lookup is kept for last (with a reserve of its own), because its file layout comes from the
selective filter's final decision.  **Later passes** give what is left (the leftover of every earlier share) to the workloads whose
decision is still open, in equal shares, with a rising round limit (``PASS_ROUNDS``), until
nothing is open or the target's time ends.  A :class:`~storagebench.decide.confirm.Confirmer`
keeps its rounds between passes.

Finalists: on the first target, the screened ones; on every other target, the first target's
contenders (its winner, its tie, its runner-up: the best ``LATER_TARGET_FINALISTS`` (3) of them by
the first target's median; archive: all its finalists), so S3 spends its (slow, loopback) rounds on the
configurations still in question rather than on ones local disk already beat by far.
"""

from __future__ import annotations

import functools

from typing import Callable, Hashable

from storagebench.decide import confirm as confirming
from storagebench.decide.bench import Bench, write_estimate
from storagebench.decide.budget import Budget
from storagebench.decide.configs import Configuration, FileConfig
from storagebench.decide.confirm import Confirmer
from storagebench.decide.context import TargetRun
from storagebench.decide.model import WorkloadDecision
from storagebench.decide.outcome import fill
from storagebench.decide.screen import CandidateFailed, WorkloadScreen
from storagebench.decide.stats import median
from storagebench.decide.workloads import PointLookup, Workload

CONFIRM_MIN_SHARE = 0.25
ARCHIVE_SHARE = 0.5
OTHER_TARGET_ESTIMATE_FACTOR = 3.0
LATER_TARGET_FINALISTS = 3
# Full-size rounds of SF 0.1 lineitem take 3-120 ms on local disk, so the last passes can afford
# hundreds of rounds; with a per-round CV of 11-23% the paired interval narrows to about +-3% at
# 100 rounds, so a pair 10% apart settles instead of ending as an open tie (60 rounds was the
# binding limit of a local run that ended 60 s early).
FIRST_PASS_ROUNDS = 3  # enough for the gross (2x) shortcut; settling needs confirming.MIN_ROUNDS
PASS_ROUNDS = (FIRST_PASS_ROUNDS, 10, 30, 100, 300)


def confirm_target(run: TargetRun, workloads: list[Workload], target_end: float) -> None:
    budget, ds = run.budget, run.dataset
    pending: list[tuple[Workload, WorkloadDecision, Confirmer]] = []
    lookup: tuple[PointLookup, WorkloadDecision, float] | None = None
    for i, w in enumerate(workloads):
        left = max(0.0, target_end - budget.clock())
        share = ARCHIVE_SHARE if w.deterministic else max(1 / (len(workloads) - i), CONFIRM_MIN_SHARE)
        deadline = budget.clock() + left * share
        wd = WorkloadDecision(w.name, w.title, run.target, w.unit)
        run.decision.workloads.append(wd)
        reason = w.applies(ds)
        if reason:
            wd.skipped = reason
            continue
        if isinstance(w, PointLookup):
            # Last, after the later passes: its file layout is chosen among the selective filter's
            # final contenders, not the ones its first three rounds left open (which differed
            # from run to run, and so did the lookup's file).
            from storagebench.decide.lookup import LOOKUP_RESERVE_S

            # Its own time, not its share: as the last workload its share is all that is left,
            # and reserving that left the later passes nothing (measured: runs ended at 148 s of
            # 300 with every tie open).
            lookup = (w, wd, min(left * share, LOOKUP_RESERVE_S))
            continue
        finalists = _finalists(run, w, wd)
        if not finalists:
            continue
        scr: WorkloadScreen = run.screens[w.name]
        # Screening ran on the first target; elsewhere (S3: uploads and range reads through
        # moto) full-size rounds overran that estimate (a 72 s selective-filter confirmation in a
        # ~50 s slice overran a 5-minute run by 23 s): 3x is an assumed safety margin.
        factor = 1.0 if run.first else OTHER_TARGET_ESTIMATE_FACTOR
        scale = ds.rows / max(1, run.bench.tables["sample"].num_rows)
        # Asked again before each round: a file another finalist has written since costs no write.
        estimates = functools.partial(_scaled_estimate, run, w, scr, scale, factor)
        confirmer = Confirmer(w.name, finalists, lambda c, w=w: w.measure(run.bench, c, "full", ds),
                              estimates, deterministic=w.deterministic, seed=run.opts.seed)
        conf = confirmer.run(budget, deadline, max_rounds=PASS_ROUNDS[0])
        fill(run, wd, conf, w)
        if run.first:
            run.confirmed[w.name] = conf
        _report(run, wd, conf)
        pending.append((w, wd, confirmer))
        run.bench.release("full")
    # -- later passes: the leftover goes to the decisions still open -----------------------
    def refill(i: int, conf: confirming.Confirmation, max_rounds: int) -> None:
        w, wd, _ = pending[i]
        fill(run, wd, conf, w)
        if run.first:
            run.confirmed[w.name] = conf
        _report(run, wd, conf, f"pass up to {max_rounds} rounds")

    later_passes([p[2] for p in pending], budget, target_end - (lookup[2] if lookup else 0.0), refill)
    if lookup is not None:
        from storagebench.decide.lookup import decide_point_lookup

        w, wd, _ = lookup
        # The filter's winner and every finalist it did not beat (the lookup picks among them by
        # label: the same choice whenever the filter's decision is the same).
        decided = next((c.result for w_, _, c in pending if w_.name == "selective-filter"), None)
        contenders = [c for c in [decided.winner, *decided.tie_with] if isinstance(c, Configuration)] \
            if decided is not None else []
        decide_point_lookup(run, w, wd, contenders, target_end)
    if run.first:
        run.full_writes.update(run.bench.full_write_seconds())


def later_passes(confirmers: list[Confirmer], budget: Budget, end: float,
                 after: Callable[[int, confirming.Confirmation, int], None] | None = None) -> None:
    """Give the time until ``end`` to the open confirmations: equal shares of what is left, in
    order (unused time passes on), with the round limit rising pass by pass (``PASS_ROUNDS``)."""
    for max_rounds in PASS_ROUNDS[1:]:
        still = [i for i, c in enumerate(confirmers) if c.open]
        if not still or budget.clock() >= end:
            return
        for n, i in enumerate(still):
            left = max(0.0, end - budget.clock())
            # An equal share, but at least the cost of its next round when that still fits: equal
            # shares smaller than one (S3) round each measured nothing at all.
            share = min(left, max(left / (len(still) - n), confirmers[i].next_cost()))
            conf = confirmers[i].run(budget, budget.clock() + share, max_rounds=max_rounds)
            if after is not None:
                after(i, conf, max_rounds)


def _report(run: TargetRun, wd: WorkloadDecision, conf: confirming.Confirmation, what: str = "") -> None:
    tie = f"tie with {', '.join(wd.tie_with)} " if wd.tie_with else ""
    run.say(f"{wd.workload}: {wd.winner} {tie}{wd.margin_text()} ({conf.stopped}){' — ' + what if what else ''}")


def _finalists(run: TargetRun, w: Workload, wd: WorkloadDecision) -> list[Hashable]:
    scr = run.screens.get(w.name)
    if scr is None or not scr.finalists:
        wd.skipped = "every configuration failed this workload" if scr is not None and scr.failed and not \
            scr.not_screened else "no configuration could be screened within the budget"
        if scr:
            wd.screen_failed = {str(k): v for k, v in scr.failed.items()}
        return []
    wd.screened, wd.not_screened = len(scr.samples), len(scr.not_screened)
    wd.screen_failed = {str(k): v for k, v in scr.failed.items()}
    first = run.confirmed.get(w.name)
    # Bytes are the same file on every target, so archive keeps all its finalists (a contender
    # whose writer cannot write to this target, e.g. DuckDB to S3, must not leave it undecided).
    if run.first or first is None or first.winner is None or w.deterministic:
        return list(scr.finalists)
    # The leader and the next best by the first target's median, at most LATER_TARGET_FINALISTS:
    # every distinct file is a full-size upload through moto (10-20 s each under load), so a wide
    # tie on a loaded first target must not exhaust the later target before its workloads start.
    contenders = [first.winner, *first.tie_with]
    if first.runner_up is not None:
        contenders.append(first.runner_up)
    ranked = sorted(dict.fromkeys(contenders), key=lambda c: (
        median(first.samples[c]) if first.samples.get(c) else float("inf"), str(c)))
    keep = set(ranked[:LATER_TARGET_FINALISTS])
    return [c for c in scr.finalists if c in keep]


def _scaled_estimate(run: TargetRun, w: Workload, scr: WorkloadScreen, scale: float, factor: float,
                     cand: Hashable) -> float:
    return _estimate(run, w, cand, scr, scale) * factor


def _estimate(run: TargetRun, w: Workload, cand: Hashable, scr: WorkloadScreen, scale: float) -> float:
    """Predicted seconds of the first full-size round on this target: on a later target, the first
    target's full-size round and write (measured); else the sample's round (or, for archive, whose
    value is bytes, the sample write) scaled by rows; append-stream batches do not grow."""
    bench = run.bench
    first = run.confirmed.get(w.name)
    fc = cand if isinstance(cand, FileConfig) else cand.file
    # A file written in this round is first read once untimed (Bench.time_read): two reads.
    fresh = not bench.has_written(fc, "full")
    reads = 2 if fresh else 1
    if not run.first and first is not None and first.samples.get(cand):
        write = run.full_writes.get(fc, 0.0) if fresh else 0.0
        return write if w.deterministic else median(first.samples[cand]) * reads + write
    if w.name == "append-stream":
        return median(scr.samples[cand])
    # The full-size file is written once and shared by every workload that reads it.
    try:
        write = write_estimate(bench, fc, scale) if fresh else 0.0
    except CandidateFailed:
        # This target cannot hold the finalist (e.g. DuckDB writes only by path or its own
        # s3:// client, not through the target's file objects): the Confirmer measures it, gets the
        # same CandidateFailed and records it as failed on this target, without losing the others.
        return 0.0
    return write if w.deterministic else median(scr.samples[cand]) * scale * reads + write
