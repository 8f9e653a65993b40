"""Which S3 endpoint a run asked for (``--s3-endpoint``, ``--s3-real-aws``, ``--s3-bucket``,
``--s3-profile``, ``--s3-latency``), validated before anything is started.

:func:`resolve` turns the options into a :class:`ResolvedEndpoint` (embedded, custom or aws;
real AWS refused without ``--s3-real-aws``); the helpers here decide how its requests are counted
and whether latency can be injected.  :class:`storagebench.s3.endpoint.S3Target` opens it.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from storagebench import aws, urls
from storagebench.moto_server import DEFAULT_REGION
from storagebench.s3.cloud_model import CloudProfile
from storagebench.s3.counting import RequestCounter
from storagebench.s3.errors import S3ConfigError, S3EndpointUnreachable, S3RealAwsNotAllowed
from storagebench.s3.filesystems import CONNECT_TIMEOUT_S
from storagebench.s3.latency import LatencyInjector, resolve_profile

EMBEDDED = "embedded"
ENV = "env"



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
