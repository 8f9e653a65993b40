"""The workloads a decision is taken for, one registry entry each.

===================  ========================================================================
archive              bytes on disk of the whole data written once (lower is better; exact, so
                     one round; the write time is reported beside it)
full-export          read every row and column of the file
analytic-projection  read the dataset's two projection columns
selective-filter     read the rows of a ~10% range predicate (row groups/stripes may be pruned)
tpch-q1, tpch-q6     TPC-H Q1 / Q6 from the query registry (:class:`QueryWorkload`), answers checked
append-stream        write a stream of micro-batches, one new file each (object stores cannot
                     append), seconds per batch
point-lookup         one row by key: DynamoDB GetItem vs the best file layout (:mod:`.lookup`)
===================  ========================================================================

A workload says which side it measures (``write`` candidates are file configurations, ``read``
candidates add the reader engine), whether its value is deterministic, whether it applies to
the dataset (with the reason when it does not), and how one round is measured on a
:class:`~storagebench.decide.bench.Bench`.  The first round of a configuration at each size is
also checked (rows returned, query answer): a wrong answer drops the configuration from that
workload with the difference named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pyarrow as pa

import datetime as dt

import formats
from formats.base import RangePredicate, ReadRequest
from storagebench.datasets import Dataset
from storagebench.datasets.keys import find_key
from storagebench.decide.bench import Bench
from storagebench.decide.configs import Configuration, FileConfig
from storagebench.decide.screen import CandidateFailed
from storagebench.query import answers
from storagebench.query.engines import arrow_answer
from storagebench.query.queries import registered
from storagebench.query.spec import Query

STREAM_BATCH_ROWS = 10_000
STREAM_BATCHES = 5


@dataclass
class Workload:
    name: str
    title: str
    side: str  # "write" | "read" | "lookup"
    unit: str  # "s" | "bytes"
    deterministic: bool = False
    group: str = ""  # the --workloads name that selects it (query -> both TPC-H queries)
    _checked: set = field(default_factory=set, repr=False)

    def applies(self, dataset: Dataset) -> str | None:
        return None

    def measure(self, bench: Bench, cand: Any, size: str, dataset: Dataset) -> float:
        raise NotImplementedError


@dataclass
class Archive(Workload):
    def measure(self, bench: Bench, cand: FileConfig, size: str, dataset: Dataset) -> float:
        return float(bench.written(cand, size).size)


@dataclass
class AppendStream(Workload):
    def measure(self, bench: Bench, cand: FileConfig, size: str, dataset: Dataset) -> float:
        table = bench.tables[size]
        rows = max(1, min(STREAM_BATCH_ROWS, table.num_rows // STREAM_BATCHES))
        total = 0.0
        for i in range(STREAM_BATCHES):
            batch = table.slice((i * rows) % max(1, table.num_rows - rows + 1), rows)
            seconds, _ = bench.time_write(cand, size, table=batch, stem="stream")
            total += seconds
        return total / STREAM_BATCHES


@dataclass
class Read(Workload):
    request_for: Callable[[Dataset], ReadRequest | None] = lambda ds: ReadRequest()
    why_not: str = ""

    def applies(self, dataset: Dataset) -> str | None:
        return None if self.request_for(dataset) is not None else self.why_not

    def measure(self, bench: Bench, cand: Configuration, size: str, dataset: Dataset) -> float:
        request = self.request_for(dataset)
        assert request is not None
        seconds, result = bench.time_read(self.name, cand, size, request)
        if (cand, size) not in self._checked:
            self._check(bench, cand, size, request, result)
            self._checked.add((cand, size))
        return seconds

    def _check(self, bench: Bench, cand: Configuration, size: str, request: ReadRequest, result: Any) -> None:
        table = formats.get_codec(cand.format).to_arrow(result)
        written = bench.written(cand.file, size).table
        expected = request.predicate.apply_arrow(written) if request.predicate is not None else written
        columns = list(request.columns) if request.columns is not None else written.column_names
        if table.num_rows != expected.num_rows or sorted(table.column_names) != sorted(columns):
            raise CandidateFailed(f"wrong result: {table.num_rows} rows x {table.num_columns} columns, "
                                  f"expected {expected.num_rows} x {len(columns)}")


QUERY_DATASET = "tpch-lineitem"  # the query registry's entries decide runs (on any table with their columns)


@dataclass
class QueryWorkload(Workload):
    """A query of the query registry (:mod:`storagebench.query.queries`): the configuration's
    reader reads the query's columns with its date range pushed down (row groups, stripes and
    columns pruned where the format can), then the registry's pyarrow aggregation
    (:func:`storagebench.query.engines.arrow_answer`: casts, the full WHERE, group by) runs on
    the result; both are timed, since the answer is what the user waits for.  The first answer of
    each configuration per size is compared with the answer over the in-memory table
    (:mod:`storagebench.query.answers`, the query suite's tolerance)."""

    query: Query | None = None
    _answers: dict = field(default_factory=dict, repr=False)

    def applies(self, dataset: Dataset) -> str | None:
        assert self.query is not None
        missing = sorted(set(self.query.columns) - set(dataset.table.column_names))
        return f"needs TPC-H lineitem columns (missing {', '.join(missing)})" if missing else None

    def request(self) -> ReadRequest:
        assert self.query is not None
        return ReadRequest(columns=tuple(self.query.columns), predicate=pushdown(self.query))

    def measure(self, bench: Bench, cand: Configuration, size: str, dataset: Dataset) -> float:
        q = self.query
        assert q is not None
        seconds, answer = bench.time_read(self.name, cand, size, self.request(), post=lambda t: arrow_answer(t, q))
        if (cand, size) not in self._checked:
            if size not in self._answers:
                self._answers[size] = answers.normalise(arrow_answer(bench.tables[size], q), q)
            agreement = answers.compare(self._answers[size], answers.normalise(answer, q), q)
            if not agreement.agrees:
                raise CandidateFailed(f"wrong {q.name} answer: {agreement.detail}")
            self._checked.add((cand, size))
        return seconds


def pushdown(q: Query) -> RangePredicate | None:
    """The query's date range as the reader's range predicate (``lo <= column < hi``), so a
    reader that prunes can; the full WHERE still runs on the result."""
    dated = [c for c in q.where if q.types.get(c.column) == "date"]
    if not dated:
        return None
    column = dated[0].column
    lo, hi = dt.date(1, 1, 1), dt.date(9999, 12, 31)
    for c in dated:
        if c.column != column:
            continue
        if c.op in (">=", ">"):
            lo = max(lo, c.value + dt.timedelta(days=1) if c.op == ">" else c.value)
        elif c.op in ("<", "<="):
            hi = min(hi, c.value + dt.timedelta(days=1) if c.op == "<=" else c.value)
    return RangePredicate(column, lo, hi)


@dataclass
class PointLookup(Workload):
    def applies(self, dataset: Dataset) -> str | None:
        return None if find_key(dataset) else "no column (or pair of columns) is a unique key"


def _projection(ds: Dataset) -> ReadRequest | None:
    cols = tuple(c for c in ds.projection if c in ds.table.column_names)
    return ReadRequest(columns=cols) if cols else None


def _filter(ds: Dataset) -> ReadRequest | None:
    return ReadRequest(predicate=ds.predicate) if ds.predicate is not None else None


_NO_DATASET: Dataset = None  # type: ignore[assignment]  # the TPC-H builders do not look at the dataset


def all_workloads() -> list[Workload]:
    """Fresh workload objects (they remember which results they have checked)."""
    out: list[Workload] = [
        Archive("archive", "archive (bytes on disk)", "write", "bytes", deterministic=True, group="archive"),
        Read("full-export", "full export (read everything)", "read", "s", group="full-export"),
        Read("analytic-projection", "analytic projection (2 columns)", "read", "s", group="analytic-projection",
             request_for=_projection, why_not="the dataset names no projection columns"),
        Read("selective-filter", "selective filter (~10% of rows)", "read", "s", group="selective-filter",
             request_for=_filter, why_not="no orderable column for a range predicate"),
    ]
    for q in registered(QUERY_DATASET, _NO_DATASET):
        out.append(QueryWorkload(q.name, q.description, "read", "s", group="query", query=q))
    out += [
        AppendStream("append-stream", f"append stream ({STREAM_BATCHES} micro-batches, one file each)",
                     "write", "s", group="append-stream"),
        PointLookup("point-lookup", "point lookup by key (DynamoDB GetItem vs file)", "lookup", "s",
                    group="point-lookup"),
    ]
    return out


def group_names() -> list[str]:
    seen: dict[str, None] = {}
    for w in all_workloads():
        seen[w.group] = None
    return list(seen)


def select(groups: list[str] | None) -> list[Workload]:
    from formats.base import UnknownNameError

    valid = group_names()
    for g in groups or ():
        if g not in valid:
            raise UnknownNameError("workload", g, valid)
    return [w for w in all_workloads() if not groups or w.group in groups]
