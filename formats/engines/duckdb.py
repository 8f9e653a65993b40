"""DuckDB as an engine for CSV, JSON (newline-delimited) and Parquet.

Measured because analysts increasingly query files in place with DuckDB instead of loading them
with pandas.  Each operation is the SQL a DuckDB user writes, with the result as Arrow:

* reads: ``SELECT <columns> FROM read_csv|read_json|read_parquet('<file>') [WHERE lo <= c AND
  c < hi]`` then ``.to_arrow_table()``.  DuckDB pushes the projection into all three readers and
  the predicate into the Parquet reader (row groups skipped by their min/max statistics:
  ``pushdown``); CSV and JSON have no statistics, so every byte is parsed (``after-read``);
* writes: ``COPY data TO '<file>' (FORMAT ..., COMPRESSION ..., ROW_GROUP_SIZE ...)`` from a
  table already in DuckDB (loading the Arrow table into DuckDB is setup, untimed).

One connection per process serves the reads (a user keeps one open), with ``SET threads`` fixed
to :data:`formats.engines.ENGINE_THREADS`, the external file cache off (else repeated reads of
an S3 object are served from memory) and ``SET TimeZone='UTC'``: DuckDB converts every
TIMESTAMPTZ to its session zone (TRAPS.md), so fixing the zone makes the results reproducible;
the per-column zone name is lost either way and the fidelity check says so.

S3: through DuckDB's httpfs extension, loaded OFFLINE from the ``duckdb-extension-httpfs``
package (``INSTALL '<its file>'; LOAD httpfs``: DuckDB's wheel does not bundle httpfs and
extensions cannot be downloaded here), with a scoped S3 secret for the location's endpoint
(path-style URLs, SSL off for an http endpoint).  DuckDB cannot read from another client's
file objects, so locations without a path or ``s3://`` URL are an unsupported case.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa

from formats.base import (
    AddedEngine,
    EngineSpec,
    Location,
    ObjectStore,
    ReadRequest,
    UnsupportedCaseError,
    WriteOptions,
)
from formats.engines import ENGINE_THREADS, add_engine, local_or_url

NAME = "duckdb"
_HINT = "pip install duckdb==1.5.5 duckdb-extension-httpfs==1.5.5"
SESSION_TIMEZONE = "UTC"
_TEXT_COMPRESSIONS = ("none", "gzip")
_PARQUET_COMPRESSIONS = ("none", "snappy", "gzip", "brotli", "zstd", "lz4")
# DuckDB's COPY names; "lz4_raw" is the codec pyarrow's and polars' "lz4" write.
_COPY_COMPRESSION = {"none": "uncompressed", "snappy": "snappy", "gzip": "gzip", "brotli": "brotli",
                     "zstd": "zstd", "lz4": "lz4_raw"}
_READERS = {"csv": "read_csv", "json": "read_json", "parquet": "read_parquet"}
_COPY_FORMATS = {"csv": "csv", "json": "json", "parquet": "parquet"}


def _spec(predicate: str, compressions: tuple[str, ...]) -> EngineSpec:
    return EngineSpec(NAME, True, True, compressions, projection=True, predicate=predicate,
                      requires=("duckdb",), install_hint=_HINT, fork_safe=False)


# -- connections ------------------------------------------------------------------------------
_local = threading.local()


def configure(con: Any) -> Any:
    """The settings every connection gets (threads fixed, session zone fixed, no remote cache)."""
    con.execute(f"SET threads = {int(ENGINE_THREADS)}")
    con.execute(f"SET TimeZone = '{SESSION_TIMEZONE}'")
    # DuckDB keeps remote file data in memory between queries (external file cache, on by
    # default): every timed round after the first would then read no S3 bytes at all.  Off, so
    # each read fetches what it needs, as every other client here does.
    con.execute("SET enable_external_file_cache = false")
    return con


def connection() -> Any:
    """This thread's DuckDB connection (in-memory database), created once."""
    con = getattr(_local, "con", None)
    if con is None:
        import duckdb

        con = _local.con = configure(duckdb.connect())
        _local.secrets = set()
    return con


def threads() -> int | None:
    """Threads DuckDB runs with (None when DuckDB is not installed)."""
    try:
        return int(connection().execute("SELECT current_setting('threads')").fetchone()[0])
    except ImportError:
        return None


