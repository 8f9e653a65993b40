"""Screening and confirming with synthetic timings (no I/O, a fake clock).

Each synthetic measurement advances the fake clock by the time it reports, as a real round
would, so the budget rules are exercised exactly: a clear winner is found, a true tie is called a
tie naming both, and the budget is never overrun.
"""

from __future__ import annotations

import numpy as np
import pytest

from storagebench.decide import confirm as confirming
from storagebench.decide import screen as screening
from storagebench.decide.budget import Budget, parse_duration
from storagebench.decide.screen import CandidateFailed, pick_finalists, screen_workload
from storagebench.decide.stats import ratio_interval
from formats.base import StorageBenchInputError


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def synthetic(clock: FakeClock, means: dict[str, float], cv: float = 0.05, seed: int = 1):
    """measure(candidate): a lognormal round around its mean; advances the clock by it."""
    rng = np.random.default_rng(seed)
    calls: dict[str, int] = {c: 0 for c in means}

    def measure(cand: str) -> float:
        value = float(means[cand] * rng.lognormal(0.0, cv))
        clock.now += value
        calls[cand] += 1
        return value

    return measure, calls


def test_clear_winner_is_found_and_decided_early():
    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    measure, calls = synthetic(clock, {"a": 1.0, "b": 1.3, "c": 2.0})
    conf = confirming.confirm("w", ["b", "a", "c"], measure, budget)
    assert conf.winner == "a"
    assert conf.tie_with == []
    assert conf.stopped == confirming.DECIDED
    assert conf.runner_up == "b"
    assert conf.interval is not None and conf.interval.lo > 1.0
    assert 1.15 < conf.interval.ratio < 1.45
    # decided well before the round limit: the budget was not spent on a settled question
    assert max(calls.values()) < confirming.MAX_ROUNDS


def test_true_tie_is_called_a_tie_naming_both():
    clock = FakeClock()
    budget = Budget(60.0, clock=clock)
    measure, _ = synthetic(clock, {"a": 1.0, "b": 1.0}, cv=0.10, seed=3)
    conf = confirming.confirm("w", ["a", "b"], measure, budget)
    assert conf.is_tie
    assert {conf.winner, *conf.tie_with} == {"a", "b"}
    assert conf.stopped in (confirming.BUDGET_ENDED, confirming.ROUND_LIMIT, confirming.EQUIVALENT)


def test_true_tie_interval_covers_one_in_most_runs():
    """A 95% interval of an equal pair's ratio holds 1 in most runs (not in every one: the leader
    is the lower median, so the ratio leans above 1), and the pair is rarely split: the interval
    is checked after every sweep, so a 95% interval excludes the margin by chance now and then
    (measured: 1 run in 40 here)."""
    covered = split = 0
    for seed in range(40):
        clock = FakeClock()
        measure, _ = synthetic(clock, {"a": 1.0, "b": 1.0}, cv=0.10, seed=seed)
        conf = confirming.confirm("w", ["a", "b"], measure, Budget(60.0, clock=clock))
        assert conf.interval is not None
        split += not conf.is_tie
        covered += conf.interval.lo <= 1.0 <= conf.interval.hi
    assert split <= 2, f"an equal pair was split in {split} of 40 runs"
    assert covered >= 32, f"the interval held 1 in only {covered} of 40 runs"


def test_budget_is_respected_even_with_slow_rounds():
    clock = FakeClock()
    budget = Budget(20.0, clock=clock)
    # cv 20%: six rounds cannot settle the pair, so only the budget ends it
    measure, calls = synthetic(clock, {"a": 3.0, "b": 3.0}, cv=0.2)
    conf = confirming.confirm("w", ["a", "b"], measure, budget, estimates={"a": 3.0, "b": 3.0})
    assert clock.now <= 20.0, "a round started that could not finish within the budget"
    assert conf.stopped == confirming.BUDGET_ENDED and conf.open
    assert sum(calls.values()) >= 2


def test_phase_deadline_is_respected():
    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    measure, _ = synthetic(clock, {"a": 1.0, "b": 1.0})
    confirming.confirm("w", ["a", "b"], measure, budget, deadline=10.0)
    assert clock.now <= 10.0


def test_nothing_measured_when_no_time_left():
    clock = FakeClock()
    budget = Budget(1.0, clock=clock)
    measure, calls = synthetic(clock, {"a": 5.0, "b": 5.0})
    conf = confirming.confirm("w", ["a", "b"], measure, budget, estimates={"a": 5.0, "b": 5.0})
    assert conf.winner is None and conf.stopped == confirming.NOTHING
    assert sum(calls.values()) == 0


