"""Bring your own data: a CSV, JSON/JSONL, Parquet, ORC, Feather/Arrow or Avro file as a dataset.

The file's format is decided by its contents (magic bytes), and checked against its extension:
a ``.parquet`` file that is really CSV is an error naming both, not a confusing engine
traceback.  The projection workload reads the first two columns; the predicate workload takes
the middle tenth (45%..55% quantiles) of the first orderable column (int, float, timestamp,
date).  A file with no orderable column gets no predicate workload (skipped with that reason).

Everything about a format lives in its codec (``formats/<fmt>.py``): the suffixes that claim it
(``Codec.file_extensions``), the bytes that show it (``magic`` / ``looks_like``) and how a user's
file is read (``load_user_file``).  This module asks the registered codecs in turn: binary
formats by their magic bytes first, then, for a file that decodes as text, the text formats with
the catch-all (``sniff_last``: CSV) last.

What a codec's reader had to choose is recorded in the dataset's description (and so in the run
JSON).  CSV (formats/csv.py) is read the way a user's tools read it: the delimiter is sniffed
(``,`` ``;`` tab ``|``) from the first 64 KiB; a file that still reads as one column whose header
holds ``;`` or a tab is refused with a hint; empty fields (and pyarrow's usual null markers such
as ``NA``, ``NULL``) are null in every column, strings included, as pandas and most engines read
them.  Avro (formats/avro.py) is read with the file's own writer schema, as the Avro benchmark
read does.  A codec's refusal (:class:`formats.base.UserFileError`) becomes a
:class:`DatasetFileError` with the codec's one-line message; any other engine error becomes one
line naming the file and the format.

Each file of a run gets a unique dataset name (:func:`name_files`): its stem (``file:penguins``),
or its file name when two files share a stem (``file:penguins.csv`` and
``file:penguins.parquet``), or the parent folder's name in front when file names collide too.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

import formats
from formats.base import Codec, RangePredicate, StorageBenchInputError, UserFileError, is_gzip
from storagebench.datasets import Dataset


class DatasetFileError(StorageBenchInputError):
    """A dataset file that is missing, unreadable, mislabelled or empty."""


def user_file_codecs() -> list[Codec]:
    """Codecs that load a user's file, in the order they are asked what a file is: binary formats
    (told by magic bytes) first, then text formats, the catch-all text format last."""
    loaders = [c for c in formats.all_codecs() if type(c).load_user_file is not Codec.load_user_file]
    return sorted(loaders, key=lambda c: (c.magic is None, c.sniff_last))  # a stable sort: registry order


def extension_claims() -> dict[str, str]:
    """File suffix (".csv") -> the format whose codec claims it (one codec per suffix)."""
    claims: dict[str, str] = {}
    for codec in user_file_codecs():
        for ext in codec.file_extensions:
            if claims.setdefault(ext, codec.name) != codec.name:
                raise ValueError(f"file extension {ext!r} is claimed by two codecs: {claims[ext]} and {codec.name}")
    return claims


def sniff_format(path: Path) -> str:
    """The format a file's first bytes show (raises for unreadable files)."""
    codecs = user_file_codecs()
    with open(path, "rb") as f:
        head = f.read(8)
        if head.startswith(b"\x1f\x8b"):
            with gzip.open(path, "rb") as g:
                head = g.read(8)
    for codec in codecs:
        if codec.magic is not None and codec.looks_like(head):
            return codec.name
    opener = gzip.open if is_gzip(path) else open
    with opener(path, "rb") as f:
        sample = f.read(4096)
    # Text formats never hold NUL or most control bytes; a binary blob is not CSV.
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    try:
        sample.decode("utf-8")
        decodes = True
    except UnicodeDecodeError as exc:
        decodes = exc.start > len(sample) - 4  # a multi-byte char cut by the sample end
    text = next((c for c in codecs if c.magic is None and c.looks_like(sample)), None)
    if text is not None and text.sniff_last and (not decodes or control > 0):
        text = None  # only the catch-all needs the text check: JSON is told by its first byte
    if text is None:
        expected = [c.title or c.name for c in formats.all_codecs() if c in codecs]  # registry order
        raise DatasetFileError(
            f"dataset file {path}: not a recognised data file (binary content, unknown magic bytes "
            f"{head[:4]!r}; expected {', '.join(expected[:-1])} or {expected[-1]})")
    return text.name