def httpfs_extension_path() -> Path:
    """The httpfs extension file shipped by the ``duckdb-extension-httpfs`` package."""
    import duckdb

    try:
        import duckdb_extension_httpfs
    except ImportError:
        raise UnsupportedCaseError(f"duckdb on S3 needs the httpfs extension package: {_HINT}") from None
    root = Path(duckdb_extension_httpfs.__file__).parent / "extensions"
    path = root / f"v{duckdb.__version__}" / "httpfs.duckdb_extension"
    if not path.exists():
        found = sorted(p.name for p in root.glob("v*"))
        raise UnsupportedCaseError(f"duckdb {duckdb.__version__}: duckdb-extension-httpfs has no extension "
                                   f"for this version (it has {', '.join(found) or 'none'}): {_HINT}")
    return path


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def use_object_store(con: Any, store: ObjectStore) -> None:
    """Load httpfs offline (once per connection) and a secret scoped to the store's bucket."""
    if not getattr(_local, "httpfs", {}).get(id(con)):
        con.execute(f"INSTALL {_sql_string(str(httpfs_extension_path()))}")
        con.execute("LOAD httpfs")
        _local.__dict__.setdefault("httpfs", {})[id(con)] = True
    bucket = store.url.split("/", 3)[2]
    ident = hashlib.sha256(f"{id(con)}|{store.endpoint}|{bucket}|{store.key_id}".encode()).hexdigest()[:12]
    seen = _local.__dict__.setdefault("secrets", set())
    if ident in seen:
        return
    parts = [f"TYPE s3", f"KEY_ID {_sql_string(store.key_id)}", f"SECRET {_sql_string(store.secret)}",
             f"REGION {_sql_string(store.region)}", f"SCOPE {_sql_string(f's3://{bucket}')}"]
    if store.session_token:
        parts.append(f"SESSION_TOKEN {_sql_string(store.session_token)}")
    if store.endpoint:
        scheme, _, host = store.endpoint.partition("://")
        parts += [f"ENDPOINT {_sql_string(host.rstrip('/'))}", "URL_STYLE 'path'",
                  f"USE_SSL {'true' if scheme == 'https' else 'false'}"]
    con.execute(f"CREATE OR REPLACE TEMPORARY SECRET sb_{ident} ({', '.join(parts)})")
    seen.add(ident)


def file_reference(location: Location, con: Any) -> str:
    """The path or ``s3://`` URL DuckDB opens for this location, as an SQL string literal."""
    target = local_or_url(location)
    if target is None:
        raise UnsupportedCaseError(
            "duckdb opens files by path or s3:// URL (httpfs), not through another client's file "
            "objects: on S3 use the S3 client 'duckdb'")
    if location.object_store is not None:
        use_object_store(con, location.object_store)
    return _sql_string(target)


def scan_sql(format_name: str, location: Location, con: Any) -> str:
    """``read_csv('<file>')`` etc.: the FROM clause of a DuckDB user's query over this file."""
    reader = _READERS.get(format_name)
    if reader is None:
        raise UnsupportedCaseError(f"duckdb has no built-in {format_name} reader")
    extra = ", format = 'newline_delimited'" if format_name == "json" else ""
    return f"{reader}({file_reference(location, con)}{extra})"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def to_arrow(relation: Any) -> pa.Table:
    # DuckDB 1.5 names it to_arrow_table (fetch_arrow_table is the older spelling).
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


# -- reads ------------------------------------------------------------------------------------
def _reader(format_name: str) -> Callable[[Location, ReadRequest], Any]:
    def read(location: Location, request: ReadRequest) -> pa.Table:
        con = connection()
        columns = "*" if request.columns is None else ", ".join(map(quote_identifier, request.columns))
        sql = f"SELECT {columns} FROM {scan_sql(format_name, location, con)}"
        params: list[Any] = []
        if request.predicate is not None:
            column = quote_identifier(request.predicate.column)
            sql += f" WHERE {column} >= ? AND {column} < ?"
            params = [request.predicate.lo, request.predicate.hi]
        return to_arrow(con.execute(sql, params))

    return read


# -- writes -----------------------------------------------------------------------------------
class DuckDBTable:
    """The data as a DuckDB user holds it: a table ``data`` in an open connection.

    Pickles as its Arrow table and rebuilds the DuckDB table when unpickled (the memory pass
    runs the write in another process; rebuilding there happens before the measurement).
    """

    def __init__(self, table: pa.Table):
        self.table = table
        self.con = configure(__import__("duckdb").connect())
        self.con.register("arrow_source", table)
        self.con.execute("CREATE TABLE data AS SELECT * FROM arrow_source")
        self.con.unregister("arrow_source")

    def __reduce__(self) -> tuple:
        return (DuckDBTable, (self.table,))


def writer_input(table: pa.Table) -> DuckDBTable:
    return DuckDBTable(table)


def _writer(format_name: str) -> Callable[[DuckDBTable, Location, WriteOptions], None]:
    def write(data: DuckDBTable, location: Location, options: WriteOptions) -> None:
        settings = [f"FORMAT {_COPY_FORMATS[format_name]}",
                    f"COMPRESSION {_COPY_COMPRESSION[options.compression]}"]
        if format_name == "parquet" and options.row_group_size:
            settings.append(f"ROW_GROUP_SIZE {int(options.row_group_size)}")
        target = file_reference(location, data.con)
        data.con.execute(f"COPY data TO {target} ({', '.join(settings)})")

    return write


for _format, _predicate, _compressions in (("csv", "after-read", _TEXT_COMPRESSIONS),
                                           ("json", "after-read", _TEXT_COMPRESSIONS),
                                           ("parquet", "pushdown", _PARQUET_COMPRESSIONS)):
    add_engine(_format, AddedEngine(_spec(_predicate, _compressions), write=_writer(_format),
                                    read=_reader(_format), writer_input=writer_input))
