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

Counting: the embedded server counts in its WSGI app; a custom ``http://`` endpoint is reached
through a counting proxy on 127.0.0.1 (:mod:`storagebench.s3.proxy`, same counter), and
``https`` endpoints are counted client-side by botocore hooks on boto3 and s3fs
(:mod:`storagebench.s3.client_counting`).  ``--s3-latency`` injects a cloud profile's latency
where the suite serves the requests (embedded, proxied; :mod:`storagebench.s3.latency`).

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
from storagebench.s3.cloud_model import CloudProfile
from storagebench.s3.latency import LatencyInjector, resolve_profile
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


def counted_at_server(resolved: ResolvedEndpoint) -> bool:
    """Requests are counted by a WSGI middleware: in the embedded server, or in the counting
    proxy the suite puts in front of a custom plain-HTTP endpoint (https cannot be proxied)."""
    if resolved.kind == EMBEDDED:
        return True
    return resolved.kind == "custom" and urlsplit(resolved.url or "").scheme == "http"


def default_counter(resolved: ResolvedEndpoint) -> RequestCounter:
    """Server-side counting where the suite serves the requests (embedded, proxied http://);
    elsewhere (https: real AWS, TLS endpoints) client-side botocore hooks for boto3 and s3fs."""
    if counted_at_server(resolved):
        return RequestCounter()
    from storagebench.s3.client_counting import ClientSideCounter

    return ClientSideCounter(bucket_hint=resolved.bucket)


def latency_injector(resolved: ResolvedEndpoint, profile: "str | CloudProfile | None") -> LatencyInjector | None:
    """The injector for ``--s3-latency PROFILE`` (None for ``none``); only where the suite serves
    the requests itself (embedded server or counting proxy): real AWS has its own latency."""
    chosen = resolve_profile(profile)
    if chosen is None:
        return None
    if not counted_at_server(resolved):
        raise S3ConfigError(f"--s3-latency {profile} needs the embedded endpoint or an http:// endpoint "
                            f"(requests pass through the suite's server there); {_redact(resolved.url)} "
                            "is not one")
    return LatencyInjector(chosen)


def run_id() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{secrets.token_hex(4)}"


class S3Target:
    """An opened endpoint plus the run's bucket and prefix.  Use as a context manager."""

    def __init__(self, resolved: ResolvedEndpoint, counter: RequestCounter | None = None,
                 middlewares: list | None = None, latency: "str | CloudProfile | None" = None):
        self.resolved = resolved
        self.run_id = run_id()
        self.counter = counter if counter is not None else default_counter(resolved)
        self.injector = latency_injector(resolved, latency)
        self._extra_middlewares = list(middlewares or [])
        self.server: EmbeddedMoto | None = None
        self.proxy: Any = None  # storagebench.s3.proxy.CountingProxy in front of a custom http:// endpoint
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
        """The URL the clients connect to (the counting proxy's, when there is one)."""
        if self.server is not None:
            return self.server.endpoint_url
        if self.proxy is not None:
            return self.proxy.endpoint_url
        return self.resolved.url or self._opened_url

    @property
    def endpoint_label(self) -> str:
        if self.proxy is not None or (self.kind == "custom" and self.resolved.url):
            return _redact(self.resolved.url)  # the user's endpoint, not the proxy in front of it
        return _redact(self.endpoint_url) if self.endpoint_url or self.kind == "aws" else "(not started)"

    @property
    def region(self) -> str:
        return self.resolved.region

    def describe(self) -> dict[str, Any]:
        """What results record about the endpoint: no credentials, no user:password in URLs."""
        return {"s3_endpoint_kind": self.kind, "s3_endpoint": self.endpoint_label,
                "s3_region": self.region, "s3_bucket": self.bucket, "s3_prefix": self.prefix,
                "s3_counted": self.counter is not None, **self.counting_describe()}

    def counting_describe(self) -> dict[str, Any]:
        """How requests are counted (server middleware or the proxy) and the injected latency."""
        from storagebench.s3 import latency

        from storagebench.s3.client_counting import ClientSideCounter

        by = None
        if isinstance(self.counter, ClientSideCounter):
            by = self.counter.counted_by
        elif self.counter is not None:
            by = "counting proxy on 127.0.0.1 in front of the endpoint" if self.kind == "custom" \
                else "WSGI middleware in the embedded server"
        return {"s3_counted_by": by, **latency.describe(self.injector)}

    # -- lifecycle ----------------------------------------------------------------------------
    def open(self) -> "S3Target":
        if self.kind == EMBEDDED:
            self.server = EmbeddedMoto(middlewares=self._server_middlewares()).start()
            self._opened_url = self.server.endpoint_url
            self._credentials = dict(DUMMY_CREDENTIALS)
        else:
            self._credentials = self._standard_credentials()
            if self.counter is not None:
                self._start_counting_proxy()
        try:
            self._claim_namespace()
        except BaseException:
            self.close_server()
            raise
        return self

    def _server_middlewares(self) -> list:
        """Outermost last: the counter outside the latency injector, so counted first/last byte
        times include the injected latency, as a client sees them."""
        injected = [self.injector.middleware] if self.injector is not None else []
        counted = [self.counter.middleware] if self.counter is not None else []
        return [*self._extra_middlewares, *injected, *counted]

    def _start_counting_proxy(self) -> None:
        from storagebench.s3.proxy import CountingProxy

        assert self.resolved.url is not None
        try:
            check_reachable(self.resolved)
        except S3EndpointUnreachable as exc:
            # The same wording as a client's failure to connect (errors.translate).
            reason = str(exc).split(" is unreachable ", 1)[-1].split(";", 1)[0]
            raise S3EndpointUnreachable(f"S3 endpoint {self.endpoint_label} is unreachable {reason}; check "
                                        "--s3-endpoint and that the server is running") from None
        self.proxy = CountingProxy(self.resolved.url, middlewares=self._server_middlewares()).start()

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
        if self.proxy is not None:
            self.proxy.stop()
            self.proxy = None

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

    def connection(self) -> dict[str, Any]:
        """What another process needs to reach this run's objects as the clients here do (the URL
        the clients use, region, bucket, prefix and credentials).  Sent only to the suite's own
        memory-measuring helper process through a pipe; never written anywhere."""
        return {"url": self.endpoint_url, "region": self.region, "bucket": self.bucket,
                "prefix": self.prefix, "credentials": dict(self._creds()), "kind": self.kind}

    @classmethod
    def attach(cls, connection: dict[str, Any]) -> "S3Target":
        """A view of an opened target from :meth:`connection` (in another process): it starts no
        server, claims nothing, counts nothing and deletes nothing."""
        kind = connection["kind"] if connection["url"] is None else "custom"
        view = cls(ResolvedEndpoint(kind, connection["url"], connection["bucket"], connection["region"], None),
                   counter=RequestCounter())
        view.counter = None
        view.bucket, view.prefix = connection["bucket"], connection["prefix"]
        view._credentials = dict(connection["credentials"])
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
            self._count_client_side(self._boto3, "attach_botocore")
        return self._boto3

    def _count_client_side(self, client: Any, how: str) -> None:
        """Where requests cannot be counted at a server: register the client-side hooks."""
        from storagebench.s3.client_counting import ClientSideCounter

        if isinstance(self.counter, ClientSideCounter):
            if self.bucket:
                self.counter.bucket_hint = self.bucket
            getattr(self.counter, how)(client)

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
        self._count_client_side(fs, "attach_s3fs")
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