_NAMES: dict[str, str] = {}  # resolved path -> the run's unique label for that file


def _key(path_text: str) -> str:
    return str(Path(path_text).expanduser().resolve())


def name_files(paths: list[str]) -> None:
    """Give each of the run's files a unique label (see the module docstring)."""
    resolved = [Path(_key(p)) for p in dict.fromkeys(paths)]
    for candidates in (lambda p: p.name.split(".")[0] or "file", lambda p: p.name,
                       lambda p: f"{p.parent.name}-{p.name}"):
        labels = [candidates(p) for p in resolved]
        if len(set(labels)) == len(labels):
            break
    seen: dict[str, int] = {}
    for path, label in zip(resolved, labels):
        seen[label] = seen.get(label, 0) + 1
        _NAMES[str(path)] = label if seen[label] == 1 else f"{label}-{seen[label]}"
    # A dataset loaded before its name was known must not keep the old name.
    for key in [k for k in _LOADED if k[0] in _NAMES and _LOADED[k].name != f"file:{_NAMES[k[0]]}"]:
        del _LOADED[key]


def file_label(path_text: str) -> str:
    """The label of a user file in case ids, file names and the dataset name."""
    return _NAMES.get(_key(path_text)) or (Path(path_text).name.split(".")[0] or "file")


def load_file_dataset(path_text: str) -> Dataset:
    """The file as a dataset.  Loaded once per (path, size, mtime): the pytest options validate
    the file at start-up and the harnesses use it later, without reading it twice."""
    path = Path(path_text).expanduser()
    if path.is_file():
        st = path.stat()
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
        if key not in _LOADED:
            _LOADED[key] = _load(path)
        return _LOADED[key]
    return _load(path)


_LOADED: dict[tuple[str, int, int], Dataset] = {}


def _load(path: Path) -> Dataset:
    if not path.exists():
        raise DatasetFileError(f"dataset file not found: {path}")
    if path.is_dir():
        raise DatasetFileError(f"dataset path is a directory, not a file: {path}")
    if not os.access(path, os.R_OK):
        raise DatasetFileError(f"dataset file is not readable (permissions): {path}")
    if path.stat().st_size == 0:
        raise DatasetFileError(f"dataset file is empty (0 bytes): {path}")

    actual = sniff_format(path)
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    claimed = extension_claims().get(suffixes[-1]) if suffixes else None
    if claimed is not None and claimed != actual:
        raise DatasetFileError(
            f"dataset file {path}: extension says {claimed} but the contents are {actual}; "
            f"rename it or convert it"
        )
    try:
        table, how = formats.get_codec(actual).load_user_file(path)
    except UserFileError as exc:  # the codec's own one-line reason, naming the file
        raise DatasetFileError(str(exc)) from None
    except Exception as exc:  # engine errors become one clear line naming file and format
        raise DatasetFileError(f"cannot read dataset file {path} as {actual}: {_first_line(exc)}") from None
    if table.num_rows == 0:
        raise DatasetFileError(f"dataset file {path} has no rows (schema: {', '.join(table.column_names)})")
    if table.num_columns == 0:
        raise DatasetFileError(f"dataset file {path} has no columns")
    table = table.combine_chunks()
    return Dataset(name=f"file:{file_label(str(path))}", table=table, projection=tuple(table.column_names[:2]),
                   predicate=middle_tenth_of(table), description=f"user file ({actual}{how})",
                   origin=str(path))


def _orderable(t: pa.DataType) -> bool:
    return (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_timestamp(t)
            or pa.types.is_date(t))


def middle_tenth_of(table: pa.Table) -> RangePredicate | None:
    """[45%, 55%) quantile range of the first orderable column, or None when there is none."""
    for field in table.schema:
        if not _orderable(field.type):
            continue
        values = table.column(field.name).drop_null()
        if len(values) < 2:
            continue
        ordered = pc.sort_indices(values)
        lo = values.take([ordered[int(len(values) * 0.45)].as_py()])[0].as_py()
        hi = values.take([ordered[min(len(values) - 1, int(len(values) * 0.55))].as_py()])[0].as_py()
        if lo == hi:
            continue
        return RangePredicate(field.name, lo, hi)
    return None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
