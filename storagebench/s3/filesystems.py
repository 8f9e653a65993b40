"""The one place S3 filesystem clients are built: pyarrow's ``S3FileSystem`` and s3fs.

Every suite reaches S3 with these two factories (through :class:`storagebench.s3.endpoint.S3Target`),
so the settings that change what is measured are set once (TRAPS.md):

* pyarrow ignores ``AWS_ENDPOINT_URL``: the endpoint and its scheme are passed explicitly;
* s3fs's default checksums make a read measure the checksum, not the transfer: checksums only
  when required;
* short connect timeouts and bounded retries (botocore's and s3fs's own loop), so an unreachable
  endpoint fails in seconds instead of hanging a run.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

# Fast failure: an unreachable endpoint must not hang a run (TRAPS.md: default retries of a
# moto 500 took 10.8 s).  Loopback and LAN endpoints answer in milliseconds.
CONNECT_TIMEOUT_S = 2.0
READ_TIMEOUT_S = 60.0
MAX_ATTEMPTS = 3


def pyarrow_filesystem(endpoint_url: str | None, region: str, credentials: dict[str, str],
                       **options: Any) -> Any:
    """pyarrow's S3 client on ``endpoint_url`` (None: AWS's own endpoint for the region).

    ``options`` override or add ``pyarrow.fs.S3FileSystem`` arguments (e.g. the 3V suites'
    ``allow_delayed_open=True``: one PutObject for a small object instead of a multipart upload).
    """
    import pyarrow.fs as pafs

    kwargs: dict[str, Any] = {
        "access_key": credentials["aws_access_key_id"], "secret_key": credentials["aws_secret_access_key"],
        "session_token": credentials.get("aws_session_token"), "region": region,
        "connect_timeout": CONNECT_TIMEOUT_S, "request_timeout": READ_TIMEOUT_S,
        "retry_strategy": pafs.AwsStandardS3RetryStrategy(max_attempts=MAX_ATTEMPTS),
    }
    if endpoint_url:
        # pyarrow ignores AWS_ENDPOINT_URL: the endpoint and scheme must be given (TRAPS.md).
        p = urlsplit(endpoint_url)
        kwargs["endpoint_override"] = p.netloc.rsplit("@", 1)[-1]
        kwargs["scheme"] = p.scheme
    kwargs.update(options)
    return pafs.S3FileSystem(**kwargs)


def s3fs_filesystem(endpoint_url: str | None, region: str, credentials: dict[str, str],
                    **settings: Any) -> Any:
    """An s3fs filesystem on ``endpoint_url``; ``settings`` are S3FileSystem arguments (the
    clients' ``default_block_size`` / ``default_cache_type``)."""
    import s3fs

    fs = s3fs.S3FileSystem(
        key=credentials["aws_access_key_id"], secret=credentials["aws_secret_access_key"],
        token=credentials.get("aws_session_token"), endpoint_url=endpoint_url,
        client_kwargs={"region_name": region},
        config_kwargs={"connect_timeout": CONNECT_TIMEOUT_S, "read_timeout": READ_TIMEOUT_S,
                       "retries": {"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
                       # TRAPS.md: default checksums measure the checksum, not the transfer.
                       "request_checksum_calculation": "when_required",
                       "response_checksum_validation": "when_required"},
        skip_instance_cache=True, **settings)
    fs.retries = MAX_ATTEMPTS  # s3fs's own retry loop (default 5 with backoff) bounded too
    return fs
