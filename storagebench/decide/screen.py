"""Screening: every candidate of every workload on a sample, few rounds; who goes on to confirm.

Why screen: most configurations lose by far on every axis (JSON written by pandas, Avro on a
projection), and measuring them at full size is what made the full matrix take 15 minutes on
a 337k-row file.  A sample (default 10,000 rows) separates the clear losers; the close ones are
decided at full size by :mod:`.confirm`.

Two steps, so that two runs send the same finalists to confirmation:

1. every candidate runs ``rounds`` (2) rounds (one for deterministic values such as bytes);
2. **refine**: the candidates within ``REFINE_SPREAD`` (2x) of the best, at most ``REFINE_TOP``
   (8), run more rounds, interleaved, up to ``REFINE_ROUNDS`` (6) each while the slice lasts:
   the near-equal ones are the ones a 2-round sample ranks differently from run to run.

Candidates are ranked by their **fastest** round (on a shared machine noise only ever adds time,
so the minimum is the steadiest estimate of a configuration's own cost).  Finalists: every
candidate within ``KEEP_BAND`` (50%) of the best, best first, at most ``keep`` (8) and at least
two (so the winner-vs-runner-up ratio exists; bytes, which a sample predicts far better: within
50%, at most 8); plus, for every other format whose best is within ``FORMAT_SPREAD`` (3x) of the
best, its candidates within the band of that best (at most ``FORMAT_KEEP``, 3): a sample favours low fixed costs and full size may not, and
two runs whose samples rank near-equal candidates differently still confirm the same formats.
The band is wider than the 5% equivalence margin of :mod:`.confirm` because a ratio on 10,000
rows is not the ratio at full size, and wide enough that near-equal variants (the same format
written by pyarrow or by polars) go on together.  Measured: with a 25% band and at most 5, and
again with 50% and at most 8, the sample's noise chose which of the near-equal variants reached
confirmation (a 10,000-row read takes 0.5-5 ms, mostly fixed costs), and two runs named
different winners in 4 of 8 workloads; with 2x and at most 16, the full-size rounds could not
separate 10-15 near-equal finalists within the budget and the two runs' ties differed in
membership (3 of 8 agreed).  So the caller may also narrow who is *eligible* (``eligible``)
and widen the band (``band``, ``keep``): :mod:`.screen_phase` lets one writer per (format,
compression, reader) go on and sends the read workloads' configurations within 2.5x of their
(format, reader) group's best (at most 48) to full size, where the Confirmer's first rounds drop the far ones.  A candidate that is a finalist nowhere is dropped: it loses
beyond the band on every workload.  Candidates the caller knows lose values (fidelity) never reach
this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable, Sequence

from storagebench.decide.budget import Budget
from storagebench.decide.stats import median

KEEP_BAND = 0.5
DETERMINISTIC_BAND = 0.5
FORMAT_SPREAD = 3.0
FORMAT_KEEP = 3
DETERMINISTIC_FORMAT_SPREAD = 1.5
DEFAULT_ROUNDS = 2
REFINE_SPREAD = 2.0
REFINE_TOP = 8
REFINE_ROUNDS = 6
DEFAULT_KEEP = 8
DETERMINISTIC_KEEP = 8  # each archive finalist is a full-size write


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
                    keep: int = DEFAULT_KEEP, deterministic: bool = False,
                    refine_rounds: int = REFINE_ROUNDS,
                    first_rounds: dict[Hashable, list[float]] | None = None,
                    eligible: Callable[[dict[Hashable, list[float]]], set[Hashable]] | None = None,
                    band: float = KEEP_BAND, per_format: bool = False) -> WorkloadScreen:
    """Measure every candidate ``rounds`` times (once when ``deterministic``), refine the close
    ones, and pick finalists.

    ``measure(candidate)`` returns one round's value (lower is better) or raises
    :class:`CandidateFailed`.  Candidates reached after ``deadline`` (a budget clock value) are
    listed as not screened, never silently dropped.  ``first_rounds`` are rounds already taken
    (full-export: the fidelity read), counted towards ``rounds``.
    """
    result = WorkloadScreen(workload)
    rounds = 1 if deterministic else rounds

    def out_of_time() -> bool:
        return deadline is not None and budget.clock() >= deadline or budget.remaining() <= 0

    for cand in candidates:
        if out_of_time():
            result.not_screened.append(cand)
            continue
        values: list[float] = list((first_rounds or {}).get(cand, []))
        try:
            while len(values) < rounds:
                values.append(measure(cand))
        except CandidateFailed as exc:
            result.failed[cand] = str(exc)
            continue
        result.samples[cand] = values
    if not deterministic:
        _refine(result, measure, budget, deadline, refine_rounds)
    # Bytes scale with the data far more steadily than times do: a narrower format spread keeps
    # the archive finalists (each written once at full size) few.
    spread = DETERMINISTIC_FORMAT_SPREAD if deterministic else FORMAT_SPREAD
    if deterministic:
        keep, band = min(keep, DETERMINISTIC_KEEP), DETERMINISTIC_BAND
    # ``eligible`` (the caller's): which measured candidates may become finalists, e.g. one writer
    # per (format, compression, reader); the others stay measured and reported.
    allowed = eligible(result.samples) if eligible is not None else set(result.samples)
    kept = {c: v for c, v in result.samples.items() if c in allowed}
    if per_format:
        result.finalists, result.beyond_noise = pick_per_format(kept, keep, band=band)
    else:
        result.finalists, result.beyond_noise = pick_finalists(kept, keep, band=band, format_spread=spread)
    return result


def _refine(result: WorkloadScreen, measure: Callable[[Hashable], float], budget: Budget,
            deadline: float | None, refine_rounds: int) -> None:
    """More rounds, interleaved, for the candidates close to the best (see the module docstring)."""
    close = _ranked(result.samples)
    if not close:
        return
    best = min(result.samples[close[0]])
    close = [c for c in close if min(result.samples[c]) <= REFINE_SPREAD * best][:REFINE_TOP]
    for _ in range(refine_rounds):
        for cand in close:
            if cand not in result.samples or len(result.samples[cand]) >= refine_rounds:
                continue
            predicted = max(result.samples[cand])
            if (deadline is not None and budget.clock() + predicted > deadline) or not budget.allows(predicted):
                return
            try:
                result.samples[cand].append(measure(cand))
            except CandidateFailed as exc:
                result.failed[cand] = str(exc)
                del result.samples[cand]


def _ranked(samples: dict[Hashable, list[float]]) -> list[Hashable]:
    """Best first: by fastest round, then median, then label (a total, deterministic order)."""
    measured = {c: v for c, v in samples.items() if v}
    return sorted(measured, key=lambda c: (min(measured[c]), median(measured[c]), str(c)))


def pick_finalists(samples: dict[Hashable, list[float]], keep: int = DEFAULT_KEEP, band: float = KEEP_BAND,
                   format_spread: float = FORMAT_SPREAD) -> tuple[list[Hashable], list[Hashable]]:
    """(finalists best first, candidates beyond the band)."""
    order = _ranked(samples)
    if not order:
        return [], []
    best = order[0]
    limit = min(samples[best]) * (1 + band)
    close = [c for c in order[1:] if min(samples[c]) <= limit]
    finalists = [best] + close[: max(0, keep - 1)]
    if len(finalists) == 1 and len(order) > 1:
        finalists.append(order[1])  # the runner-up, so the winner's margin can be measured
    # A sample favours low fixed costs; at full size another format's layout (row-group pruning,
    # compression) can overtake.  The best candidate of each other format goes on too when it is
    # within FORMAT_SPREAD of the best, so the full-size rounds can show that.
    # Not only its single best: every candidate of that format within the band of the format's
    # best, at most FORMAT_KEEP.  Its single best on the sample was noise among near-equal
    # variants (Feather none / lz4 / zstd on a Q1 sample), and two runs confirmed different ones.
    formats_in = {getattr(c, "format", None) for c in finalists}
    added: dict[str, list[Hashable]] = {}
    for c in order:
        fmt = getattr(c, "format", None)
        if fmt is None or fmt in formats_in or c in finalists:
            continue
        mine = added.setdefault(fmt, [])
        fastest = min(samples[mine[0]]) if mine else min(samples[c])
        if fastest <= format_spread * min(samples[best]) and len(mine) < FORMAT_KEEP \
                and min(samples[c]) <= fastest * (1 + band):
            mine.append(c)
            finalists.append(c)
    beyond = [c for c in order if c not in finalists and min(samples[c]) > limit]
    return finalists, beyond


# Replayed on the sample medians of eleven runs: at 3x polars' Parquet reads (the fastest Q6
# reads at full size) fell outside in several; at 4x (at most 48) no Q1 or Q6 contender did.
READ_FORMAT_SPREAD = 4.0


def _engine_group(c: Hashable) -> tuple[object, object]:
    """(format, reader) of a read configuration; (format, None) otherwise."""
    return getattr(c, "format", None), getattr(c, "reader", None)


def pick_per_format(samples: dict[Hashable, list[float]], keep: int, band: float,
                    format_spread: float = READ_FORMAT_SPREAD) -> tuple[list[Hashable], list[Hashable]]:
    """(finalists, the rest): every candidate within ``1 + band`` of the best of **its own format
    and reader**, of every such group whose best is within ``format_spread`` of the overall best;
    at most ``keep``, nearest their group's best first (so a cap cuts every group's tail).

    For reads on a sample, whose times are mostly fixed costs: a band around the overall best
    measures a candidate against the format and engine with the lowest fixed cost.  ORC's
    10,000-row TPC-H Q6 took 3.4 ms, Feather's 6-7 ms, and at full size Feather was 1.2x ahead:
    the full-size winner fell outside a 2.5x band in one run of two.  Banded per format, polars'
    reads of Parquet (12-13 ms on the sample against DuckDB's 6-8 ms; at full size polars' were
    the fastest, 19 ms against 25) fell out in one run of two.  Within a format and an engine the
    fixed costs are alike, and the band compares compressions.  Tried and measured: comparing a
    group with the same reader's best (not the overall best) let every pandas read in, the cap
    cut near-winners, and a run ended with a 26-way full-export tie at 2.04 GB."""
    order = _ranked(samples)
    if not order:
        return [], []
    overall = min(samples[order[0]])
    best_of: dict[tuple[object, object], float] = {}
    for c in order:
        best_of.setdefault(_engine_group(c), min(samples[c]))

    def relative(c: Hashable) -> float:
        return min(samples[c]) / best_of[_engine_group(c)]

    wanted = [c for c in order if best_of[_engine_group(c)] <= format_spread * overall
              and relative(c) <= 1 + band]
    finalists = sorted(wanted, key=lambda c: (relative(c), str(c)))[:max(2, keep)]
    if len(finalists) < 2:
        finalists += [c for c in order if c not in finalists][: 2 - len(finalists)]
    return finalists, [c for c in order if c not in finalists]
