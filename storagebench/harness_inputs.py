"""What a format case is given, prepared outside the timing and cached for the session: the
dataset, the table prepared for the format (and the conversions that took), the engine's own
input (DataFrame, records ...), the write options of the profile, and what a reader is handed.
:class:`storagebench.harness.Harness` runs the cases on these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

import formats
from formats.base import Codec, Conversion, Location, ReadRequest, WriteOptions
from storagebench.cases import ReadCase
from storagebench.datasets import Dataset, resolve
from storagebench.profiles import Profile


@dataclass
class WrittenFile:
    """A file the read benchmarks read, as written."""

    location: Location
    table: pa.Table  # exactly what was written (after the format's conversions)
    conversions: list[Conversion]
    size: int


class CaseInputs:
    """The session's datasets and per-format inputs (untimed, cached)."""

    def __init__(self, profile: Profile, dataset_specs: list[str], seed: int):
        self.profile = profile
        self.dataset_specs = dataset_specs
        self.seed = seed
        self._datasets: dict[str, Dataset] = {}
        self._prepared: dict[tuple[str, str], tuple[pa.Table, list[Conversion]]] = {}
        self._inputs: dict[tuple[str, str, str], Any] = {}

    def dataset(self, spec: str) -> Dataset:
        if spec not in self._datasets:
            self._datasets[spec] = resolve(spec, self.profile.rows, self.seed)
        return self._datasets[spec]

    def dataset_key(self, spec: str) -> str:
        """The name a dataset appears under in case ids and results."""
        return self.dataset(spec).name

    def prepared(self, codec: Codec, spec: str) -> tuple[pa.Table, list[Conversion]]:
        key = (codec.name, spec)
        if key not in self._prepared:
            self._prepared[key] = codec.prepare(self.dataset(spec).table)
        return self._prepared[key]

    def stored(self, codec: Codec, writer: str, spec: str) -> tuple[pa.Table, list[Conversion]]:
        """What a file written by ``writer`` is checked against: the prepared table, and every
        conversion made before it reached the file (the suite's and the writer's own)."""
        table, conversions = self.prepared(codec, spec)
        return table, conversions + codec.writer_conversions(table, writer)

    def writer_input(self, codec: Codec, engine: str, spec: str) -> Any:
        key = (codec.name, engine, spec)
        if key not in self._inputs:
            self._inputs[key] = codec.writer_input(self.prepared(codec, spec)[0], engine)
        return self._inputs[key]

    def write_options(self, codec: Codec, compression: str) -> WriteOptions:
        return WriteOptions(compression, self.profile.row_groups() if codec.has_row_groups else None)

    def read_request(self, case: ReadCase, written: WrittenFile,
                     engine_options: dict[str, Any] | None = None) -> ReadRequest | None:
        """What the reader is handed: the workload, and the written schema only for engines
        declared ``reads_written_schema`` (every other reader sees only the file)."""
        ds = self.dataset(case.dataset)
        codec = formats.get_codec(case.format)
        schema = written.table.schema if codec.engine(case.reader).reads_written_schema else None
        if case.kind == "projection":
            return ReadRequest(columns=ds.projection, schema=schema, engine_options=engine_options or {})
        if case.kind == "predicate":
            if ds.predicate is None:
                return None
            return ReadRequest(predicate=ds.predicate, schema=schema, engine_options=engine_options or {})
        return ReadRequest(schema=schema, engine_options=engine_options or {})

    def expected(self, request: ReadRequest, written: WrittenFile) -> pa.Table:
        table = written.table
        if request.predicate is not None:
            table = request.predicate.apply_arrow(table)
        if request.columns is not None:
            table = table.select(list(request.columns))
        return table

