"""Where a file lives (:class:`Location`): a local path, a path on a pyarrow or fsspec filesystem
(S3 through pyarrow's client or s3fs), or an in-memory buffer (boto3 whole-object transfers).
Codecs open files only through ``Location`` so the same codec runs on every target; the text
formats' gzip streams and opening a user's (maybe gzipped) file live here too."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import pyarrow as pa
import pyarrow.fs as pafs


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


def is_gzip(path: Path) -> bool:
    """True for a gzip file (by its magic bytes, whatever its name)."""
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def open_plain(path: Path) -> BinaryIO:
    """``path`` opened for binary reading, decompressed when it is a gzip file."""
    import gzip

    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")  # type: ignore[return-value]
