"""``storagebench setup``: install what the suite runs outside Python (the dynalite Node backend).

A setup step, run once by the user or CI, so that no test or benchmark run ever installs
anything or writes into the source tree.  Node packages come from the lock file shipped in
``storagebench/data/node/`` and go to a per-user folder (``--node-dir`` or
``$STORAGEBENCH_NODE_DIR``; default ``~/.cache/storagebench/node``).  Without Node.js the
DynamoDB suite still runs on moto; dynalite cases are then recorded as skipped with this hint.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storagebench.dynamodb.backends import dynalite
from storagebench.dynamodb.errors import BackendStartError, BackendUnavailable


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("setup", help="install the dynalite Node backend (npm ci into a per-user folder)")
    p.add_argument("--node-dir", metavar="DIR", type=Path, default=None,
                   help="where to install Node packages (default: $STORAGEBENCH_NODE_DIR or "
                        "~/.cache/storagebench/node); point $STORAGEBENCH_NODE_DIR at it for later runs")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                   help="bound on `npm ci` (default 300)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    node_dir = args.node_dir or dynalite.default_node_dir()
    try:
        cli = dynalite.install(node_dir, timeout=args.timeout)
    except BackendUnavailable as exc:
        # Optional backend: say what is missing and carry on (the suite records the skip).
        print(f"storagebench setup: dynalite not installed: {exc}", file=sys.stderr)
        return 0
    except BackendStartError as exc:
        print(f"storagebench setup: error: {exc}", file=sys.stderr)
        return 1
    print(f"storagebench setup: dynalite ready in {cli.parents[2]}")
    return 0
