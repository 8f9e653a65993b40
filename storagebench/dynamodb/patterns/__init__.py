"""DynamoDB access patterns and their registry.

One module per access pattern (get_item, batch_get, query_partition, query_gsi, scan_filter,
parallel_scan, consistency); each registers one or more :class:`Pattern` instances with
:func:`register`.  Adding a pattern means adding a module and its name in ``_MODULES``.

A pattern splits its work the way the measurement needs it:

* ``probes``   untimed: the requests of each round (keys to look up, windows to query) drawn
               from the table's own items with a seeded RNG, each with the items it must return;
* ``execute``  timed: the calls a user would make, *all pages included*, returning an
               :class:`Answer` with what DynamoDB says it evaluated and returned;
* ``check``    untimed: the answer against the expected items (a wrong answer is a failure,
               never a timing);
* ``rcu``      untimed: read capacity by DynamoDB's rules from our own item sizes
               (storagebench.dynamodb.capacity), never from the backend's report.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Sequence

from storagebench.dynamodb.capacity import page_rcu
from storagebench.dynamodb.client import DynamoClient
from formats.registry import Registry
from storagebench.dynamodb.tables import LoadedTable

_MODULES = ("get_item", "batch_get", "query_partition", "query_gsi", "scan_filter", "parallel_scan",
            "consistency")


@dataclass
class Probe:
    params: dict[str, Any]  # the request (or what the pattern builds it from)
    expected: list[tuple]  # primary keys that must come back, in order when ``ordered``
    ordered: bool = False


@dataclass
class Page:
    start_key: dict[str, Any] | None  # ExclusiveStartKey sent (to re-read the page for RCUs)
    scanned: int
    returned: int
    consumed: float | None  # ConsumedCapacity.CapacityUnits as the backend reported it
    segment: int | None = None


@dataclass
class Answer:
    items: list[dict[str, Any]] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    resends: int = 0  # UnprocessedKeys resends (BatchGetItem)
    consumed: float | None = None  # for single-call operations without pages

    @property
    def scanned_count(self) -> int:
        return sum(p.scanned for p in self.pages) if self.pages else len(self.items)

    @property
    def returned_count(self) -> int:
        return len(self.items)

    @property
    def rcu_reported(self) -> float | None:
        if self.pages:
            values = [p.consumed for p in self.pages]
            return None if any(v is None for v in values) else float(sum(values))  # type: ignore[arg-type]
        return self.consumed


class Pattern:
    """Base class; subclasses set the attributes and implement probes/execute/rcu."""

    name: str = ""
    operation: str = ""  # the DynamoDB API the pattern calls (GetItem, Query, Scan, ...)
    layout: str = "guid"  # which table layout it reads
    description: str = ""
    consistent: bool = False
    audits_rcu: bool = False  # True when computing RCUs re-reads pages (done once, not per round)
    max_rounds: int | None = None  # caps rounds for patterns that read the whole table

    @property
    def consistency(self) -> str:
        return "strong" if self.consistent else "eventual"

    def applicable(self, table: LoadedTable) -> str | None:
        """None, or the reason this pattern cannot run on ``table`` (recorded as a skip)."""
        return None

    def probes(self, table: LoadedTable, rng: random.Random, count: int) -> list[Probe]:
        raise NotImplementedError

    def execute(self, client: DynamoClient, table: LoadedTable, probe: Probe) -> Answer:
        raise NotImplementedError

    def rcu(self, client: DynamoClient, table: LoadedTable, probe: Probe, answer: Answer) -> float:
        """Pages of returned items (Query without a filter): sum then round, per page."""
        sizes = [table.size_of(i) for i in answer.items]
        total, start = 0.0, 0
        for page in answer.pages:
            total += page_rcu(sizes[start:start + page.returned], self.consistent)
            start += page.returned
        return total

    def check(self, table: LoadedTable, probe: Probe, answer: Answer) -> str | None:
        got = [table.key_of(i) for i in answer.items]
        expected = probe.expected
        if not probe.ordered:
            got, expected = sorted(got), sorted(expected)
        if got != expected:
            return (f"{self.name}: expected {len(expected)} item(s) {expected[:3]}..., "
                    f"got {len(got)} {got[:3]}...")
        for item in answer.items:
            if item != table.items[table.key_of(item)]:
                return f"{self.name}: item {table.key_of(item)} differs from the item written"
        return None


def paginate(client: DynamoClient, operation: str, params: dict[str, Any],
             segment: int | None = None) -> Answer:
    """Run a Query or Scan to the last page, recording each page's counts and capacity."""
    answer = Answer()
    start: dict[str, Any] | None = None
    while True:
        request = dict(params, ReturnConsumedCapacity="TOTAL")
        if start is not None:
            request["ExclusiveStartKey"] = start
        response = client.call(operation, **request)
        items = response.get("Items", [])
        consumed = response.get("ConsumedCapacity", {}).get("CapacityUnits")
        answer.items.extend(items)
        answer.pages.append(Page(start, int(response.get("ScannedCount", len(items))), len(items),
                                 None if consumed is None else float(consumed), segment))
        start = response.get("LastEvaluatedKey")
        if not start:
            return answer


def audit_scan_rcu(client: DynamoClient, table: LoadedTable, params: dict[str, Any], answer: Answer,
                   consistent: bool) -> float:
    """Scan RCUs from what each page *evaluated*: the page is read again without the filter,
    keys only, from the same start key with Limit = its ScannedCount; sizes are ours."""
    unfiltered = {k: v for k, v in params.items()
                  if k not in ("FilterExpression", "ExpressionAttributeValues", "ExpressionAttributeNames")}
    names = {f"#k{i}": n for i, n in enumerate(table.layout.key_names)}
    total = 0.0
    for page in answer.pages:
        sizes: list[int] = []
        if page.scanned:
            request = dict(unfiltered, Limit=page.scanned, ProjectionExpression=", ".join(names),
                           ExpressionAttributeNames=names)
            if page.start_key is not None:
                request["ExclusiveStartKey"] = page.start_key
            response = client.call("Scan", **request)
            sizes = [table.size_of(table.key_of(i)) for i in response.get("Items", [])]
        total += page_rcu(sizes, consistent)
    return total


def sample(rng: random.Random, population: Sequence[Any], count: int) -> list[Any]:
    """``count`` draws (with replacement across rounds so any round count works)."""
    return [population[rng.randrange(len(population))] for _ in range(count)]


_REGISTRY: Registry[Pattern] = Registry("DynamoDB pattern", "storagebench.dynamodb.patterns", _MODULES)


def register(*patterns: Pattern) -> None:
    for pattern in patterns:
        _REGISTRY.add(pattern.name, pattern)


def all_patterns() -> list[Pattern]:
    return _REGISTRY.values()


def pattern_names() -> list[str]:
    return _REGISTRY.names()


def get_pattern(name: str) -> Pattern:
    return _REGISTRY.get(name)
