"""Scan with a FilterExpression to find one item by guid: the anti-pattern, measured.

The filter runs after the read: DynamoDB evaluates (and bills) every item of every 1 MB page
and returns one, so ScannedCount is the table size, Count is 1, and latency and capacity grow
linearly with the table (log-log slope near 1) where GetItem stays flat.
"""

from __future__ import annotations

import random

from storagebench.dynamodb.client import DynamoClient
from storagebench.dynamodb.patterns import Answer, Pattern, Probe, audit_scan_rcu, paginate, register, sample
from storagebench.dynamodb.tables import LoadedTable


class ScanFilter(Pattern):
    name = "scan_filter_one"
    operation = "Scan"
    layout = "guid"
    description = "Scan the whole table with FilterExpression guid = :g (finds one item)"
    audits_rcu = True
    max_rounds = 7  # each round reads the whole table

    def probes(self, table: LoadedTable, rng: random.Random, count: int) -> list[Probe]:
        return [Probe({"guid": k[0]}, [k]) for k in sample(rng, table.keys(), count)]

    def request(self, table: LoadedTable, probe: Probe) -> dict:
        return {"TableName": table.name, "FilterExpression": "#g = :g",
                "ExpressionAttributeNames": {"#g": "guid"},
                "ExpressionAttributeValues": {":g": {"S": probe.params["guid"]}},
                "ConsistentRead": self.consistent}

    def execute(self, client: DynamoClient, table: LoadedTable, probe: Probe) -> Answer:
        return paginate(client, "Scan", self.request(table, probe))

    def rcu(self, client: DynamoClient, table: LoadedTable, probe: Probe, answer: Answer) -> float:
        return audit_scan_rcu(client, table, self.request(table, probe), answer, self.consistent)


register(ScanFilter())
