"""Do two ``decide`` runs agree?  Compare two ``decision.json`` files workload by workload.

The issue's stability target: two runs on the same data name the same winner for every workload,
or both call it a tie between the same finalists.  Per (workload, target) line this says:

* ``same winner``: both decided, the same configuration;
* ``same tie``: both a tie, the same set of finalists (leader + ``tie_with``; order is ignored,
  since which tied finalist had the lowest median is noise);
* ``differ``: anything else (the two outcomes are shown);
* ``not decided``: skipped in either run (its reason shown); counted apart, not as agreement.

Run::

    python3 -m storagebench decide DATA --out A   # then the same with --out B
    python3 -m storagebench decide-compare A B    # or: python3 -m storagebench.decide.compare A B

Exit status 0 when every line decided in both runs agrees, 1 otherwise (2: a file is missing or
not a decision).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formats.base import StorageBenchInputError
from storagebench import environment

SAME_WINNER, SAME_TIE, DIFFER, NOT_DECIDED = "same winner", "same tie", "differ", "not decided"


@dataclass(frozen=True)
class LineComparison:
    workload: str
    target: str
    verdict: str
    a: str
    b: str

    @property
    def agrees(self) -> bool:
        return self.verdict in (SAME_WINNER, SAME_TIE)


def load(path: str | Path) -> dict[str, Any]:
    """A decision.json (or a directory holding one)."""
    p = Path(path)
    if p.is_dir():
        p = p / "decision.json"
    if not p.is_file():
        raise StorageBenchInputError(f"decision file not found: {p}")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise StorageBenchInputError(f"{p} is not JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("workloads"), list):
        raise StorageBenchInputError(f"{p} is not a decide decision (no 'workloads' list)")
    return data


def outcome(line: dict[str, Any]) -> tuple[str, frozenset[str]] | None:
    """("winner" | "tie", the finalists it names), or None when the line was not decided."""
    if line.get("skipped") or not line.get("winner"):
        return None
    tie = line.get("tie_with") or []
    return ("tie", frozenset([line["winner"], *tie])) if tie else ("winner", frozenset([line["winner"]]))


def _text(o: tuple[str, frozenset[str]] | None, line: dict[str, Any] | None) -> str:
    if line is None:
        return "absent"
    if o is None:
        return f"not decided ({line.get('skipped') or 'no winner'})"
    kind, names = o
    return next(iter(names)) if kind == "winner" else "tie: " + " = ".join(sorted(names))


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[LineComparison]:
    def lines(d: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(w["workload"], w.get("target", "")): w for w in d["workloads"]}

    la, lb = lines(a), lines(b)
    out = []
    for key in list(la) + [k for k in lb if k not in la]:
        wa, wb = la.get(key), lb.get(key)
        oa = outcome(wa) if wa else None
        ob = outcome(wb) if wb else None
        if oa is None or ob is None:
            verdict = NOT_DECIDED
        elif oa == ob:
            verdict = SAME_WINNER if oa[0] == "winner" else SAME_TIE
        else:
            verdict = DIFFER
        out.append(LineComparison(key[0], key[1], verdict, _text(oa, wa), _text(ob, wb)))
    return out


def summary(rows: list[LineComparison]) -> str:
    decided = [r for r in rows if r.verdict != NOT_DECIDED]
    agree = sum(r.agrees for r in decided)
    return (f"{agree} of {len(decided)} lines decided in both runs agree"
            f" ({sum(r.verdict == SAME_WINNER for r in rows)} same winner, "
            f"{sum(r.verdict == SAME_TIE for r in rows)} same tie, {sum(r.verdict == DIFFER for r in rows)} differ); "
            f"{len(rows) - len(decided)} not decided in one or both")


def render(rows: list[LineComparison]) -> str:
    width = max((len(r.workload) for r in rows), default=8)
    out = [f"{'workload':{width}}  target  {'verdict':12}  A | B"]
    for r in rows:
        out.append(f"{r.workload:{width}}  {r.target:6}  {r.verdict:12}  {r.a} | {r.b}")
    out.append(summary(rows))
    return "\n".join(out)


def run(a: str, b: str) -> int:
    da, db = load(a), load(b)
    rows = compare(da, db)
    print(render(rows))
    # The machine under each run: a disagreement between a quiet run and a busy one may be the
    # machine's, not the data's.
    for name, d in (("A", da), ("B", db)):
        if d.get("conditions"):
            print(f"machine during {name}: {environment.conditions_text(d['conditions'])}")
    return 0 if all(r.agrees for r in rows if r.verdict != NOT_DECIDED) else 1


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python3 -m storagebench.decide.compare A B  (decision.json files or their directories)",
              file=sys.stderr)
        return 2
    try:
        return run(*args)
    except StorageBenchInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
