"""User-facing S3 errors: one clear line naming the endpoint, bucket or object that is wrong.

The three clients fail in three dialects (botocore ``ClientError``/``EndpointConnectionError``,
pyarrow ``OSError("... AWS Error ACCESS_DENIED ...")``, s3fs ``PermissionError``/
``FileNotFoundError``); :func:`translate` maps all of them onto these classes so a user sees
what to fix instead of a traceback from inside a library.  Every class subclasses
:class:`formats.base.StorageBenchInputError` (the CLI prints it as one line and exits 2).
"""

from __future__ import annotations

from formats.base import StorageBenchInputError


class S3Error(StorageBenchInputError):
    """Base class for S3 target errors."""


class S3EndpointUnreachable(S3Error):
    pass


class S3BucketMissing(S3Error):
    pass


class S3AccessDenied(S3Error):
    pass


class S3ObjectFormatError(S3Error):
    """An object whose bytes are not the format its key (extension) claims."""


class S3RealAwsNotAllowed(S3Error):
    pass


class S3ConfigError(S3Error):
    pass


def translate(exc: BaseException, endpoint: str, bucket: str | None = None,
              key: str | None = None) -> S3Error | None:
    """The S3Error an exception from boto3, pyarrow or s3fs means, or None if it is none of them.

    Matching on error codes (botocore) and on the AWS SDK's error names in pyarrow's messages
    (``ACCESS_DENIED``, ``NETWORK_CONNECTION``, ``NoSuchBucket``): these are stable names, not
    free-text wording.
    """
    where = f"s3://{bucket}/{key}" if bucket and key else (f"bucket {bucket!r}" if bucket else "S3")
    text = f"{type(exc).__name__}: {exc}"
    try:
        from botocore.exceptions import (
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
            NoCredentialsError,
        )
    except ImportError:  # pragma: no cover - boto3 is a hard dependency
        ClientError = EndpointConnectionError = ConnectTimeoutError = NoCredentialsError = ()  # type: ignore

    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)) or any(
            s in text for s in ("NETWORK_CONNECTION", "Could not connect", "Connection refused",
                                "Cannot connect to host", "Connect timeout")):
        return S3EndpointUnreachable(
            f"S3 endpoint {endpoint} is unreachable ({_short(exc)}); check --s3-endpoint and that "
            "the server is running")
    if isinstance(exc, NoCredentialsError):
        return S3ConfigError(f"no AWS credentials found for S3 endpoint {endpoint}: set "
                             "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --s3-profile")
    code = ""
    status = None
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code in ("NoSuchBucket",) or "NoSuchBucket" in text or "NO_SUCH_BUCKET" in text or (
            status == 404 and key is None and bucket is not None):
        return S3BucketMissing(f"bucket {bucket!r} does not exist at S3 endpoint {endpoint}")
    if code in ("AccessDenied", "403", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch") \
            or status == 403 or isinstance(exc, PermissionError) or "ACCESS_DENIED" in text \
            or "AccessDenied" in text:
        return S3AccessDenied(f"access denied to {where} at S3 endpoint {endpoint} "
                              f"({code or _short(exc)}); check the credentials' permissions")
    if code in ("NoSuchKey", "404") or isinstance(exc, FileNotFoundError) or "NoSuchKey" in text:
        return S3Error(f"{where} does not exist at S3 endpoint {endpoint}")
    return None


def _short(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {(lines[0] if lines else '')[:200]}"
