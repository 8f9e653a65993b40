"""Comparing two runs case by case: ratio of medians, with changes inside the noise marked.

Cases are matched by pytest-benchmark ``fullname`` (test + parameter id).  A change is called
*within noise* when the two interquartile ranges overlap: this run could not tell the two apart.
Cases present in only one run are listed, not dropped."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storagebench.report import fmt
from storagebench.report.loading import Run, load_run
from storagebench.report.metrics import iqr_overlap
from storagebench.report.model import Table


@dataclass
class Comparison:
    a: Run
    b: Run
    table: Table
    only_a: list[str]
    only_b: list[str]


def compare_runs(path_a: str | Path, path_b: str | Path) -> Comparison:
    a, b = load_run(path_a), load_run(path_b)
    ia = {x["fullname"]: x for x in a.benchmarks}
    ib = {x["fullname"]: x for x in b.benchmarks}
    rows = []
    for name in sorted(set(ia) & set(ib)):
        sa, sb = ia[name]["stats"], ib[name]["stats"]
        ratio = sb["median"] / sa["median"] if sa["median"] else float("nan")
        inside = iqr_overlap(sa["q1"], sa["q3"], sb["q1"], sb["q3"])
        verdict = "within noise" if inside else ("slower" if ratio > 1 else "faster")
        rows.append([ia[name].get("param") or ia[name]["name"], fmt.seconds(sa["median"]),
                     f"{fmt.seconds(sa['q1'])}\u2013{fmt.seconds(sa['q3'])}", fmt.count(sa["rounds"]),
                     fmt.seconds(sb["median"]), f"{fmt.seconds(sb['q1'])}\u2013{fmt.seconds(sb['q3'])}",
                     fmt.count(sb["rounds"]), f"{ratio:.3f}", verdict])
    table = Table(f"{b.path.name} vs {a.path.name} (ratio = B median / A median)",
                  ["case", "A median", "A q1\u2013q3", "A n", "B median", "B q1\u2013q3", "B n", "B/A", "change"],
                  rows, ["within noise: the interquartile ranges overlap, so this pair of runs cannot "
                         "tell the two timings apart."], key="compare")
    return Comparison(a, b, table, sorted(set(ia) - set(ib)), sorted(set(ib) - set(ia)))


def compare_markdown(c: Comparison) -> str:
    from storagebench.report.render import markdown
    from storagebench.report.model import SectionOutput, Text

    blocks = [c.table]
    if c.only_a:
        blocks.append(Text(f"Only in A ({len(c.only_a)}): " + ", ".join(f"`{n}`" for n in c.only_a)))
    if c.only_b:
        blocks.append(Text(f"Only in B ({len(c.only_b)}): " + ", ".join(f"`{n}`" for n in c.only_b)))
    return markdown("storagebench compare", [f"A: `{c.a.path}`", f"B: `{c.b.path}`"],
                    [SectionOutput("compare", "Per-case comparison", blocks)])
