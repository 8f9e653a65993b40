"""The S3 clients measured side by side, as a registry: one entry per client setting.

The same codec (formats/*) reads and writes through each client via a
:class:`formats.base.Location`, so differences in the results are the client's:

* ``boto3``          whole objects: ``get_object`` into memory, then decode from the buffer;
                     writes encode into memory and upload with boto3's transfer manager
                     (one PutObject below 8 MiB, multipart with 8 MiB parts above);
* ``pyarrow``        ``pyarrow.fs.S3FileSystem``: the path ``pyarrow.dataset`` and the Parquet/
                     ORC readers take, with range reads; Parquet ``pre_buffer`` on (coalesced,
                     concurrent range GETs: pyarrow's default);
* ``pyarrow-nobuffer``  the same with ``pre_buffer=False`` (Parquet reads only: one range GET
                     per column chunk as it is decoded);
* ``s3fs``           s3fs/fsspec with its defaults (the path ``pandas.read_parquet("s3://...")``
                     takes): read-ahead cache, 50 MiB blocks (TRAPS.md: a 2-column read moved
                     2.15x the whole object);
* ``s3fs-tuned``     s3fs with ``default_cache_type="none"``: each read() is one range GET of
                     exactly what the reader asked for;
* ``polars``         polars' own object-store client (``s3://`` URL, endpoint, allow-http and
                     credentials as storage options): serves the ``polars`` reader only;
* ``duckdb``         DuckDB's httpfs extension, loaded offline from the duckdb-extension-httpfs
                     package, with an S3 secret (endpoint, path-style URLs, SSL off for http):
                     serves the ``duckdb`` reader only (CSV, JSON, Parquet).

Engines with their own object-store client (``S3Client.engines``) are measured only through it,
and the other clients serve every other engine (:func:`serves`).

Each client records its settings (block size, cache type, pre_buffer, multipart thresholds) in
``extra_info`` so a reader of the results can see what produced the numbers.  Adding a client
means adding one :class:`S3Client` entry to ``CLIENTS``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, Callable

from formats.base import Location, UnknownNameError, UnsupportedCaseError
from storagebench.s3.endpoint import S3Target

MIB = 1024 * 1024
# The issue asks for >= 8 MiB parts; 8 MiB is also boto3's default threshold and chunk size.
MULTIPART_THRESHOLD = 8 * MIB
MULTIPART_CHUNKSIZE = 8 * MIB


class Boto3Location(Location):
    """A whole S3 object reached through boto3: downloaded into memory by ``get_object`` when a
    codec opens it for reading, uploaded by the transfer manager when a codec closes its output.

    Its path starts with ``memory://`` so every codec takes its in-memory code path (the bytes
    are in memory, exactly what a boto3 user has after ``get_object``).
    """

    def __init__(self, target: S3Target, key: str):
        super().__init__(f"memory://{target.bucket}/{key}")
        self.target, self.bucket, self.key = target, target.bucket, key

    def getvalue(self) -> bytes:
        if self._sink is not None and self._sink.getbuffer().nbytes and not getattr(self, "_uploaded", False):
            return self._sink.getvalue()
        client = self.target.boto3()
        response = self.target.call(client.get_object, Bucket=self.bucket, Key=self.key)
        return response["Body"].read()

    def open_output(self) -> Any:
        self._sink = io.BytesIO()
        self._uploaded = False
        return _UploadOnClose(self)

    def upload(self) -> None:
        from boto3.s3.transfer import TransferConfig

        assert self._sink is not None
        self._sink.seek(0)
        config = TransferConfig(multipart_threshold=MULTIPART_THRESHOLD,
                                multipart_chunksize=MULTIPART_CHUNKSIZE)
        self.target.call(self.target.boto3().upload_fileobj, self._sink, self.bucket, self.key,
                         Config=config)
        self._uploaded = True
        self._sink = None  # the object now lives in S3 only

    def size(self) -> int:
        head = self.target.call(self.target.boto3().head_object, Bucket=self.bucket, Key=self.key)
        return int(head["ContentLength"])


class _UploadOnClose(io.RawIOBase):
    """The sink a codec writes into; closing it uploads the bytes once."""

    def __init__(self, location: Boto3Location):
        self._location = location

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        assert self._location._sink is not None
        return self._location._sink.write(b)

    def tell(self) -> int:
        assert self._location._sink is not None
        return self._location._sink.tell()

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._location.upload()


@dataclass(frozen=True)
class S3Client:
    name: str
    description: str
    make_location: Callable[[S3Target, str, "S3Client"], Location]
    settings: dict[str, Any] = field(default_factory=dict)  # recorded in extra_info
    engine_options: dict[str, Any] = field(default_factory=dict)  # ReadRequest.engine_options
    can_write: bool = True
    only_formats: tuple[str, ...] = ()  # empty: every format
    engines: tuple[str, ...] = ()  # the engine's own client: serves only these engines

    def location(self, target: S3Target, key: str) -> Location:
        return self.make_location(target, key, self)

    def applies_to(self, format_name: str, operation: str) -> bool:
        if operation == "write" and not self.can_write:
            return False
        return not self.only_formats or format_name in self.only_formats

    def info(self) -> dict[str, Any]:
        return {"s3_client": self.name, "s3_client_settings": dict(self.settings)}


# Filesystems are made once per (target, client): s3fs/pyarrow clients keep connection pools,
# and a user reuses one filesystem object across reads.
_FS_CACHE: dict[tuple[int, str], Any] = {}


def _pyarrow_location(target: S3Target, key: str, client: S3Client) -> Location:
    fs = _FS_CACHE.get((id(target), "pyarrow"))
    if fs is None:
        fs = _FS_CACHE[(id(target), "pyarrow")] = target.pyarrow_fs()
    return Location(target.path(key), filesystem=fs)


def _s3fs_location(target: S3Target, key: str, client: S3Client) -> Location:
    fs = _FS_CACHE.get((id(target), client.name))
    if fs is None:
        kwargs = {k: v for k, v in client.settings.items() if k.startswith("default_")}
        fs = _FS_CACHE[(id(target), client.name)] = target.s3fs_fs(**kwargs)
    # s3fs caches listings and object info; other clients write the same keys, so start fresh.
    fs.invalidate_cache()
    return Location(target.path(key), filesystem=fs)


def _object_store_location(target: S3Target, key: str, client: S3Client) -> Location:
    """The object as an ``s3://`` URL for an engine's own client; the pyarrow filesystem stays
    on the location for untimed bookkeeping (size) and other engines."""
    store = target.object_store(key)
    pyarrow_location = _pyarrow_location(target, key, client)
    return Location(pyarrow_location.path, filesystem=pyarrow_location.filesystem, object_store=store)


def _boto3_location(target: S3Target, key: str, client: S3Client) -> Location:
    return Boto3Location(target, key)


def forget_filesystems(target: S3Target) -> None:
    for k in [k for k in _FS_CACHE if k[0] == id(target)]:
        del _FS_CACHE[k]


def _s3fs_defaults() -> dict[str, Any]:
    import s3fs

    # Read from the library, not typed in: the recorded defaults are this version's.
    return {"default_block_size": s3fs.S3FileSystem.default_block_size,
            "default_cache_type": "readahead"}


CLIENTS: dict[str, S3Client] = {c.name: c for c in (
    S3Client("boto3", "boto3 get_object/put_object of whole objects (transfer manager for uploads)",
             _boto3_location,
             settings={"multipart_threshold": MULTIPART_THRESHOLD,
                       "multipart_chunksize": MULTIPART_CHUNKSIZE}),
    S3Client("pyarrow", "pyarrow.fs.S3FileSystem, Parquet pre_buffer on (pyarrow's default)",
             _pyarrow_location, settings={"pre_buffer": True}, engine_options={"pre_buffer": True}),
    S3Client("pyarrow-nobuffer", "pyarrow.fs.S3FileSystem, Parquet pre_buffer off",
             _pyarrow_location, settings={"pre_buffer": False}, engine_options={"pre_buffer": False},
             can_write=False, only_formats=("parquet",)),
    S3Client("s3fs", "s3fs with its defaults (what pandas read_parquet('s3://...') uses)",
             _s3fs_location, settings=_s3fs_defaults()),
    # Writes are the same with either cache type (the cache only serves reads): read-only here.
    S3Client("s3fs-tuned", "s3fs with default_cache_type='none' (one range GET per read call)",
             _s3fs_location, settings={"default_block_size": _s3fs_defaults()["default_block_size"],
                                       "default_cache_type": "none"}, can_write=False),
    S3Client("polars", "polars' object-store reader (s3:// URL; endpoint, allow-http, credentials as "
             "storage_options)", _object_store_location,
             settings={"engine": "polars", "storage_options": "aws_endpoint_url, aws_allow_http, aws_region, keys"},
             can_write=False, engines=("polars",)),
    S3Client("duckdb", "DuckDB httpfs loaded offline from duckdb-extension-httpfs; S3 secret with ENDPOINT, "
             "URL_STYLE 'path', USE_SSL false for http", _object_store_location,
             settings={"engine": "duckdb", "extension": "httpfs (duckdb-extension-httpfs package)",
                       "url_style": "path"},
             can_write=False, only_formats=("csv", "json", "parquet"), engines=("duckdb",)),
)}

# Writes of the read benchmarks' input files go through this client (untimed setup).
SETUP_CLIENT = "pyarrow"


def get_client(name: str) -> S3Client:
    try:
        return CLIENTS[name]
    except KeyError:
        raise UnknownNameError("S3 client", name, CLIENTS) from None


def select_clients(names: list[str] | None) -> list[S3Client]:
    return [get_client(n) for n in names] if names else list(CLIENTS.values())


def serves(client: S3Client, engine: str) -> bool:
    """Whether ``client`` is how ``engine`` reaches S3: an engine with its own client only
    through that client; every other engine through every other client."""
    if client.engines:
        return engine in client.engines
    return engine not in {e for c in CLIENTS.values() for e in c.engines}


def check_supported(client: S3Client, format_name: str, operation: str) -> None:
    if not client.applies_to(format_name, operation):
        raise UnsupportedCaseError(f"S3 client {client.name!r} does not {operation} {format_name}")
