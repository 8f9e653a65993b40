"""S3 target: embedded moto server, clients side by side, counted requests and bytes.

Modules: ``endpoint_options`` (which endpoint the options ask for), ``endpoint`` (the one
``S3Target``: the opened endpoint, the run's bucket/prefix, clients with bounded retries),
``filesystems`` (the one pyarrow/s3fs client factory), ``counting`` (WSGI request counter in
front of moto), ``request_counts`` (a block's requests by operation, priced), ``proxy`` (the same
counter in front of any http:// endpoint), ``client_counting`` (botocore hooks for https
endpoints), ``latency`` (injected cloud latency), ``clients`` (the client registry),
``client_target`` (S3 through one client as a ``storagebench.targets.Target``), ``needed`` and
``orc_layout`` (bytes a read needs: the amplification denominator), ``cloud_model`` (modelled
time and request cost), ``work`` (a case's counted-work keys), ``target`` (the S3 harness),
``objects`` (reading one object as a user would), ``pytest_plugin`` (options, fixtures, cases).

:func:`pytest_args` turns the S3 options into the pytest arguments the benchmarks take, for a
command line (e.g. ``storagebench run --target s3``) that runs pytest.
"""

from __future__ import annotations

BENCHMARK_MODULE = "benchmarks/test_s3_formats.py"


def pytest_args(endpoint: str | None = None, real_aws: bool = False, bucket: str | None = None,
                region: str | None = None, profile: str | None = None,
                clients: list[str] | None = None, latency: str | None = None) -> list[str]:
    """``[BENCHMARK_MODULE, --s3-... options]``; all None: the embedded server (the default)."""
    args = [BENCHMARK_MODULE]
    for flag, value in (("--s3-endpoint", endpoint), ("--s3-bucket", bucket), ("--s3-region", region),
                        ("--s3-profile", profile), ("--s3-latency", latency)):
        if value:
            args += [flag, value]
    if clients:
        args += ["--s3-clients", ",".join(clients)]
    if real_aws:
        args.append("--s3-real-aws")
    return args
