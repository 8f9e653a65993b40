"""Point lookup: one row by its key, DynamoDB GetItem against the best file layout.

The lesson "one size doesn't fit" at the user's data: a key-value store answers a lookup with
one request, a file answers it by reading its footer and the row group whose statistics can
hold the key.  Both sides are measured here, round by round, and confirmed like every other
workload (:mod:`.confirm`):

* **DynamoDB**: the existing suite's moto backend (``storagebench.dynamodb``, 127.0.0.1), a
  table keyed like the data (hash key, plus a range key for a two-column key), loaded with
  ``LOOKUP_ITEMS`` rows of the data through the suite's batched loader.  GetItem's latency does
  not grow with table size (TRAPS.md), and moto loads ~2,000 items/s, so the table holds a
  sample of the rows, not all of them; lookups ask only for loaded keys.
* **File**: the whole data sorted by key, written in the best file layout the run found (the
  selective-filter winner when its format has row groups, else Parquet/snappy/pyarrow), with
  row groups of about a tenth of the file (:func:`storagebench.dynamodb.files_vs_items.row_group_rows`),
  on the run's target, read with a range filter on the key.

Counted beside the times: DynamoDB requests, response bytes and the read units DynamoDB's rules
give for the item size; for a file on S3, the requests and bytes of one lookup and their $.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import random
import time
from typing import Any, Collection, Sequence

import pyarrow as pa
import pyarrow.compute as pc
from boto3.dynamodb.types import TypeSerializer

import formats
from formats.base import RangePredicate, ReadRequest, WriteOptions
from storagebench.datasets import Dataset
from storagebench.datasets.keys import find_key
from storagebench.decide.bench import Bench, short
from storagebench.decide.configs import Configuration, FileConfig
from storagebench.decide.screen import CandidateFailed
from storagebench.dynamodb.capacity import get_item_rcu, item_size, read_cost_per_million
from storagebench.dynamodb.files_vs_items import row_group_rows
from storagebench.dynamodb.session import DynamoSession
from storagebench.dynamodb.tables import load_items

LOOKUP_ITEMS = 2_000
DYNAMODB = "dynamodb/GetItem"
FALLBACK_LAYOUT = Configuration(FileConfig("parquet", "snappy", "pyarrow"), "pyarrow")
_SERIALIZER = TypeSerializer()


def best_layout(filter_contenders: Sequence[Configuration], excluded: Collection[str] = ()) -> Configuration:
    """The file layout the lookup reads: the format and reader engine of the selective filter's
    contenders (its winner and the finalists it did not beat) with row groups to prune, first by
    label; written with that format's default compression by its reference writer.

    Why not the filter's leader itself: among configurations the filter could not tell apart the
    leader changed from run to run, and so did the lookup's file.  Compression and writer are the
    least of a key lookup's cost (one small row group is read); the reader engine and the format
    are what the filter measured.  A reference file the fidelity check dropped (``excluded``
    labels) is not used: the contender itself is."""
    usable = sorted((c for c in filter_contenders if formats.get_codec(c.format).has_row_groups), key=str)
    if not usable:
        return FALLBACK_LAYOUT
    first = usable[0]
    codec = formats.get_codec(first.format)
    writers = codec.writers()
    if writers and codec.default_compression in writers[0].write_compressions:
        canonical = Configuration(FileConfig(first.format, codec.default_compression, writers[0].name), first.reader)
        if canonical.label not in excluded and canonical.file.label not in excluded:
            return canonical
    return first


def _attr_type(t: pa.DataType) -> str:
    return "N" if pa.types.is_integer(t) else "S"


def _plain(v: Any) -> Any:
    """A value DynamoDB's serializer takes (floats as Decimal, dates as ISO text)."""
    if isinstance(v, float):
        return decimal.Decimal(repr(v))
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _typed(record: dict[str, Any]) -> dict[str, Any]:
    return {k: _SERIALIZER.serialize(_plain(v)) for k, v in record.items() if v is not None}


