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

import functools
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import pyarrow as pa

# The pieces a codec module needs, re-exported so ``from formats.base import ...`` stays the one
# import line of every codec (each lives in its own module by concern).
from formats.errors import StorageBenchInputError, UnknownNameError, UnsupportedCaseError, UserFileError
from formats.location import Location, ObjectStore, compressed_input, compressed_output, is_gzip, open_plain
from formats.spec import Conversion, EngineSpec, RangePredicate, ReadRequest, WriteOptions
from formats.tables import (
    columns_to_load,
    finish_arrow,
    finish_pandas,
    first_batch,
    is_nested,
    native_to_arrow,
    stringify_unsupported,
    to_pandas_for_writing,
)

if TYPE_CHECKING:
    from formats.catalog_facts import CatalogFormat

__all__ = [
    "AddedEngine", "Codec", "Conversion", "EngineSpec", "Location", "ObjectStore", "RangePredicate",
    "ReadRequest", "StorageBenchInputError", "UnknownNameError", "UnsupportedCaseError", "UserFileError",
    "WriteOptions", "columns_to_load", "compressed_input", "compressed_output", "finish_arrow",
    "finish_pandas", "first_batch", "is_gzip", "is_nested", "native_to_arrow", "open_plain",
    "stringify_unsupported", "to_pandas_for_writing",
]


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
