"""Which S3 endpoint a run talks to, and the run's own bucket/prefix on it.

Three kinds, chosen explicitly (never by accident):

* ``embedded`` (the default, zero configuration): moto's server on 127.0.0.1 at a free port,
  with the request counter (:mod:`storagebench.s3.counting`) in front of it;
* ``custom``: any S3-compatible URL (MinIO, LocalStack, Ceph ...) from ``--s3-endpoint URL`` or
  ``--s3-endpoint env`` (the standard ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` variables);
  credentials from the standard AWS chain or ``--s3-profile``;
* ``aws``: real Amazon S3, only with ``--s3-real-aws`` AND ``--s3-bucket NAME`` (a bucket you
  own).  An ``amazonaws.com`` URL without the flag is refused.

Every run works under its own unique name: a new bucket ``storagebench-<time>-<random>`` when
the suite may create one (embedded, custom), or a unique prefix ``storagebench/<run id>/``
inside the bucket the user named.  :meth:`S3Target.cleanup` deletes only the objects under that
run's prefix (and aborts its unfinished multipart uploads) and the bucket only if it created it.

Counting: the embedded server counts in its WSGI app; a custom ``http://`` endpoint is reached
through a counting proxy on 127.0.0.1 (:mod:`storagebench.s3.proxy`, same counter), and
``https`` endpoints are counted client-side by botocore hooks on boto3 and s3fs
(:mod:`storagebench.s3.client_counting`).  ``--s3-latency`` injects a cloud profile's latency
where the suite serves the requests (embedded, proxied; :mod:`storagebench.s3.latency`).

Credentials are held privately, passed to the clients, and never appear in ``describe()``,
``repr()``, results or logs.  Timeouts are short and retries bounded on every client, so an
unreachable endpoint fails in seconds with a clear error.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from storagebench import aws
from storagebench.moto_server import DEFAULT_REGION, DUMMY_CREDENTIALS, EmbeddedMoto
from storagebench.s3.cloud_model import CloudProfile
from storagebench.s3.counting import RequestCounter
from storagebench.s3.endpoint_options import (  # noqa: F401  (the endpoint's public names, re-exported)
    EMBEDDED, ENV, EndpointSpec, ResolvedEndpoint, _redact, check_reachable, counted_at_server,
    default_counter, latency_injector, resolve, run_id, standard_credentials)
from storagebench.s3.errors import S3EndpointUnreachable, S3Error, translate
from storagebench.s3.request_counts import RequestCounts
from storagebench.s3.filesystems import (  # noqa: F401  (re-exported)
    CONNECT_TIMEOUT_S, MAX_ATTEMPTS, READ_TIMEOUT_S, pyarrow_filesystem, s3fs_filesystem)


class S3Target:
    """An opened endpoint plus the run's bucket and prefix.  Use as a context manager."""

    def __init__(self, resolved: ResolvedEndpoint, counter: RequestCounter | None = None,
                 middlewares: list | None = None, latency: "str | CloudProfile | None" = None):
        self.resolved = resolved
        self.run_id = run_id()
        self.counter = counter if counter is not None else default_counter(resolved)
        self.injector = latency_injector(resolved, latency)
        self._extra_middlewares = list(middlewares or [])
        self.server: EmbeddedMoto | None = None
        self.proxy: Any = None  # storagebench.s3.proxy.CountingProxy in front of a custom http:// endpoint
        self.bucket: str = ""
        self.prefix: str = ""
        self.created_bucket = False
        self._credentials: dict[str, str] | None = None
        self._boto3: Any = None
        self._clients: dict[str, Any] = {}  # other services' boto3 clients
        self._opened_url: str | None = None  # kept after stop() so results can still name it

    def __repr__(self) -> str:  # never the credentials
        return f"S3Target({self.resolved.kind}, {self.endpoint_label}, bucket={self.bucket!r})"

    # -- identity -----------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.resolved.kind

    @property
    def endpoint_url(self) -> str | None:
        """The URL the clients connect to (the counting proxy's, when there is one)."""
        if self.server is not None:
            return self.server.endpoint_url
        if self.proxy is not None:
            return self.proxy.endpoint_url
        return self.resolved.url or self._opened_url

    @property
    def endpoint_label(self) -> str:
        if self.proxy is not None or (self.kind == "custom" and self.resolved.url):
            return _redact(self.resolved.url)  # the user's endpoint, not the proxy in front of it
        return _redact(self.endpoint_url) if self.endpoint_url or self.kind == "aws" else "(not started)"

    @property
    def region(self) -> str:
        return self.resolved.region

    def describe(self) -> dict[str, Any]:
        """What results record about the endpoint: no credentials, no user:password in URLs."""
        return {"s3_endpoint_kind": self.kind, "s3_endpoint": self.endpoint_label,
                "s3_region": self.region, "s3_bucket": self.bucket, "s3_prefix": self.prefix,
                "s3_counted": self.counter is not None, **self.counting_describe()}

    def counting_describe(self) -> dict[str, Any]:
        """How requests are counted (server middleware or the proxy) and the injected latency."""
        from storagebench.s3 import latency

        from storagebench.s3.client_counting import ClientSideCounter

        by = None
        if isinstance(self.counter, ClientSideCounter):
            by = self.counter.counted_by
        elif self.counter is not None:
            by = "counting proxy on 127.0.0.1 in front of the endpoint" if self.kind == "custom" \
                else "WSGI middleware in the embedded server"
        return {"s3_counted_by": by, **latency.describe(self.injector)}

    # -- lifecycle ----------------------------------------------------------------------------
    def open(self) -> "S3Target":
        if self.kind == EMBEDDED:
            self.server = EmbeddedMoto(middlewares=self._server_middlewares()).start()
            self._opened_url = self.server.endpoint_url
            self._credentials = dict(DUMMY_CREDENTIALS)
        else:
            self._credentials = self._standard_credentials()
            if self.counter is not None:
                self._start_counting_proxy()
        try:
            self._claim_namespace()
        except BaseException:
            self.close_server()
            raise
        return self

    def _server_middlewares(self) -> list:
        """Outermost last: the counter outside the latency injector, so counted first/last byte
        times include the injected latency, as a client sees them."""
        injected = [self.injector.middleware] if self.injector is not None else []
        counted = [self.counter.middleware] if self.counter is not None else []
        return [*self._extra_middlewares, *injected, *counted]

    def _start_counting_proxy(self) -> None:
        from storagebench.s3.proxy import CountingProxy

        assert self.resolved.url is not None
        try:
            check_reachable(self.resolved)
        except S3EndpointUnreachable as exc:
            # The same wording as a client's failure to connect (errors.translate).
            reason = str(exc).split(" is unreachable ", 1)[-1].split(";", 1)[0]
            raise S3EndpointUnreachable(f"S3 endpoint {self.endpoint_label} is unreachable {reason}; check "
                                        "--s3-endpoint and that the server is running") from None
        self.proxy = CountingProxy(self.resolved.url, middlewares=self._server_middlewares()).start()

    def _standard_credentials(self) -> dict[str, str]:
        return standard_credentials(self.resolved)

    def _claim_namespace(self) -> None:
        """Check the endpoint and bucket, then take a unique bucket or prefix for this run."""
        client = self.boto3()
        if self.resolved.bucket:
            self.bucket = self.resolved.bucket
            self.call(client.head_bucket, Bucket=self.bucket)  # missing/denied -> clear error
            self.prefix = f"storagebench/{self.run_id}/"
            return
        name = f"storagebench-{self.run_id}"
        kwargs: dict[str, Any] = {"Bucket": name}
        if self.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.bucket = name
        self.call(client.create_bucket, **kwargs)
        self.created_bucket = True
        self.prefix = ""

    def cleanup(self) -> int:
        """Delete what this run created (objects under its prefix; its bucket); return objects deleted."""
        if not self.bucket or self._credentials is None or (not self.created_bucket and not self.prefix):
            return 0  # nothing of ours to delete (never the whole of a bucket we did not create)
        client = self.boto3()
        deleted = 0
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                deleted += len(keys)
        uploads = client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix)
        for up in uploads.get("Uploads", []):
            client.abort_multipart_upload(Bucket=self.bucket, Key=up["Key"], UploadId=up["UploadId"])
        if self.created_bucket:
            client.delete_bucket(Bucket=self.bucket)
            self.created_bucket = False
        return deleted

    def close_server(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.proxy is not None:
            self.proxy.stop()
            self.proxy = None

    def close(self) -> None:
        try:
            self.cleanup()
        finally:
            self.close_server()

    def __enter__(self) -> "S3Target":
        return self.open()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def through(self, server: EmbeddedMoto) -> "S3Target":
        """This run's bucket and prefix reached through another embedded server, uncounted.

        moto's backends are process-wide, so a second server sees the same objects: the request
        counter's own cost is measured by reading the same object through both.  The view
        owns nothing (its cleanup deletes nothing).
        """
        view = S3Target(self.resolved, counter=RequestCounter())
        view.counter = None
        view.server, view.bucket, view.prefix = server, self.bucket, self.prefix
        view._credentials = dict(self._creds())
        return view

    def connection(self) -> dict[str, Any]:
        """What another process needs to reach this run's objects as the clients here do (the URL
        the clients use, region, bucket, prefix and credentials).  Sent only to the suite's own
        spawned memory-measuring process through a pipe; never written anywhere."""
        return {"url": self.endpoint_url, "region": self.region, "bucket": self.bucket,
                "prefix": self.prefix, "credentials": dict(self._creds()), "kind": self.kind}

    @classmethod
    def attach(cls, connection: dict[str, Any]) -> "S3Target":
        """A view of an opened target from :meth:`connection` (in another process): it starts no
        server, claims nothing, counts nothing and deletes nothing."""
        kind = connection["kind"] if connection["url"] is None else "custom"
        view = cls(ResolvedEndpoint(kind, connection["url"], connection["bucket"], connection["region"], None),
                   counter=RequestCounter())
        view.counter = None
        view.bucket, view.prefix = connection["bucket"], connection["prefix"]
        view._credentials = dict(connection["credentials"])
        return view

    # -- names --------------------------------------------------------------------------------
    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def path(self, key: str) -> str:
        """``bucket/key``: the path pyarrow and s3fs take."""
        return f"{self.bucket}/{key}"

    # -- clients ------------------------------------------------------------------------------
    def _creds(self) -> dict[str, str]:
        if self._credentials is None:
            raise RuntimeError("S3 target is not open")
        return self._credentials

    def boto3(self) -> Any:
        if self._boto3 is None:
            self._boto3 = aws.client("s3", self.endpoint_url, region=self.region, credentials=self._creds(),
                                     max_attempts=MAX_ATTEMPTS, connect_timeout=CONNECT_TIMEOUT_S,
                                     read_timeout=READ_TIMEOUT_S)
            self._count_client_side(self._boto3, "attach_botocore")
        return self._boto3

    def client(self, service: str) -> Any:
        """A boto3 client for ``s3`` (the same as :meth:`boto3`) or another service on this
        endpoint (``glue`` on the embedded server), with the same timeouts and bounded retries."""
        if service == "s3":
            return self.boto3()
        if service not in self._clients:
            self._clients[service] = aws.client(service, self.endpoint_url, region=self.region,
                                                credentials=self._creds(), max_attempts=MAX_ATTEMPTS,
                                                connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S)
        return self._clients[service]

    def create_bucket(self, name: str) -> str:
        """Another bucket on this endpoint (the suites' own, beside the run's)."""
        self.call(self.boto3().create_bucket, Bucket=name)
        return name

    @contextlib.contextmanager
    def counting(self) -> Iterator[RequestCounts]:
        """Every request (S3 and Glue, any bucket) made inside the block, filled in when it exits."""
        counts = RequestCounts()
        if self.counter is None:
            raise S3Error(f"requests to {self.endpoint_label} are not counted")
        mark = self.counter.mark()
        try:
            yield counts
        finally:
            counts.add_records(self.counter.since(mark))

    def _count_client_side(self, client: Any, how: str) -> None:
        """Where requests cannot be counted at a server: register the client-side hooks."""
        from storagebench.s3.client_counting import ClientSideCounter

        if isinstance(self.counter, ClientSideCounter):
            if self.bucket:
                self.counter.bucket_hint = self.bucket
            getattr(self.counter, how)(client)

    def object_store(self, key: str) -> Any:
        """The object ``key`` as an ``s3://`` URL with what an engine's own S3 client (polars'
        object store, DuckDB's httpfs) needs to reach it; the secret never shows in its repr."""
        from formats.base import ObjectStore

        creds = self._creds()
        return ObjectStore(url=f"s3://{self.bucket}/{key}", endpoint=self.endpoint_url, region=self.region,
                           key_id=creds["aws_access_key_id"], secret=creds["aws_secret_access_key"],
                           session_token=creds.get("aws_session_token"))

    def pyarrow_fs(self, **options: Any) -> Any:
        """pyarrow's S3 client on this endpoint (``options``: S3FileSystem overrides)."""
        return pyarrow_filesystem(self.endpoint_url, self.region, self._creds(), **options)

    def arrow_fs(self) -> Any:
        """pyarrow's S3 client as the catalog and three-Vs suites use it.

        ``allow_delayed_open=True``: a small object is uploaded with one PutObject.  Without it
        pyarrow opens a multipart upload for every object (initiate, part, complete: 3 requests,
        measured here), which would triple the request count of every small-files workload.
        """
        return self.pyarrow_fs(allow_delayed_open=True)

    def s3fs_fs(self, **settings: Any) -> Any:
        fs = s3fs_filesystem(self.endpoint_url, self.region, self._creds(), **settings)
        self._count_client_side(fs, "attach_s3fs")
        return fs

    # -- errors -------------------------------------------------------------------------------
    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a client function; translate failures into a clear S3Error."""
        try:
            return fn(*args, **kwargs)
        except S3Error:
            raise
        except Exception as exc:
            err = translate(exc, self.endpoint_label, kwargs.get("Bucket") or self.bucket, kwargs.get("Key"))
            if err is None:
                raise
            raise err from None
