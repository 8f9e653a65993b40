"""polars as an engine for CSV, JSON Lines, Parquet, Arrow IPC (Feather) and Avro.

Measured because many users now read and write these formats with polars rather than pandas,
and polars is the fastest Parquet reader on this machine (TRAPS.md).  Each operation is called
the way a polars user calls it:

* reads are lazy scans collected once: ``pl.scan_csv / scan_ndjson / scan_parquet / scan_ipc``
  ``(...).select(columns).filter(predicate).collect()``: polars pushes the projection into every
  scan and the predicate into the Parquet scan (row groups skipped by their statistics:
  ``pushdown``); CSV, NDJSON and IPC have no statistics, so every byte is still read
  (``after-read``, even though polars filters batch by batch while scanning).  Avro has no lazy
  scan in polars: ``pl.read_avro`` (eager), then select/filter;
* writes are the DataFrame's ``write_csv / write_ndjson / write_parquet / write_ipc`` on a
  DataFrame the user already holds (``pl.from_arrow`` is setup, untimed).

Files are reached by path locally, by ``s3://`` URL with polars' own object-store client when
the location carries one (endpoint, allow-http, credentials as storage options), and otherwise
through the bytes a filesystem hands over.

Threads: ``POLARS_MAX_THREADS`` is read once when polars is imported, so it is set here (before
the first import) to :data:`formats.engines.ENGINE_THREADS` unless the user set it already.
"""

from __future__ import annotations

import os
from typing import Any, Callable

import pyarrow as pa

from formats.base import (
    AddedEngine,
    EngineSpec,
    Location,
    ReadRequest,
    UnsupportedCaseError,
    WriteOptions,
)
from formats.engines import ENGINE_THREADS, add_engine, local_or_url

os.environ.setdefault("POLARS_MAX_THREADS", str(ENGINE_THREADS))

NAME = "polars"
_HINT = "pip install polars"
_TEXT_COMPRESSIONS = ("none", "gzip")
_PARQUET_COMPRESSIONS = ("none", "snappy", "gzip", "brotli", "zstd", "lz4")
_IPC_COMPRESSIONS = ("none", "lz4", "zstd")


def _spec(can_write: bool, compressions: tuple[str, ...], predicate: str) -> EngineSpec:
    return EngineSpec(NAME, can_write, True, compressions, projection=True, predicate=predicate,
                      requires=("polars",), install_hint=_HINT, fork_safe=False)


def threads() -> int | None:
    """Threads polars actually runs with (None when polars is not installed)."""
    try:
        import polars as pl
    except ImportError:
        return None
    return pl.thread_pool_size()


# -- where the bytes are ----------------------------------------------------------------------
def storage_options(location: Location) -> dict[str, str] | None:
    """polars' object-store settings for an ``s3://`` location (None for local paths)."""
    store = location.object_store
    if store is None:
        return None
    options = {"aws_access_key_id": store.key_id, "aws_secret_access_key": store.secret,
               "aws_region": store.region}
    if store.session_token:
        options["aws_session_token"] = store.session_token
    if store.endpoint:
        options["aws_endpoint_url"] = store.endpoint
        if store.endpoint.startswith("http://"):
            options["aws_allow_http"] = "true"
    return options


def _source(location: Location) -> Any:
    path = local_or_url(location)
    if path is not None:
        return path
    with location.open_python_input() as f:  # another filesystem's client: polars gets the bytes
        return f.read()


def _scan_kwargs(location: Location) -> dict[str, Any]:
    options = storage_options(location)
    return {"storage_options": options} if options else {}


