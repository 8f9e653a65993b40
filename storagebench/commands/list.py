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
    _print_other_suites(console)
    prof = Table(title="Profiles")
    prof.add_column("name")
    prof.add_column("what")
    for p in PROFILES.values():
        prof.add_row(p.name, p.description)
    console.print(prof)
    return 0


def _print_other_suites(console: Console) -> None:
    """Benchmark suites, S3 clients and DynamoDB backends/patterns (each from its own registry)."""
    from storagebench.commands.run import suite_names
    from storagebench.dynamodb.backends import backend_names, get_backend
    from storagebench.dynamodb.patterns import all_patterns
    from storagebench.s3.clients import CLIENTS

    suites = Table(title="Benchmark suites (storagebench run --suites ...)")
    suites.add_column("suite")
    suites.add_column("module")
    for name in suite_names():
        suites.add_row(name, f"benchmarks/test_{name}.py")
    console.print(suites)
    s3 = Table(title="S3 clients (--s3-clients; embedded moto server by default)")
    s3.add_column("client")
    s3.add_column("what")
    for client in CLIENTS.values():
        s3.add_row(client.name, client.description)
    console.print(s3)
    ddb = Table(title="DynamoDB backends (--ddb-backends) and access patterns (--ddb-patterns)")
    ddb.add_column("kind")
    ddb.add_column("name")
    ddb.add_column("what")
    for name in backend_names():
        spec = get_backend(name)
        ddb.add_row("backend", name, spec.description + (" (explicit flag only)" if spec.explicit_only else ""))
    for pattern in all_patterns():
        ddb.add_row("pattern", pattern.name, pattern.description)
    console.print(ddb)
