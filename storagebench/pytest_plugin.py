"""pytest glue: command-line options, case parametrisation, fixtures and JSON additions.

Loaded as one of :data:`storagebench.benchmarks.PLUGINS` (by the checkout's conftest.py, and with
``-p`` by ``storagebench run``), so ``pytest benchmarks/`` takes the suite's options next to
pytest-benchmark's own (``--benchmark-json``, ``--benchmark-autosave``, ``--benchmark-compare``,
``--benchmark-histogram`` ...).  The options themselves are defined once, in
:mod:`storagebench.suite_options`:

    --profile quick|standard|full   rows, rounds and compressions (default quick)
    --rows N                        override the profile's rows per dataset
    --formats csv,parquet           only these formats (default: all registered)
    --datasets numeric,mixed        only these generated datasets (default: all)
    --dataset PATH                  the user's own file as a dataset (repeatable)
    --compressions none,zstd        only these compressions (default: the profile's)
    --seed N                        data seed (default 42)
    --no-memory                     skip the separate peak-memory pass
    --keep-files DIR                keep every file the local formats suite measured under DIR,
                                    described by DIR/manifest.json (storagebench/keep.py)

Bad option values stop the run before anything is timed, with a message naming the value and
the valid choices.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

import formats
from formats.base import StorageBenchInputError
from storagebench import datasets as dataset_registry
from storagebench import environment, suite_options
from storagebench.cases import check_compressions, read_cases, select_codecs, write_cases
from storagebench.harness import CaseSkipped, Harness
from storagebench.keep import check_keep_dir
from storagebench.profiles import get_profile
from storagebench.results import SCHEMA_VERSION, ResultsSchemaError, validate_benchmarks

_HARNESS_KEY = "_storagebench_harness"
_OUTCOME_SOURCES = "_storagebench_outcome_sources"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("storagebench", "storagebench: what to measure")
    suite_options.add_to(group.addoption)  # the same table `storagebench run` parses and forwards


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class SuiteConfig:
    """Validated options, built once at configure time (errors become usage errors)."""

    def __init__(self, config: pytest.Config):
        opt = config.getoption
        self.profile = get_profile(opt("--profile"), opt("--rows"))
        self.seed = opt("--seed")
        self.codecs = select_codecs(_split(opt("--formats")))
        self.compressions = _split(opt("--compressions")) or None
        names = _split(opt("--datasets"))
        paths = list(opt("--dataset"))
        valid = dataset_registry.generator_names()
        for name in names:
            if name not in valid:
                raise formats.UnknownNameError("dataset", name, valid)
        if not names and not paths:
            names = [n for n in (self.profile.datasets or valid) if n in valid]
        from storagebench.datasets.user_file import name_files

        name_files(paths)  # unique dataset names before any file is loaded
        for path in paths:
            dataset_registry.load_file_dataset(path)  # fail now, clearly, if the file is bad
        self.dataset_specs = names + [str(Path(p)) for p in paths]
        check_compressions(self.codecs, self.compressions)
        self.memory = not opt("--no-memory")
        keep = opt("--keep-files")
        self.keep_dir = check_keep_dir(keep) if keep else None  # validated (and created) up front


#: Warnings raised inside libraries, not by our code: filtered for every pytest run that loads
#: this plugin (the checkout's tests and benchmarks, and ``storagebench run`` from any folder).
LIBRARY_WARNINGS = (
    "ignore::DeprecationWarning:botocore.*",
    # pandas 3.1 deprecations raised inside fastparquet and pandas' own readers, not our code.
    "ignore:.*future.infer_string.*",
    "ignore:Series.values returning an ndarray that drops timezone:FutureWarning",
    "ignore:Series.values returning an ndarray that drops timezone",
)


def pytest_configure(config: pytest.Config) -> None:
    for line in LIBRARY_WARNINGS:
        config.addinivalue_line("filterwarnings", line)
    _no_instance_metadata(config)
    try:
        config._storagebench = SuiteConfig(config)  # type: ignore[attr-defined]
    except (StorageBenchInputError, ValueError) as exc:
        raise pytest.UsageError(f"storagebench: {exc}") from None
    setattr(config, _OUTCOME_SOURCES, [])


def _no_instance_metadata(config: pytest.Config) -> None:
    """A run on the embedded or a custom endpoint never asks the EC2 instance-metadata service.

    boto3's credential chain (and the AWS SDK inside pyarrow) otherwise connects to
    169.254.169.254 when no key is in the environment, even for an endpoint on 127.0.0.1
    (TRAPS.md).  Only an explicit real-AWS flag lets the chain use it.
    """
    if not (config.getoption("--s3-real-aws", False) or config.getoption("--ddb-allow-real", False)):
        os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def suite_config(config: pytest.Config) -> SuiteConfig:
    return config._storagebench  # type: ignore[attr-defined]


def register_outcome_source(config: pytest.Config, source: Any) -> None:
    """Other suites (S3, DynamoDB) register an object with ``.outcomes`` for the JSON."""
    getattr(config, _OUTCOME_SOURCES).append(source)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cfg = suite_config(metafunc.config)
    if "write_case" in metafunc.fixturenames:
        cases = write_cases(cfg.codecs, cfg.dataset_specs, cfg.profile, cfg.compressions)
        metafunc.parametrize("write_case", cases, ids=[c.id for c in cases])
    if "read_case" in metafunc.fixturenames:
        cases = read_cases(cfg.codecs, cfg.dataset_specs, cfg.profile, cfg.compressions)
        metafunc.parametrize("read_case", cases, ids=[c.id for c in cases])


@pytest.fixture(scope="session")
def suite(request: pytest.FixtureRequest) -> SuiteConfig:
    return suite_config(request.config)


@pytest.fixture(scope="session")
def harness(request: pytest.FixtureRequest, suite: SuiteConfig) -> Iterator[Harness]:
    h = Harness(suite.profile, suite.dataset_specs, suite.seed, memory_pass=suite.memory,
                keep_dir=suite.keep_dir)
    setattr(request.config, _HARNESS_KEY, h)
    register_outcome_source(request.config, h)
    yield h
    h.close()


@contextlib.contextmanager
def skips_reported() -> Iterator[None]:
    """Turn the harness's CaseSkipped into pytest skips (the reason is kept for the JSON)."""
    try:
        yield
    except CaseSkipped as exc:
        pytest.skip(str(exc))