# -- reads ------------------------------------------------------------------------------------
def scan(format_name: str, location: Location) -> Any:
    """The lazy frame a polars user starts from for this file (no data read yet)."""
    import polars as pl

    source, kwargs = _source(location), _scan_kwargs(location)
    if format_name == "csv":
        # polars' defaults, as most calls are written: dates and timestamps stay text (the
        # fidelity check says so).  try_parse_dates=True types them but made a 1M-row numeric
        # read 7x slower here (7.2 s vs 1.1 s), so it is not the default a user meets.
        return pl.scan_csv(source, **kwargs)
    if format_name == "json":
        return pl.scan_ndjson(source, **kwargs)
    if format_name == "parquet":
        return pl.scan_parquet(source, **kwargs)
    if format_name == "feather":
        return pl.scan_ipc(source, **kwargs)
    if format_name == "avro":
        if isinstance(source, str) and location.object_store is not None:
            raise UnsupportedCaseError("polars: read_avro has no object-store reader (no storage_options)")
        return pl.read_avro(source).lazy()  # polars has no lazy Avro scan: eager read
    raise UnsupportedCaseError(f"polars does not read {format_name}")


def predicate_expression(request: ReadRequest) -> Any:
    import polars as pl

    p = request.predicate
    return (pl.col(p.column) >= p.lo) & (pl.col(p.column) < p.hi)


def _reader(format_name: str) -> Callable[[Location, ReadRequest], Any]:
    def read(location: Location, request: ReadRequest) -> Any:
        frame = scan(format_name, location)
        if request.predicate is not None:
            frame = frame.filter(predicate_expression(request))
        if request.columns is not None:
            frame = frame.select(list(request.columns))
        return frame.collect()

    return read


# -- writes -----------------------------------------------------------------------------------
def writer_input(table: pa.Table) -> Any:
    """The DataFrame a polars user holds (conversion from Arrow is setup, not timed)."""
    import polars as pl

    return pl.from_arrow(table)


def _write_to(location: Location, write: Callable[..., Any]) -> None:
    target = local_or_url(location)
    if target is not None:
        options = storage_options(location)
        write(target, **({"storage_options": options} if options else {}))
        return
    with location.open_output() as sink:  # memory / another filesystem's output stream
        write(sink)


def _text_compression(options: WriteOptions) -> str:
    return "gzip" if options.compression == "gzip" else "uncompressed"


def _write_csv(frame: Any, location: Location, options: WriteOptions) -> None:
    compression = _text_compression(options)
    if location.object_store is not None and compression != "uncompressed":
        raise UnsupportedCaseError("polars: compressed CSV to an object store is not supported")
    _write_to(location, lambda target, **kw: frame.write_csv(target, compression=compression, **kw))


def _write_ndjson(frame: Any, location: Location, options: WriteOptions) -> None:
    compression = _text_compression(options)
    if location.object_store is not None:
        raise UnsupportedCaseError("polars: write_ndjson has no object-store writer")
    _write_to(location, lambda target, **kw: frame.write_ndjson(target, compression=compression))


def _write_parquet(frame: Any, location: Location, options: WriteOptions) -> None:
    compression = "uncompressed" if options.compression == "none" else options.compression
    _write_to(location, lambda target, **kw: frame.write_parquet(
        target, compression=compression, row_group_size=options.row_group_size, **kw))


def _write_ipc(frame: Any, location: Location, options: WriteOptions) -> None:
    compression = "uncompressed" if options.compression == "none" else options.compression
    _write_to(location, lambda target, **kw: frame.write_ipc(
        target, compression=compression, record_batch_size=options.row_group_size, **kw))


# format -> (writer or None, write compressions, predicate mode)
_FORMATS: dict[str, tuple[Callable | None, tuple[str, ...], str]] = {
    "csv": (_write_csv, _TEXT_COMPRESSIONS, "after-read"),
    "json": (_write_ndjson, _TEXT_COMPRESSIONS, "after-read"),
    "parquet": (_write_parquet, _PARQUET_COMPRESSIONS, "pushdown"),
    "feather": (_write_ipc, _IPC_COMPRESSIONS, "after-read"),
    "avro": (None, (), "after-read"),  # polars reads Avro; its Avro writer is not measured
}

for _format, (_write, _compressions, _predicate) in _FORMATS.items():
    add_engine(_format, AddedEngine(
        _spec(_write is not None, _compressions, _predicate),
        write=_write, read=_reader(_format), writer_input=writer_input if _write else None))
