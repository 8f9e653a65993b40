"""The S3 endpoint of the catalog, lifecycle and three-Vs suites: the suite's one
:class:`storagebench.s3.endpoint.S3Target`, on the embedded moto server with request counting.

Everything these suites do on S3 or Glue goes through it: boto3 clients (``client("s3")``,
``client("glue")``; dummy credentials only the loopback server accepts), pyarrow's S3 client
(``arrow_fs()``), buckets (``create_bucket``) and :meth:`~storagebench.s3.endpoint.S3Target.counting`,
whose :class:`~storagebench.s3.request_counts.RequestCounts` the suites report.
"""

from __future__ import annotations

from storagebench.moto_server import DEFAULT_REGION
from storagebench.s3.endpoint import EndpointSpec, S3Target, resolve
from storagebench.s3.request_counts import GLUE_OP, RequestCounts


def embedded_target(region: str = DEFAULT_REGION) -> S3Target:
    """The embedded endpoint, opened (a moto server on 127.0.0.1 with the request counter)."""
    return S3Target(resolve(EndpointSpec(region=region))).open()


__all__ = ["GLUE_OP", "RequestCounts", "S3Target", "embedded_target"]
