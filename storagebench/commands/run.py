"""``storagebench run``: run the benchmarks through pytest-benchmark, keep the run, summarise it.

The benchmarks are the package's own, :mod:`storagebench.benchmarks` (one suite per
``test_<suite>.py``; a checkout's ``benchmarks/`` links there, so ``pytest benchmarks/`` runs the
same files), run with the package's pytest configuration and plugins, so the command works from
any folder of an installed (not only editable) package.  Runs go to ``./results/runs`` of the
current folder unless ``--runs-dir`` says otherwise.  How the run's files are kept is
:mod:`storagebench.runfiles`: a unique id per run, the JSON published under its final name only
when the run ends, a log of pytest's output (secrets in URLs removed), the report in a folder of
its own.  The terminal shows a progress bar and, at the end, a summary table.

Every way a run can end is one clear ending:

* a command line that is wrong: one line naming the option, exit 2, no file left behind (the
  numeric options are parsed by :mod:`storagebench.options`; pytest's own checks of the suites'
  options run before anything starts, and the log of a rejected command line is removed);
* Ctrl-C, SIGTERM or SIGHUP: pytest stops at the current case and tears its fixtures down
  (moto and dynalite stopped, temporary folders removed, forked memory passes killed); the run's
  JSON is discarded, earlier runs are untouched; exit 130, 143 or 129 (128 + the signal);
* nothing measured (every case skipped or failed): the reasons on the screen, exit 1, no run.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from formats.base import StorageBenchInputError
from storagebench import benchmarks, suite_options, urls
from storagebench.report.loading import DEFAULT_RUNS_DIR  # results/runs of the current folder
from storagebench.commands.run_summary import print_summary
from storagebench.runfiles import RunFiles


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="run the benchmarks and write results/runs/<run>.json")
    suite_options.add_to(p.add_argument)  # --profile, --rows, --formats, ... (shared with pytest)
    p.add_argument("--suites", default="", help=f"comma list of suites (default: all): {', '.join(suite_names())}")
    p.add_argument("--runs-dir", default=str(DEFAULT_RUNS_DIR),
                   help=f"where run JSON files go (default {DEFAULT_RUNS_DIR} in the current folder)")
    p.add_argument("--no-report", action="store_true", help="do not build the report afterwards")
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    p.set_defaults(handler=run)


suite_names = benchmarks.suite_names


def suite_files(selection: str) -> list[Path]:
    names = [s.strip() for s in selection.split(",") if s.strip()]
    available = suite_names()
    bad = [n for n in names if n not in available]
    if bad:
        raise StorageBenchInputError(f"unknown suite {bad[0]!r}; valid suites: {', '.join(available)}")
    return [benchmarks.suite_path(n) for n in names or available]


def pytest_arguments(args: argparse.Namespace, json_path: Path) -> list[str]:
    out = [str(p) for p in suite_files(args.suites)]
    # The package's own pytest configuration and rootdir: a pytest.ini or pyproject.toml in the
    # folder the user stands in (or a checkout's) must not change how the suites run.
    out += ["-c", str(benchmarks.RUN_CONFIG), "--rootdir", str(benchmarks.SUITES_DIR)]
    for plugin in benchmarks.PLUGINS:
        out += ["-p", plugin]
    out += [f"--benchmark-json={json_path}", "--benchmark-quiet", "-p", "no:cacheprovider"]
    out += suite_options.forwarded(args)
    return out + list(args.pytest_args)


class _Progress:
    """A pytest plugin that drives a rich progress bar (pytest's own output goes to the log)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task: Any = None
        self.failed: list[str] = []
        self.skip_reasons: Counter[str] = Counter()
        self.passed = 0

    @property
    def skipped(self) -> int:
        return sum(self.skip_reasons.values())

    def pytest_collection_finish(self, session: Any) -> None:
        self.task = self.progress.add_task("benchmarks", total=len(session.items))

    def pytest_runtest_logreport(self, report: Any) -> None:
        # A case ends at its call, or at setup when setup skipped or failed it.
        done = report.when == "call" or (report.when == "setup" and not report.passed)
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.skip_reasons[reason.removeprefix("Skipped: ")] += 1
        elif report.failed:
            self.failed.append(f"{report.nodeid}: {_error_line(report)}")
        elif report.when == "call":
            self.passed += 1
        if done and self.task is not None:
            self.progress.update(self.task, advance=1, description=report.nodeid.split("::")[-1][:60])


def _error_line(report: Any) -> str:
    """The failure's own message: pytest's last ``E   `` line, else the report's last line."""
    lines = str(report.longreprtext or "").strip().splitlines()
    errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
    return urls.redact_text((errors or lines or [""])[-1])


class _StopSignals:
    """SIGINT, SIGTERM and SIGHUP all stop the run the way Ctrl-C does.

    The first signal raises KeyboardInterrupt in the main thread: pytest then ends the session,
    tears down its fixtures (servers, child processes, temporary folders) and returns
    ``ExitCode.INTERRUPTED``.  Further signals are ignored so that a second Ctrl-C cannot cut
    that cleanup short.  Outside the main thread (an embedding program) nothing is installed.
    """

    SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
            raise KeyboardInterrupt

    def __enter__(self) -> "_StopSignals":
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: Any) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def exit_code(self) -> int:
        return 128 + int(self.signum or signal.SIGINT)

    def name(self) -> str:
        return signal.Signals(self.signum or signal.SIGINT).name


