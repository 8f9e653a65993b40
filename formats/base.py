"""The codec contract shared by every format module.

A codec turns an Arrow table into a file and back, through one or more *engines* (pyarrow,
pandas, fastparquet, fastavro).  The timed part of a benchmark is exactly ``Codec.write`` or
``Codec.read``; everything a benchmark needs around it (preparing the table, turning an engine's
native result into Arrow for the fidelity check) is separate and untimed.

Where the bytes live is a :class:`Location`: a local path, a path on a pyarrow or fsspec
filesystem (S3 through pyarrow's client or s3fs), or an in-memory buffer (boto3 whole-object
transfers).  Codecs open files only through ``Location`` so the same codec runs on every target.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs

if TYPE_CHECKING:
    from formats.catalog_facts import CatalogFormat


class StorageBenchInputError(ValueError):
    """Base class for every user-facing input error (clear message, no deep traceback)."""


class UnknownNameError(StorageBenchInputError):
    """An unknown format/engine/compression/dataset name; the message lists the valid ones."""

    def __init__(self, kind: str, name: str, valid: Iterable[str]):
        self.kind, self.name, self.valid = kind, name, sorted(valid)
        super().__init__(f"unknown {kind} {name!r}; valid {kind}s: {', '.join(self.valid) or '(none)'}")


class UnsupportedCaseError(StorageBenchInputError):
    """A combination the codec/engine cannot do (the reason becomes a skip message)."""


class UserFileError(StorageBenchInputError):
    """A user's data file a codec refuses to load (the message names the file and what is wrong)."""


@dataclass(frozen=True)
class EngineSpec:
    """What one engine can do for one format.

    ``predicate`` is ``"pushdown"`` when the engine skips data using file statistics (row groups,
    stripes), ``"after-read"`` when it must read everything and then filter.
    """

    name: str
    can_write: bool
    can_read: bool
    write_compressions: tuple[str, ...] = ()
    projection: bool = True
    predicate: str = "after-read"
    requires: tuple[str, ...] = ()  # importable module names
    install_hint: str = ""
    # False when the engine's thread pool does not survive fork() (polars, DuckDB): its peak
    # memory is then measured in a child forked from a clean process (storagebench.memory).
    fork_safe: bool = True
    # A reader handed the written schema (ReadRequest.schema) instead of reading the file's own
    # schema or inferring one.  A separate, labelled engine: its fidelity verdict says so, because
    # it describes that read, not what the file holds for a user without the original schema.
    reads_written_schema: bool = False

    def missing_requirement(self) -> str | None:
        """Return a skip reason with an install hint when a required module is absent."""
        import importlib.util

        for module in self.requires:
            if importlib.util.find_spec(module) is None:
                hint = self.install_hint or f"pip install {module}"
                return f"engine {self.name!r} needs the Python module {module!r}: {hint}"
        return None


@dataclass(frozen=True)
class Conversion:
    """A change the suite had to make before a format could store a column (reported as lossy)."""

    column: str
    from_type: str
    to_type: str
    reason: str

    def describe(self) -> str:
        return f"{self.column}: converted {self.from_type} -> {self.to_type} before writing ({self.reason})"


@dataclass(frozen=True)
class RangePredicate:
    """``lo <= column < hi``: the predicate-read workload (about 10% of rows)."""

    column: str
    lo: Any
    hi: Any

    def expression(self) -> pc.Expression:
        return (pc.field(self.column) >= self.lo) & (pc.field(self.column) < self.hi)

    def dnf_filters(self) -> list[tuple[str, str, Any]]:
        """The list-of-tuples filter form that pandas/fastparquet/pyarrow all accept."""
        return [(self.column, ">=", self.lo), (self.column, "<", self.hi)]

    def apply_arrow(self, table: pa.Table) -> pa.Table:
        return table.filter(self.expression())

    def apply_pandas(self, frame: Any) -> Any:
        col = frame[self.column]
        return frame[(col >= self.lo) & (col < self.hi)]


