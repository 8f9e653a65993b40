"""BatchGetItem of 100 guids: one request instead of 100, billed as 100 GetItems.

Each key is rounded up to 4 KB on its own (a batch saves round trips, not capacity).
UnprocessedKeys are resent with backoff and the resends counted
(storagebench.dynamodb.batching.batch_get).
"""

from __future__ import annotations

import random

from storagebench.dynamodb.batching import MAX_BATCH_GET, batch_get
from storagebench.dynamodb.capacity import batch_get_rcu
from storagebench.dynamodb.client import DynamoClient
from storagebench.dynamodb.patterns import Answer, Pattern, Probe, register
from storagebench.dynamodb.tables import LoadedTable


class BatchGet(Pattern):
    name = "batch_get_100"
    operation = "BatchGetItem"
    layout = "guid"
    description = "BatchGetItem of 100 distinct guids (UnprocessedKeys resent)"
    keys_per_call = MAX_BATCH_GET

    def applicable(self, table: LoadedTable) -> str | None:
        if len(table.items) < self.keys_per_call:
            return f"table holds {len(table.items)} items, fewer than the {self.keys_per_call} keys of a batch"
        return None

    def probes(self, table: LoadedTable, rng: random.Random, count: int) -> list[Probe]:
        keys = table.keys()
        return [Probe({"keys": picked}, picked) for picked in
                (rng.sample(keys, self.keys_per_call) for _ in range(count))]

    def execute(self, client: DynamoClient, table: LoadedTable, probe: Probe) -> Answer:
        result = batch_get(client, table.name, [table.key_dict(k) for k in probe.params["keys"]],
                           consistent=self.consistent)
        return Answer(items=result.items, resends=result.resends, consumed=result.consumed_capacity)

    def rcu(self, client: DynamoClient, table: LoadedTable, probe: Probe, answer: Answer) -> float:
        return batch_get_rcu([table.sizes.get(k) for k in probe.params["keys"]], self.consistent)


register(BatchGet())
