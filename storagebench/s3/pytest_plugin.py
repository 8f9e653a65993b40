"""pytest glue for the S3 benchmarks: options, the session's S3 target, case parametrisation.

Loaded as one of ``storagebench.benchmarks.PLUGINS``, beside the suite's own plugin whose
options (``--profile``, ``--rows``, ``--formats``, ``--datasets``, ``--compressions``, ``--seed``)
apply here too.  S3 options:

    --s3-endpoint embedded|env|URL  embedded (default): moto's server on 127.0.0.1, counted;
                                    env: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL; or a URL
    --s3-real-aws                   allow real Amazon S3 (needs --s3-bucket)
    --s3-bucket NAME                work under a unique prefix in this existing bucket
                                    (default: create a unique bucket, delete it afterwards)
    --s3-region REGION              default us-east-1 (also selects the price table region)
    --s3-profile NAME               AWS named profile for credentials (custom/aws endpoints)
    --s3-clients a,b                boto3, pyarrow, pyarrow-nobuffer, s3fs, s3fs-tuned, polars, duckdb
                                    (default all)
    --s3-formats a,b                default in the quick profile: every format but avro
    --s3-datasets a,b               default in the quick profile: mixed
    --s3-cloud-profiles a,b         modelled-time profiles (default: all in cloud_profiles.json)
    --s3-latency none|PROFILE       inject a cloud profile's first-byte latency and per-connection
                                    byte rate on the embedded (or proxied http://) endpoint; each
                                    case then records the model's prediction beside the measurement

The S3 matrix is the profile's ``s3`` scope (storagebench/profiles.py) unless the command line
names formats, datasets or compressions.  The quick profile keeps it small: every format but Avro
(parquet, csv, json, orc, feather; a format registered later is on S3 without an edit here) on
the ``mixed`` dataset; each format's default compression; the reference writer; reader
``pyarrow``, plus ``pandas`` for Parquet through s3fs (the path ``pd.read_parquet("s3://...")``
takes) and polars/DuckDB through their own clients; read kinds full, projection and predicate for
Parquet through boto3, pyarrow and s3fs, full reads only through pyarrow and s3fs for the others; no S3 read memory pass; plus the counting-overhead benchmark (pyarrow and
boto3).  ``standard``/``full`` widen to every selected
dataset, format, reader and read kind and the profile's compressions.

The endpoint options are checked at start-up: a bad URL, real AWS without ``--s3-real-aws``, an
unknown client stop the run with one clear line before anything is timed.  The endpoint itself
(reachability, bucket, permissions) is checked when the first S3 benchmark needs it, and a
failure there is one clear error for every S3 case, not a hang.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

import formats
from formats.base import StorageBenchInputError
from storagebench.cases import read_cases, write_cases
from storagebench.pytest_plugin import register_outcome_source, suite_config
from storagebench.s3 import cloud_model
from storagebench.s3.clients import select_clients, serves
from storagebench.s3 import latency
from storagebench.s3.work_summary import latency_summary
from storagebench.s3.endpoint import (
    EMBEDDED,
    EndpointSpec,
    S3Target,
    check_reachable,
    latency_injector,
    resolve,
    standard_credentials,
)
from storagebench.s3.target import S3Case, S3Harness

_TARGET_KEY = "_storagebench_s3_target"
_HARNESS_KEY = "_storagebench_s3_harness"


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("storagebench-s3", "storagebench: S3 target")
    g.addoption("--s3-endpoint", default=EMBEDDED, metavar="embedded|env|URL",
                help="S3 endpoint: embedded moto server (default), env (AWS_ENDPOINT_URL[_S3]) or a URL")
    g.addoption("--s3-real-aws", action="store_true", help="allow real Amazon S3 (costs money; needs --s3-bucket)")
    g.addoption("--s3-bucket", default=None, help="existing bucket to work in under a unique prefix")
    g.addoption("--s3-region", default="us-east-1", help="region (default us-east-1)")
    g.addoption("--s3-profile", default=None, help="AWS named profile for credentials")
    g.addoption("--s3-clients", default="", help="comma list of S3 clients (default: all)")
    g.addoption("--s3-formats", default="", help="comma list of formats on S3 (quick default: every format but avro)")
    g.addoption("--s3-datasets", default="", help="comma list of datasets on S3 (quick default: mixed)")
    g.addoption("--s3-cloud-profiles", default="", help="comma list of modelled cloud profiles (default: all)")
    g.addoption("--s3-latency", default=latency.NONE, metavar="|".join(latency.choices()),
                help="inject this cloud profile's latency on the embedded or http:// endpoint (default none)")


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class S3Config:
    """Validated S3 options (built at configure time: errors become usage errors)."""

    def __init__(self, config: pytest.Config):
        opt = config.getoption
        self.spec = EndpointSpec(endpoint=opt("--s3-endpoint"), real_aws=opt("--s3-real-aws"),
                                 bucket=opt("--s3-bucket"), region=opt("--s3-region"),
                                 profile=opt("--s3-profile"))
        self.resolved = resolve(self.spec)
        if self.resolved.kind == "custom":
            # Reachability and credentials are start-up facts: one line now, not a failure per case.
            check_reachable(self.resolved)
            standard_credentials(self.resolved)
        self.clients = select_clients(_split(opt("--s3-clients")))
        self.cloud_profiles = _split(opt("--s3-cloud-profiles")) or None
        for name in self.cloud_profiles or []:
            cloud_model.get_profile(name)
        self.latency = opt("--s3-latency")
        latency_injector(self.resolved, self.latency)  # unknown profile / https endpoint: usage error
        suite = suite_config(config)
        self.scope = suite.profile.s3  # the profile's S3 matrix (storagebench/profiles.py)
        names = _split(opt("--s3-formats"))
        if names:
            self.codecs = [formats.get_codec(n) for n in names]
        elif self.scope.left_out and not opt("--formats"):
            self.codecs = [c for c in suite.codecs if c.name not in self.scope.left_out]
        else:
            self.codecs = suite.codecs
        datasets = _split(opt("--s3-datasets"))
        if datasets:
            for name in datasets:
                if name not in suite.dataset_specs:
                    raise formats.UnknownNameError("S3 dataset (must also be a suite dataset)", name,
                                                   suite.dataset_specs)
            self.dataset_specs = datasets
        elif self.scope.datasets is not None and not opt("--datasets") and not opt("--dataset"):
            self.dataset_specs = ([d for d in suite.dataset_specs if d in self.scope.datasets]
                                  or suite.dataset_specs[:1])
        else:
            self.dataset_specs = suite.dataset_specs
        self.compressions = suite.compressions

    def write_cases(self, config: pytest.Config) -> list[S3Case]:
        suite = suite_config(config)
        out = []
        for case in write_cases(self.codecs, self.dataset_specs, suite.profile, self.compressions):
            codec = formats.get_codec(case.format)
            if case.engine != codec.writers()[0].name or not self._compression_ok(codec, case.compression):
                continue  # S3 measures the reference writer; engines are compared locally
            out += [S3Case(case, c.name) for c in self.clients if c.applies_to(case.format, "write")]
        return out

    def read_cases(self, config: pytest.Config) -> list[S3Case]:
        suite = suite_config(config)
        out = []
        for case in read_cases(self.codecs, self.dataset_specs, suite.profile, self.compressions):
            codec = formats.get_codec(case.format)
            if case.writer != codec.writers()[0].name or not self._compression_ok(codec, case.compression):
                continue
            if not self.scope.keeps_read(case.format, case.reader, case.kind):
                continue
            only = self.scope.clients_for(case.reader)
            out += [S3Case(case, c.name) for c in self.clients
                    if c.applies_to(case.format, "read") and serves(c, case.reader)
                    and (only is None or c.name in only) and self.scope.keeps_read_client(case.format, c.name)]
        return out

    def _compression_ok(self, codec: Any, compression: str) -> bool:
        # A scope with one_compression (quick) keeps each format's default on S3 unless told otherwise.
        return bool(self.compressions) or not self.scope.one_compression or compression == _quick_compression(codec)


def _quick_compression(codec: Any) -> str:
    comps = [c for c in codec.writers()[0].write_compressions if c in codec.quick_compressions]
    return codec.default_compression if codec.default_compression in comps else comps[0]


@pytest.hookimpl(trylast=True)  # after the suite's plugin has validated its own options
def pytest_configure(config: pytest.Config) -> None:
    try:
        config._storagebench_s3 = S3Config(config)  # type: ignore[attr-defined]
    except (StorageBenchInputError, ValueError) as exc:
        raise pytest.UsageError(f"storagebench: {exc}") from None


def s3_config(config: pytest.Config) -> S3Config:
    return config._storagebench_s3  # type: ignore[attr-defined]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cfg = s3_config(metafunc.config)
    if "s3_write_case" in metafunc.fixturenames:
        cases = cfg.write_cases(metafunc.config)
        metafunc.parametrize("s3_write_case", cases, ids=[c.id for c in cases])
    if "s3_read_case" in metafunc.fixturenames:
        cases = cfg.read_cases(metafunc.config)
        metafunc.parametrize("s3_read_case", cases, ids=[c.id for c in cases])


class _FailedTarget:
    def __init__(self, error: StorageBenchInputError):
        self.error = error


@pytest.fixture(scope="session")
def s3_target(request: pytest.FixtureRequest) -> Iterator[S3Target]:
    """The run's S3 endpoint, opened once (embedded moto started here) and cleaned up after."""
    cached = getattr(request.config, _TARGET_KEY, None)
    if isinstance(cached, _FailedTarget):
        pytest.fail(f"storagebench: {cached.error}", pytrace=False)
    cfg = s3_config(request.config)
    target = S3Target(cfg.resolved, latency=cfg.latency)
    try:
        target.open()
    except StorageBenchInputError as exc:
        # One clear line per S3 case (no traceback, no retry storm): the endpoint is wrong.
        setattr(request.config, _TARGET_KEY, _FailedTarget(exc))
        pytest.fail(f"storagebench: {exc}", pytrace=False)
    setattr(request.config, _TARGET_KEY, target)
    yield target
    target.close()