@dataclass(frozen=True)
class WriteOptions:
    compression: str = "none"
    row_group_size: int | None = None  # rows per Parquet row group / ORC stripe (approximate)


@dataclass(frozen=True)
class ReadRequest:
    columns: tuple[str, ...] | None = None
    predicate: RangePredicate | None = None
    # The written schema: set by the harness only for engines with ``reads_written_schema``;
    # every other reader ignores it and reads the file's own schema or infers one.
    schema: pa.Schema | None = None
    engine_options: dict[str, Any] = field(default_factory=dict)  # e.g. pre_buffer for S3


@dataclass(frozen=True)
class ObjectStore:
    """An object-store URL and what an engine that opens URLs itself (polars, DuckDB) needs to
    reach it.  The secret never appears in ``repr`` (it must not reach logs or results)."""

    url: str  # s3://bucket/key
    endpoint: str | None  # http(s)://host:port, None for the provider's own endpoint
    region: str
    key_id: str = field(repr=False)
    secret: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


class Location:
    """Where a file lives: local path, a path on a pyarrow/fsspec filesystem, or memory.

    ``object_store`` (optional) is the same file as a URL for engines with their own object-store
    client; those engines use it instead of ``filesystem``.

    >>> loc = Location.memory(); loc.is_memory
    True
    """

    def __init__(self, path: str, filesystem: Any | None = None, data: bytes | None = None,
                 object_store: ObjectStore | None = None):
        self.path = path
        self.filesystem = filesystem
        self.object_store = object_store
        self._data = data
        self._sink: io.BytesIO | None = None

    @classmethod
    def memory(cls, data: bytes | None = None, name: str = "memory") -> "Location":
        """An in-memory location: read ``data``, or (without data) collect what is written."""
        loc = cls(f"memory://{name}", data=data)
        if data is None:
            loc._sink = io.BytesIO()
        return loc

    @property
    def is_memory(self) -> bool:
        return self.path.startswith("memory://")

    @property
    def is_local(self) -> bool:
        return self.filesystem is None and not self.is_memory

    def __repr__(self) -> str:
        fs = type(self.filesystem).__name__ if self.filesystem is not None else "local"
        return f"Location({self.path!r}, {fs})"

    # -- reading --------------------------------------------------------------------------
    def open_input(self) -> Any:
        """A seekable, random-access input file (engines do their own range reads on it)."""
        if self.is_memory:
            return pa.BufferReader(self.getvalue())
        if self.filesystem is None:
            return pa.OSFile(self.path, "rb")
        if isinstance(self.filesystem, pafs.FileSystem):
            return self.filesystem.open_input_file(self.path)
        return self.filesystem.open(self.path, "rb")  # fsspec

    def open_python_input(self) -> BinaryIO:
        """A Python binary file object (for engines that need ``read()``/``seek()`` in Python)."""
        if self.is_memory:
            return io.BytesIO(self.getvalue())
        if self.filesystem is None:
            return open(self.path, "rb")
        if isinstance(self.filesystem, pafs.FileSystem):
            return self.filesystem.open_input_file(self.path)  # NativeFile is a file object
        return self.filesystem.open(self.path, "rb")

    # -- writing --------------------------------------------------------------------------
    def open_output(self) -> Any:
        if self.is_memory:
            self._sink = io.BytesIO()
            return _KeepOpen(self._sink)
        if self.filesystem is None:
            return open(self.path, "wb")
        if isinstance(self.filesystem, pafs.FileSystem):
            return self.filesystem.open_output_stream(self.path)
        return self.filesystem.open(self.path, "wb")

    def getvalue(self) -> bytes:
        if self._sink is not None and self._sink.getbuffer().nbytes:
            return self._sink.getvalue()
        if self._data is not None:
            return self._data
        raise FileNotFoundError(f"{self.path}: nothing written to this memory location yet")

    def size(self) -> int:
        """Bytes stored at this location."""
        if self.is_memory:
            return len(self.getvalue())
        if self.filesystem is None:
            return os.path.getsize(self.path)
        if isinstance(self.filesystem, pafs.FileSystem):
            return self.filesystem.get_file_info(self.path).size
        return int(self.filesystem.size(self.path))

    def pyarrow_filesystem(self) -> tuple[pafs.FileSystem | None, str]:
        """(filesystem, path) in pyarrow's terms, wrapping fsspec filesystems if needed."""
        if self.filesystem is None:
            return None, self.path
        if isinstance(self.filesystem, pafs.FileSystem):
            return self.filesystem, self.path
        return pafs.PyFileSystem(pafs.FSSpecHandler(self.filesystem)), self.path


