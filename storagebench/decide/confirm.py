"""Confirming: the finalists at full size, rounds added until each pair is settled or time ends.

Rounds are interleaved (one round of each finalist still in question, rotating the order) so a
slow period of a shared machine hurts every finalist alike.  After ``min_rounds`` each, the leader
is the finalist with the lowest typical round (:func:`.stats.typical`: a trimmed geometric
mean); every other finalist's ratio to the leader gets a
bootstrap 95% interval (:mod:`.stats`) and is classified against a **practical-equivalence
margin** (:data:`EQUIVALENCE`, 5%: a 2% win is a tie in practice).  The ratio is **paired** by
sweep: a trimmed geometric mean of ``other[k] / leader[k]`` over the sweeps in which both ran
(at least ``min_rounds`` of them; otherwise ``median(other) / median(leader)`` resampled independently), so
a slow spell of a shared machine, which slows both rounds of a sweep, cancels out instead of
widening the interval (measured: paired intervals were a median 0.6x as wide).

* **beaten**: the whole interval lies above ``1 + EQUIVALENCE`` (so it excludes 1 *and* the
  margin exceeds 5%);
* **equivalent**: the whole interval lies within ``1 / (1 + EQUIVALENCE)`` and ``1 + EQUIVALENCE``
  (whatever the point ratio, the difference is within 5% either way): a tie, settled;
* **open**: otherwise, or fewer than ``min_rounds`` rounds each.

One shortcut saves full-size rounds nobody needs: a finalist whose round took more than ``GROSS``
(2x) the round of any other finalist (the leader or not) *in the same sweep*, in every one of at
least ``GROSS_ROUNDS`` (2) sweeps they shared, is beaten before ``min_rounds`` (a 19 s ORC read
on S3 beside a 2.5 s Feather read need not be repeated).  Paired by sweep, so a burst of load
that slows both rounds of a sweep does not make one look twice the other.

Why this makes two runs agree: a pair is settled only when its interval sits wholly on one side of
the margin, so noise has to move a whole 95% interval across it, not a point estimate; a pair whose
true ratio is near the margin stays open and ends as a tie in both runs.  Only the leader and the
open finalists are measured further.  A finalist once beaten stays beaten (its leader then was no
faster than the leader now); equivalence and openness are recomputed from all rounds every time,
so an equivalent finalist is measured again if a new leader reopens it.

The decision: the leader wins when every other finalist is beaten; otherwise the equivalent and
open finalists are a tie with it, ``tie_with`` listed in label order (the same set gives the same
list whatever order the finalists arrived in).  A finalist never measured at full size (time ended)
is never "beaten": it stays in the tie.

:class:`Confirmer` keeps its rounds between calls of :meth:`Confirmer.run`, so leftover budget
(a second pass, :mod:`.runner`) adds rounds to the open pairs instead of starting over.  A round
starts only if the slowest round seen for that finalist (or the caller's estimate) fits in what is
left of the budget and before the pass's deadline, so confirming never overruns.

Deterministic workloads (bytes on disk) take one round each and are decided exactly: the smallest
wins, a tie only on identical values.  Their rounds (full-size writes) go cheapest estimate first,
so a budget that ends cuts the slowest writes, the same ones in every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable, Sequence

from storagebench.decide.budget import Budget
from storagebench.decide.screen import CandidateFailed
from storagebench.decide.stats import RatioInterval, median, paired_ratio_interval, ratio_interval, typical

EQUIVALENCE = 0.05
# Rounds each before an interval may settle a pair (beaten or equivalent).  A bootstrap of the
# median of 3 values is roughly [min, max] of them and too narrow: with a per-round CV of 15%, a
# finalist truly 10% slower was "beaten" after 3 rounds in about 1 run in 5 and open in the
# others, so two runs disagreed.  6 costs little: full-size local rounds take milliseconds.
MIN_ROUNDS = 6
GROSS = 2.0
GROSS_ROUNDS = 2  # a first round alone may carry an engine's warm-up (measured: 6x on polars' first full read)
MAX_ROUNDS = 25

DECIDED = "decided: every other finalist's interval lies above 1 + the equivalence margin"
EQUIVALENT = "settled: the tied finalists' intervals lie within the equivalence margin"
BUDGET_ENDED = "budget ended with finalists still open (interval straddling the margin)"
ROUND_LIMIT = "round limit reached with finalists still open"
EXACT = "decided exactly (deterministic values)"
SINGLE = "single finalist"
NOTHING = "no finalist could be measured"

BEATEN, TIED, OPEN = "beaten", "equivalent", "open"


@dataclass
class Confirmation:
    workload: str
    winner: Hashable | None = None
    runner_up: Hashable | None = None
    tie_with: list[Hashable] = field(default_factory=list)
    interval: RatioInterval | None = None
    samples: dict[Hashable, list[float]] = field(default_factory=dict)
    # The sweep each round ran in, parallel to samples[c]: rounds of two finalists from the same
    # sweep are a pair (see the module docstring).
    sweeps: dict[Hashable, list[int]] = field(default_factory=dict)
    beaten: dict[Hashable, RatioInterval] = field(default_factory=dict)
    equivalent: dict[Hashable, RatioInterval] = field(default_factory=dict)
    open: list[Hashable] = field(default_factory=list)
    failed: dict[Hashable, str] = field(default_factory=dict)
    stopped: str = NOTHING
    # Every measured finalist's interval against the winner (paired where the sweeps allow).
    intervals: dict[Hashable, RatioInterval] = field(default_factory=dict)
    # Who beat a finalist, the interval against it then, and by which rule ("2x" or "interval");
    # beaten stays beaten.
    beaten_by: dict[Hashable, tuple[Hashable, RatioInterval, str]] = field(default_factory=dict)

    @property
    def is_tie(self) -> bool:
        return bool(self.tie_with)

    @property
    def settled(self) -> bool:
        """Nothing more to measure: decided, settled as equivalent, exact, or nothing measurable."""
        return self.stopped in (DECIDED, EQUIVALENT, EXACT, SINGLE) or (
            self.stopped == NOTHING and not self._unmeasured())

    def _unmeasured(self) -> list[Hashable]:
        return [c for c, v in self.samples.items() if not v]

    def rounds(self, cand: Hashable) -> int:
        return len(self.samples.get(cand, []))


def _key(c: Hashable) -> str:
    return str(c)


class Confirmer:
    """The confirmation of one workload's finalists on one target; :meth:`run` may be called again."""

    def __init__(self, workload: str, finalists: Sequence[Hashable], measure: Callable[[Hashable], float],
                 estimates: dict[Hashable, float] | Callable[[Hashable], float] | None = None,
                 min_rounds: int = MIN_ROUNDS,
                 deterministic: bool = False, seed: int = 0, equivalence: float = EQUIVALENCE):
        self.finalists = list(dict.fromkeys(finalists))
        self.measure = measure
        # Seconds a finalist's first round is expected to take: a dict, or a function asked again
        # each time (a read's estimate includes writing its file, which is 0 once another finalist
        # of the same file has written it; a dict fixed at the first pass kept a JSON reader's 25 s
        # estimate after its file existed, so it never fitted a later pass and stayed, unmeasured,
        # in a Q1 tie).
        self.estimates = estimates or {}
        self.deterministic = deterministic
        self.min_rounds = 1 if deterministic else min_rounds
        self.seed = seed
        self.equivalence = equivalence
        self.result = Confirmation(workload, samples={c: [] for c in self.finalists},
                                   sweeps={c: [] for c in self.finalists})
        self.sweeps = self.result.sweeps
        self._sweep = 0
        self._rotation = 0

    def estimate(self, c: Hashable) -> float:
        """The expected seconds of ``c``'s first round, as of now."""
        return self.estimates(c) if callable(self.estimates) else self.estimates.get(c, 0.0)

    # -- classification ----------------------------------------------------------------------
    def interval(self, lead: Hashable, other: Hashable) -> RatioInterval:
        """``other``'s ratio to ``lead``: paired by sweep when at least ``min_rounds`` sweeps hold
        both, else the ratio of medians with independent resampling."""
        pairs = self.pairs(lead, other)
        if len(pairs) >= max(self.min_rounds, 2):
            return paired_ratio_interval([p[0] for p in pairs], [p[1] for p in pairs], self.seed)
        samples = self.result.samples
        return ratio_interval(samples[lead], samples[other], self.seed)

    def pairs(self, a: Hashable, b: Hashable) -> list[tuple[float, float]]:
        """(``a``'s round, ``b``'s round) for every sweep in which both ran."""
        samples, sweeps = self.result.samples, self.result.sweeps
        at = dict(zip(sweeps.get(a, []), samples.get(a, [])))
        return [(at[k], v) for k, v in zip(sweeps.get(b, []), samples.get(b, [])) if k in at]

    def leader(self) -> Hashable | None:
        """The lowest typical round among the finalists measured and not beaten."""
        beaten = self.result.beaten_by
        measured = {c: v for c, v in self.result.samples.items() if v and c not in beaten}
        return min(measured, key=lambda c: (typical(measured[c]), _key(c))) if measured else None

    def classify(self, final: bool = False) -> tuple[Hashable | None, dict[Hashable, str], dict[Hashable, RatioInterval]]:
        """(leader, status of every other finalist, its interval against the leader).  Between
        rounds (not ``final``) a finalist already beaten gets no interval: each is a bootstrap
        (about 1 ms, 18 ms at 300 rounds), and with 40 finalists they took as long as a sweep of
        the two still open."""
        samples = self.result.samples
        lead = self.leader()
        status: dict[Hashable, str] = {}
        intervals: dict[Hashable, RatioInterval] = {}
        for c in samples:
            if c == lead:
                continue
            if lead is None or not samples[c]:
                status[c] = OPEN
                continue
            if not final and c in self.result.beaten_by and not self.deterministic:
                status[c] = BEATEN
                continue
            iv = self.interval(lead, c)
            intervals[c] = iv
            if self.deterministic:
                status[c] = BEATEN if iv.ratio > 1.0 else TIED
            elif c in self.result.beaten_by:
                # Beaten stays beaten (by a leader of its time, which the leader now is no slower
                # than): re-judged against a new leader from old rounds, 17 beaten Q1 finalists
                # were reopened late in a run (the new leader's early rounds were its slowest), and
                # the run ended with a 17-way tie.
                status[c] = BEATEN
            elif (far := self._grossly_behind(c)) is not None:
                # Against any finalist, not only the leader: with 40 read finalists the leader can
                # change between two near-equal ones, and a gross loser judged against the new
                # leader's warm-up round was reopened, needing min_rounds again (measured: a Q1
                # tie reopened 16 finalists with 20 s left).  Against its median, not its slowest
                # round: the slowest grows with every round (a 55-round leader's spikes kept a
                # finalist 2.5-3x behind, with 5 rounds, open and in the tie when time ended).
                status[c] = BEATEN
                self.result.beaten_by[c] = (far, iv if far == lead else self.interval(far, c), "2x")
            elif min(len(samples[lead]), len(samples[c])) < self.min_rounds:
                status[c] = OPEN
            elif iv.lo > 1.0 + self.equivalence:
                status[c] = BEATEN
                self.result.beaten_by[c] = (lead, iv, "interval")
            elif 1.0 / (1.0 + self.equivalence) < iv.lo and iv.hi < 1.0 + self.equivalence:
                # Within the margin on both sides: a finalist whose interval reaches far below 1
                # may be the faster one, which is not "equivalent" but still open.
                status[c] = TIED
            else:
                status[c] = OPEN
        return lead, status, intervals

    def _grossly_behind(self, c: Hashable) -> Hashable | None:
        """A finalist that beat ``c`` by more than ``GROSS`` times in every sweep both ran in (at
        least ``GROSS_ROUNDS`` such sweeps), or None.

        Paired, like the intervals: a round of ``c`` is compared with the other finalist's round
        of the same sweep (run back to back with it), not with that finalist's median over the
        whole run.  Why: a burst of another process slows every read for a few seconds; when
        ``c``'s first two rounds fell in one, the unpaired rule (``c``'s fastest round over 2x
        the other's median) dropped ``c`` for good, although the other finalist's rounds in the
        same sweeps were slowed as well (measured: Feather uncompressed read by pyarrow, 17-25 ms
        in quiet runs, had two rounds of 91 ms while a test ran beside it and was dropped from
        full export, which Parquet read by polars then won).  A spike of the other finalist in
        one shared sweep only defers ``c`` to the interval rule after ``min_rounds``."""
        samples = self.result.samples
        if len(samples[c]) < GROSS_ROUNDS:
            return None
        for f in samples:
            if f == c:
                continue
            pairs = self.pairs(c, f)
            if len(pairs) >= GROSS_ROUNDS and all(own > GROSS * other for own, other in pairs):
                return f
        return None

    # -- measuring -----------------------------------------------------------------------------
    def _to_measure(self) -> list[Hashable]:
        samples = self.result.samples
        if self.deterministic:
            # Cheapest estimated write first: a budget that ends cuts the slowest, in every run.
            return sorted((c for c in samples if not samples[c]),
                          key=lambda c: (self.estimate(c), _key(c)))
        lead, status, _ = self.classify()
        wanted = [c for c, s in status.items() if s == OPEN]
        if wanted and lead is not None:
            wanted.insert(0, lead)
        return [c for c in samples if c in wanted] if wanted else []

    def run(self, budget: Budget, deadline: float | None = None, max_rounds: int = MAX_ROUNDS) -> Confirmation:
        """Add rounds until every pair is settled, ``max_rounds`` each, or time ends."""
        samples = self.result.samples
        stopped: str | None = None
        while True:
            todo = self._to_measure()
            if not todo:
                break
            if all(len(samples[c]) >= max_rounds for c in todo):
                stopped = ROUND_LIMIT
                break
            todo = [c for c in todo if len(samples[c]) < max_rounds] or todo
            k = self._rotation % len(todo) if not self.deterministic else 0
            self._rotation += 1
            self._sweep += 1
            measured = 0
            for cand in todo[k:] + todo[:k]:
                predicted = max(samples[cand]) if samples[cand] else self.estimate(cand)
                if (deadline is not None and budget.clock() + predicted > deadline) or not budget.allows(predicted):
                    # Skipped, not the end of the sweep: one finalist whose full-size write does not
                    # fit (a 26 s gzip JSON) stopped every pass of a 40-finalist query before the
                    # others' first rounds, and they all ended in the tie unmeasured.
                    continue
                try:
                    samples[cand].append(self.measure(cand))
                    self.sweeps[cand].append(self._sweep)
                    measured += 1
                except CandidateFailed as exc:
                    self.result.failed[cand] = str(exc)
                    samples.pop(cand, None)
            if not measured and not any(c in self.result.failed for c in todo):
                stopped = BUDGET_ENDED  # nothing still wanted fits in the time left
                break
        self._conclude(stopped)
        return self.result

    def _conclude(self, stopped: str | None) -> None:
        r = self.result
        lead, status, intervals = self.classify(final=True)
        r.winner = lead
        if lead is None:
            r.stopped, r.tie_with, r.runner_up, r.interval = NOTHING, [], None, None
            r.open = list(r.samples)  # not failed, not yet measured: a later pass may reach them
            return
        others = sorted((c for c in r.samples if c != lead),
                        key=lambda c: (median(r.samples[c]) if r.samples[c] else float("inf"), _key(c)))
        r.intervals = intervals
        r.beaten = {c: intervals[c] for c in others if status[c] == BEATEN}
        r.equivalent = {c: intervals[c] for c in others if status[c] == TIED}
        r.open = [c for c in others if status[c] == OPEN]
        # The tie: every finalist not beaten, in label order (a deterministic list for a set).
        r.tie_with = sorted((c for c in others if status[c] != BEATEN), key=_key)
        measured_others = [c for c in others if r.samples[c]]
        r.runner_up = measured_others[0] if measured_others else (others[0] if others else None)
        r.interval = intervals.get(measured_others[0]) if measured_others else None
        if not others:
            r.stopped = SINGLE
        elif self.deterministic and not r.open:
            r.stopped = EXACT
        elif r.open:
            r.stopped = stopped or BUDGET_ENDED
        elif r.tie_with:
            r.stopped = EQUIVALENT
        else:
            r.stopped = DECIDED

    def next_cost(self) -> float:
        """Predicted seconds of the cheapest round still wanted (0 when nothing is wanted)."""
        samples = self.result.samples
        costs = [max(samples[c]) if samples[c] else self.estimate(c) for c in self._to_measure()]
        return min(costs, default=0.0)

    @property
    def open(self) -> bool:
        """Could more rounds change the decision?"""
        return bool(self.result.open)


def confirm(workload: str, finalists: Sequence[Hashable], measure: Callable[[Hashable], float],
            budget: Budget, deadline: float | None = None,
            estimates: dict[Hashable, float] | Callable[[Hashable], float] | None = None,
            min_rounds: int = MIN_ROUNDS, max_rounds: int = MAX_ROUNDS, deterministic: bool = False,
            seed: int = 0, equivalence: float = EQUIVALENCE) -> Confirmation:
    """One pass of :class:`Confirmer` (see the module docstring for the rule)."""
    return Confirmer(workload, finalists, measure, estimates, min_rounds, deterministic, seed,
                     equivalence).run(budget, deadline, max_rounds)