@contextlib.contextmanager
def _captured(log: Any) -> Iterator[None]:
    """pytest's stdout and stderr (usage errors, warnings) both go to the log."""
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        yield


def run(args: argparse.Namespace) -> int:
    import pytest

    from storagebench.profiles import get_profile

    # Everything that can be checked without pytest is checked before a file is created.
    get_profile(args.profile)
    suite_files(args.suites)
    files = RunFiles(Path(args.runs_dir), args.profile)
    console = Console(file=sys.stderr)  # bound now: stderr is redirected to the log below
    progress = Progress(TextColumn("{task.description:<60}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, transient=False)
    plugin = _Progress(progress)
    stop = _StopSignals()
    code: int
    try:
        with stop:
            try:
                with files.open_log() as log, progress, _captured(log):
                    code = pytest.main(pytest_arguments(args, files.partial), plugins=[plugin])
            except KeyboardInterrupt:  # a signal outside pytest's session (start-up, shutdown)
                code = pytest.ExitCode.INTERRUPTED
                stop.signum = stop.signum or signal.SIGINT
    except BaseException:
        files.discard()
        raise
    if stop.signum is not None or code == pytest.ExitCode.INTERRUPTED:
        files.discard()
        console.print(f"storagebench: interrupted ({stop.name()}): this run was discarded, earlier runs "
                      f"are untouched (log: {files.log})")
        return stop.exit_code()
    if code == pytest.ExitCode.USAGE_ERROR:
        files.discard()
        message = _usage_message(files.log)
        files.drop_log()  # a rejected command line leaves nothing behind
        raise StorageBenchInputError(message)
    if not files.has_results():
        files.discard()
        return _nothing_measured(int(code), plugin, files, console)
    final = files.publish()
    console.print(f"run saved: {final}  (pytest log: {files.log})")
    console.print(f"{plugin.passed} measured, {plugin.skipped} skipped (reasons in the JSON), "
                  f"{len(plugin.failed)} failed")
    for line in plugin.failed[:20]:
        console.print(f"[red]FAILED[/red] {line}", markup=True, highlight=False)
    try:
        print_summary(final, Console(width=None if sys.stdout.isatty() else 200))
    except StorageBenchInputError as exc:  # e.g. a results schema error: kept, marked, refused
        console.print(f"storagebench: error: the run is saved ({final}) but cannot be summarised or "
                      f"reported: {exc}", markup=False, highlight=False)
        return 1
    status = 0 if not plugin.failed else 1
    if not args.no_report:
        status = _build_report(final, files.report_dir, console) or status
    return status


def _nothing_measured(code: int, plugin: _Progress, files: RunFiles, console: Console) -> int:
    """No JSON: say why in one line (skip reasons, failure reasons, or pytest's own error)."""
    import pytest

    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        files.drop_log()
        raise StorageBenchInputError("no benchmark matches this selection (--suites, --formats, --datasets, "
                                     "-k ...); nothing was run")
    if plugin.failed:
        reasons = Counter(line.split(": ", 1)[-1] for line in plugin.failed)
        why = "; ".join(f"{r} ({n}x)" for r, n in reasons.most_common(3))
        console.print(f"storagebench: error: nothing was measured: {len(plugin.failed)} case(s) failed: {why} "
                      f"(log: {files.log})", markup=False, highlight=False)
    elif plugin.skip_reasons:
        why = "; ".join(f"{r} ({n}x)" for r, n in plugin.skip_reasons.most_common(3))
        console.print(f"storagebench: error: nothing was measured: all {plugin.skipped} case(s) were skipped: "
                      f"{urls.redact_text(why)} (log: {files.log})", markup=False, highlight=False)
    else:
        console.print(f"storagebench: error: no results written (pytest exit {code}): "
                      f"{_last_error(files.log)} (log: {files.log})", markup=False, highlight=False)
    return 1


def _last_error(log_path: Path) -> str:
    lines = [ln.strip() for ln in log_path.read_text(errors="replace").splitlines()
             if "Error" in ln or "error" in ln]
    return lines[-1][:300] if lines else "see the log"


def _usage_message(log_path: Path) -> str:
    lines = [ln for ln in log_path.read_text(errors="replace").splitlines() if "error" in ln.lower()]
    text = lines[-1] if lines else "pytest rejected the arguments"
    return urls.redact_text(text.replace("ERROR: ", "").replace("storagebench: ", "").replace(
        "pytest: error: ", "").replace("__main__.py: error: ", ""))


def _build_report(run_path: Path, out_dir: Path, console: Console) -> int:
    """The run's report in its own folder (concurrent runs never overwrite each other's)."""
    from storagebench.report import build_report  # imported here: only runs that report pay for it

    try:
        paths = build_report([run_path], out_dir)
    except StorageBenchInputError as exc:
        console.print(f"storagebench: error: the run is saved ({run_path}) but its report failed: {exc}",
                      markup=False, highlight=False)
        return 1
    for p in paths:
        console.print(f"report: {p}")
    return 0