class _KeepOpen(io.RawIOBase):
    """Wraps a BytesIO so an engine's ``close()`` does not discard what it wrote."""

    def __init__(self, sink: io.BytesIO):
        self._sink = sink

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        return self._sink.write(b)

    def tell(self) -> int:
        return self._sink.tell()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        super().close()


@dataclass(frozen=True)
class AddedEngine:
    """An engine contributed to a codec from outside its module (``formats/engines/<engine>.py``).

    ``write(data, location, options)``, ``read(location, request)`` and ``writer_input(table)``
    replace the codec's own methods for this engine; ``None`` means the engine does not do it
    (``spec.can_write``/``can_read`` say the same to the case matrix).
    """

    spec: EngineSpec
    write: Callable[[Any, "Location", WriteOptions], None] | None = None
    read: Callable[["Location", ReadRequest], Any] | None = None
    writer_input: Callable[[pa.Table], Any] | None = None
    # A streaming writer (one batch resident at a time) for the volume suite; None: the engine
    # refuses batched writes by name rather than fall into the codec's own engine code.
    write_batches: Callable[[Any, "Location", WriteOptions], None] | None = None


# Position of the ``engine`` argument in each method an added engine can take over.
_ENGINE_ARG = {"write": 2, "read": 1, "writer_input": 1, "write_batches": 2}


def _dispatch_added_engines(name: str, own: Callable) -> Callable:
    """Wrap a codec method: an added engine's implementation first, else the codec's own."""
    position = _ENGINE_ARG[name]

    @functools.wraps(own)
    def method(self: "Codec", *args: Any, **kwargs: Any) -> Any:
        added = self.__dict__.get("_added_engines")
        if added:
            engine = kwargs["engine"] if "engine" in kwargs else args[position]
            impl = added.get(engine)
            if impl is not None:
                args = args[:position] + args[position + 1:]
                kwargs.pop("engine", None)
                if name == "write":
                    self.check_write_case(engine, (kwargs.get("options") or args[-1]).compression)
                fn = getattr(impl, name)
                if fn is None:
                    raise UnsupportedCaseError(f"{self.name}: engine {engine!r} cannot {name.replace('_', ' ')}")
                return fn(*args, **kwargs)
        return own(self, *args, **kwargs)

    method._dispatches_added_engines = True  # type: ignore[attr-defined]
    return method


