"""Confirming: the finalists at full size, rounds added until the decision is clear or time ends.

Rounds are interleaved (one round of each finalist in turn, rotating the order) so a slow
period of a shared machine hurts every finalist alike.  After ``min_rounds`` each, the leader is
the finalist with the lowest median; every other finalist's ratio ``median(other) /
median(leader)`` gets a bootstrap 95% interval (:mod:`.stats`).  A finalist whose interval lies
above 1 is beaten and stops being measured (its rounds are kept for the report).  The decision
is made when only the leader is left.  When the budget (or ``max_rounds``) ends first, the
finalists whose interval still contains 1 are a **tie** with the leader, and both are named.

A round starts only if the slowest round seen for that finalist (or the caller's estimate) fits
in what is left of the budget and before the phase deadline, so confirming never overruns.

Deterministic workloads (bytes on disk) take one round each: the ratio is exact, its interval
a point, and only an exact equality is a tie.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable, Sequence

from storagebench.decide.budget import Budget
from storagebench.decide.screen import CandidateFailed
from storagebench.decide.stats import RatioInterval, median, ratio_interval

MIN_ROUNDS = 3
MAX_ROUNDS = 25

DECIDED = "decided: the interval excludes 1"
BUDGET_ENDED = "budget ended before the interval excluded 1"
ROUND_LIMIT = "round limit reached before the interval excluded 1"
SINGLE = "single finalist"
NOTHING = "no finalist could be measured"


@dataclass
class Confirmation:
    workload: str
    winner: Hashable | None = None
    runner_up: Hashable | None = None
    tie_with: list[Hashable] = field(default_factory=list)
    interval: RatioInterval | None = None
    samples: dict[Hashable, list[float]] = field(default_factory=dict)
    beaten: dict[Hashable, RatioInterval] = field(default_factory=dict)
    failed: dict[Hashable, str] = field(default_factory=dict)
    stopped: str = NOTHING

    @property
    def is_tie(self) -> bool:
        return bool(self.tie_with)

    def rounds(self, cand: Hashable) -> int:
        return len(self.samples.get(cand, []))


def confirm(workload: str, finalists: Sequence[Hashable], measure: Callable[[Hashable], float],
            budget: Budget, deadline: float | None = None, estimates: dict[Hashable, float] | None = None,
            min_rounds: int = MIN_ROUNDS, max_rounds: int = MAX_ROUNDS, deterministic: bool = False,
            seed: int = 0) -> Confirmation:
    """Measure ``finalists`` adaptively; see the module docstring for the rule."""
    result = Confirmation(workload)
    estimates = estimates or {}
    if deterministic:
        min_rounds = max_rounds = 1
    active = list(finalists)
    samples: dict[Hashable, list[float]] = {c: [] for c in active}
    result.samples = samples
    rotation = 0
    stopped: str | None = None
    while active:
        if all(len(samples[c]) >= min_rounds for c in active):
            active = _drop_beaten(active, samples, result, seed)
            if len(active) == 1:
                stopped = DECIDED if result.beaten else SINGLE
                break
            if all(len(samples[c]) >= max_rounds for c in active):
                stopped = ROUND_LIMIT
                break
        order = active[rotation % len(active):] + active[: rotation % len(active)]
        rotation += 1
        for cand in order:
            predicted = max(samples[cand]) if samples[cand] else estimates.get(cand, 0.0)
            out_of_time = (deadline is not None and budget.clock() + predicted > deadline) \
                or not budget.allows(predicted)
            if out_of_time:
                stopped = BUDGET_ENDED
                break
            try:
                samples[cand].append(measure(cand))
            except CandidateFailed as exc:
                result.failed[cand] = str(exc)
                active.remove(cand)
                samples.pop(cand, None)
        if stopped:
            break
    _conclude(result, active, samples, stopped or NOTHING, seed, min_rounds)
    # Finalists the budget never reached at full size are not beaten: they stay in the tie.
    unmeasured = [c for c in finalists if c in samples and not samples[c] and c != result.winner]
    if result.winner is not None and unmeasured:
        result.tie_with += [c for c in unmeasured if c not in result.tie_with]
        result.stopped = BUDGET_ENDED
    return result


def _drop_beaten(active: list[Hashable], samples: dict[Hashable, list[float]], result: Confirmation,
                 seed: int) -> list[Hashable]:
    leader = min(active, key=lambda c: (median(samples[c]), str(c)))
    keep = [leader]
    for cand in active:
        if cand == leader:
            continue
        interval = ratio_interval(samples[leader], samples[cand], seed)
        if interval.lo > 1.0:
            result.beaten[cand] = interval
        else:
            keep.append(cand)
    return keep


def _conclude(result: Confirmation, active: list[Hashable], samples: dict[Hashable, list[float]],
              stopped: str, seed: int, min_rounds: int) -> None:
    measured = {c: v for c, v in samples.items() if v}
    if not measured:
        result.stopped = NOTHING
        return
    leader = min(measured, key=lambda c: (median(measured[c]), str(c)))
    result.winner = leader
    others = sorted((c for c in measured if c != leader), key=lambda c: (median(measured[c]), str(c)))
    intervals = {c: ratio_interval(measured[leader], measured[c], seed) for c in others}
    # An interval from fewer than min_rounds rounds (the budget ended early) proves nothing:
    # such a finalist is not beaten, it is still a tie.
    short = len(measured[leader]) < min_rounds
    result.beaten = {c: i for c, i in intervals.items()
                     if i.lo > 1.0 and not (short or len(measured[c]) < min_rounds)}
    result.tie_with = [c for c in others if c not in result.beaten]
    if others:
        result.runner_up = others[0]
        result.interval = intervals[others[0]]
    if stopped == SINGLE and others:
        stopped = DECIDED
    if not result.tie_with and stopped in (BUDGET_ENDED, ROUND_LIMIT):
        stopped = DECIDED  # the last rounds settled it
    result.stopped = stopped if others else SINGLE