class LookupBench:
    """Both sides of the point lookup, set up once (untimed), measured one lookup per round."""

    def __init__(self, bench: Bench, dataset: Dataset, key: tuple[str, ...], layout: Configuration,
                 session: DynamoSession, seed: int = 42, items: int = LOOKUP_ITEMS):
        self.bench, self.key, self.layout, self.session = bench, key, layout, session
        table = dataset.table
        self.file_label = f"{layout.label} sorted by {'+'.join(key)}"
        self.candidates = [DYNAMODB, self.file_label]
        # -- the file: all rows sorted by key, small row groups so statistics prune
        codec = formats.get_codec(layout.format)
        prepared, _ = codec.prepare(table.sort_by([(k, "ascending") for k in key]))
        self.row_group = row_group_rows(table.num_rows)
        self.location = bench.target.location(codec, "lookup", layout.file.compression)
        try:
            codec.write(codec.writer_input(prepared, layout.file.writer), self.location, layout.file.writer,
                        WriteOptions(layout.file.compression, self.row_group))
        except Exception as exc:
            raise CandidateFailed(f"cannot write the lookup file as {layout.label}: {short(exc)}") from None
        self.file_bytes = self.location.size()
        # -- DynamoDB: a table keyed like the data, loaded with a sample of the rows
        rng = random.Random(seed)
        rows = sorted(rng.sample(range(table.num_rows), min(items, table.num_rows)))
        records = table.take(pa.array(rows)).to_pylist()
        self.client = session.client("moto")
        self.table_name = f"sb-{session.run_id}-decide-lookup"
        schema = table.schema
        session.created.setdefault("moto", []).append(self.table_name)
        self.client.call("CreateTable", TableName=self.table_name, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": k, "AttributeType": _attr_type(schema.field(k).type)}
                                               for k in key],
                         KeySchema=[{"AttributeName": k, "KeyType": kt} for k, kt in zip(key, ("HASH", "RANGE"))])
        typed = [_typed(r) for r in records]
        self.item_bytes = sum(item_size(i) for i in typed) / len(typed)
        self.load = load_items(self.client, self.table_name, typed, session.writers, key)
        self.keys = [tuple(r[k] for k in key) for r in records]
        rng.shuffle(self.keys)
        self._next = itertools.cycle(self.keys)
        self._checked: set[str] = set()

    def _file_lookup(self, key: tuple) -> pa.Table:
        codec = formats.get_codec(self.layout.format)
        first = key[0]
        hi = first + 1 if isinstance(first, int) else f"{first}\x00"
        result = codec.to_arrow(codec.read(self.location, self.layout.reader,
                                           ReadRequest(predicate=RangePredicate(self.key[0], first, hi))))
        for name, value in zip(self.key[1:], key[1:]):
            result = result.filter(pc.equal(result.column(name), value))
        return result

    def _get_item(self, key: tuple) -> dict[str, Any]:
        return self.client.call("GetItem", TableName=self.table_name,
                                Key={k: _SERIALIZER.serialize(_plain(v)) for k, v in zip(self.key, key)})

    def measure(self, cand: str) -> float:
        key = next(self._next)
        op = self._get_item if cand == DYNAMODB else self._file_lookup
        started = time.perf_counter()
        try:
            result = op(key)
        except Exception as exc:
            raise CandidateFailed(f"{cand} lookup failed: {short(exc)}") from None
        seconds = time.perf_counter() - started
        if cand not in self._checked:
            found = 1 if cand == DYNAMODB and "Item" in result else (
                result.num_rows if cand != DYNAMODB else 0)
            if found != 1:
                raise CandidateFailed(f"{cand} lookup of {key} returned {found} rows, not the one record")
            self._checked.add(cand)
        return seconds

    def counts(self) -> dict[str, Any]:
        """One lookup each way, counted (untimed)."""
        key = self.keys[0]
        before = self.client.counters.snapshot()
        self._get_item(key)
        after = self.client.counters.snapshot()
        rcu = get_item_rcu(int(self.item_bytes), consistent=False)
        out: dict[str, Any] = {
            "dynamodb_items_loaded": len(self.keys), "dynamodb_item_bytes_mean": self.item_bytes,
            "dynamodb_requests": after["requests"] - before["requests"],
            "dynamodb_response_bytes": after["response_bytes"] - before["response_bytes"],
            "dynamodb_rcu_computed": rcu, "dynamodb_usd_per_million": read_cost_per_million(rcu),
            "file_bytes": self.file_bytes, "file_row_group_rows": self.row_group,
        }
        records = self.bench.target.counted(lambda: self._file_lookup(key))
        if records is not None:
            from storagebench.s3 import cloud_model
            from storagebench.s3.work_summary import summarise

            s = summarise(records)
            out.update({"file_s3_requests": s.total_requests, "file_s3_get_bytes": s.get_bytes,
                        "file_usd_per_million": cloud_model.request_cost(records)["s3_request_cost_per_million_ops_usd"]})
        return out