class Codec(ABC):
    """One storage format.  Subclasses set the class attributes and implement write/read.

    Engines can also be added from outside the codec's module with :meth:`add_engine` (one
    module per engine in ``formats/engines/``): ``write``/``read``/``writer_input`` consult the
    added engines before the codec's own code.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in _ENGINE_ARG:
            own = cls.__dict__.get(name)
            if own is not None and not getattr(own, "_dispatches_added_engines", False):
                setattr(cls, name, _dispatch_added_engines(name, own))

    def __reduce__(self) -> tuple:
        # Pickled by name (the memory pass sends codec methods to a clean process): the
        # receiving process finds the same registered codec, added engines included.
        return (_registered_codec, (self.name,))

    def is_added_engine(self, name: str) -> bool:
        """True for an engine added from outside the codec's module (:meth:`add_engine`)."""
        return name in self.__dict__.get("_added_engines", {})

    def add_engine(self, engine: AddedEngine) -> None:
        """Register an engine implemented outside this codec (see :class:`AddedEngine`)."""
        if engine.spec.name in self.engines:
            raise ValueError(f"{self.name}: engine {engine.spec.name!r} registered twice")
        self.engines = {**self.engines, engine.spec.name: engine.spec}  # this codec's own copy
        self.__dict__.setdefault("_added_engines", {})[engine.spec.name] = engine

    name: str = ""
    extension: str = ""
    engines: dict[str, EngineSpec] = {}
    default_compression: str = "none"
    quick_compressions: tuple[str, ...] = ("none",)  # the subset the quick profile runs
    has_row_groups: bool = False
    description: str = ""
    # Compressions applied to the whole file as a stream, and the suffix they add (csv.gz).
    stream_compression_suffixes: dict[str, str] = {}
    # How a data catalog (Glue/Hive) describes this format's files; None: no description.
    catalog: "CatalogFormat | None" = None
    # A user's own file (bring your own data): the suffixes that claim this format (".csv"; a
    # trailing ".gz" is ignored), and the bytes a file of a binary format starts with.  A codec
    # with no ``magic`` is a text format: it is asked (:meth:`looks_like`) only after every
    # binary codec declined and the file decoded as text; ``sniff_last`` marks the catch-all
    # text format (CSV) that is asked after the other text codecs.
    file_extensions: tuple[str, ...] = ()
    magic: bytes | None = None
    sniff_last: bool = False
    # How users name the format in an error listing what a data file may be ("Arrow/Feather").
    title: str = ""

    # -- capability queries -----------------------------------------------------------------
    def engine(self, name: str) -> EngineSpec:
        try:
            return self.engines[name]
        except KeyError:
            raise UnknownNameError(f"{self.name} engine", name, self.engines) from None

    def writers(self) -> list[EngineSpec]:
        return [e for e in self.engines.values() if e.can_write]

    def readers(self) -> list[EngineSpec]:
        return [e for e in self.engines.values() if e.can_read]

    def compressions(self) -> list[str]:
        seen: dict[str, None] = {}
        for e in self.writers():
            for c in e.write_compressions:
                seen[c] = None
        return list(seen)

    def check_write_case(self, engine: str, compression: str) -> None:
        spec = self.engine(engine)
        if not spec.can_write:
            raise UnsupportedCaseError(f"{self.name}: engine {engine!r} cannot write")
        if compression not in spec.write_compressions:
            raise UnknownNameError(
                f"{self.name}/{engine} compression", compression, spec.write_compressions
            )

    def file_name(self, stem: str, compression: str) -> str:
        return f"{stem}.{self.extension}{self.stream_compression_suffixes.get(compression, '')}"

    # -- the two timed operations -----------------------------------------------------------
    def writer_input(self, table: pa.Table, engine: str) -> Any:
        """The data in the shape the engine's user already holds it (untimed).

        A pandas user calls ``to_csv``/``to_parquet`` on a DataFrame they have, so building the
        DataFrame is setup, not part of the write.  Engines named ``pandas``/``fastparquet`` get
        a DataFrame (nullable ints stay nullable), the others the Arrow table.
        """
        if engine in ("pandas", "fastparquet"):
            return to_pandas_for_writing(table)
        return table

    @abstractmethod
    def write(self, data: Any, location: Location, engine: str, options: WriteOptions) -> None:
        """Encode ``data`` (from :meth:`writer_input`) to ``location`` (timed)."""

    @abstractmethod
    def read(self, location: Location, engine: str, request: ReadRequest) -> Any:
        """Decode ``location``, applying projection and predicate (timed); native result."""

    # -- untimed helpers ---------------------------------------------------------------------
    def prepare(self, table: pa.Table) -> tuple[pa.Table, list[Conversion]]:
        """Convert columns this format cannot store; every conversion is recorded."""
        return table, []

    def writer_conversions(self, table: pa.Table, engine: str) -> list[Conversion]:
        """Type changes one writer engine makes on its own when storing ``table`` (e.g. a
        writer that stores nested columns as JSON text).  Recorded beside :meth:`prepare`'s."""
        return []

    def to_arrow(self, result: Any) -> pa.Table:
        """Turn an engine's native result (Arrow table or pandas DataFrame) into Arrow."""
        return native_to_arrow(result)

    # -- the file on its own: a user's file, and the schema a written file holds --------------
    def looks_like(self, head: bytes) -> bool:
        """True when a file starting with ``head`` (decompressed when gzipped) is this format.

        Binary formats compare their ``magic``; a text codec overrides this (``head`` is then up
        to 4 KiB of text) or never claims a file by its contents.
        """
        return self.magic is not None and head.startswith(self.magic)

    def load_user_file(self, path: Path) -> tuple[pa.Table, str]:
        """(the user's file as an Arrow table, how it was read: "" or ", <choices made>").

        Reads as a user's own tools read the file; what a reader had to choose (a sniffed CSV
        delimiter) is returned so the dataset's description records it.  Raises
        :class:`UserFileError` for a file this format refuses with a reason of its own.
        """
        raise UserFileError(f"dataset file {path}: unsupported format {self.name}")

    def file_schema(self, location: Location) -> "pa.Schema | list[str] | None":
        """The schema a written file holds, read from the file and nothing else.

        An Arrow schema for a format that embeds one; the column names only for a text format
        (its file holds no types); None when this codec has no schema reader.
        """
        return None

    def file_hive_columns(self, location: Location) -> list[tuple[str, str]] | None:
        """The file's own schema already in Hive terms, for a format whose embedded schema maps to
        Hive directly (Avro's writer schema): the catalog checks it independently of the Arrow ->
        Hive path it registered the table with.  None: the catalog maps :meth:`file_schema`."""
        return None

    # -- batched writing (the volume suite: files larger than memory) --------------------------
    def batch_writer_input(self, batch: pa.Table, engine: str) -> Any:
        """One batch in the shape :meth:`write_batches` takes (untimed setup, like writer_input)."""
        return self.writer_input(batch, engine)

    def write_batches(self, batches: Iterable[Any], location: Location, engine: str,
                      options: WriteOptions) -> None:
        """Write ``batches`` (from :meth:`batch_writer_input`) as ONE file (timed).

        A format with a streaming writer overrides this so that only one batch is resident at a
        time.  This default has none: it concatenates Arrow batches and writes them once through
        :meth:`write`, so memory grows with the file (the volume suite measures and reports it).
        """
        self.check_write_case(engine, options.compression)
        first, rest = first_batch(batches, self.name)
        if not isinstance(first, pa.Table):
            raise UnsupportedCaseError(f"{self.name}: engine {engine!r} has no batched writer")
        self.write(pa.concat_tables([first, *rest]), location, engine, options)


