"""Strongly vs eventually consistent reads: the same GetItem and Query with ConsistentRead=True.

Their eventually consistent twins are ``get_item_hit`` and ``query_partition_10`` on the same
tables; a strongly consistent read costs twice the read units (a full unit per 4 KB instead of
half).  GSIs and moto do not offer a stronger read: moto ignores the flag (same latency).
"""

from __future__ import annotations

from storagebench.dynamodb.patterns import register
from storagebench.dynamodb.patterns.get_item import GetItem
from storagebench.dynamodb.patterns.query_partition import QueryPartition

register(GetItem("get_item_hit_strong", hit=True, consistent=True),
         QueryPartition("query_partition_10_strong", 10, consistent=True))
