"""Bring your own data: a CSV, JSON/JSONL, Parquet, ORC, Feather/Arrow or Avro file as a dataset.

The file's format is decided by its contents (magic bytes), and checked against its extension:
a ``.parquet`` file that is really CSV is an error naming both, not a confusing engine
traceback.  The projection workload reads the first two columns; the predicate workload takes
the middle tenth (45%..55% quantiles) of the first orderable column (int, float, timestamp,
date).  A file with no orderable column gets no predicate workload (skipped with that reason).

CSV is read the way a user's tools read it, and the choices are recorded in the dataset's
description (and so in the run JSON): the delimiter is sniffed (``,`` ``;`` tab ``|``) from the
first 64 KiB; a file that still reads as one column whose header holds ``;`` or a tab is refused
with a hint; empty fields (and pyarrow's usual null markers such as ``NA``, ``NULL``) are null in
every column, strings included, as pandas and most engines read them.

Each file of a run gets a unique dataset name (:func:`name_files`): its stem (``file:penguins``),
or its file name when two files share a stem (``file:penguins.csv`` and
``file:penguins.parquet``), or the parent folder's name in front when file names collide too.
"""

from __future__ import annotations

import csv
import gzip
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from formats.base import RangePredicate, StorageBenchInputError
from storagebench.datasets import Dataset

EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".ndjson": "json",
    ".parquet": "parquet", ".pq": "parquet", ".orc": "orc", ".feather": "feather",
    ".arrow": "feather", ".ipc": "feather", ".avro": "avro",
}


class DatasetFileError(StorageBenchInputError):
    """A dataset file that is missing, unreadable, mislabelled or empty."""


def sniff_format(path: Path) -> str:
    """The format a file's first and last bytes show (raises for unreadable files)."""
    with open(path, "rb") as f:
        head = f.read(8)
        if head.startswith(b"\x1f\x8b"):
            with gzip.open(path, "rb") as g:
                head = g.read(8)
        if head[:4] == b"PAR1":
            return "parquet"
        if head[:3] == b"ORC":
            return "orc"
        if head[:6] == b"ARROW1":
            return "feather"
        if head[:4] == b"Obj\x01":
            return "avro"
    opener = gzip.open if _is_gzip(path) else open
    with opener(path, "rb") as f:
        sample = f.read(4096)
    stripped = sample.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    # Text formats never hold NUL or most control bytes; a binary blob is not CSV.
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    try:
        sample.decode("utf-8")
        decodes = True
    except UnicodeDecodeError as exc:
        decodes = exc.start > len(sample) - 4  # a multi-byte char cut by the sample end
    if not decodes or control > 0:
        raise DatasetFileError(
            f"dataset file {path}: not a recognised data file (binary content, unknown magic bytes "
            f"{head[:4]!r}; expected CSV, JSON, Parquet, ORC, Arrow/Feather or Avro)")
    return "csv"


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


_NAMES: dict[str, str] = {}  # resolved path -> the run's unique label for that file
CSV_DELIMITERS = ",;\t|"
CSV_SAMPLE_BYTES = 64 * 1024


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
    claimed = EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if claimed is not None and claimed != actual:
        raise DatasetFileError(
            f"dataset file {path}: extension says {claimed} but the contents are {actual}; "
            f"rename it or convert it"
        )
    try:
        table = _read(path, actual)
    except DatasetFileError:
        raise
    except Exception as exc:  # engine errors become one clear line naming file and format
        raise DatasetFileError(f"cannot read dataset file {path} as {actual}: {_first_line(exc)}") from None
    if table.num_rows == 0:
        raise DatasetFileError(f"dataset file {path} has no rows (schema: {', '.join(table.column_names)})")
    if table.num_columns == 0:
        raise DatasetFileError(f"dataset file {path} has no columns")
    table = table.combine_chunks()
    how = _CSV_CHOICES.pop(str(path), "") if actual == "csv" else ""
    return Dataset(name=f"file:{file_label(str(path))}", table=table, projection=tuple(table.column_names[:2]),
                   predicate=middle_tenth_of(table), description=f"user file ({actual}{how})",
                   origin=str(path))


_CSV_CHOICES: dict[str, str] = {}  # how the last read of a CSV path was done, for its description


def sniff_delimiter(path: Path) -> str:
    """The CSV delimiter the file's first lines show (``,`` when they show none)."""
    opener = gzip.open if _is_gzip(path) else open
    with opener(path, "rb") as f:
        sample = f.read(CSV_SAMPLE_BYTES).decode("utf-8", errors="replace")
    if len(sample) == CSV_SAMPLE_BYTES:  # keep whole lines only: a cut line confuses the sniffer
        sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return "\t" if path.suffix.lower() == ".tsv" else ","


def _read_csv(path: Path) -> pa.Table:
    import pyarrow.csv as pacsv

    delimiter = sniff_delimiter(path)
    table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=delimiter),
                           # Empty fields are null in string columns too (pyarrow's default keeps
                           # them as ''), as pandas and most engines read them.
                           convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    header = table.column_names[0] if table.num_columns == 1 else ""
    if table.num_columns == 1 and any(sep in header for sep in ";\t|"):
        raise DatasetFileError(
            f"dataset file {path} reads as one column named {header[:60]!r}: its delimiter could not be "
            "told from the first lines; save it with ',' (or ';', tab, '|') used on every line")
    shown = {"\t": "tab"}.get(delimiter, repr(delimiter))
    _CSV_CHOICES[str(path)] = f", delimiter {shown} (sniffed), empty fields and NA/NULL markers read as null"
    return table


def _read(path: Path, fmt: str) -> pa.Table:
    if fmt == "csv":
        return _read_csv(path)
    if fmt == "json":
        return _read_json(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path)
    if fmt == "orc":
        import pyarrow.orc as paorc

        return paorc.read_table(path)
    if fmt == "feather":
        import pyarrow.feather as feather

        return feather.read_table(path)
    if fmt == "avro":
        try:
            import fastavro
        except ImportError:
            raise DatasetFileError(f"dataset file {path} is Avro: pip install 'storagebench[avro]'") from None
        with open(path, "rb") as f:
            return pa.Table.from_pylist(list(fastavro.reader(f)))
    raise DatasetFileError(f"dataset file {path}: unsupported format {fmt}")


def _read_json(path: Path) -> pa.Table:
    """JSON Lines via pyarrow; a single JSON array of objects via the json module."""
    import json

    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        first = f.read(64).lstrip()
    if first.startswith(b"["):
        with opener(path, "rb") as f:
            records = json.load(f)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise DatasetFileError(f"dataset file {path}: a JSON array must hold objects (one per row)")
        return pa.Table.from_pylist(records)
    import pyarrow.json as pajson

    return pajson.read_json(path)


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
