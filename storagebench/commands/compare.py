"""``storagebench compare A.json B.json``: per-case ratio of medians, changes inside the noise
(overlapping interquartile ranges) marked as such.  Runs with no case in common are refused;
runs whose setup differs (rows, profile, machine, library versions) get a warning as the first
line."""

from __future__ import annotations

import argparse
from pathlib import Path

from storagebench.report.compare import compare_markdown, compare_runs, warning_line


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("compare", help="compare two runs case by case")
    p.add_argument("a", metavar="A.json", help="baseline run")
    p.add_argument("b", metavar="B.json", help="run to compare with the baseline")
    p.add_argument("--out", metavar="FILE.md", help="also write the comparison as Markdown")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table as RichTable

    c = compare_runs(args.a, args.b)  # refuses runs with no case in common
    console = Console()
    warning = warning_line(c)
    if warning:  # first line, loud: the ratios may be about the setup, not the code
        console.print(warning, style="bold red", markup=False, highlight=False)
    table = RichTable(title=c.table.title)
    for col in c.table.columns:
        table.add_column(col)
    styles = {"slower": "red", "faster": "green", "within noise": "dim"}
    for row in c.table.rows:
        table.add_row(*[str(x) for x in row], style=styles.get(row[-1]))
    console.print(table)
    for note in c.table.notes:
        console.print(note)
    if c.only_a:
        console.print(f"only in A: {len(c.only_a)} case(s)")
    if c.only_b:
        console.print(f"only in B: {len(c.only_b)} case(s)")
    if args.out:
        Path(args.out).write_text(compare_markdown(c), encoding="utf-8")
        print(args.out)
    return 0
