"""``storagebench report [RUN.json ...]``: the decision report (Markdown, HTML, tidy table).

With no run given, the newest ``results/runs/**/*.json`` is used.  ``--data-size`` and
``--queries-per-day`` project monthly costs for the user's own data."""

from __future__ import annotations

import argparse

from storagebench.costs import parse_size
from storagebench.report import ReportOptions, build_report
from storagebench.report.loading import DEFAULT_RUNS_DIR


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("report", help="write results/report.md, report.html and cases.parquet/csv")
    p.add_argument("runs", nargs="*", metavar="RUN.json",
                   help=f"pytest-benchmark JSON run(s); default: the newest in {DEFAULT_RUNS_DIR}/")
    p.add_argument("--out", default="results", metavar="DIR", help="output directory (default: results)")
    p.add_argument("--runs-dir", default=str(DEFAULT_RUNS_DIR), metavar="DIR",
                   help="where to look for the newest run when none is given")
    p.add_argument("--data-size", metavar="SIZE", help="your data size for the cost projection, e.g. 2TB")
    p.add_argument("--data-size-basis", choices=("arrow", "csv"), default="arrow",
                   help="what --data-size measures: in-memory (Arrow) size or CSV size (default arrow)")
    p.add_argument("--queries-per-day", type=float, metavar="N", help="queries per day for the cost projection")
    p.add_argument("--object-size", default="128MB", metavar="SIZE",
                   help="size of the S3 objects the data is split into (default 128MB)")
    p.add_argument("--region", default="us-east-1", help="price-table region (default us-east-1)")
    p.set_defaults(handler=run)


def options_from(args: argparse.Namespace) -> ReportOptions:
    from formats.base import StorageBenchInputError
    from storagebench import prices

    prices.region_prices(args.region)  # unknown region: clear error now, listing the known ones
    if args.queries_per_day is not None and args.queries_per_day < 0:
        raise StorageBenchInputError(f"--queries-per-day must be >= 0, got {args.queries_per_day:g}")
    return ReportOptions(
        data_size_bytes=parse_size(args.data_size) if args.data_size else None,
        data_size_basis=args.data_size_basis, queries_per_day=args.queries_per_day,
        region=args.region, object_size_bytes=parse_size(args.object_size))


def run(args: argparse.Namespace) -> int:
    paths = build_report(args.runs, args.out, options_from(args), runs_dir=args.runs_dir)
    for p in (paths.markdown, paths.html, paths.parquet, paths.csv):
        print(p)
    if paths.charts:
        print(f"{paths.charts[0].parent}/ ({len(paths.charts)} SVG charts for the Markdown)")
    return 0
