"""Partitioned datasets: Hive-style folders (``key=value/``) written and read with pyarrow.dataset.

What is measured, locally and on S3 (pyarrow's S3FileSystem on the embedded moto endpoint):

* **pruning**: a query whose filter selects exactly one partition, on the partitioned layout and
  on the same data as one unpartitioned file: files read (``dataset.get_fragments(filter=)``),
  bytes read and requests (counted on S3), rows returned, time;
* **the small-files trade-off**: for each partition scheme, files written, mean file size and
  total bytes (every Parquet file repeats a footer and schema), write time, and the requests a
  full scan needs. More partitions prune more but make more, smaller files and more requests.

Schemes (registry ``SCHEMES``; one entry adds one) partition the ``mixed`` orders dataset by
category (``country``, 10 values), by month and by day of ``ship_date`` (about 14 and 400
values), and by category x month.  Partition values are strings (``YYYY-MM`` / ``YYYY-MM-DD``),
as Hive and Athena store them in paths.  Files are Parquet (the format pyarrow.dataset and
Athena both prune by folder); the layout, not the codec, is what this suite measures.

Bad input: a partition column with nulls (Hive puts them in ``__HIVE_DEFAULT_PARTITION__``,
which readers disagree on) or with characters Hive escapes in paths (``/`` would create nested
folders, ``=`` breaks ``key=value`` parsing, and ``% # ? : * " ' \\ [ ] ^ {`` or control
characters are percent-escaped differently by different writers) raises
:class:`PartitionColumnError` naming the column, the value and the character.

extra_info keys: :class:`storagebench.results.PartitionsRecord` (``suite == "partitions"``;
required and optional keys, types, units), checked when the run JSON is written and read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from formats.base import StorageBenchInputError
from storagebench.results import SUITE_PARTITIONS  # noqa: F401  (re-exported: the benchmarks import it here)


# Characters Hive's FileUtils escapes in partition paths, plus DEL; control chars checked apart.
UNSAFE_CHARACTERS = frozenset('"#%\'*/:=?\\[]^{\x7f')


class PartitionColumnError(StorageBenchInputError):
    pass


def _month(table: pa.Table) -> pa.Array:
    return pc.strftime(table.column("ship_date").cast(pa.timestamp("s")), "%Y-%m")


def _day(table: pa.Table) -> pa.Array:
    return pc.strftime(table.column("ship_date").cast(pa.timestamp("s")), "%Y-%m-%d")


# Derived partition columns: name -> function of the dataset table.
DERIVED: dict[str, Callable[[pa.Table], pa.Array]] = {"ship_month": _month, "ship_day": _day}


@dataclass(frozen=True)
class Scheme:
    name: str
    keys: tuple[str, ...]
    description: str


SCHEMES: dict[str, Scheme] = {s.name: s for s in (
    Scheme("category", ("country",), "by category: 10 countries"),
    Scheme("month", ("ship_month",), "by month of ship_date"),
    Scheme("day", ("ship_day",), "by day of ship_date (many small files)"),
    Scheme("category_month", ("country", "ship_month"), "by category, then month"),
)}


def with_partition_columns(table: pa.Table) -> pa.Table:
    """The dataset plus the derived partition columns (string values, as stored in paths)."""
    for name, derive in DERIVED.items():
        if name not in table.column_names:
            table = table.append_column(name, derive(table))
    return table


def validate_partition_columns(table: pa.Table, keys: tuple[str, ...]) -> None:
    """Reject partition columns that Hive layouts cannot hold faithfully (see module doc)."""
    for key in keys:
        if key not in table.column_names:
            raise PartitionColumnError(f"partition column {key!r} is not in the table "
                                       f"(columns: {', '.join(table.column_names)})")
        column = table.column(key)
        if column.null_count:
            raise PartitionColumnError(
                f"partition column {key!r} has {column.null_count} null values: Hive layouts write "
                f"them to {key}=__HIVE_DEFAULT_PARTITION__, which readers interpret differently; "
                f"fill or filter the nulls first")
        values = pc.unique(column.cast(pa.string()) if not pa.types.is_string(column.type) else column)
        for value in values.to_pylist():
            bad = next((ch for ch in value if ch in UNSAFE_CHARACTERS or ord(ch) < 32), None)
            if bad is not None:
                raise PartitionColumnError(
                    f"partition column {key!r} has value {value!r} containing {bad!r}, which Hive "
                    f"layouts cannot hold in a folder name ('/' nests folders, '=' breaks key=value, "
                    f"others are percent-escaped differently by different writers); clean the values first")
            if value == "":
                raise PartitionColumnError(f"partition column {key!r} has an empty value: a folder "
                                           f"name '{key}=' is read back as null")


@dataclass
class LayoutStats:
    files: int
    bytes_total: int
    partitions: int
    file_sizes: list[int]

    @property
    def mean_file_bytes(self) -> float:
        return self.bytes_total / self.files if self.files else 0.0


def _partitioning(keys: tuple[str, ...]) -> ds.Partitioning | None:
    if not keys:
        return None
    return ds.partitioning(pa.schema([(k, pa.string()) for k in keys]), flavor="hive")


def write_layout(table: pa.Table, base: str, keys: tuple[str, ...],
                 filesystem: pafs.FileSystem | None = None, validate: bool = True) -> LayoutStats:
    """Write ``table`` under ``base`` partitioned by ``keys`` (none: one file); returns stats.

    ``validate=False`` skips :func:`validate_partition_columns` (the benchmark validates the
    table once, before timing: checking the input is not part of writing it)."""
    if validate:
        validate_partition_columns(table, keys)
    sizes: list[int] = []
    folders: set[str] = set()

    def visit(written: Any) -> None:
        sizes.append(written.size)
        folders.add(written.path.rsplit("/", 1)[0])

    # Object stores have no folders: creating them costs a HEAD and a marker PUT per partition
    # (measured: 6 requests per file instead of 1 on S3), so only local disk gets them.
    local = filesystem is None or isinstance(filesystem, pafs.LocalFileSystem)
    ds.write_dataset(table, base, format="parquet", partitioning=_partitioning(keys),
                     filesystem=filesystem, file_visitor=visit, existing_data_behavior="error",
                     basename_template="part-{i}.parquet", create_dir=local)
    return LayoutStats(len(sizes), sum(sizes), len(folders) if keys else 0, sizes)


def open_layout(base: str, keys: tuple[str, ...], filesystem: pafs.FileSystem | None = None) -> ds.Dataset:
    return ds.dataset(base, format="parquet", partitioning=_partitioning(keys), filesystem=filesystem)


def one_partition_filter(table: pa.Table, keys: tuple[str, ...]) -> tuple[pc.Expression, str]:
    """A filter selecting exactly one partition (the first row's values) and its text."""
    first = {k: table.column(k)[0].as_py() for k in keys}
    expr = None
    for k, v in first.items():
        term = pc.field(k) == v
        expr = term if expr is None else expr & term
    text = " AND ".join(f"{k} = '{v}'" for k, v in first.items())
    return expr, text


@dataclass
class QueryResult:
    table: pa.Table
    files: list[str]  # the files the scan read: the fragments left after partition pruning


def scan(dataset: ds.Dataset, expr: pc.Expression | None) -> pa.Table:
    """The query the benchmark times: scan ``dataset`` with ``expr`` (partition pruning happens
    on the partition expressions in memory, then only the kept files are read)."""
    return dataset.to_table(filter=expr) if expr is not None else dataset.to_table()


def files_scanned(dataset: ds.Dataset, expr: pc.Expression | None) -> list[str]:
    """The files a scan with ``expr`` reads: the fragments left after pruning (untimed)."""
    fragments = dataset.get_fragments(filter=expr) if expr is not None else dataset.get_fragments()
    return [f.path for f in fragments]


def run_query(dataset: ds.Dataset, expr: pc.Expression | None) -> QueryResult:
    """:func:`scan` plus the files it read."""
    return QueryResult(scan(dataset, expr), files_scanned(dataset, expr))


def files_bytes(dataset: ds.Dataset, paths: list[str]) -> int:
    """Total size of ``paths`` (untimed accounting of what a query read, for local disk)."""
    return sum(info.size for info in dataset.filesystem.get_file_info(paths)) if paths else 0
