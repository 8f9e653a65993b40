"""Query by partition key (PoliceDepartmentName) and a range-key window returning 1, 10, 100 items.

The key condition selects exactly N consecutive UpdateTimes of one department, so DynamoDB
reads only those N items: capacity is their summed size rounded up to 4 KB per page, and
latency should track N, not the table size (moto is the exception: it loops over the table).
"""

from __future__ import annotations

import random
from collections import defaultdict

from storagebench.dynamodb.client import DynamoClient
from storagebench.dynamodb.patterns import Answer, Pattern, Probe, paginate, register
from storagebench.dynamodb.tables import LoadedTable


def windows_by(table: LoadedTable, hash_name: str, range_name: str) -> dict[str, list[tuple[str, tuple]]]:
    """hash value -> [(range value, primary key)] sorted by range value."""
    groups: dict[str, list[tuple[str, tuple]]] = defaultdict(list)
    for key, item in table.items.items():
        groups[item[hash_name]["S"]].append((item[range_name]["S"], key))
    for rows in groups.values():
        rows.sort()
    return groups


class QueryPartition(Pattern):
    operation = "Query"
    layout = "composite"
    hash_name, range_name, index = "PoliceDepartmentName", "UpdateTime", None

    def __init__(self, name: str, items: int, consistent: bool = False):
        self.name, self.n, self.consistent = name, items, consistent
        self.description = (f"Query one department, UpdateTime window of {items} item(s), "
                            f"{'strongly' if consistent else 'eventually'} consistent")

    def _groups(self, table: LoadedTable) -> dict[str, list[tuple[str, tuple]]]:
        cache = table.__dict__.setdefault("_groups", {})
        if self.hash_name not in cache:
            cache[self.hash_name] = windows_by(table, self.hash_name, self.range_name)
        return cache[self.hash_name]

    def applicable(self, table: LoadedTable) -> str | None:
        biggest = max((len(v) for v in self._groups(table).values()), default=0)
        if biggest < self.n:
            return (f"the largest {self.hash_name} partition holds {biggest} items at {len(table.items)} "
                    f"items, fewer than the {self.n} this query must return")
        return None

    def probes(self, table: LoadedTable, rng: random.Random, count: int) -> list[Probe]:
        groups = [(h, rows) for h, rows in sorted(self._groups(table).items()) if len(rows) >= self.n]
        probes = []
        for _ in range(count):
            hash_value, rows = groups[rng.randrange(len(groups))]
            start = rng.randrange(len(rows) - self.n + 1)
            window = rows[start:start + self.n]
            probes.append(Probe({"hash": hash_value, "lo": window[0][0], "hi": window[-1][0]},
                                [key for _, key in window], ordered=True))
        return probes

    def request(self, table: LoadedTable, probe: Probe) -> dict:
        params = {
            "TableName": table.name,
            "KeyConditionExpression": "#h = :h AND #r BETWEEN :lo AND :hi",
            "ExpressionAttributeNames": {"#h": self.hash_name, "#r": self.range_name},
            "ExpressionAttributeValues": {":h": {"S": probe.params["hash"]}, ":lo": {"S": probe.params["lo"]},
                                          ":hi": {"S": probe.params["hi"]}},
        }
        if self.index:
            params["IndexName"] = self.index
        else:
            params["ConsistentRead"] = self.consistent
        return params

    def execute(self, client: DynamoClient, table: LoadedTable, probe: Probe) -> Answer:
        return paginate(client, "Query", self.request(table, probe))


register(*(QueryPartition(f"query_partition_{n}", n) for n in (1, 10, 100)))