LOOKUP_SETUP_S = 15.0  # moto start, 2,000 items loaded, the sorted file written (measured 5-10 s)
LOOKUP_MIN_ROUNDS = 10
LOOKUP_MAX_ROUNDS = 100
# Kept for the lookup while the later passes run: setup plus its rounds (measured 6-10 s in all
# on SF 0.1 lineitem, local; moto on loopback).
LOOKUP_RESERVE_S = 2 * LOOKUP_SETUP_S


def decide_point_lookup(run: Any, w: Any, wd: Any, filter_contenders: Sequence[Configuration],
                        deadline: float) -> None:
    """Set up both sides (untimed), confirm them like every workload, fill the decision line."""
    from storagebench.decide import confirm as confirming
    from storagebench.decide.outcome import finalist_rows
    from storagebench.decide.stats import median

    budget, ds = run.budget, run.dataset
    key = find_key(ds)
    assert key is not None
    if not budget.allows(LOOKUP_SETUP_S) or budget.clock() + LOOKUP_SETUP_S > deadline:
        wd.skipped = f"less than the {LOOKUP_SETUP_S:.0f} s its setup needs (a DynamoDB table, a sorted file) was left"
        return
    session = DynamoSession()
    try:
        try:
            lb = LookupBench(run.bench, ds, key, best_layout(filter_contenders, run.decision.excluded), session, run.opts.seed)
        except CandidateFailed as exc:
            wd.skipped = str(exc)
            return
        conf = confirming.confirm(w.name, lb.candidates, lb.measure, budget, deadline=deadline,
                                  min_rounds=LOOKUP_MIN_ROUNDS, max_rounds=LOOKUP_MAX_ROUNDS, seed=run.opts.seed)
        wd.stopped = conf.stopped
        if conf.winner is None:
            wd.skipped = "no lookup could be measured within the budget"
            return
        wd.winner, wd.tie_with = str(conf.winner), [str(c) for c in conf.tie_with]
        if conf.interval is not None:
            wd.ratio, wd.ci = conf.interval.ratio, [conf.interval.lo, conf.interval.hi]
        wd.winner_value = median(conf.samples[conf.winner])
        wd.gives_up = ("a second copy of the data in DynamoDB (its storage and writes)" if conf.winner == lb.candidates[0]
                       else "nothing (the same file serves the other workloads)")
        wd.details = {"key": list(key), **lb.counts(), "load_seconds": lb.load.seconds}
        wd.bytes_full = lb.file_bytes
        wd.finalists = finalist_rows(conf)
        run.say(f"point-lookup: {wd.winner} {wd.margin_text()} ({conf.stopped})")
    finally:
        problems = session.close()
        if problems:
            wd.details["cleanup_problems"] = problems
