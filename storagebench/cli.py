"""``storagebench`` command line.  Subcommands are modules found through ``_COMMAND_MODULES``:
each exposes ``register(subparsers)`` that adds its parser and sets ``handler``.  Adding a
subcommand is one module plus one line here.

User errors (unknown names, bad files, unreachable endpoints) print one clear line and exit 2;
they never show a traceback from inside a library.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from formats.base import StorageBenchInputError

_COMMAND_MODULES = (
    "storagebench.commands.run",
    "storagebench.commands.list",
    "storagebench.commands.report",
    "storagebench.commands.compare",
    "storagebench.commands.setup",
    "storagebench.commands.decide",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is ONE line naming the option (no usage block): the
    same shape as every other user error.  ``--help`` still shows the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="storagebench",
        description="Measure storage formats and access patterns; read the report; choose.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in _COMMAND_MODULES:
        importlib.import_module(module).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if argv is None and getattr(args, "retain_allocators", False):
        # A measuring command run as a program restarts once with allocators that keep freed
        # memory (storagebench.allocators says why).  Called with argv (tests, other Python code),
        # the process is not ours to restart.
        from storagebench import allocators

        allocators.restart_if_needed()
    try:
        return int(args.handler(args) or 0)
    except StorageBenchInputError as exc:
        print(f"storagebench: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("storagebench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
