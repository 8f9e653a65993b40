"""Screening: every candidate of every workload on a sample, few rounds; who goes on to confirm.

Why screen: most configurations lose by far on every axis (JSON written by pandas, Avro on a
projection), and measuring them at full size is what made the full matrix take 15 minutes on
a 337k-row file.  A sample (default 10,000 rows) with two rounds each separates the clear losers;
the close ones are decided at full size by :mod:`.confirm`.

A candidate *loses beyond noise* on a workload when even its fastest screening round is slower
than the best candidate's slowest round by more than ``NOISE`` (10%).  Per workload the
finalists are the best candidate and those not beyond noise, at most ``keep``, and always at
least two (so the winner-vs-runner-up ratio exists), plus the best candidate of every other format
within ``FORMAT_SPREAD`` (3x) of the best: a sample favours low fixed costs, full size may not,
and two runs whose samples rank near-equal candidates differently still confirm the same formats.  A candidate that is a finalist nowhere is
dropped: it loses beyond noise on every workload.  Candidates the caller knows lose values
(fidelity) never reach this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable, Sequence

from storagebench.decide.budget import Budget
from storagebench.decide.stats import median

NOISE = 0.10
FORMAT_SPREAD = 3.0
DEFAULT_ROUNDS = 2
DEFAULT_KEEP = 3


class CandidateFailed(Exception):
    """A candidate that cannot run this workload (unsupported, unreadable): a result, with a reason."""


@dataclass
class WorkloadScreen:
    workload: str
    samples: dict[Hashable, list[float]] = field(default_factory=dict)
    failed: dict[Hashable, str] = field(default_factory=dict)
    not_screened: list[Hashable] = field(default_factory=list)
    finalists: list[Hashable] = field(default_factory=list)
    beyond_noise: list[Hashable] = field(default_factory=list)

    def medians(self) -> dict[Hashable, float]:
        return {c: median(v) for c, v in self.samples.items() if v}


def screen_workload(workload: str, candidates: Sequence[Hashable], measure: Callable[[Hashable], float],
                    budget: Budget, deadline: float | None = None, rounds: int = DEFAULT_ROUNDS,
                    keep: int = DEFAULT_KEEP, deterministic: bool = False) -> WorkloadScreen:
    """Measure every candidate ``rounds`` times (once when ``deterministic``) and pick finalists.

    ``measure(candidate)`` returns one round's value (lower is better) or raises
    :class:`CandidateFailed`.  Candidates reached after ``deadline`` (a budget clock value) are
    listed as not screened, never silently dropped.
    """
    result = WorkloadScreen(workload)
    rounds = 1 if deterministic else rounds
    for cand in candidates:
        if deadline is not None and budget.clock() >= deadline or budget.remaining() <= 0:
            result.not_screened.append(cand)
            continue
        values: list[float] = []
        try:
            for _ in range(rounds):
                values.append(measure(cand))
        except CandidateFailed as exc:
            result.failed[cand] = str(exc)
            continue
        result.samples[cand] = values
    result.finalists, result.beyond_noise = pick_finalists(result.samples, keep)
    return result


def pick_finalists(samples: dict[Hashable, list[float]], keep: int = DEFAULT_KEEP,
                   noise: float = NOISE) -> tuple[list[Hashable], list[Hashable]]:
    """(finalists best first, candidates losing beyond noise)."""
    measured = {c: v for c, v in samples.items() if v}
    if not measured:
        return [], []
    order = sorted(measured, key=lambda c: (median(measured[c]), str(c)))
    best = order[0]
    limit = max(measured[best]) * (1 + noise)
    close = [c for c in order[1:] if min(measured[c]) <= limit]
    finalists = [best] + close[: max(0, keep - 1)]
    if len(finalists) == 1 and len(order) > 1:
        finalists.append(order[1])  # the runner-up, so the winner's margin can be measured
    # A sample favours low fixed costs; at full size another format's layout (row-group pruning,
    # compression) can overtake.  The best candidate of each other format goes on too when it is
    # within FORMAT_SPREAD of the best, so the full-size rounds can show that.
    formats_in = {getattr(c, "format", None) for c in finalists}
    for c in order:
        fmt = getattr(c, "format", None)
        if fmt is not None and fmt not in formats_in and median(measured[c]) <= FORMAT_SPREAD * median(measured[best]):
            finalists.append(c)
            formats_in.add(fmt)
    beyond = [c for c in order if c not in finalists and min(measured[c]) > limit]
    return finalists, beyond
