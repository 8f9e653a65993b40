"""Which S3 endpoint a run talks to, and the run's own bucket/prefix on it.

Three kinds, chosen explicitly (never by accident):

* ``embedded`` (the default, zero configuration): moto's server on 127.0.0.1 at a free port,
  with the request counter (:mod:`storagebench.s3.counting`) in front of it;
* ``custom``: any S3-compatible URL (MinIO, LocalStack, Ceph ...) from ``--s3-endpoint URL`` or
  ``--s3-endpoint env`` (the standard ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` variables);
  credentials from the standard AWS chain or ``--s3-profile``;
* ``aws``: real Amazon S3, only with ``--s3-real-aws`` AND ``--s3-bucket NAME`` (a bucket you
  own).  An ``amazonaws.com`` URL without the flag is refused.

Every run works under its own unique name: a new bucket ``storagebench-<time>-<random>`` when
the suite may create one (embedded, custom), or a unique prefix ``storagebench/<run id>/``
inside the bucket the user named.  :meth:`S3Target.cleanup` deletes only the objects under that
run's prefix (and aborts its unfinished multipart uploads) and the bucket only if it created it.

Credentials are held privately, passed to the clients, and never appear in ``describe()``,
``repr()``, results or logs.  Timeouts are short and retries bounded on every client, so an
unreachable endpoint fails in seconds with a clear error.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from storagebench import aws, urls
from storagebench.moto_server import DEFAULT_REGION, DUMMY_CREDENTIALS, EmbeddedMoto
from storagebench.s3.counting import RequestCounter
from storagebench.s3.errors import S3ConfigError, S3EndpointUnreachable, S3Error, S3RealAwsNotAllowed, translate

EMBEDDED = "embedded"
ENV = "env"

# Fast failure: an unreachable endpoint must not hang a run (TRAPS.md: default retries of a
# moto 500 took 10.8 s).  Loopback and LAN endpoints answer in milliseconds.
CONNECT_TIMEOUT_S = 2.0
READ_TIMEOUT_S = 60.0
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class EndpointSpec:
    """What the user asked for (command-line options), validated by :func:`resolve`."""

    endpoint: str = EMBEDDED  # "embedded" | "env" | a URL
    real_aws: bool = False
    bucket: str | None = None
    region: str = DEFAULT_REGION
    profile: str | None = None  # AWS named profile for custom/aws endpoints


@dataclass(frozen=True)
class ResolvedEndpoint:
    kind: str  # "embedded" | "custom" | "aws"
    url: str | None  # None: AWS's own endpoint for the region
    bucket: str | None
    region: str
    profile: str | None


def _is_aws_url(url: str) -> bool:
    """Real AWS, after normalising the host (case, trailing dot; amazonaws.com, .com.cn, api.aws)."""
    return urls.is_aws_url(url)


def resolve(spec: EndpointSpec, environ: dict[str, str] | None = None) -> ResolvedEndpoint:
    """Validate the options; refuse real AWS without ``--s3-real-aws``."""
    env = os.environ if environ is None else environ
    url: str | None
    if spec.endpoint == EMBEDDED:
        if spec.real_aws:
            if not spec.bucket:
                raise S3ConfigError("--s3-real-aws needs --s3-bucket NAME (an existing bucket you own; "
                                    "the run writes under a unique prefix and deletes only that)")
            return ResolvedEndpoint("aws", None, spec.bucket, spec.region, spec.profile)
        return ResolvedEndpoint(EMBEDDED, None, spec.bucket, spec.region, None)
    if spec.endpoint == ENV:
        url = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
        if not url:
            raise S3ConfigError("--s3-endpoint env: neither AWS_ENDPOINT_URL_S3 nor AWS_ENDPOINT_URL is set")
    else:
        url = spec.endpoint
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        ok = False
    if not ok:
        raise S3ConfigError(f"--s3-endpoint {_redact(url)!r} is not an http(s) URL like http://127.0.0.1:9000")
    if parts.username or parts.password or parts.query or parts.fragment:
        # S3 signs requests with a key pair: a password or token in the URL is never used, and a
        # secret in a URL ends up in logs.  Refused, shown without the secret.
        raise S3ConfigError(f"--s3-endpoint {_redact(url)} carries user info or a query string: give just "
                            "scheme://host:port and the key in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                            "or --s3-profile")
    if _is_aws_url(url):
        if not spec.real_aws:
            raise S3RealAwsNotAllowed(
                f"S3 endpoint {_redact(url)} is real AWS: add --s3-real-aws and --s3-bucket NAME to "
                "run against it (it costs money and writes to your account)")
        if not spec.bucket:
            raise S3ConfigError("--s3-real-aws needs --s3-bucket NAME")
        return ResolvedEndpoint("aws", url, spec.bucket, spec.region, spec.profile)
    return ResolvedEndpoint("custom", url, spec.bucket, spec.region, spec.profile)


def check_reachable(resolved: ResolvedEndpoint, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """A custom endpoint must accept a TCP connection: checked at start-up, one clear line."""
    if resolved.kind != "custom" or not resolved.url:
        return
    parts = urlsplit(resolved.url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise S3EndpointUnreachable(
            f"--s3-endpoint {_redact(resolved.url)} is unreachable ({reason}); start the server or fix "
            "the URL") from None


def standard_credentials(resolved: ResolvedEndpoint) -> dict[str, str]:
    """Credentials for a custom or AWS endpoint from the standard chain or ``--s3-profile``.

    On a custom endpoint the chain never asks the EC2 instance-metadata service (the plugin sets
    AWS_EC2_METADATA_DISABLED unless real AWS is allowed): a missing key is one clear line, not a
    connection to 169.254.169.254.
    """
    from botocore.exceptions import BotoCoreError, ProfileNotFound

    label = _redact(resolved.url)
    try:
        creds = aws.chain_credentials(resolved.profile)
    except ProfileNotFound:
        raise S3ConfigError(f"--s3-profile {resolved.profile!r}: AWS profile not found") from None
    except BotoCoreError as exc:
        raise S3ConfigError(f"AWS credentials for S3 endpoint {label} could not be read: {exc}") from None
    if creds is None:
        raise S3ConfigError(f"no AWS credentials found for S3 endpoint {label}: set "
                            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --s3-profile")
    return creds


def _redact(url: str | None) -> str:
    """scheme://host:port/path only: user:password@ and query strings never reach results or logs."""
    if not url:
        return "(AWS default endpoint)"
    return urls.redact_url(url)


