"""``storagebench list``: what this machine can measure (formats, engines, codecs, datasets,
profiles), with the reason for anything unavailable."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table

import formats
from storagebench.datasets import generators
from storagebench.profiles import PROFILES


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("list", help="formats, engines, compressions and datasets available here")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Piped output (files, CI logs) gets a wide table instead of rich's 80 columns with "…".
    console = Console(width=None if sys.stdout.isatty() else 200)
    table = Table(title="Formats")
    for col in ("format", "engine", "writes", "reads", "compressions", "predicate", "status"):
        table.add_column(col)
    for codec in formats.all_codecs():
        for engine in codec.engines.values():
            missing = engine.missing_requirement()
            table.add_row(codec.name, engine.name, "yes" if engine.can_write else "-",
                          "yes" if engine.can_read else "-", ", ".join(engine.write_compressions) or "-",
                          engine.predicate if engine.can_read else "-", missing or "available")
    console.print(table)
    ds = Table(title="Datasets (or --dataset PATH for your own file)")
    ds.add_column("name")
    ds.add_column("what")
    for gen in generators():
        ds.add_row(gen.name, gen.description)
    console.print(ds)
    prof = Table(title="Profiles")
    prof.add_column("name")
    prof.add_column("what")
    for p in PROFILES.values():
        prof.add_row(p.name, p.description)
    console.print(prof)
    return 0
