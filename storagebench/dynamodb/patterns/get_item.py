"""GetItem by the hash key ``guid``: the purpose-built lookup, one request, one item.

Measured for a hit and for a miss (a guid that is not in the table): DynamoDB bills a miss
too (1 read unit, half when eventually consistent), and its latency should not grow with
the table (log-log slope near 0).
"""

from __future__ import annotations

import random
import uuid

from storagebench.dynamodb.capacity import get_item_rcu
from storagebench.dynamodb.client import DynamoClient
from storagebench.dynamodb.patterns import Answer, Pattern, Probe, register, sample
from storagebench.dynamodb.tables import LoadedTable


class GetItem(Pattern):
    operation = "GetItem"
    layout = "guid"

    def __init__(self, name: str, hit: bool, consistent: bool = False):
        self.name, self.hit, self.consistent = name, hit, consistent
        self.description = (f"GetItem by guid, {'an existing' if hit else 'a missing'} key, "
                            f"{'strongly' if consistent else 'eventually'} consistent")

    def probes(self, table: LoadedTable, rng: random.Random, count: int) -> list[Probe]:
        if self.hit:
            return [Probe({"key": k}, [k]) for k in sample(rng, table.keys(), count)]
        misses = [(str(uuid.UUID(int=rng.getrandbits(128), version=4)),) for _ in range(count)]
        return [Probe({"key": k}, []) for k in misses if k not in table.items]

    def execute(self, client: DynamoClient, table: LoadedTable, probe: Probe) -> Answer:
        response = client.call("GetItem", TableName=table.name, Key=table.key_dict(probe.params["key"]),
                               ConsistentRead=self.consistent, ReturnConsumedCapacity="TOTAL")
        item = response.get("Item")
        consumed = response.get("ConsumedCapacity", {}).get("CapacityUnits")
        return Answer(items=[item] if item else [], consumed=None if consumed is None else float(consumed))

    def rcu(self, client: DynamoClient, table: LoadedTable, probe: Probe, answer: Answer) -> float:
        key = probe.params["key"]
        return get_item_rcu(table.sizes.get(key), self.consistent)


register(GetItem("get_item_hit", hit=True), GetItem("get_item_miss", hit=False))