def _registered_codec(name: str) -> "Codec":
    from formats import get_codec

    return get_codec(name)


# The base class's own writer_input and write_batches (used by codecs that do not override
# them) dispatch too.
Codec.writer_input = _dispatch_added_engines("writer_input", Codec.writer_input)  # type: ignore[method-assign]
Codec.write_batches = _dispatch_added_engines("write_batches", Codec.write_batches)  # type: ignore[method-assign]


def to_pandas_for_writing(table: pa.Table) -> Any:
    """Arrow -> pandas the way a careful user does it: integer and bool columns with nulls keep
    pandas' nullable dtypes instead of silently becoming float64/object (TRAPS.md)."""
    import pandas as pd

    mapping = {
        pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype(),
    }
    nullable = {f.name for f in table.schema if table.column(f.name).null_count > 0}
    frame = table.to_pandas(types_mapper=lambda t: None)  # numpy dtypes where lossless
    for name in nullable:
        dtype = mapping.get(table.schema.field(name).type)
        if dtype is not None:
            frame[name] = table.column(name).to_pandas(types_mapper=mapping.get)
    return frame


@contextlib.contextmanager
def compressed_output(location: Location, compression: str) -> Iterator[Any]:
    """An output stream for text formats: gzip-compressed when asked, closed in the right order."""
    with location.open_output() as raw:
        sink = pa.CompressedOutputStream(raw, "gzip") if compression == "gzip" else raw
        try:
            yield sink
        finally:
            if sink is not raw:
                sink.close()