def test_deterministic_values_take_one_round_and_equal_is_a_tie():
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    sizes = {"x": 100.0, "y": 130.0, "z": 100.0}
    conf = confirming.confirm("archive", ["y", "x"], lambda c: sizes[c], budget, deterministic=True)
    assert conf.winner == "x" and conf.tie_with == [] and conf.interval.ratio == pytest.approx(1.3)
    assert conf.samples == {"x": [100.0], "y": [130.0]}
    tie = confirming.confirm("archive", ["x", "z"], lambda c: sizes[c], budget, deterministic=True)
    assert tie.is_tie


def test_failing_candidate_is_reported_not_crashing():
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    measure, _ = synthetic(clock, {"a": 1.0, "b": 2.0})

    def flaky(c: str) -> float:
        if c == "bad":
            raise CandidateFailed("cannot read")
        return measure(c)

    conf = confirming.confirm("w", ["a", "bad", "b"], flaky, budget)
    assert conf.failed == {"bad": "cannot read"}
    assert conf.winner == "a"


def test_screen_keeps_close_candidates_and_drops_far_ones():
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    measure, _ = synthetic(clock, {"fast": 1.0, "close": 1.05, "slow": 5.0, "slower": 9.0}, cv=0.01)
    scr = screen_workload("w", ["slow", "fast", "slower", "close"], measure, budget)
    assert scr.finalists[0] == "fast"
    assert set(scr.finalists) == {"fast", "close"}
    assert set(scr.beyond_noise) == {"slow", "slower"}


def test_screen_always_keeps_a_runner_up_and_lists_unscreened():
    finalists, beyond = pick_finalists({"a": [1.0, 1.0], "b": [10.0, 10.0]})
    assert finalists == ["a", "b"] and beyond == []
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    measure, _ = synthetic(clock, {"a": 3.0, "b": 3.0, "c": 3.0})
    scr = screen_workload("w", ["a", "b", "c"], measure, budget, deadline=5.0)
    assert scr.not_screened, "candidates reached after the deadline must be listed"
    assert clock.now < 5.0 + 2 * 3.0 * 1.2


def test_read_workloads_send_a_wide_set_to_full_size():
    """A sample read is mostly fixed costs: the read workloads' band lets near-equal and 2x-apart
    configurations all reach full size (where the Confirmer sorts them), and still drops far ones."""
    from storagebench.decide.screen import pick_per_format
    from storagebench.decide.screen_phase import READ_QUALIFY_BAND, READ_QUALIFY_KEEP

    from storagebench.decide.configs import Configuration, FileConfig

    def cfg(name: str) -> Configuration:  # one format, so only the band and the cap decide
        return Configuration(FileConfig("parquet", name, "pyarrow"), "pyarrow")

    samples = {cfg(f"c{i}"): [1.0 + 0.05 * i] * 2 for i in range(30)}  # 1.0x .. 2.45x of the best
    samples[cfg("far")] = [2.6, 2.7]
    narrow, _ = pick_finalists(samples)
    wide, beyond = pick_per_format(samples, keep=READ_QUALIFY_KEEP, band=READ_QUALIFY_BAND)
    assert len(narrow) == screening.DEFAULT_KEEP
    assert set(wide) == {cfg(f"c{i}") for i in range(30)} and beyond == [cfg("far")]