@pytest.fixture(scope="session")
def s3_harness(request: pytest.FixtureRequest, s3_target: S3Target) -> Iterator[S3Harness]:
    suite, cfg = suite_config(request.config), s3_config(request.config)
    h = S3Harness(suite.profile, cfg.dataset_specs, suite.seed, s3_target, cfg.cloud_profiles,
                  memory_pass=suite.memory)
    setattr(request.config, _HARNESS_KEY, h)
    register_outcome_source(request.config, h)
    yield h
    h.close()


@pytest.hookimpl(trylast=True)
def pytest_benchmark_update_json(config: pytest.Config, benchmarks: Any, output_json: dict) -> None:
    """Add the S3 run's endpoint (no credentials), cloud profiles and datasets to the JSON."""
    target = getattr(config, _TARGET_KEY, None)
    harness: S3Harness | None = getattr(config, _HARNESS_KEY, None)
    if not isinstance(target, S3Target) or harness is None:
        return
    section = output_json.setdefault("storagebench", {})
    datasets = section.setdefault("datasets", {})
    for spec in s3_config(config).dataset_specs:
        ds = harness.dataset(spec)
        datasets.setdefault(ds.name, {"rows": ds.rows, "columns": ds.columns, "arrow_bytes": ds.arrow_bytes,
                                      "fingerprint": ds.fingerprint, "origin": ds.origin,
                                      "description": ds.description})
    section["s3"] = {
        **target.describe(),
        "cloud_profiles": {p.name: {"label": p.label, "first_byte_s": p.first_byte_s,
                                    "bytes_per_s_per_connection": p.bytes_per_s_per_connection}
                           for p in cloud_model.profiles().values()},
        # Every request of every case's timed operations, by operation and size (warp's view).
        "request_latency": latency_summary(harness.timed_records),
    }
