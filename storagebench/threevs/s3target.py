"""The one adapter between the catalog / lifecycle / three-Vs suites and the S3 endpoint.

Everything these suites do on S3 or Glue goes through :class:`S3Target`: the embedded moto
server, boto3 clients (dummy credentials that only the loopback server accepts), a pyarrow
``S3FileSystem`` pointed at the same endpoint, and request/byte counting.

Counting is the S3 suite's :class:`storagebench.s3.counting.RequestCounter` (a WSGI middleware
in front of moto's app, race-free: it settles in-flight requests before a delta is read); this
module only turns its records into :class:`RequestCounts`, the small view every call site here
uses, and prices them with ``storagebench.s3.cloud_model.request_cost`` (plus Glue's request
price).  Operation names are S3 API names (``s3:GetObject``, ``s3:PutObject``,
``s3:ListObjectsV2``, ``s3:DeleteObjects`` ...).  Glue requests reach the same server as
``POST /`` with no bucket; the counter does not see their action, so they are counted as
``glue:request``.  On this machine moto answers ~13 ms per request: the request counts, not the
loopback time, are the portable result (TRAPS.md).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import pyarrow.fs as pafs

from storagebench.aws import client as aws_client
from storagebench.moto_server import DEFAULT_REGION, DUMMY_CREDENTIALS, EmbeddedMoto
from storagebench.prices import region_prices
from storagebench.s3.cloud_model import request_cost
from storagebench.s3.counting import RequestCounter, RequestRecord

GLUE_OP = "glue:request"


def _op(r: RequestRecord) -> str:
    # Glue (JSON protocol) posts to "/" with no bucket; every S3 operation names a bucket.
    return GLUE_OP if r.bucket is None and r.method == "POST" else f"s3:{r.operation}"


@dataclass
class RequestCounts:
    """Requests and bytes seen while a :meth:`S3Target.counting` block was open."""

    by_op: Counter = field(default_factory=Counter)  # "s3:GetObject" -> n, "glue:request" -> n
    bytes_in: int = 0  # request bodies (uploads), as RequestRecord.bytes_in
    bytes_out: int = 0  # response bodies (downloads), as RequestRecord.bytes_out
    records: list[RequestRecord] = field(default_factory=list)

    def add_records(self, records: Iterable[RequestRecord]) -> None:
        for r in records:
            self.records.append(r)
            self.by_op[_op(r)] += 1
            self.bytes_in += r.bytes_in
            self.bytes_out += r.bytes_out

    def service_total(self, service: str) -> int:
        return sum(n for k, n in self.by_op.items() if k.startswith(service + ":"))

    @property
    def s3_requests(self) -> int:
        return self.service_total("s3")

    @property
    def glue_requests(self) -> int:
        return self.service_total("glue")

    def request_cost_usd(self, region: str = DEFAULT_REGION, storage_class: str = "STANDARD") -> float:
        """Request charges (S3 by class, Glue per million) from the price table."""
        s3_records = [r for r in self.records if _op(r) != GLUE_OP]
        s3 = request_cost(s3_records, region, storage_class)["s3_request_cost_usd"]
        glue = self.glue_requests * region_prices(region)["glue"]["requests_per_million"] / 1e6
        return s3 + glue

    def per_round(self, rounds: int) -> dict[str, Any]:
        """extra_info figures per timed round (the counts cover all ``rounds`` rounds)."""
        return {"requests": self.s3_requests / rounds,
                "requests_by_op": {k: v / rounds for k, v in self.by_op.items() if v},
                "s3_bytes_out": self.bytes_out / rounds,
                "request_cost_usd": self.request_cost_usd() / rounds}

    def as_info(self) -> dict[str, Any]:
        """The extra_info form: total requests, per-operation counts, bytes and cost."""
        return {
            "requests": self.s3_requests + self.glue_requests,
            "s3_requests": self.s3_requests,
            "glue_requests": self.glue_requests,
            "requests_by_op": dict(sorted(self.by_op.items())),
            "s3_bytes_in": self.bytes_in,
            "s3_bytes_out": self.bytes_out,
            "request_cost_usd": self.request_cost_usd(),
        }


class S3Target:
    """The embedded moto endpoint with counting, clients and a pyarrow filesystem."""

    def __init__(self, region: str = DEFAULT_REGION):
        self.region = region
        self.counter = RequestCounter()
        self.server = EmbeddedMoto(middlewares=[self.counter.middleware]).start()
        self._clients: dict[str, Any] = {}

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    def client(self, service: str) -> Any:
        """A boto3 client (bounded retries, short timeouts) for ``s3`` or ``glue``."""
        if service not in self._clients:
            self._clients[service] = aws_client(service, self.endpoint_url, region=self.region,
                                                credentials=DUMMY_CREDENTIALS)
        return self._clients[service]

    def arrow_fs(self) -> pafs.S3FileSystem:
        """pyarrow's S3 client on this endpoint (it ignores AWS_ENDPOINT_URL: TRAPS.md).

        ``allow_delayed_open=True``: a small object is uploaded with one PutObject.  Without it
        pyarrow opens a multipart upload for every object (initiate, part, complete: 3 requests,
        measured here), which would triple the request count of every small-files workload.
        """
        return self.server.pyarrow_filesystem(self.region, allow_delayed_open=True, connect_timeout=3,
                                              request_timeout=60)

    def create_bucket(self, name: str) -> str:
        self.client("s3").create_bucket(Bucket=name)
        return name

    @contextlib.contextmanager
    def counting(self) -> Iterator[RequestCounts]:
        """Count the requests made inside the block (filled in when the block exits)."""
        counts = RequestCounts()
        mark = self.counter.mark()
        try:
            yield counts
        finally:
            counts.add_records(self.counter.since(mark))

    def close(self) -> None:
        self.server.stop()

    def __enter__(self) -> "S3Target":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