def test_read_qualifiers_are_banded_per_format_and_reader():
    """ORC's low fixed cost on a sample must not push Feather out, nor DuckDB's polars: each
    (format, reader) is banded around its own best; a format far behind the best (JSON) and a
    group's far tail stay out; the cap cuts every group's tail first."""
    from storagebench.decide.configs import Configuration, FileConfig
    from storagebench.decide.screen import pick_per_format

    def cfg(fmt: str, comp: str, reader: str = "pyarrow") -> Configuration:
        return Configuration(FileConfig(fmt, comp, "pyarrow"), reader)

    samples = {cfg("orc", "lz4"): [3.4, 3.5], cfg("orc", "zstd"): [3.6, 3.7],
               cfg("feather", "none"): [6.5, 6.9], cfg("feather", "lz4"): [6.8, 7.0],
               cfg("feather", "none", "polars"): [9.5, 9.9], cfg("feather", "zstd"): [17.0, 17.5],
               cfg("json", "none"): [14.0, 15.0]}
    wide, rest = pick_per_format(samples, keep=40, band=1.5)
    assert set(wide) == {cfg("orc", "lz4"), cfg("orc", "zstd"), cfg("feather", "none"), cfg("feather", "lz4"),
                         cfg("feather", "none", "polars")}
    assert set(rest) == {cfg("feather", "zstd"), cfg("json", "none")}
    assert pick_finalists(samples, keep=40, band=1.5)[0].count(cfg("feather", "none", "polars")) == 0, \
        "banded around the overall best, Feather's polars read is cut (the failure this rule fixes)"
    capped, _ = pick_per_format(samples, keep=3, band=1.5)
    assert set(capped) == {cfg("orc", "lz4"), cfg("feather", "none"), cfg("feather", "none", "polars")}, \
        "the cap keeps each (format, reader) group's best first"
    # A reader with a high fixed cost on the sample is banded around its own best, not DuckDB's.
    reads = {cfg("parquet", "none", "duckdb"): [5.8, 6.0], cfg("parquet", "lz4", "duckdb"): [6.1, 6.3],
             cfg("parquet", "none", "polars"): [12.4, 12.8], cfg("parquet", "lz4", "polars"): [12.9, 13.3]}
    wide, _ = pick_per_format(reads, keep=40, band=1.5)
    assert cfg("parquet", "lz4", "polars") in wide and len(wide) == 4
    banded_by_format, _ = pick_per_format(reads, keep=40, band=1.0)
    assert cfg("parquet", "lz4", "polars") in banded_by_format, "within 2x of polars' own best"


def test_ratio_interval_brackets_the_truth():
    rng = np.random.default_rng(0)
    best = rng.normal(1.0, 0.02, 15)
    other = rng.normal(2.0, 0.04, 15)
    iv = ratio_interval(best, other)
    assert 1.9 < iv.lo < 2.0 < iv.hi < 2.1 and iv.excludes_one


