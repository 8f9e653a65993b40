"""Client-side request counting for endpoints the suite cannot put a WSGI counter in front of.

An ``https`` endpoint (real AWS, or a TLS S3-compatible server) cannot be proxied without
terminating TLS with a certificate the clients trust, so :mod:`storagebench.s3.counting`'s
server-side middleware does not see its requests.  botocore (boto3) and aiobotocore (s3fs) emit
events around every HTTP attempt; :class:`ClientSideCounter` registers on two of them:

* ``request-created.s3.<Operation>``: an attempt is about to be signed and sent (the start time,
  method, URL and body length are taken here; retries create a new request per attempt);
* ``response-received.s3.<Operation>``: its response headers arrived (status, Content-Length).

The records have the same shape as the server-side counter's, with these differences, stated
in every result through ``s3_counted_by``: response body bytes are the response's
``Content-Length`` (what the server sends; HEAD responses carry none), and the time to first
*and* last byte is the time to the response headers (a streamed body is read after the event).
pyarrow's C++ S3 client (and every client not built on botocore) exposes no such hooks: its
cases are recorded as ``s3_counted: false`` with that reason.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit, unquote

from storagebench.s3.counting import RequestCounter, RequestRecord

COUNTED_CLIENTS = ("boto3", "s3fs", "s3fs-tuned")
COUNTED_BY = ("client-side botocore event hooks (boto3, s3fs): body bytes from Content-Length, "
              "times to the response headers")
_STARTED = "storagebench_attempt"


def bucket_and_key(url: str, bucket_hint: str | None = None) -> tuple[str | None, str | None]:
    """(bucket, key) of a path-style or virtual-hosted-style S3 URL."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    path = unquote(parts.path).lstrip("/")
    if bucket_hint and host.startswith(f"{bucket_hint}."):  # virtual-hosted: bucket.s3....
        return bucket_hint, path or None
    first, _, rest = path.partition("/")
    return first or None, rest or None


class ClientSideCounter(RequestCounter):
    """A :class:`RequestCounter` fed by botocore events instead of a WSGI middleware.

    Same interface (``mark``/``since``/``records``/``settle``), so the harness treats both alike;
    ``not_counted_reason(client)`` names the clients it cannot see.
    """

    times_bodies = False  # the hooks see response headers, not the end of a streamed body

    def __init__(self, bucket_hint: str | None = None) -> None:
        super().__init__()
        self.bucket_hint = bucket_hint

    def not_counted_reason(self, client: str) -> str | None:
        if client in COUNTED_CLIENTS:
            return None
        return (f"S3 client {client!r} exposes no request hooks (only botocore-based clients do: "
                f"{', '.join(COUNTED_CLIENTS)}), and an https endpoint cannot be counted by the proxy")

    @property
    def counted_by(self) -> str:
        return COUNTED_BY

    # -- event handlers ------------------------------------------------------------------------
    def _request_created(self, request: Any, operation_name: str | None = None, **_: Any) -> None:
        if not self.enabled:
            return
        from botocore.utils import determine_content_length

        context = getattr(request, "context", None)
        if context is None:
            return
        body = getattr(request, "body", None)
        length = determine_content_length(body) if body is not None else 0
        context[_STARTED] = (time.perf_counter(), request.method, request.url, length or 0,
                             request.headers.get("Range"))
        with self._lock:
            self._in_flight += 1

    def _response_received(self, response_dict: dict | None = None, context: dict | None = None,
                           exception: Any = None, event_name: str = "", **_: Any) -> None:
        attempt = (context or {}).pop(_STARTED, None)
        if attempt is None:
            return
        started, method, url, bytes_in, range_header = attempt
        now = time.perf_counter()
        status, bytes_out = 0, 0
        if response_dict is not None:
            status = int(response_dict.get("status_code") or 0)
            headers = {k.lower(): v for k, v in (response_dict.get("headers") or {}).items()}
            if method != "HEAD" and status not in (204, 304):
                bytes_out = int(headers.get("content-length") or 0)
        operation = event_name.rsplit(".", 1)[-1] if event_name else f"{method} request"
        bucket, key = bucket_and_key(url, self.bucket_hint)
        if isinstance(range_header, bytes):
            range_header = range_header.decode()
        self._append(RequestRecord(operation=operation, method=method, bucket=bucket, key=key,
                                   range=range_header, status=status, bytes_in=bytes_in, bytes_out=bytes_out,
                                   started=started, first_byte_s=now - started, last_byte_s=now - started))

    # -- attaching to clients --------------------------------------------------------------------
    def attach_botocore(self, client: Any) -> Any:
        """Count every request of a botocore (boto3) or aiobotocore (s3fs) S3 client."""
        events = client.meta.events
        events.register("request-created.s3", self._request_created, unique_id="storagebench-count-req")
        events.register("response-received.s3", self._response_received, unique_id="storagebench-count-resp")
        return client

    def attach_s3fs(self, fs: Any) -> Any:
        """Count an s3fs filesystem's requests (its aiobotocore client, created on connect)."""
        fs.connect()
        self.attach_botocore(fs.s3)
        return fs
