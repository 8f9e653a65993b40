"""Comparing two runs case by case: ratio of medians, with changes inside the noise marked.

Cases are matched by pytest-benchmark ``fullname`` (test + parameter id).  A change is called
*within noise* when the two interquartile ranges overlap: this run could not tell the two apart.
Cases present in only one run are listed, not dropped.

A ratio only means something when the two runs measured the same thing the same way: two runs
with no case in common are refused, and :func:`differences` lists what differs between them
(rows per dataset, profile, rounds, seed, machine, library versions) so the comparison can warn
on its first line ("faster" between a 5,000-row and a 500-row run is about the data, not the
code)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storagebench.report import fmt
from storagebench.report.loading import ReportInputError, Run, load_run
from storagebench.report.metrics import iqr_overlap
from storagebench.report.model import Table


@dataclass
class Comparison:
    a: Run
    b: Run
    table: Table
    only_a: list[str]
    only_b: list[str]
    warnings: list[str]


def compare_runs(path_a: str | Path, path_b: str | Path) -> Comparison:
    a, b = load_run(path_a), load_run(path_b)
    ia = {x["fullname"]: x for x in a.benchmarks}
    ib = {x["fullname"]: x for x in b.benchmarks}
    common = sorted(set(ia) & set(ib))
    if not common:
        raise ReportInputError(
            f"{a.path.name} ({len(ia)} cases) and {b.path.name} ({len(ib)} cases) have no case in common: "
            "compare two runs of the same suites and selection")
    rows = []
    for name in common:
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
    return Comparison(a, b, table, sorted(set(ia) - set(ib)), sorted(set(ib) - set(ia)), differences(a, b))


def _machine(run: Run) -> dict[str, object]:
    info = run.raw.get("machine_info") or {}
    cpu = info.get("cpu") or {}
    own = run.suite.get("machine") or {}
    return {"host": info.get("node"), "cpu": cpu.get("brand_raw") if isinstance(cpu, dict) else None,
            "cores": own.get("cpu_count"), "memory": own.get("memory_bytes"), "python": info.get("python_version"),
            "platform": own.get("platform")}


def _rows(run: Run) -> dict[str, object]:
    return {name: d.get("rows") for name, d in (run.suite.get("datasets") or {}).items()}


def differences(a: Run, b: Run) -> list[str]:
    """What differs between the runs' setups, one phrase each (empty when they match)."""
    out = []
    for key in ("profile", "rounds", "seed"):
        va, vb = a.suite.get(key), b.suite.get(key)
        if va != vb:
            out.append(f"{key} {va} vs {vb}")
    ra, rb = _rows(a), _rows(b)
    changed = sorted(n for n in set(ra) & set(rb) if ra[n] != rb[n])
    if changed:
        out.append("rows " + ", ".join(f"{n} {ra[n]:,} vs {rb[n]:,}" if isinstance(ra[n], int)
                                       and isinstance(rb[n], int) else f"{n} {ra[n]} vs {rb[n]}"
                                       for n in changed[:4]))
    elif not ra and not rb and a.suite.get("rows") != b.suite.get("rows"):
        out.append(f"rows {a.suite.get('rows')} vs {b.suite.get('rows')}")
    ma, mb = _machine(a), _machine(b)
    moved = [k for k in ma if ma[k] != mb[k]]
    if moved:
        out.append("machine (" + ", ".join(f"{k} {ma[k]} vs {mb[k]}" for k in moved[:3]) + ")")
    va, vb = a.suite.get("versions") or {}, b.suite.get("versions") or {}
    libs = sorted(k for k in set(va) | set(vb) if va.get(k) != vb.get(k))
    if libs:
        out.append("library versions (" + ", ".join(f"{k} {va.get(k)} vs {vb.get(k)}" for k in libs[:5]) + ")")
    return out


def warning_line(c: Comparison) -> str | None:
    """The comparison's first line when the runs differ in setup, else None."""
    if not c.warnings:
        return None
    return ("WARNING: these runs differ in " + "; ".join(c.warnings)
            + ": a ratio below may reflect that difference, not a change in speed")


def compare_markdown(c: Comparison) -> str:
    from storagebench.report.render import markdown
    from storagebench.report.model import SectionOutput, Text

    warning = warning_line(c)
    blocks = ([Text(f"**{warning}**")] if warning else []) + [c.table]
    if c.only_a:
        blocks.append(Text(f"Only in A ({len(c.only_a)}): " + ", ".join(f"`{n}`" for n in c.only_a)))
    if c.only_b:
        blocks.append(Text(f"Only in B ({len(c.only_b)}): " + ", ".join(f"`{n}`" for n in c.only_b)))
    return markdown("storagebench compare", [f"A: `{c.a.path}`", f"B: `{c.b.path}`"],
                    [SectionOutput("compare", "Per-case comparison", blocks)])
