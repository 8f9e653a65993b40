"""pytest glue for the DynamoDB suite: options, case parametrisation, the session fixture, JSON.

Loaded as one of ``storagebench.benchmarks.PLUGINS`` next to the core plugin, whose
``--profile``, ``--rows`` and ``--seed`` it follows.  Options:

    --ddb-backends moto,dynalite     backends to run (default: moto,dynalite; ``endpoint`` only
                                     with --ddb-allow-real)
    --ddb-sizes 1000,10000           table sizes for every backend (default: per profile and
                                     backend, storagebench.profiles; --rows N gives N)
    --ddb-item-bytes 0,2000          item sizes in bytes, 0 = the records' natural size
    --ddb-patterns get_item_hit,...  patterns to run (default: all registered)
    --ddb-rounds N                   latency samples per case (default per profile)
    --ddb-writers N                  parallel loader threads (default 4)
    --ddb-endpoint URL               endpoint for the ``endpoint`` backend (none: real AWS)
    --ddb-allow-real                 the explicit flag that permits a non-embedded endpoint
    --ddb-region us-east-1           region for real AWS and the price table

At the end the plugin fits latency-vs-size slopes (storagebench.dynamodb.sweep.fit_slopes) and
writes them to the JSON under ``storagebench.dynamodb.slopes`` and as ``latency_slope`` in each
DynamoDB benchmark's extra_info.
"""

from __future__ import annotations

import warnings
from typing import Any, Iterator

import pytest

from formats.base import StorageBenchInputError, UnknownNameError
from storagebench import options, urls
from storagebench.dynamodb.backends import BackendOptions, backend_names, default_backends, get_backend
from storagebench.dynamodb.bench import DynamoCase
from storagebench.dynamodb.patterns import all_patterns, get_pattern
from storagebench.dynamodb.session import DynamoSession
from storagebench.dynamodb.sweep import SLOPE_GROUP, fit_slopes
from storagebench.profiles import get_profile
from storagebench.dynamodb.tables import TableSpec
from storagebench.pytest_plugin import register_outcome_source

_CONFIG_KEY = "_storagebench_dynamodb"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("storagebench-dynamodb", "storagebench: DynamoDB access patterns")
    group.addoption("--ddb-backends", default="", help="comma list of DynamoDB backends (default: moto,dynalite)")
    group.addoption("--ddb-sizes", type=options.table_sizes, default="",
                    help="comma list of table sizes (default: per profile; bounded by this machine's memory)")
    group.addoption("--ddb-item-bytes", type=options.item_sizes, default="",
                    help="comma list of item sizes in bytes, 0 = natural (at most 400 KB)")
    group.addoption("--ddb-patterns", default="", help="comma list of access patterns (default: all)")
    group.addoption("--ddb-rounds", type=options.positive, default=None, help="latency samples per case")
    group.addoption("--ddb-writers", type=options.positive, default=4, help="parallel loader threads (default 4)")
    group.addoption("--ddb-endpoint", default=None, help="endpoint URL for the 'endpoint' backend")
    group.addoption("--ddb-allow-real", action="store_true",
                    help="allow a non-embedded DynamoDB endpoint (real AWS bills the run)")
    group.addoption("--ddb-region", default="us-east-1", help="region for real AWS (default us-east-1)")


