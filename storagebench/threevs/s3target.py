"""The one adapter between the catalog / lifecycle / three-Vs suites and the S3 endpoint.

Everything these suites do on S3 or Glue goes through :class:`S3Target`: the embedded moto
server, boto3 clients (dummy credentials that only the loopback server accepts), a pyarrow
``S3FileSystem`` pointed at the same endpoint, and request/byte counting.

Why counting lives in one place: the S3 suite (``storagebench.s3``) builds the project's
request-counting WSGI middleware.  Until it is on main this module carries a minimal counter of
its own (:class:`_CountingMiddleware`); switching to the shared one is a change to this file only,
because every call site uses :meth:`S3Target.counting` and :class:`RequestCounts`.

What is counted, per request that reaches moto's server: the service (``s3`` or ``glue``), an
operation name (S3: ``GET`` / ``GET-range`` / ``PUT`` / ``HEAD`` / ``LIST`` / ``DELETE`` /
``POST-restore`` / ``POST``; Glue: the ``X-Amz-Target`` action such as ``CreateTable``), the
request body bytes sent and the response body bytes received.  These are the portable facts
(TRAPS.md: on loopback, wall time rewards fewer requests, not fewer bytes).
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import parse_qs

import pyarrow.fs as pafs

from storagebench.aws import client as aws_client
from storagebench.prices import region_prices
from storagebench.moto_server import DEFAULT_REGION, DUMMY_CREDENTIALS, EmbeddedMoto


@dataclass
class RequestCounts:
    """Requests and bytes seen while a :meth:`S3Target.counting` block was open."""

    by_op: Counter = field(default_factory=Counter)  # "s3:GET-range" -> n
    bytes_sent: int = 0  # request bodies (uploads)
    bytes_received: int = 0  # response bodies (downloads)

    def add(self, service: str, op: str, sent: int, received: int) -> None:
        self.by_op[f"{service}:{op}"] += 1
        self.bytes_sent += sent
        self.bytes_received += received

    def service_total(self, service: str) -> int:
        return sum(n for k, n in self.by_op.items() if k.startswith(service + ":"))

    @property
    def s3_requests(self) -> int:
        return self.service_total("s3")

    @property
    def glue_requests(self) -> int:
        return self.service_total("glue")

    @property
    def gets(self) -> int:
        return self.by_op["s3:GET"] + self.by_op["s3:GET-range"] + self.by_op["s3:HEAD"]

    @property
    def puts(self) -> int:
        # PUT object and multipart parts; S3 prices POST (multipart initiate/complete) as PUT class.
        return self.by_op["s3:PUT"] + self.by_op["s3:POST"]

    @property
    def lists(self) -> int:
        return self.by_op["s3:LIST"]

    def request_cost_usd(self, region: str = DEFAULT_REGION, storage_class: str = "STANDARD") -> float:
        """Request charges for these counts (S3 by class, Glue per million) from the price table."""
        prices = region_prices(region)
        cls = prices["s3"]["storage_classes"][storage_class]
        s3 = (self.puts * cls["put_per_1000"] + self.gets * cls["get_per_1000"]
              + self.lists * prices["s3"]["list_per_1000"]) / 1000
        glue = self.glue_requests * prices["glue"]["requests_per_million"] / 1e6
        return s3 + glue

    def as_info(self) -> dict[str, Any]:
        """The extra_info form: total requests, per-operation counts and bytes."""
        return {
            "requests": self.s3_requests + self.glue_requests,
            "s3_requests": self.s3_requests,
            "glue_requests": self.glue_requests,
            "requests_by_op": dict(sorted(self.by_op.items())),
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
            "request_cost_usd": self.request_cost_usd(),
        }


def _classify(environ: dict[str, Any]) -> tuple[str, str]:
    """(service, operation) for one request, from the method, headers and query string."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        service, _, action = target.partition(".")
        return ("glue" if service.startswith("AWSGlue") else service.lower()), action
    method = environ.get("REQUEST_METHOD", "GET")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    path = environ.get("PATH_INFO", "/").strip("/")
    if method == "GET":
        if "/" not in path and ("list-type" in query or "prefix" in query or not query):
            return "s3", "LIST"  # bucket-level GET is a listing
        return "s3", "GET-range" if environ.get("HTTP_RANGE") else "GET"
    if method == "POST" and "restore" in query:
        return "s3", "POST-restore"  # priced by the restore tier, not as a PUT
    if method == "POST" and "delete" in query:
        return "s3", "POST-delete"  # DeleteObjects: deletes are free
    return "s3", method


class _CountingMiddleware:
    """Counts every request into whichever RequestCounts are currently open (thread-safe)."""

    def __init__(self, app: Callable[..., Any]):
        self.app = app
        self.lock = threading.Lock()
        self.active: list[RequestCounts] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return self.app(environ, start_response)
        service, op = _classify(environ)
        sent = int(environ.get("CONTENT_LENGTH") or 0)
        # Counted on arrival and per chunk *before* it is sent: the client may move on as soon
        # as the last byte arrives, so counting after the response would race with it.
        with self.lock:
            listeners = list(self.active)
            for counts in listeners:
                counts.add(service, op, sent, 0)
        return self._count_body(self.app(environ, start_response), listeners)

    def _count_body(self, body: Iterable[bytes], listeners: list[RequestCounts]) -> Iterator[bytes]:
        try:
            for chunk in body:
                with self.lock:
                    for counts in listeners:
                        counts.bytes_received += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()


class S3Target:
    """The embedded moto endpoint with counting, clients and a pyarrow filesystem."""

    def __init__(self, region: str = DEFAULT_REGION):
        self.region = region
        self._counter: _CountingMiddleware | None = None

        def install(app: Callable[..., Any]) -> Callable[..., Any]:
            self._counter = _CountingMiddleware(app)
            return self._counter

        self.server = EmbeddedMoto(middlewares=[install]).start()
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
        return pafs.S3FileSystem(
            access_key=DUMMY_CREDENTIALS["aws_access_key_id"],
            secret_key=DUMMY_CREDENTIALS["aws_secret_access_key"],
            region=self.region,
            endpoint_override=f"{self.server.host}:{self.server.port}",
            scheme="http",
            allow_delayed_open=True,
            connect_timeout=3,
            request_timeout=60,
        )

    def create_bucket(self, name: str) -> str:
        self.client("s3").create_bucket(Bucket=name)
        return name

    @contextlib.contextmanager
    def counting(self) -> Iterator[RequestCounts]:
        """Count the requests made inside the block (nested blocks each see their own)."""
        assert self._counter is not None
        counts = RequestCounts()
        with self._counter.lock:
            self._counter.active.append(counts)
        try:
            yield counts
        finally:
            with self._counter.lock:
                self._counter.active.remove(counts)

    def close(self) -> None:
        self.server.stop()

    def __enter__(self) -> "S3Target":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