def compressed_input(location: Location) -> Any:
    """An input stream for text formats, decompressing ``.gz`` files."""
    source = location.open_input()
    return pa.CompressedInputStream(source, "gzip") if location.path.endswith(".gz") else source


def native_to_arrow(result: Any) -> pa.Table:
    if isinstance(result, pa.Table):
        return result
    if isinstance(result, pa.RecordBatch):
        return pa.Table.from_batches([result])
    if callable(getattr(result, "to_arrow", None)):  # polars DataFrame and the like
        return result.to_arrow()
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return pa.Table.from_pandas(result, preserve_index=False)
    if isinstance(result, list):
        return pa.Table.from_pylist(result)
    raise TypeError(f"cannot turn {type(result).__name__} into an Arrow table")


def stringify_unsupported(
    table: pa.Table, unsupported: callable, to_type: pa.DataType, reason: str
) -> tuple[pa.Table, list[Conversion]]:
    """Cast every column whose type satisfies ``unsupported`` to ``to_type`` (recorded)."""
    conversions: list[Conversion] = []
    for i, f in enumerate(table.schema):
        if unsupported(f.type):
            new = _to_text(table.column(i), to_type)
            table = table.set_column(i, pa.field(f.name, new.type, f.nullable), new)
            conversions.append(Conversion(f.name, str(f.type), str(new.type), reason))
    return table, conversions


def _to_text(column: pa.ChunkedArray, to_type: pa.DataType) -> pa.ChunkedArray:
    import json as _json

    t = column.type
    if pa.types.is_dictionary(t):
        return column.cast(t.value_type).cast(to_type) if t.value_type != to_type else column.cast(to_type)
    if pa.types.is_nested(t):
        values = [None if v is None else _json.dumps(v, default=str) for v in column.to_pylist()]
        return pa.chunked_array([pa.array(values, type=to_type)])
    return column.cast(to_type)


def is_nested(t: pa.DataType) -> bool:
    return pa.types.is_nested(t)


def columns_to_load(request: ReadRequest) -> list[str] | None:
    """Columns a reader should load: the projection plus the predicate column (None = all)."""
    if request.columns is None:
        return None
    cols = list(request.columns)
    if request.predicate is not None and request.predicate.column not in cols:
        cols.append(request.predicate.column)
    return cols


def finish_pandas(frame: Any, request: ReadRequest) -> Any:
    """Apply an after-read predicate and the final projection to a pandas frame."""
    if request.predicate is not None:
        frame = request.predicate.apply_pandas(frame)
    if request.columns is not None:
        frame = frame[list(request.columns)]
    return frame


def finish_arrow(table: pa.Table, request: ReadRequest) -> pa.Table:
    """Apply an after-read predicate and the final projection to an Arrow table."""
    if request.predicate is not None:
        table = request.predicate.apply_arrow(table)
    if request.columns is not None:
        table = table.select(list(request.columns))
    return table


def first_batch(batches: Iterable[Any], fmt: str) -> tuple[Any, Iterator[Any]]:
    """(first batch, iterator over the rest): streaming writers take the schema from the first."""
    it = iter(batches)
    try:
        return next(it), it
    except StopIteration:
        raise UnsupportedCaseError(f"{fmt}: no batches to write (a file needs at least one batch)") from None


def is_gzip(path: Path) -> bool:
    """True for a gzip file (by its magic bytes, whatever its name)."""
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def open_plain(path: Path) -> BinaryIO:
    """``path`` opened for binary reading, decompressed when it is a gzip file."""
    import gzip

    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")  # type: ignore[return-value]
