"""What a case asks of a codec: which engine (:class:`EngineSpec`), what is written
(:class:`WriteOptions`) and read (:class:`ReadRequest`, :class:`RangePredicate`), and the
conversions a format forces on the data (:class:`Conversion`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


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