_INTERRUPTED_KEY = "_storagebench_interrupted"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Any:
    """An interrupted session (Ctrl-C, or a signal ``storagebench run`` turns into one) still ends
    cleanly: pytest-benchmark would crash writing a case that was cut off before its first round
    (``min() arg is an empty sequence``) and skip the fixture teardown that stops the servers.
    Such cases are dropped and the JSON is marked ``"complete": false``."""
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        setattr(session.config, _INTERRUPTED_KEY, True)
        bench_session = getattr(session.config, "_benchmarksession", None)
        if bench_session is not None:
            bench_session.benchmarks[:] = [b for b in bench_session.benchmarks
                                           if getattr(getattr(b, "stats", None), "data", None)]
    result = yield
    # Reported here, after every fixture was torn down (servers stopped): raising inside the JSON
    # hook would skip that teardown.  pytest prints the one line and exits with INTERNAL_ERROR.
    problem = getattr(session.config, _SCHEMA_ERROR_KEY, None)
    if problem:
        pytest.exit(f"storagebench: results schema error: {problem} (the run JSON is marked "
                    "'schema_error' and a report refuses it)", returncode=pytest.ExitCode.INTERNAL_ERROR)
    return result


_SCHEMA_ERROR_KEY = "_storagebench_schema_error"


@pytest.hookimpl(wrapper=True)
def pytest_benchmark_update_json(config: pytest.Config, benchmarks: Any, output_json: dict) -> Any:
    """Every record checked against storagebench/results.py once all suites added their keys
    (this wrapper's code after ``yield`` runs after every plugin's implementation).  A bad record
    is never written silently: the JSON says ``schema_error`` and the session fails."""
    _describe_run(config, output_json)  # first: the suites' plugins add to this object
    result = yield
    try:
        validate_benchmarks(output_json.get("benchmarks", []),
                            output_json.get("storagebench", {}).get("outcomes", []))
    except ResultsSchemaError as exc:
        setattr(config, _SCHEMA_ERROR_KEY, str(exc))
        output_json.setdefault("storagebench", {})["schema_error"] = str(exc)
    return result


def _describe_run(config: pytest.Config, output_json: dict) -> None:
    """The top-level ``storagebench`` object (storagebench/results.py)."""
    cfg = suite_config(config)
    harness: Harness | None = getattr(config, _HARNESS_KEY, None)
    described = {}
    if harness is not None:
        for spec in cfg.dataset_specs:
            try:
                ds = harness.dataset(spec)
            except Exception:
                continue
            described[ds.name] = {"rows": ds.rows, "columns": ds.columns, "arrow_bytes": ds.arrow_bytes,
                                  "fingerprint": ds.fingerprint, "origin": ds.origin,
                                  "description": ds.description}
    outcomes = [o.as_json() for src in getattr(config, _OUTCOME_SOURCES, []) for o in src.outcomes]
    output_json["storagebench"] = {
        "schema_version": SCHEMA_VERSION,
        "complete": not getattr(config, _INTERRUPTED_KEY, False),
        "profile": cfg.profile.name,
        "rows": cfg.profile.rows,
        "rounds": cfg.profile.rounds,
        "seed": cfg.seed,
        "versions": environment.library_versions(),
        "machine": environment.machine(),
        "datasets": described,
        "outcomes": outcomes,
    }
