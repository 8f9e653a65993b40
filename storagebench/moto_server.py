"""The embedded AWS endpoint: moto's server on 127.0.0.1 at a free port, started by the suite.

Not moto's in-process ``mock_aws``: that only intercepts boto3, while pyarrow's C++ S3 client
and s3fs go to the network (TRAPS.md).  A real HTTP server on loopback is reached by every
client the same way a real endpoint is (its clients are built by :mod:`storagebench.s3.filesystems`
through :class:`storagebench.s3.endpoint.S3Target`).  WSGI middlewares (e.g. the S3 request counter) can be
placed in front of moto's app at start.

Credentials for the embedded server are fixed dummies ("testing") that only this loopback
server accepts; they are never written to results.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

WsgiApp = Callable[..., Any]
Middleware = Callable[[WsgiApp], WsgiApp]

DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
DEFAULT_REGION = "us-east-1"


class BackgroundServer:
    """A WSGI app on werkzeug's threaded server (one thread per connection, so a slow or delayed
    request never blocks another), served from a daemon thread.  Used by the embedded moto
    server and by the S3 counting proxy."""

    def __init__(self, app: WsgiApp, host: str, port: int, request_handler: Any, name: str):
        from werkzeug.serving import make_server

        # werkzeug logs one line per request even with verbose=False (TRAPS.md).
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = make_server(host, port, app, threaded=True, request_handler=request_handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name=name, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class EmbeddedMoto:
    """moto's server in a daemon thread.  Use as a context manager or start()/stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 middlewares: list[Middleware] | None = None):
        self.host, self.requested_port = host, port
        self.middlewares = list(middlewares or [])
        self._server: BackgroundServer | None = None
        self.startup_seconds: float | None = None

    def start(self) -> "EmbeddedMoto":
        started = time.perf_counter()
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        app: WsgiApp = DomainDispatcherApplication(create_backend_app)
        for middleware in self.middlewares:
            app = middleware(app)
        self._server = BackgroundServer(app, self.host, self.requested_port, MotoRequestHandler, "moto-server")
        self.startup_seconds = time.perf_counter() - started
        return self

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("embedded moto server is not started")
        return self._server.port

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def reset(self) -> None:
        """Clear every moto backend's state (buckets, tables, catalog)."""
        import urllib.request

        req = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10):
            pass

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        self._server = None

    def __enter__(self) -> "EmbeddedMoto":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
