"""Noise: how far each timing can be trusted.  Every case's coefficient of variation (stddev /
mean over its rounds) is computed; cases above 10% are listed here and flagged wherever their
figures appear, and a recommendation whose winner is inside a runner-up's interquartile range
is called a tie."""

from __future__ import annotations

from storagebench.report import fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Table, Text
from storagebench.report.sections import section
from storagebench.report.tidy import NOISY_CV


@section("noise", "Noise", order=90)
def build(ctx: ReportContext) -> list[Block] | None:
    m = ctx.measured
    if m.empty or "cv" not in m.columns:
        return None
    noisy = m[m["noisy"] == True]  # noqa: E712 (pandas mask)
    rounds = sorted({int(r) for r in m["rounds"].dropna()})
    blocks: list[Block] = [Text(
        f"{len(m)} timed cases, rounds per case: {', '.join(map(str, rounds))}. "
        f"{len(noisy)} ({fmt.percent(len(noisy) / len(m))}) have CV > {fmt.percent(NOISY_CV)} and are "
        "flagged \u26a0. Medians are reported because they resist single slow rounds; more rounds "
        "(`--profile standard`) narrow the spread.", kind="warn" if len(noisy) else "p")]
    if not noisy.empty:
        rows = [[f"`{r['case']}`", r.get("suite"), fmt.seconds(r["time_median"]), fmt.seconds(r["time_q1"]),
                 fmt.seconds(r["time_q3"]), fmt.count(r["rounds"]), fmt.cv(r["cv"])]
                for _, r in noisy.sort_values("cv", ascending=False).iterrows()]
        blocks.append(Table("Noisy cases (CV > 10%), noisiest first",
                            ["case", "suite", "median", "q1", "q3", "n", "CV"], rows, key="noise"))
    return blocks
