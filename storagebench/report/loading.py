"""Loading and validating run files: pytest-benchmark JSON plus the suite's ``storagebench`` object.

A report is only as good as its input, so every way a file can be wrong gets its own clear
error naming the file and what is wrong with it (a missing file, something that is not
pytest-benchmark JSON, a run written by an older or other schema, a record that does not match
its suite's declaration in storagebench/results.py, a run with nothing in it), in one line naming
the file and the first bad record, so no report section ever meets a missing key.  Failed and
skipped cases are not errors: they are kept as outcomes and reported.  ``storagebench run``'s
summary reads its run through this loader too.

Where runs come from: ``pytest --benchmark-json FILE`` writes one file; ``--benchmark-autosave``
writes ``.benchmarks/<machine>/NNNN_<commit>.json``; ``storagebench run`` writes under
``results/runs/``.  With no path given the newest ``*.json`` under ``results/runs/`` is used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formats.base import StorageBenchInputError
from storagebench.results import SCHEMA_VERSION, ResultsSchemaError, validate_outcome, validate_record

DEFAULT_RUNS_DIR = Path("results/runs")

# What a pytest-benchmark file must have for a report to be built from it.
_BENCHMARK_KEYS = ("name", "fullname", "stats", "extra_info")
_STATS_KEYS = ("min", "max", "mean", "median", "iqr", "q1", "q3", "stddev", "rounds")
# What the suite's own top-level object must have (storagebench/results.py).
_SUITE_KEYS = ("schema_version", "profile", "seed", "versions", "machine", "datasets", "outcomes")


class ReportInputError(StorageBenchInputError):
    """A run file the report cannot use; the message names the file and the problem."""


@dataclass
class Run:
    """One loaded run: the raw JSON, its measured benchmarks and its outcomes."""

    path: Path
    raw: dict[str, Any]
    benchmarks: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    suite: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    label: str = ""

    def __post_init__(self) -> None:
        self.label = self.label or self.path.stem

    @property
    def commit(self) -> str | None:
        info = self.raw.get("commit_info") or {}
        cid = info.get("id")
        if cid and info.get("dirty"):
            return f"{cid} (dirty)"
        return cid

    @property
    def datetime(self) -> str | None:
        return self.raw.get("datetime")


def newest_run(runs_dir: Path = DEFAULT_RUNS_DIR) -> Path:
    """The most recently modified run file under ``runs_dir`` (searched recursively)."""
    if not runs_dir.is_dir():
        raise ReportInputError(
            f"no results file given and the runs directory {str(runs_dir)!r} does not exist; "
            "run `storagebench run` or `pytest benchmarks/ --benchmark-json FILE` first, or pass RUN.json")
    candidates = [p for p in runs_dir.rglob("*.json") if p.is_file()]
    if not candidates:
        raise ReportInputError(
            f"no results file given and no *.json run in {str(runs_dir)!r}; "
            "run `storagebench run` or pass RUN.json")
    return max(candidates, key=lambda p: (p.stat().st_mtime, str(p)))


def load_run(path: str | Path) -> Run:
    """Read and validate one run file; raise :class:`ReportInputError` naming what is wrong."""
    path = Path(path)
    if not path.exists():
        raise ReportInputError(f"results file {str(path)!r} does not exist")
    if path.is_dir():
        raise ReportInputError(f"results file {str(path)!r} is a directory; pass a run .json file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(f"results file {str(path)!r} cannot be read as text: {exc}") from None
    if not text.strip():
        raise ReportInputError(f"results file {str(path)!r} is empty (0 bytes of JSON)")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportInputError(
            f"results file {str(path)!r} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "expected pytest-benchmark output from --benchmark-json") from None
    return validate_run(raw, path)


def validate_run(raw: Any, path: Path) -> Run:
    name = str(path)
    if not isinstance(raw, dict) or "benchmarks" not in raw or not isinstance(raw.get("benchmarks"), list):
        found = ", ".join(sorted(raw)[:8]) if isinstance(raw, dict) else type(raw).__name__
        raise ReportInputError(
            f"results file {name!r} is not pytest-benchmark JSON: no 'benchmarks' list (found: {found or 'nothing'})")
    suite = raw.get("storagebench")
    if not isinstance(suite, dict):
        raise ReportInputError(
            f"results file {name!r} is pytest-benchmark JSON but has no top-level 'storagebench' object: "
            "it was not written by storagebench's pytest plugin (run the benchmarks in benchmarks/ "
            "with benchmarks/conftest.py loaded)")
    missing = [k for k in _SUITE_KEYS if k not in suite]
    version = suite.get("schema_version")
    if missing:
        raise ReportInputError(
            f"results file {name!r} uses an older or other run schema "
            f"(schema_version {version!r}, this report reads {SCHEMA_VERSION}): "
            f"its 'storagebench' object lacks {', '.join(missing)}")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ReportInputError(
            f"results file {name!r} has schema_version {version!r}; this storagebench reads "
            f"schema_version {SCHEMA_VERSION} (upgrade storagebench to report it)")
    if version < SCHEMA_VERSION:
        raise ReportInputError(
            f"results file {name!r} has schema_version {version}, written by an older storagebench; "
            f"this one reads schema_version {SCHEMA_VERSION} (keys were renamed, see "
            "storagebench/results.py): re-run the benchmarks to report it")
    if suite.get("schema_error"):
        raise ReportInputError(f"results file {name!r} was written with a results schema error: "
                               f"{suite['schema_error']}")
    outcomes = suite.get("outcomes") or []
    if not isinstance(outcomes, list):
        raise ReportInputError(f"results file {name!r}: 'storagebench.outcomes' is not a list")
    benchmarks: list[dict[str, Any]] = []
    for i, bench in enumerate(raw["benchmarks"]):
        where = f"results file {name!r}, benchmark #{i}"
        if not isinstance(bench, dict):
            raise ReportInputError(f"{where} is not an object")
        label = bench.get("fullname") or bench.get("name") or f"#{i}"
        lacking = [k for k in _BENCHMARK_KEYS if k not in bench]
        if lacking:
            raise ReportInputError(f"{where} ({label}) lacks {', '.join(lacking)}")
        stats = bench["stats"]
        if not isinstance(stats, dict):
            raise ReportInputError(f"{where} ({label}): 'stats' is not an object")
        lacking = [k for k in _STATS_KEYS if k not in stats]
        if lacking:
            raise ReportInputError(f"{where} ({label}): stats lack {', '.join(lacking)} "
                                   "(older pytest-benchmark format?)")
        try:
            validate_record(bench["extra_info"], label)
        except ResultsSchemaError as exc:
            raise ReportInputError(f"{where}: {exc}") from None
        benchmarks.append(bench)
    for i, outcome in enumerate(outcomes):
        try:
            validate_outcome(outcome, i)
        except ResultsSchemaError as exc:
            raise ReportInputError(f"results file {name!r}: {exc}") from None
    if not benchmarks and not outcomes:
        raise ReportInputError(
            f"results file {name!r} is an empty run: no benchmark produced a timing and no case was "
            "recorded as skipped or failed (did the pytest selection match nothing, or was "
            "--benchmark-disable set?)")
    run = Run(path=path, raw=raw, benchmarks=benchmarks, outcomes=outcomes, suite=suite)
    if not benchmarks:
        run.warnings.append(f"{path.name}: no case produced a timing; {len(outcomes)} skipped/failed cases listed")
    return run


def load_runs(paths: list[str | Path] | None, runs_dir: Path = DEFAULT_RUNS_DIR) -> list[Run]:
    """Load the given runs, or the newest under ``runs_dir`` when none is given."""
    chosen = [Path(p) for p in paths] if paths else [newest_run(runs_dir)]
    runs = [load_run(p) for p in chosen]
    stems = [r.label for r in runs]
    for i, run in enumerate(runs):
        if stems.count(run.label) > 1:  # same file name in two directories: number them
            run.label = f"{run.label}#{i + 1}"
    return runs
