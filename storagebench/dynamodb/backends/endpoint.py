"""Any DynamoDB endpoint, or real AWS, used only when the user passes the explicit flag.

``--ddb-backends endpoint --ddb-allow-real`` with ``--ddb-endpoint URL`` (e.g. DynamoDB Local)
or without a URL for AWS itself (standard credential chain, ``--ddb-region``).  Real tables
cost money: the suite creates on-demand tables under unique names and deletes only those.

Credentials are looked up when the suite's options are checked (:func:`credentials`), so a
missing key is one line at start-up naming the endpoint and the fix, not botocore's bare
``NoCredentialsError`` from the first request.  The endpoint URL is shown redacted
(no ``user:password@``, no query string).
"""

from __future__ import annotations

from storagebench import aws, urls
from storagebench.dynamodb.backends import BackendOptions, RunningBackend, backend
from storagebench.dynamodb.errors import DynamoDBError


def label(options: BackendOptions) -> str:
    return urls.redact_url(options.endpoint_url) if options.endpoint_url else f"AWS DynamoDB in {options.region}"


def is_aws(options: BackendOptions) -> bool:
    return options.endpoint_url is None or urls.is_aws_url(options.endpoint_url)


def credentials(options: BackendOptions) -> dict[str, str]:
    """The standard chain's credentials for this endpoint, or one clear error."""
    from botocore.exceptions import BotoCoreError

    try:
        creds = aws.chain_credentials()
    except BotoCoreError as exc:
        raise DynamoDBError(f"AWS credentials for DynamoDB endpoint {label(options)} could not be read: "
                            f"{exc}") from None
    if creds is None:
        raise DynamoDBError(f"no AWS credentials found for DynamoDB endpoint {label(options)}: set "
                            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)")
    return creds


@backend("endpoint", "a DynamoDB endpoint you name, or real AWS (needs the explicit flag)", explicit_only=True)
def start(options: BackendOptions) -> RunningBackend:
    if not options.allow_real:
        raise DynamoDBError(f"backend 'endpoint' would use {label(options)}: pass --ddb-allow-real to allow a "
                            "non-embedded endpoint (tables are created and billed there)")
    real = is_aws(options)
    return RunningBackend(
        name="aws" if real else "endpoint", endpoint_url=options.endpoint_url, region=options.region,
        credentials=credentials(options), reports_capacity=real,
        caveat=None if real else f"user endpoint {label(options)}: capacity and latency as that "
                                 "implementation reports them",
        version=None, startup_seconds=0.0, is_real=real)
