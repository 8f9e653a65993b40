"""Counted S3 work: a WSGI middleware in front of moto's server that records every request.

Why count at the server: wall time on a loopback mock says little about the cloud, but the
requests a client issues and the bytes it moves are the same on any S3 endpoint and decide
both the bill and the cloud latency (TRAPS.md: pyarrow, s3fs and boto3 issue very different
request patterns for the same read).  moto's own recorder has the Range headers but not the
response sizes; wrapping the WSGI app sees both exactly:

* bytes in  = bytes the app actually read from ``wsgi.input`` (the request body),
* bytes out = bytes of the response body as the server sends it (the response iterable is
  wrapped and each chunk measured), so a ranged GET counts what was sent, not what was asked,
* time to first / last byte = from the request reaching the app to the first body chunk handed
  to the server / to the server asking for the next chunk after the last one (it has written
  the last one to the socket).  Not the moment the server closes the response: on a busy
  machine that comes many ms after the client already has every byte and has sent its next
  request, which made sequential requests look concurrent and the client's own work look
  like waiting (measured: 10 ms between a 1 KB body's first byte and its close under load).

Thread-safe (moto's server is threaded; pyarrow and s3fs issue concurrent range GETs).  A
benchmark takes :meth:`RequestCounter.mark` before its operation and :meth:`RequestCounter.since`
after it, so it counts only its own requests (optionally only one bucket).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import parse_qs, unquote

WsgiApp = Callable[..., Any]

# Paths under these prefixes are moto's control API, not S3 work.
_CONTROL_PREFIXES = ("/moto-api",)


@dataclass(frozen=True)
class RequestRecord:
    """One S3 request as the server saw it."""

    operation: str  # S3 API name: GetObject, HeadObject, PutObject, UploadPart, ListObjectsV2, ...
    method: str
    bucket: str | None
    key: str | None
    range: str | None  # the Range header as sent, e.g. "bytes=0-1023"
    status: int
    bytes_in: int  # request body bytes read by the server
    bytes_out: int  # response body bytes sent
    started: float  # time.perf_counter() when the request reached the app
    first_byte_s: float | None  # seconds from start to the first response body chunk
    last_byte_s: float  # seconds from start to the end of the response body

    @property
    def ended(self) -> float:
        return self.started + self.last_byte_s

    @property
    def is_range_read(self) -> bool:
        return self.operation == "GetObject" and self.range is not None


def classify(method: str, bucket: str | None, key: str | None, query: dict[str, list[str]]) -> str:
    """The S3 API operation for a path-style request (method + path + query string)."""
    if bucket is None:
        return "ListBuckets" if method == "GET" else f"{method} /"
    if key is None:
        if method == "GET":
            if "uploads" in query:
                return "ListMultipartUploads"
            if "location" in query:
                return "GetBucketLocation"
            return "ListObjectsV2" if query.get("list-type") == ["2"] else "ListObjects"
        if method == "POST" and "delete" in query:
            return "DeleteObjects"
        return {"HEAD": "HeadBucket", "PUT": "CreateBucket", "DELETE": "DeleteBucket"}.get(
            method, f"{method} bucket")
    if method == "GET":
        return "ListParts" if "uploadId" in query else "GetObject"
    if method == "HEAD":
        return "HeadObject"
    if method == "PUT":
        if "partNumber" in query and "uploadId" in query:
            return "UploadPart"
        return "PutObject"
    if method == "POST":
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
    if method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    return f"{method} object"


def split_path(path: str) -> tuple[str | None, str | None]:
    """(bucket, key) of a path-style request path ``/bucket/key``."""
    parts = unquote(path).lstrip("/").split("/", 1)
    bucket = parts[0] or None
    key = parts[1] if len(parts) > 1 and parts[1] else None
    return bucket, key


class _CountingInput:
    """Wraps ``wsgi.input`` and counts the request-body bytes the app reads."""

    def __init__(self, stream: Any):
        self._stream = stream
        self.count = 0

    def read(self, *args: Any) -> bytes:
        data = self._stream.read(*args)
        self.count += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        # werkzeug's LimitedStream reads the body through readinto(), not read().
        n = self._stream.readinto(buffer)
        self.count += n or 0
        return n

    def read1(self, *args: Any) -> bytes:
        data = self._stream.read1(*args)
        self.count += len(data)
        return data

    def readline(self, *args: Any) -> bytes:
        data = self._stream.readline(*args)
        self.count += len(data)
        return data

    def readlines(self, *args: Any) -> list[bytes]:
        lines = self._stream.readlines(*args)
        self.count += sum(len(x) for x in lines)
        return lines

    def __iter__(self) -> Iterator[bytes]:
        for line in self._stream:
            self.count += len(line)
            yield line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class RequestCounter:
    """WSGI middleware factory and the thread-safe request log.

    ``EmbeddedMoto(middlewares=[counter.middleware])`` puts it in front of moto's app.
    ``enabled = False`` turns recording off (the request then passes straight through).
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._records: list[RequestRecord] = []
        self._in_flight = 0
        self.enabled = True

    # The server-side counter times response bodies to their last byte (client-side hooks cannot).
    times_bodies = True

    def not_counted_reason(self, client: str) -> str | None:
        """Why requests of S3 client ``client`` are not counted (None: they are).  The server-side
        counter sees every client's requests."""
        return None

    # -- the middleware ----------------------------------------------------------------------
    def middleware(self, app: WsgiApp) -> WsgiApp:
        def counted(environ: dict, start_response: Callable) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if not self.enabled or path.startswith(_CONTROL_PREFIXES):
                return app(environ, start_response)
            started = time.perf_counter()
            with self._lock:
                self._in_flight += 1
            body = _CountingInput(environ["wsgi.input"])
            environ["wsgi.input"] = body
            status_holder: list[int] = []

            def recording_start_response(status: str, headers: list, exc_info: Any = None) -> Any:
                status_holder[:] = [int(status.split(" ", 1)[0])]
                return start_response(status, headers, exc_info) if exc_info else \
                    start_response(status, headers)

            bucket, key = split_path(path)
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            method = environ.get("REQUEST_METHOD", "GET")
            try:
                iterable = app(environ, recording_start_response)
            except BaseException:
                self._append(None)
                raise

            def finish(bytes_out: int, first: float | None, last: float) -> None:
                self._append(RequestRecord(
                    operation=classify(method, bucket, key, query), method=method, bucket=bucket,
                    key=key, range=environ.get("HTTP_RANGE"),
                    status=status_holder[0] if status_holder else 0,
                    bytes_in=body.count, bytes_out=bytes_out, started=started,
                    first_byte_s=None if first is None else first - started,
                    last_byte_s=last - started))

            return _CountingBody(iterable, finish)

        return counted

    def _append(self, record: RequestRecord | None) -> None:
        with self._lock:
            if record is not None:
                self._records.append(record)
            self._in_flight -= 1
            self._lock.notify_all()

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every request the server is handling has been recorded.

        A client can hold the whole response before the server thread has closed the body
        iterable (which is when the record is written), so a delta read right after a client
        call must wait for that.
        """
        with self._lock:
            if not self._lock.wait_for(lambda: self._in_flight == 0, timeout):
                raise TimeoutError(f"{self._in_flight} S3 requests still in flight after {timeout} s")

    # -- snapshots and deltas ----------------------------------------------------------------
    def mark(self) -> int:
        """A position in the log (after in-flight requests settle); see :meth:`since`."""
        self.settle()
        with self._lock:
            return len(self._records)

    def since(self, mark: int, bucket: str | None = None) -> list[RequestRecord]:
        """Requests recorded after ``mark`` (waits for in-flight ones), optionally one bucket's."""
        self.settle()
        with self._lock:
            records = self._records[mark:]
        return [r for r in records if bucket is None or r.bucket == bucket]

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


