"""The suite options are defined once (storagebench/suite_options.py): what `storagebench run`
parses, it forwards to pytest as arguments that parse back to the same values."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from storagebench import suite_options
from storagebench.commands import run


def _run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(exit_on_error=False)
    run.register(parser.add_subparsers())
    return parser


def test_run_forwards_every_suite_option_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    given = ["run", "--profile", "standard", "--rows", "123", "--formats", "csv,parquet", "--datasets", "numeric",
             "--dataset", "a.csv", "--dataset", "b.parquet", "--compressions", "none", "--seed", "7",
             "--no-memory", "--keep-files", "kept"]
    args = _run_parser().parse_args(given)
    words = suite_options.forwarded(args)
    pytest_side = argparse.ArgumentParser()
    suite_options.add_to(pytest_side.add_argument)
    back = pytest_side.parse_args(words)
    for option in suite_options.SUITE_OPTIONS:
        expected = getattr(args, option.dest)
        if option.path:  # relative paths are forwarded absolute: pytest may resolve from elsewhere
            expected = [str(tmp_path / p) for p in expected] if isinstance(expected, list) else str(tmp_path / expected)
        assert getattr(back, option.dest) == expected, option.flag


def test_defaults_forward_only_what_pytest_would_default_to_anyway() -> None:
    args = _run_parser().parse_args(["run"])
    assert suite_options.forwarded(args) == ["--profile", "quick", "--seed", "42"]


def test_the_pytest_plugin_takes_the_same_table() -> None:
    import storagebench.pytest_plugin as plugin

    added: list[str] = []

    class Group:
        def addoption(self, flag: str, **kwargs: object) -> None:
            added.append(flag)

    class Parser:
        def getgroup(self, *a: object) -> Group:
            return Group()

    plugin.pytest_addoption(Parser())  # type: ignore[arg-type]
    assert added == [o.flag for o in suite_options.SUITE_OPTIONS]
