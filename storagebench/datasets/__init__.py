"""Datasets by variety (the three Vs): seeded generators and the user's own files.

Each generator lives in its own module in this package and registers itself with
:func:`dataset`; a user's file (CSV, JSON/JSONL, Parquet, ORC, Feather, Avro) given by path
becomes a dataset through :func:`load_file_dataset`.  Every dataset names the two columns the
projection workload reads and the range predicate that selects about 10% of rows, so the same
three read workloads run on every dataset.

Generation is deterministic: the same (name, rows, seed) gives byte-identical tables, and each
dataset carries a fingerprint of its content that results record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

import pyarrow as pa

from formats.base import RangePredicate, UnknownNameError
from formats.registry import Registry

_GENERATOR_MODULES = ("numeric", "mixed", "text", "nested", "wide", "police")


@dataclass
class Dataset:
    name: str
    table: pa.Table
    projection: tuple[str, ...]
    predicate: RangePredicate | None
    description: str
    origin: str  # "generated (seed=42)" or the file path
    _fingerprint: str | None = field(default=None, repr=False)

    @property
    def rows(self) -> int:
        return self.table.num_rows

    @property
    def columns(self) -> int:
        return self.table.num_columns

    @property
    def arrow_bytes(self) -> int:
        return self.table.nbytes

    @property
    def fingerprint(self) -> str:
        """sha256 (first 16 hex) of the table's Arrow IPC stream: content and schema."""
        if self._fingerprint is None:
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, self.table.schema) as writer:
                writer.write_table(self.table)
            self._fingerprint = hashlib.sha256(sink.getvalue()).hexdigest()[:16]
        return self._fingerprint


@dataclass(frozen=True)
class DatasetGenerator:
    name: str
    description: str
    build: Callable[[int, int], Dataset]


_GENERATORS: Registry[DatasetGenerator] = Registry("dataset", "storagebench.datasets", _GENERATOR_MODULES)


def dataset(name: str, description: str) -> Callable:
    """Decorator registering ``build(rows, seed) -> Dataset`` under ``name``."""

    def wrap(build: Callable[[int, int], Dataset]) -> Callable[[int, int], Dataset]:
        _GENERATORS.add(name, DatasetGenerator(name, description, build))
        return build

    return wrap


def generator_names() -> list[str]:
    return _GENERATORS.names()


def generators() -> list[DatasetGenerator]:
    return _GENERATORS.values()


def build_dataset(name: str, rows: int, seed: int = 42) -> Dataset:
    """Build the named generated dataset with ``rows`` rows (deterministic for a seed)."""
    generator = _GENERATORS.get(name)
    if rows < 1:
        raise ValueError(f"dataset {name!r}: rows must be >= 1, got {rows}")
    return generator.build(rows, seed)


def load_file_dataset(path: str) -> Dataset:
    from storagebench.datasets.user_file import load_file_dataset as _load_file

    return _load_file(path)


def resolve(spec: str, rows: int, seed: int = 42) -> Dataset:
    """A registered generator name, or a path to the user's own file."""
    if spec in _GENERATORS:
        return build_dataset(spec, rows, seed)
    if "/" in spec or "." in spec:
        return load_file_dataset(spec)
    raise UnknownNameError("dataset", spec, _GENERATORS.names() + ["<path to a data file>"])