class DynamoConfig:
    def __init__(self, config: pytest.Config):
        opt = config.getoption
        self.profile = opt("--profile")
        self.sweep = get_profile(self.profile).dynamodb  # sizes, item bytes, rounds
        self.seed = opt("--seed")
        self.backends = [b.strip() for b in opt("--ddb-backends").split(",") if b.strip()] or default_backends()
        for name in self.backends:
            get_backend(name)  # unknown names fail now
        self.options = BackendOptions(endpoint_url=opt("--ddb-endpoint"), allow_real=opt("--ddb-allow-real"),
                                      region=opt("--ddb-region"))
        if "endpoint" in self.backends and not self.options.allow_real:
            raise StorageBenchInputError("--ddb-backends endpoint needs --ddb-allow-real (a non-embedded endpoint "
                                         "is used only when you say so)")
        if "endpoint" in self.backends:
            from storagebench.dynamodb.backends import endpoint

            url = self.options.endpoint_url
            if url is not None and not (url.startswith(("http://", "https://")) and urls.normalised_host(url)):
                raise StorageBenchInputError(f"--ddb-endpoint {urls.redact_url(url)!r} is not an http(s) URL "
                                             "like http://127.0.0.1:8000")
            if url is not None and urls.redact_url(url) != url:
                raise StorageBenchInputError(f"--ddb-endpoint {urls.redact_url(url)} carries user info or a query "
                                             "string: give just scheme://host:port and the key in "
                                             "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
            endpoint.credentials(self.options)  # missing credentials: one line now, not per case
        rows = opt("--rows")
        # Sizes and item bytes arrive parsed and bounded (storagebench.options); --rows gives one
        # table size, so it must also fit the table bound.
        self.sizes_override = list(opt("--ddb-sizes")) or ([rows] if rows else [])
        if rows and not opt("--ddb-sizes") and rows > options.max_items():
            raise StorageBenchInputError(f"--rows {rows:,} is also the DynamoDB table size and must be <= "
                                         f"{options.max_items():,} items here (or give --ddb-sizes)")
        self.item_bytes = list(opt("--ddb-item-bytes")) or list(self.sweep.item_bytes)
        names = [p.strip() for p in opt("--ddb-patterns").split(",") if p.strip()]
        self.patterns = [get_pattern(n) for n in names] if names else all_patterns()
        self.rounds = opt("--ddb-rounds") or self.sweep.rounds
        self.writers = opt("--ddb-writers")

    def sizes(self, backend: str) -> list[int]:
        return self.sizes_override or list(self.sweep.sizes_for(backend))

    def load_cases(self) -> list[tuple[str, TableSpec]]:
        layouts = list(dict.fromkeys(p.layout for p in self.patterns))
        return [(b, TableSpec(layout, n, nbytes, self.seed)) for b in self.backends for n in self.sizes(b)
                for nbytes in self.item_bytes for layout in layouts]

    def pattern_cases(self) -> list[DynamoCase]:
        return [DynamoCase(b, p.name, TableSpec(p.layout, n, nbytes, self.seed))
                for b in self.backends for p in self.patterns for n in self.sizes(b) for nbytes in self.item_bytes]

    def files_cases(self) -> list[tuple[str, int]]:
        return [(b, n) for b in self.backends for n in self.sizes(b)]


def pytest_configure(config: pytest.Config) -> None:
    try:
        setattr(config, _CONFIG_KEY, DynamoConfig(config))
    except (StorageBenchInputError, UnknownNameError) as exc:
        raise pytest.UsageError(f"storagebench: {exc}") from None
    config.addinivalue_line("markers", "dynamodb: DynamoDB access-pattern benchmarks")


def dynamo_config(config: pytest.Config) -> DynamoConfig:
    return getattr(config, _CONFIG_KEY)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cfg = dynamo_config(metafunc.config)
    if "ddb_load_case" in metafunc.fixturenames:
        cases = cfg.load_cases()
        metafunc.parametrize("ddb_load_case", cases, ids=[f"{b}-{s.label}" for b, s in cases])
    if "ddb_case" in metafunc.fixturenames:
        cases = cfg.pattern_cases()
        metafunc.parametrize("ddb_case", cases, ids=[c.id for c in cases])
    if "ddb_files_case" in metafunc.fixturenames:
        cases = cfg.files_cases()
        metafunc.parametrize("ddb_files_case", cases, ids=[f"{b}-{n}" for b, n in cases])


@pytest.fixture(scope="session")
def ddb_config(request: pytest.FixtureRequest) -> DynamoConfig:
    return dynamo_config(request.config)


@pytest.fixture(scope="session")
def ddb_session(request: pytest.FixtureRequest, ddb_config: DynamoConfig) -> Iterator[DynamoSession]:
    session = DynamoSession(ddb_config.options, writers=ddb_config.writers)
    register_outcome_source(request.config, session)
    yield session
    for problem in session.close():  # cleanup never hides the results; it says what it left
        warnings.warn(f"storagebench dynamodb cleanup: {problem}", pytest.PytestWarning, stacklevel=1)


@pytest.hookimpl(trylast=True)
def pytest_benchmark_update_json(config: pytest.Config, benchmarks: Any, output_json: dict) -> None:
    slopes = fit_slopes(output_json.get("benchmarks", []))
    index = {tuple(s[k] for k in SLOPE_GROUP): s["slope"] for s in slopes}
    for bench in output_json.get("benchmarks", []):
        info = bench.get("extra_info", {})
        if info.get("suite") == "dynamodb":
            info["latency_slope"] = index.get(tuple(info.get(k) for k in SLOPE_GROUP))
    output_json.setdefault("storagebench", {})["dynamodb"] = {
        "slopes": slopes,
        "backends": backend_names(),
        "slope_metric": "p50_s",
        "slope_grouping": list(SLOPE_GROUP),
    }
