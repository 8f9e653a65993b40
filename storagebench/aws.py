"""boto3 clients configured for benchmarking: bounded retries, fast failure, honest uploads.

* Retries are bounded (moto answers its own bugs with HTTP 500 and botocore's default retries
  turned one failing call into 10.8 s here): a failure surfaces quickly as a clear error.
* Connect/read timeouts are short for loopback so an unreachable endpoint fails fast.
* Request checksums are calculated only when required: the default made large put_object to
  moto run at 25 MB/s instead of ~190 MB/s (TRAPS.md), which would measure the checksum.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def client_config(max_attempts: int = 3, connect_timeout: float = 3.0, read_timeout: float = 60.0,
                  max_pool_connections: int = 16) -> Config:
    return Config(
        retries={"max_attempts": max_attempts, "mode": "standard"},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_pool_connections=max_pool_connections,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


def client(service: str, endpoint_url: str | None, region: str = "us-east-1",
           credentials: dict[str, str] | None = None, **config: Any) -> Any:
    """A boto3 client; ``credentials`` None means the standard AWS credential chain."""
    session = boto3.session.Session(**(credentials or {}), region_name=region)
    return session.client(service, endpoint_url=endpoint_url, config=client_config(**config))


def chain_credentials(profile: str | None = None) -> dict[str, str] | None:
    """The standard credential chain's keys as client keyword arguments, or None when it has none.

    Raises botocore's ``ProfileNotFound`` / ``BotoCoreError`` for the caller to turn into its own
    one-line error (naming the S3 or DynamoDB option at fault).
    """
    creds = boto3.session.Session(profile_name=profile).get_credentials()
    if creds is None:
        return None
    frozen = creds.get_frozen_credentials()
    out = {"aws_access_key_id": frozen.access_key, "aws_secret_access_key": frozen.secret_key}
    if frozen.token:
        out["aws_session_token"] = frozen.token
    return out
