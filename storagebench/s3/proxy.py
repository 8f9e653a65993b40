"""A counting proxy: any plain-HTTP S3 endpoint counted exactly as the embedded server is.

The request counter (:mod:`storagebench.s3.counting`) is a WSGI middleware, so it can only sit
in front of a WSGI app.  For an endpoint the suite does not run (MinIO, LocalStack, a second
moto server, ...) this module runs a small WSGI app on 127.0.0.1 that forwards every request to
the endpoint with :mod:`http.client` and streams the response back; the counter (and the
optional latency injector) wrap that app, and the clients are pointed at the proxy.

Transparent to SigV4: the client signs for the Host it connects to (the proxy), and the proxy
forwards that same ``Host`` header, the raw (still percent-encoded) request target and every
end-to-end header, so the upstream server verifies the signature the client computed.  Only
hop-by-hop headers (RFC 9110 section 7.6.1) and ``Expect`` are dropped (the proxy's own server
answers ``100-continue``; SigV4 never signs ``Expect``).  The body is forwarded with its length.

Served by werkzeug's threaded server (one thread per client connection) with one upstream
connection per serving thread, so concurrent client requests stay concurrent upstream.
Only ``http://`` upstreams: an ``https`` endpoint cannot be proxied without terminating TLS with a
certificate the client trusts; those are counted client-side where the client allows it.
"""

from __future__ import annotations

import http.client
import threading
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import quote, urlsplit

from storagebench.moto_server import BackgroundServer
from storagebench.s3.errors import S3ConfigError

WsgiApp = Callable[..., Any]
Middleware = Callable[[WsgiApp], WsgiApp]

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "proxy-connection", "expect"}
_CHUNK = 64 * 1024
READ_TIMEOUT_S = 60.0


def _request_headers(environ: dict) -> list[tuple[str, str]]:
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.replace("_", "-").lower()
        else:
            continue
        if name not in _HOP_BY_HOP and value != "":
            headers.append((name, value))
    return headers


def _request_target(environ: dict) -> str:
    # werkzeug keeps the request line's target as sent (RAW_URI / REQUEST_URI): the percent-
    # encoding SigV4 signed.  Rebuilding it from the decoded PATH_INFO is the fallback.
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return raw
    query = environ.get("QUERY_STRING", "")
    return quote(environ.get("PATH_INFO", "/"), safe="/~") + (f"?{query}" if query else "")


def _read_body(environ: dict) -> bytes:
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length:
        return stream.read(int(length))
    if environ.get("wsgi.input_terminated"):  # chunked upload, already de-chunked by werkzeug
        return stream.read()
    return b""


class ForwardingApp:
    """The WSGI app that forwards to one upstream ``http://host:port``."""

    def __init__(self, upstream: str):
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise S3ConfigError(f"the counting proxy forwards to http:// endpoints only, not {parts.scheme}://")
        self.host, self.port = parts.hostname, parts.port or 80
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self.host, self.port, timeout=READ_TIMEOUT_S)
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _send(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes,
              sent_length: bool) -> http.client.HTTPResponse:
        for attempt in (1, 2):  # a kept-alive upstream connection may have been closed meanwhile
            conn = self._connection()
            try:
                conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    conn.putheader(name, value)
                if body or sent_length:
                    # The body's length, exactly as the client declared it (it may be signed).
                    conn.putheader("content-length", str(len(body)))
                conn.endheaders(body or None)
                return conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop_connection()
                if attempt == 2:
                    raise
            except BaseException:
                self._drop_connection()
                raise
        raise AssertionError("unreachable")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        headers = [(n, v) for n, v in _request_headers(environ) if n != "content-length"]
        body = _read_body(environ)
        try:
            response = self._send(method, _request_target(environ), headers, body,
                                  sent_length=bool(environ.get("CONTENT_LENGTH")))
        except OSError as exc:
            message = f"counting proxy cannot reach S3 endpoint http://{self.host}:{self.port}: {type(exc).__name__}"
            start_response("502 Bad Gateway", [("Content-Type", "text/plain")])
            return [message.encode()]
        out_headers = [(n, v) for n, v in response.getheaders() if n.lower() not in _HOP_BY_HOP]
        start_response(f"{response.status} {response.reason}", out_headers)
        return _Streamed(response, self._drop_connection)


class _Streamed:
    """The upstream body, passed on in chunks; an unfinished body spoils the kept-alive connection."""

    def __init__(self, response: http.client.HTTPResponse, drop: Callable[[], None]):
        self._response, self._drop = response, drop

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk = self._response.read(_CHUNK)
            if not chunk:
                break
            yield chunk

    def close(self) -> None:
        unfinished = not self._response.isclosed()
        self._response.close()
        if unfinished or self._response.will_close:
            self._drop()


class CountingProxy:
    """The forwarding app behind ``middlewares`` (outermost last) on 127.0.0.1 at a free port."""

    def __init__(self, upstream: str, middlewares: list[Middleware] | None = None):
        self.upstream = upstream
        self.middlewares = list(middlewares or [])
        self._server: BackgroundServer | None = None

    def start(self) -> "CountingProxy":
        from werkzeug.serving import WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as S3 clients expect

        app: WsgiApp = ForwardingApp(self.upstream)
        for middleware in self.middlewares:
            app = middleware(app)
        self._server = BackgroundServer(app, "127.0.0.1", 0, Handler, "s3-counting-proxy")
        return self

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("counting proxy is not started")
        return f"http://127.0.0.1:{self._server.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        self._server = None