@pytest.mark.parametrize("text,seconds", [("5m", 300), ("90s", 90), ("1.5h", 5400), ("300", 300)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5 parsecs", "-1m", "0"])
def test_parse_duration_rejects(text):
    with pytest.raises(StorageBenchInputError, match="budget"):
        parse_duration(text)


def test_too_few_rounds_when_the_budget_ends_is_a_tie_not_a_decision():
    clock = FakeClock()
    budget = Budget(7.0, clock=clock)
    # 1.5x: clear at full rounds, but under the 2x shortcut, so only min_rounds can settle it
    measure, calls = synthetic(clock, {"a": 1.0, "b": 1.5}, cv=0.01)
    conf = confirming.confirm("w", ["a", "b"], measure, budget)
    assert calls["b"] < confirming.MIN_ROUNDS  # the budget ended before b's third round
    assert conf.winner == "a" and conf.tie_with == ["b"] and conf.stopped == confirming.BUDGET_ENDED


def test_finalists_never_measured_stay_in_the_tie():
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    measure, calls = synthetic(clock, {"a": 1.0, "b": 1.0, "c": 1.0}, cv=0.01)
    conf = confirming.confirm("w", ["a", "b", "c"], measure, budget, deadline=1.5,
                              estimates={"a": 1.0, "b": 1.0, "c": 1.0})
    assert calls["a"] == 1 and calls["b"] == 0 and calls["c"] == 0
    assert conf.winner == "a" and set(conf.tie_with) == {"b", "c"} and conf.stopped == confirming.BUDGET_ENDED


# -- the practical-equivalence rule, stable ties, passes, archive -------------------------------
def test_a_win_within_the_equivalence_margin_is_a_tie():
    """A 2% difference measured precisely (interval excludes 1) is still a tie in practice."""
    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    measure, _ = synthetic(clock, {"a": 1.0, "b": 1.02}, cv=0.005)
    conf = confirming.confirm("w", ["a", "b"], measure, budget)
    assert conf.winner == "a" and conf.tie_with == ["b"]
    assert conf.interval.lo > 1.0, "the interval excludes 1: a plain CI rule would have declared a winner"
    assert conf.interval.hi < 1.0 + confirming.EQUIVALENCE
    assert conf.stopped == confirming.EQUIVALENT and not conf.open


def test_a_win_beyond_the_margin_is_decided():
    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    measure, _ = synthetic(clock, {"a": 1.0, "b": 1.12, "c": 1.5}, cv=0.02)
    conf = confirming.confirm("w", ["c", "b", "a"], measure, budget)
    assert conf.winner == "a" and conf.tie_with == [] and conf.stopped == confirming.DECIDED
    assert conf.beaten["b"].lo > 1.0 + confirming.EQUIVALENCE


def test_a_gross_loser_is_dropped_before_min_rounds():
    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    measure, calls = synthetic(clock, {"a": 1.0, "b": 1.1, "slow": 8.0}, cv=0.01)
    conf = confirming.confirm("w", ["a", "b", "slow"], measure, budget)
    assert calls["slow"] == confirming.GROSS_ROUNDS and "slow" in conf.beaten


def test_a_finalist_that_does_not_fit_does_not_stop_the_others():
    """Its estimate (a full-size write) exceeds the time left: it is skipped, not the end of the
    pass; the others are measured and decided, and it stays in the tie, unmeasured."""
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    measure, calls = synthetic(clock, {"a": 1.0, "b": 1.5, "huge": 1.0}, cv=0.01)
    conf = confirming.confirm("w", ["huge", "a", "b"], measure, budget, estimates={"huge": 500.0})
    assert calls["huge"] == 0 and calls["a"] >= confirming.MIN_ROUNDS and calls["b"] >= confirming.GROSS_ROUNDS
    assert conf.winner == "a" and "b" in conf.beaten and conf.tie_with == ["huge"]
    assert conf.stopped == confirming.BUDGET_ENDED


def test_a_gross_loser_stays_beaten_when_the_leader_has_a_slow_round():
    """Gross is judged against any finalist: the leader here has one slow (warm-up) round, so
    against the leader alone the loser would be reopened and need min_rounds again."""
    confirmer = confirming.Confirmer("w", ["lead", "steady", "slow"], lambda c: 0.0)
    confirmer.result.samples.update({"lead": [1.0, 1.0, 2.0], "steady": [1.3, 1.3, 1.3], "slow": [2.7, 2.8, 2.9]})
    confirmer.sweeps.update({c: [1, 2, 3] for c in ("lead", "steady", "slow")})
    lead, status, _ = confirmer.classify()
    assert lead == "lead" and status["slow"] == confirming.BEATEN
    assert status["steady"] == confirming.OPEN  # near the leader: only intervals may settle it


def test_a_gross_loser_is_beaten_despite_the_others_spikes():
    """The others' slowest rounds grow with their rounds (spikes); the 2x rule compares rounds of
    the same sweep, so a spike outside the sweeps the finalist ran in does not keep a finalist
    2.5x behind open when time ends."""
    confirmer = confirming.Confirmer("w", ["lead", "slow"], lambda c: 0.0)
    confirmer.result.samples.update({"lead": [1.0] * 20 + [5.0], "slow": [2.5, 2.6, 2.7]})
    confirmer.sweeps.update({"lead": list(range(1, 22)), "slow": [1, 2, 3]})
    _, status, _ = confirmer.classify()
    assert status["slow"] == confirming.BEATEN


def test_a_burst_that_slows_a_whole_sweep_does_not_make_a_gross_loser():
    """Two rounds of a finalist fell in a burst of load that slowed the other finalist's rounds of
    the same sweeps as well: 90 ms against a quiet median of 27 ms is over 2x, but against the
    rounds beside it (60 ms) it is 1.5x; it stays open for the interval rule."""
    confirmer = confirming.Confirmer("w", ["quiet", "burst"], lambda c: 0.0)
    confirmer.result.samples.update({"quiet": [0.060, 0.061] + [0.027] * 6, "burst": [0.090, 0.091]})
    confirmer.sweeps.update({"quiet": list(range(1, 9)), "burst": [1, 2]})
    assert min(confirmer.result.samples["burst"]) > confirming.GROSS * 0.027, "the unpaired rule would drop it"
    _, status, _ = confirmer.classify()
    assert status["burst"] == confirming.OPEN and "burst" not in confirmer.result.beaten_by
    # the same two rounds beside quiet rounds of the other are a gross loss
    confirmer.result.samples["quiet"] = [0.027] * 8
    _, status, _ = confirmer.classify()
    assert status["burst"] == confirming.BEATEN and confirmer.result.beaten_by["burst"][2] == "2x"


def test_beaten_stays_beaten_when_a_new_leader_had_slow_early_rounds():
    """Re-judged from old rounds against a new leader whose early rounds were its slowest, a
    finalist clearly beaten by the old leader would look open again (and end in the tie)."""
    confirmer = confirming.Confirmer("w", ["old", "new", "loser"], lambda c: 0.0)
    samples, sweeps = confirmer.result.samples, confirmer.sweeps
    samples.update({"old": [1.0] * 8, "loser": [1.3] * 8})
    sweeps.update({"old": list(range(1, 9)), "loser": list(range(1, 9))})
    lead, status, _ = confirmer.classify()
    assert lead == "old" and status["loser"] == confirming.BEATEN
    samples["new"] = [2.0] * 8 + [0.8] * 30  # slow while the loser ran, fast afterwards
    sweeps["new"] = list(range(1, 39))
    assert confirmer.interval("new", "loser").lo < 1.0, "from the shared sweeps alone it would reopen"
    lead, status, _ = confirmer.classify()
    assert lead == "new" and status["loser"] == confirming.BEATEN
    assert confirmer.result.beaten_by["loser"][0] == "old"


@pytest.mark.parametrize("order", [["a", "b", "c", "d"], ["d", "c", "b", "a"], ["c", "a", "d", "b"]])
def test_same_tie_set_in_the_same_order_whatever_order_finalists_arrive(order):
    """Three equal finalists and one clear loser: the tie lists the equal ones in label order."""
    clock = FakeClock()
    budget = Budget(10_000.0, clock=clock)
    measure, _ = synthetic(clock, {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.4}, cv=0.01, seed=5)
    conf = confirming.confirm("w", order, measure, budget)
    tie = sorted([conf.winner, *conf.tie_with])
    assert tie == ["a", "b", "c"] and "d" in conf.beaten
    assert conf.tie_with == sorted(conf.tie_with)


def test_two_noisy_runs_agree():
    """Same truth, different noise (seeds): a clear winner and an equal pair come out the same."""
    outcomes = set()
    for seed in range(6):
        clock = FakeClock()
        budget = Budget(400.0, clock=clock)
        measure, _ = synthetic(clock, {"x": 1.0, "y": 1.0, "z": 1.6}, cv=0.08, seed=seed)
        conf = confirming.confirm("w", ["x", "y", "z"], measure, budget, max_rounds=60)
        outcomes.add((frozenset([conf.winner, *conf.tie_with]), frozenset(conf.beaten)))
    assert outcomes == {(frozenset({"x", "y"}), frozenset({"z"}))}


def test_leftover_budget_goes_to_open_decisions():
    """A second run() of the same Confirmer adds rounds to the open pair and settles it."""
    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    measure, calls = synthetic(clock, {"a": 1.0, "b": 1.0}, cv=0.03, seed=2)
    confirmer = confirming.Confirmer("w", ["a", "b"], measure)
    first = confirmer.run(budget, deadline=clock.now + 6.5, max_rounds=confirming.MIN_ROUNDS)
    assert confirmer.open and first.stopped in (confirming.BUDGET_ENDED, confirming.ROUND_LIMIT)
    rounds_before = dict(calls)
    second = confirmer.run(budget, deadline=clock.now + 200, max_rounds=60)
    assert calls["a"] > rounds_before["a"] and calls["b"] > rounds_before["b"]
    assert not confirmer.open and second.stopped == confirming.EQUIVALENT
    assert len(second.samples["a"]) == calls["a"], "the first pass's rounds were kept"


def test_confirm_target_passes_give_leftover_to_open_workloads():
    """The runner's later passes: a settled workload gets no more rounds, an open one does."""
    from storagebench.decide import confirm_phase

    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    settled_measure, settled_calls = synthetic(clock, {"a": 1.0, "b": 3.0}, cv=0.01, seed=1)
    open_measure, open_calls = synthetic(clock, {"p": 1.0, "q": 1.0}, cv=0.03, seed=2)
    settled = confirming.Confirmer("settled", ["a", "b"], settled_measure)
    still = confirming.Confirmer("open", ["p", "q"], open_measure)
    for c in (settled, still):
        c.run(budget, max_rounds=confirm_phase.FIRST_PASS_ROUNDS)
    before_settled, before_open = dict(settled_calls), dict(open_calls)
    confirm_phase.later_passes([settled, still], budget, clock.now + 300)
    assert settled_calls == before_settled
    assert sum(open_calls.values()) > sum(before_open.values()) and not still.open


def test_archive_is_decided_on_exact_bytes_for_every_finalist():
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    sizes = {"orc": 15_523_400.0, "parquet": 14_329_012.0, "feather": 30_000_000.0, "csv": 20_000_000.0}
    conf = confirming.confirm("archive", ["orc", "csv", "parquet", "feather"], lambda c: sizes[c], budget,
                              deterministic=True)
    assert all(len(v) == 1 for v in conf.samples.values()), "every finalist written once"
    assert conf.winner == "parquet" and conf.tie_with == [] and conf.stopped == confirming.EXACT
    assert conf.interval.ratio == pytest.approx(15_523_400 / 14_329_012)


# -- comparing two runs (decide-compare) -------------------------------------------------------
def _decision(lines):
    return {"workloads": [{"workload": w, "target": "local", "winner": win, "tie_with": tie, "ratio": None,
                           "ci": None, "skipped": skip} for w, win, tie, skip in lines]}


def test_compare_same_winner_same_tie_in_any_order_and_differences():
    from storagebench.decide.compare import DIFFER, NOT_DECIDED, SAME_TIE, SAME_WINNER, compare

    a = _decision([("archive", "p", [], None), ("full-export", "x", ["y", "z"], None), ("q", "m", [], None),
                   ("lookup", None, [], "no key")])
    b = _decision([("archive", "p", [], None), ("full-export", "z", ["x", "y"], None), ("q", "m", ["n"], None),
                   ("lookup", None, [], "no key")])
    verdicts = {r.workload: r.verdict for r in compare(a, b)}
    assert verdicts == {"archive": SAME_WINNER, "full-export": SAME_TIE, "q": DIFFER, "lookup": NOT_DECIDED}


def test_compare_cli_exit_status_and_bad_input(tmp_path, capsys):
    import json

    from storagebench.cli import main

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "decision.json").write_text(json.dumps(_decision([("archive", "p", [], None)])))
    (b / "decision.json").write_text(json.dumps(_decision([("archive", "p", [], None)])))
    assert main(["decide-compare", str(a), str(b)]) == 0
    assert "1 of 1 lines decided in both runs agree" in capsys.readouterr().out
    (b / "decision.json").write_text(json.dumps(_decision([("archive", "o", [], None)])))
    assert main(["decide-compare", str(a), str(b)]) == 1
    assert main(["decide-compare", str(a), str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "decision file not found" in err[0]
    (b / "decision.json").write_text("{}")
    assert main(["decide-compare", str(a), str(b)]) == 2
    assert "not a decide decision" in capsys.readouterr().err


def test_a_workload_nothing_fitted_in_the_first_pass_is_reached_by_a_later_pass():
    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    measure, calls = synthetic(clock, {"a": 5.0, "b": 5.0}, cv=0.01)
    confirmer = confirming.Confirmer("w", ["a", "b"], measure, estimates={"a": 5.0, "b": 5.0})
    first = confirmer.run(budget, deadline=clock.now + 1.0, max_rounds=confirming.MIN_ROUNDS)
    assert first.winner is None and sum(calls.values()) == 0 and confirmer.open
    second = confirmer.run(budget, deadline=clock.now + 500.0, max_rounds=10)
    assert second.winner is not None and calls["a"] >= confirming.MIN_ROUNDS


# -- paired intervals, archive order, the lookup's layout (stability of two runs) ---------------
def test_paired_interval_cancels_a_slow_spell_shared_by_a_sweep():
    """Rounds of one sweep share the machine's state: pairing cancels it, resampling each side
    independently cannot, and only the paired interval settles a true 10% gap."""
    from storagebench.decide.stats import paired_ratio_interval

    rng = np.random.default_rng(7)
    spell = rng.lognormal(0.0, 0.30, 40)  # per sweep: load, frequency, page cache
    best = spell * 1.00 * rng.lognormal(0.0, 0.02, 40)
    other = spell * 1.10 * rng.lognormal(0.0, 0.02, 40)
    paired = paired_ratio_interval(best, other)
    unpaired = ratio_interval(best, other)
    assert 1.05 < paired.lo < 1.10 < paired.hi < 1.15
    assert unpaired.lo < 1.05 < unpaired.hi
    assert paired.hi - paired.lo < (unpaired.hi - unpaired.lo) / 3


def test_paired_interval_is_wider_for_few_rounds():
    """The expansion for small n: the same spread over 6 pairs gives a wider interval than over 60."""
    from storagebench.decide.stats import paired_ratio_interval

    ratios = np.array([1.00, 1.08, 1.12, 0.97, 1.05, 1.10])
    few = paired_ratio_interval(np.ones(6), ratios)
    many = paired_ratio_interval(np.ones(60), np.tile(ratios, 10))
    assert few.hi - few.lo > 2 * (many.hi - many.lo)
    assert few.lo < 1.0 < few.hi


def test_confirmer_pairs_rounds_of_the_same_sweep():
    clock = FakeClock()
    budget = Budget(1000.0, clock=clock)
    measure, _ = synthetic(clock, {"a": 1.0, "b": 1.2}, cv=0.02, seed=4)
    confirmer = confirming.Confirmer("w", ["a", "b"], measure)
    conf = confirmer.run(budget, max_rounds=10)
    assert confirmer.sweeps["a"] == confirmer.sweeps["b"] == list(range(1, len(conf.samples["a"]) + 1))
    assert conf.winner == "a" and "b" in conf.beaten
    assert conf.intervals["b"] == confirmer.interval("a", "b")


def test_archive_writes_the_cheapest_estimates_first_when_time_is_short():
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    order: list[str] = []
    cost = {"slow": 50.0, "mid": 8.0, "cheap": 1.0}

    def write(c: str) -> float:
        order.append(c)
        clock.now += cost[c]
        return {"slow": 10.0, "mid": 12.0, "cheap": 20.0}[c]

    conf = confirming.confirm("archive", ["slow", "mid", "cheap"], write, budget, deadline=20.0,
                              estimates=cost, deterministic=True)
    assert order == ["cheap", "mid"], "the slow write did not fit and was not started"
    assert conf.winner == "mid" and conf.tie_with == ["slow"]  # unwritten: never beaten
    assert conf.stopped == confirming.BUDGET_ENDED


def test_point_lookup_layout_is_a_fixed_choice_among_the_filter_contenders():
    from storagebench.decide.configs import Configuration, FileConfig
    from storagebench.decide.lookup import FALLBACK_LAYOUT, best_layout

    p_zstd = Configuration(FileConfig("parquet", "zstd", "pyarrow"), "polars")
    p_lz4 = Configuration(FileConfig("parquet", "lz4", "duckdb"), "polars")
    csv = Configuration(FileConfig("csv", "none", "pyarrow"), "pyarrow")
    reference = Configuration(FileConfig("parquet", "snappy", "pyarrow"), "polars")  # default compression, first writer
    assert best_layout([p_zstd, csv, p_lz4]) == reference
    assert best_layout([p_lz4]) == best_layout([p_zstd]) == reference  # whichever variant led the filter
    assert best_layout([p_lz4, p_zstd], excluded={reference.label}) == p_lz4  # dropped by fidelity: the contender
    assert best_layout([csv]) == FALLBACK_LAYOUT  # no row groups to prune
    assert best_layout([]) == FALLBACK_LAYOUT


def test_read_write_limit_projects_the_sample_write_linearly():
    """A 1,000-row probe slowed by warm-up flattens the fitted slope (the fitted estimate of an
    Avro write then came under the limit in one run, and its never-measured finalists sat in the
    tie); the limit uses the sample write scaled by rows, which does not depend on the probe."""
    from types import SimpleNamespace

    from storagebench.decide.bench import write_estimate
    from storagebench.decide.configs import FileConfig
    from storagebench.decide.screen_phase import READ_WRITE_LIMIT, AffordableFiles

    avro, gzip_csv = FileConfig("avro", "none", "fastavro"), FileConfig("csv", "gzip", "pyarrow")
    sample_write = {avro: 0.43, gzip_csv: 0.20}
    bench = SimpleNamespace(
        tables={"sample": SimpleNamespace(num_rows=10_000)},
        probe_write={avro: (1_000, 0.35), gzip_csv: (1_000, 0.03)},
        written=lambda fc, size: SimpleNamespace(write_seconds=sample_write[fc]))
    decision = SimpleNamespace(dropped=[])
    run = SimpleNamespace(bench=bench, budget=Budget(300.0), decision=decision,
                          dataset=SimpleNamespace(rows=600_000))
    affordable = AffordableFiles(run)
    assert write_estimate(bench, avro, 60.0) < READ_WRITE_LIMIT * 300, "the fitted estimate would let it through"
    assert not affordable(avro) and affordable(gzip_csv)
    assert affordable(avro) is False and len(decision.dropped) == 1, "listed once"
    assert decision.dropped[0]["configuration"] == "avro/none/fastavro (read workloads)"
    assert "26 s" in decision.dropped[0]["reason"]



def test_method_names_the_read_set_only_when_screening_chose_one():
    from storagebench.decide.model import Decision
    from storagebench.decide.runner import _method

    decision = Decision(dataset={}, targets=["local"], budget_s=300.0)
    assert any("no read set chosen, screening did not run" in m for m in _method(decision, 1_000))
    decision.read_finalists = "narrow"
    text = " ".join(_method(decision, 1_000))
    assert "this run: narrow set" in text and "wide set" not in text


def test_compare_prints_the_machine_under_each_run(tmp_path, capsys):
    import json

    from storagebench.cli import main

    quiet = {"wall_s": 200.0, "other_cpu_share": 0.01, "steal_share": 0.0,
             "load_avg_1min_start": 0.1, "load_avg_1min_end": 1.1}
    busy = {**quiet, "other_cpu_share": 0.45, "steal_share": 0.125}
    for name, cond in (("a", quiet), ("b", busy)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "decision.json").write_text(json.dumps({**_decision([("archive", "p", [], None)]),
                                                                   "conditions": cond}))
    assert main(["decide-compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "machine during A: other processes 1% of CPU, hypervisor steal 0.0%" in out
    assert "machine during B: other processes 45% of CPU, hypervisor steal 12.5%" in out


def test_run_conditions_separate_other_processes_from_this_one_and_the_host(monkeypatch):
    """Machine busy time minus this process's is the others'; steal is the host's, apart."""
    from types import SimpleNamespace

    import psutil

    from storagebench import environment

    from collections import namedtuple

    times = namedtuple("scputimes", "user nice system idle iowait irq softirq steal guest guest_nice")

    def machine(user, system, idle, steal):
        return times(user, 0.0, system, idle, 0.0, 0.0, 0.0, steal, 0.0, 0.0)

    def own(user, system):
        return SimpleNamespace(user=user, system=system, children_user=0.0, children_system=0.0)

    readings = iter([(0.0, machine(100.0, 20.0, 500.0, 5.0), own(1.0, 0.5), (0.5, 0, 0)),
                     (10.0, machine(112.0, 22.0, 505.0, 7.0), own(8.0, 1.5), (1.5, 0, 0))])
    state: dict = {}

    def advance():
        state["t"], state["m"], state["own"], state["load"] = next(readings)

    advance()
    monkeypatch.setattr(environment.time, "monotonic", lambda: state["t"])
    monkeypatch.setattr(psutil, "cpu_times", lambda: state["m"])
    monkeypatch.setattr(psutil, "cpu_count", lambda: 2)
    monkeypatch.setattr(psutil, "Process", lambda: SimpleNamespace(cpu_times=lambda: state["own"]))
    monkeypatch.setattr(environment.os, "getloadavg", lambda: state["load"])
    conditions = environment.RunConditions()
    advance()
    c = conditions.finish()
    # 10 s on 2 CPUs = 20 CPU-s; the machine was busy 14 s, this process 8 s of it -> 6 s others
    assert c["other_cpu_share"] == pytest.approx(6.0 / 20.0)
    assert c["steal_share"] == pytest.approx(2.0 / 20.0)
    assert (c["load_avg_1min_start"], c["load_avg_1min_end"]) == (0.5, 1.5)


def test_an_estimate_is_asked_again_so_a_file_written_since_costs_nothing():
    """A finalist's first-round estimate included writing its file (25 s, more than a later pass
    has); once another finalist of the same file wrote it, the estimate drops to the read alone
    and the finalist is measured instead of staying in the tie unmeasured."""
    clock = FakeClock()
    budget = Budget(100.0, clock=clock)
    measure, calls = synthetic(clock, {"a": 1.0, "b": 1.2, "sibling": 1.1}, cv=0.01)
    written = {"file": False}

    def measure_and_write(c: str) -> float:
        written["file"] = written["file"] or c == "a"  # "a" and "sibling" read the same file
        return measure(c)

    def estimate(c: str) -> float:
        return 1.1 + (0.0 if written["file"] else 25.0) if c == "sibling" else 1.0

    confirmer = confirming.Confirmer("w", ["a", "b", "sibling"], measure_and_write, estimate)
    confirmer.run(budget, deadline=10.0, max_rounds=3)
    assert calls["sibling"] >= 1, "measured once its file existed"
    frozen = confirming.Confirmer("w", ["a", "b", "sibling"], measure_and_write,
                                  {"a": 1.0, "b": 1.0, "sibling": 26.1})
    clock.now, written["file"] = 0.0, False
    calls["sibling"] = 0
    frozen.run(Budget(100.0, clock=clock), deadline=10.0, max_rounds=3)
    assert calls["sibling"] == 0, "a fixed estimate never fits the pass: the case this guards against"