def run_id() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{secrets.token_hex(4)}"


class S3Target:
    """An opened endpoint plus the run's bucket and prefix.  Use as a context manager."""

    def __init__(self, resolved: ResolvedEndpoint, counter: RequestCounter | None = None,
                 middlewares: list | None = None):
        self.resolved = resolved
        self.run_id = run_id()
        self.counter = counter if counter is not None else (
            RequestCounter() if resolved.kind == EMBEDDED else None)
        self._extra_middlewares = list(middlewares or [])
        self.server: EmbeddedMoto | None = None
        self.bucket: str = ""
        self.prefix: str = ""
        self.created_bucket = False
        self._credentials: dict[str, str] | None = None
        self._boto3: Any = None
        self._opened_url: str | None = None  # kept after stop() so results can still name it

    def __repr__(self) -> str:  # never the credentials
        return f"S3Target({self.resolved.kind}, {self.endpoint_label}, bucket={self.bucket!r})"

    # -- identity -----------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.resolved.kind

    @property
    def endpoint_url(self) -> str | None:
        if self.server is not None:
            return self.server.endpoint_url
        return self.resolved.url or self._opened_url

    @property
    def endpoint_label(self) -> str:
        return _redact(self.endpoint_url) if self.endpoint_url or self.kind == "aws" else "(not started)"

    @property
    def region(self) -> str:
        return self.resolved.region

    def describe(self) -> dict[str, Any]:
        """What results record about the endpoint: no credentials, no user:password in URLs."""
        return {"s3_endpoint_kind": self.kind, "s3_endpoint": self.endpoint_label,
                "s3_region": self.region, "s3_bucket": self.bucket, "s3_prefix": self.prefix,
                "s3_counted": self.counter is not None}

    # -- lifecycle ----------------------------------------------------------------------------
    def open(self) -> "S3Target":
        if self.kind == EMBEDDED:
            middlewares = [*self._extra_middlewares, self.counter.middleware]  # type: ignore[union-attr]
            self.server = EmbeddedMoto(middlewares=middlewares).start()
            self._opened_url = self.server.endpoint_url
            self._credentials = dict(DUMMY_CREDENTIALS)
        else:
            self._credentials = self._standard_credentials()
        try:
            self._claim_namespace()
        except BaseException:
            self.close_server()
            raise
        return self

    def _standard_credentials(self) -> dict[str, str]:
        return standard_credentials(self.resolved)

    def _claim_namespace(self) -> None:
        """Check the endpoint and bucket, then take a unique bucket or prefix for this run."""
        client = self.boto3()
        if self.resolved.bucket:
            self.bucket = self.resolved.bucket
            self.call(client.head_bucket, Bucket=self.bucket)  # missing/denied -> clear error
            self.prefix = f"storagebench/{self.run_id}/"
            return
        name = f"storagebench-{self.run_id}"
        kwargs: dict[str, Any] = {"Bucket": name}
        if self.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.bucket = name
        self.call(client.create_bucket, **kwargs)
        self.created_bucket = True
        self.prefix = ""

    def cleanup(self) -> int:
        """Delete what this run created (objects under its prefix; its bucket); return objects deleted."""
        if not self.bucket or self._credentials is None or (not self.created_bucket and not self.prefix):
            return 0  # nothing of ours to delete (never the whole of a bucket we did not create)
        client = self.boto3()
        deleted = 0
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                deleted += len(keys)
        uploads = client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix)
        for up in uploads.get("Uploads", []):
            client.abort_multipart_upload(Bucket=self.bucket, Key=up["Key"], UploadId=up["UploadId"])
        if self.created_bucket:
            client.delete_bucket(Bucket=self.bucket)
            self.created_bucket = False
        return deleted

    def close_server(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def close(self) -> None:
        try:
            self.cleanup()
        finally:
            self.close_server()

    def __enter__(self) -> "S3Target":
        return self.open()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def through(self, server: EmbeddedMoto) -> "S3Target":
        """This run's bucket and prefix reached through another embedded server, uncounted.

        moto's backends are process-wide, so a second server sees the same objects: the request
        counter's own cost is measured by reading the same object through both.  The view
        owns nothing (its cleanup deletes nothing).
        """
        view = S3Target(self.resolved, counter=RequestCounter())
        view.counter = None
        view.server, view.bucket, view.prefix = server, self.bucket, self.prefix
        view._credentials = dict(self._creds())
        return view

    # -- names --------------------------------------------------------------------------------
    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def path(self, key: str) -> str:
        """``bucket/key``: the path pyarrow and s3fs take."""
        return f"{self.bucket}/{key}"

    # -- clients ------------------------------------------------------------------------------
    def _creds(self) -> dict[str, str]:
        if self._credentials is None:
            raise RuntimeError("S3 target is not open")
        return self._credentials

    def boto3(self) -> Any:
        if self._boto3 is None:
            self._boto3 = aws.client("s3", self.endpoint_url, region=self.region, credentials=self._creds(),
                                     max_attempts=MAX_ATTEMPTS, connect_timeout=CONNECT_TIMEOUT_S,
                                     read_timeout=READ_TIMEOUT_S)
        return self._boto3

    def pyarrow_fs(self) -> Any:
        import pyarrow.fs as pafs

        creds = self._creds()
        kwargs: dict[str, Any] = {
            "access_key": creds["aws_access_key_id"], "secret_key": creds["aws_secret_access_key"],
            "session_token": creds.get("aws_session_token"), "region": self.region,
            "connect_timeout": CONNECT_TIMEOUT_S, "request_timeout": READ_TIMEOUT_S,
            "retry_strategy": pafs.AwsStandardS3RetryStrategy(max_attempts=MAX_ATTEMPTS),
        }
        url = self.endpoint_url
        if url:
            # pyarrow ignores AWS_ENDPOINT_URL: the endpoint and scheme must be given (TRAPS.md).
            p = urlsplit(url)
            kwargs["endpoint_override"] = p.netloc.rsplit("@", 1)[-1]
            kwargs["scheme"] = p.scheme
        return pafs.S3FileSystem(**kwargs)

    def s3fs_fs(self, **settings: Any) -> Any:
        import s3fs

        creds = self._creds()
        fs = s3fs.S3FileSystem(
            key=creds["aws_access_key_id"], secret=creds["aws_secret_access_key"],
            token=creds.get("aws_session_token"), endpoint_url=self.endpoint_url,
            client_kwargs={"region_name": self.region},
            config_kwargs={"connect_timeout": CONNECT_TIMEOUT_S, "read_timeout": READ_TIMEOUT_S,
                           "retries": {"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
                           # TRAPS.md: default checksums measure the checksum, not the transfer.
                           "request_checksum_calculation": "when_required",
                           "response_checksum_validation": "when_required"},
            skip_instance_cache=True, **settings)
        fs.retries = MAX_ATTEMPTS  # s3fs's own retry loop (default 5 with backoff) bounded too
        return fs

    # -- errors -------------------------------------------------------------------------------
    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a client function; translate failures into a clear S3Error."""
        try:
            return fn(*args, **kwargs)
        except S3Error:
            raise
        except Exception as exc:
            err = translate(exc, self.endpoint_label, kwargs.get("Bucket") or self.bucket, kwargs.get("Key"))
            if err is None:
                raise
            raise err from None
