"""pytest at the repository root: ``pytest`` runs the tests, ``pytest --benchmark`` the benchmarks.

The suites' plugins (options such as ``--profile``, ``--rows``, ``--s3-clients``,
``--ddb-sizes``; fixtures; the JSON additions) are loaded here, at the root, so that the same
options work however pytest is started: ``pytest --benchmark``, ``pytest benchmarks/``,
``storagebench run`` (which runs pytest on the packaged suites, ``storagebench/benchmarks/``, of
which ``benchmarks/`` here is a symbolic link).

``pytest --benchmark`` (no paths) runs ``benchmarks/`` in the quick profile unless ``--profile``
says otherwise, keeps the run the way ``storagebench run`` does (storagebench.runfiles: a unique
name in ``--runs-dir``, published only when the run was not interrupted), prints the summary
table and writes the run's report to ``results/reports/<run id>/``.  Plain ``pytest`` still runs
``tests/`` (``testpaths`` in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storagebench.benchmarks import PLUGINS

ROOT = Path(__file__).resolve().parent
_FILES_KEY = "_storagebench_runfiles"

# The same plugin list `storagebench run` loads with -p (storagebench/benchmarks/__init__.py).
pytest_plugins = list(PLUGINS)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("storagebench-run", "storagebench: keep a benchmark run")
    group.addoption("--benchmark", action="store_true",
                    help="run the benchmark suites (benchmarks/), save the run in --runs-dir and write its report")
    group.addoption("--runs-dir", default=str(ROOT / "results" / "runs"),
                    help="with --benchmark: where the run's JSON goes (default results/runs)")
    group.addoption("--no-report", action="store_true", help="with --benchmark: do not write the report")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--benchmark") and config.args_source != pytest.Config.ArgsSource.ARGS:
        # No paths given: the benchmarks instead of testpaths (tests/).
        config.args[:] = [str(ROOT / "benchmarks")]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Claim the run's files once every option has been validated (a rejected command line
    leaves nothing behind); pytest-benchmark writes its JSON into the run's partial file."""
    config = session.config
    bench = getattr(config, "_benchmarksession", None)
    if (not config.getoption("--benchmark") or bench is None or config.getoption("collectonly")
            or config.getoption("benchmark_json") is not None):
        return
    from storagebench.runfiles import RunFiles

    try:
        files = RunFiles(Path(config.getoption("--runs-dir")), config.getoption("--profile"))
    except Exception as exc:  # RunsDirError: one line, before anything runs
        raise pytest.UsageError(f"storagebench: {exc}") from None
    bench.json = files.partial
    setattr(config, _FILES_KEY, files)


@pytest.hookimpl(trylast=True)  # after pytest-benchmark wrote the JSON and the fixtures were torn down
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    files = getattr(session.config, _FILES_KEY, None)
    if files is None:
        return
    say = _writer(session.config)
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        files.discard()
        say("storagebench: interrupted: this run was discarded, earlier runs are untouched")
        return
    if not files.has_results():
        files.discard()
        say("storagebench: nothing was measured (every case skipped or failed; reasons above): no run saved")
        return
    from formats.base import StorageBenchInputError
    from storagebench.commands.run_summary import print_summary

    try:
        final = files.publish()
    except StorageBenchInputError as exc:
        say(f"storagebench: error: {exc}")
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        return
    say(f"run saved: {final}")
    from rich.console import Console

    try:
        print_summary(final, Console(width=200))  # through the report's loader: validated records
    except StorageBenchInputError as exc:
        say(f"storagebench: error: the run is saved but cannot be summarised or reported: {exc}")
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        return
    if session.config.getoption("--no-report"):
        return
    from storagebench.report import build_report

    try:
        for path in build_report([final], files.report_dir):
            say(f"report: {path}")
    except StorageBenchInputError as exc:
        say(f"storagebench: error: the run is saved but its report failed: {exc}")


def _writer(config: pytest.Config):  # type: ignore[no-untyped-def]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return print
    return lambda text: reporter.write_line(text)
