"""Any DynamoDB endpoint, or real AWS, used only when the user passes the explicit flag.

``--ddb-backends endpoint --ddb-allow-real`` with ``--ddb-endpoint URL`` (e.g. DynamoDB Local)
or without a URL for AWS itself (standard credential chain, ``--ddb-region``).  Real tables
cost money: the suite creates on-demand tables under unique names and deletes only those.
"""

from __future__ import annotations

from storagebench.dynamodb.backends import BackendOptions, RunningBackend, backend
from storagebench.dynamodb.errors import DynamoDBError


@backend("endpoint", "a DynamoDB endpoint you name, or real AWS (needs the explicit flag)", explicit_only=True)
def start(options: BackendOptions) -> RunningBackend:
    if not options.allow_real:
        target = options.endpoint_url or f"AWS DynamoDB in {options.region}"
        raise DynamoDBError(f"backend 'endpoint' would use {target}: pass --ddb-allow-real to allow a "
                            "non-embedded endpoint (tables are created and billed there)")
    is_aws = options.endpoint_url is None or "amazonaws.com" in options.endpoint_url
    return RunningBackend(
        name="aws" if is_aws else "endpoint", endpoint_url=options.endpoint_url, region=options.region,
        credentials=None, reports_capacity=is_aws,
        caveat=None if is_aws else f"user endpoint {options.endpoint_url}: capacity and latency as that "
                                   "implementation reports them",
        version=None, startup_seconds=0.0, is_real=is_aws)