class _CountingBody:
    """Wraps a WSGI response iterable: counts body bytes and first/last chunk times exactly.

    The record is written when the server closes the iterable (PEP 3333 guarantees ``close``
    is called), so a response abandoned by a disconnecting client is still recorded.
    """

    def __init__(self, iterable: Iterable[bytes], finish: Callable[[int, float | None, float], None]):
        self._iterable = iterable
        self._finish = finish
        self._count = 0
        self._first: float | None = None
        self._last: float | None = None  # when the server came back after the last chunk
        self._done = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._iterable:
            if chunk:
                if self._first is None:
                    self._first = time.perf_counter()
                self._count += len(chunk)
            yield chunk
        self._last = time.perf_counter()

    def close(self) -> None:
        close_wrapped(self._iterable, self._record_once)

    def _record_once(self) -> None:
        if not self._done:
            self._done = True
            # A body abandoned before its end (client gone) ends when it is closed.
            self._finish(self._count, self._first, self._last or time.perf_counter())


def close_wrapped(iterable: Iterable[bytes], then: Callable[[], None]) -> None:
    """Close a wrapped WSGI response iterable (PEP 3333: if it has ``close``), then ``then()``
    even if closing failed: the wrapper's bookkeeping must not be lost."""
    try:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    finally:
        then()
