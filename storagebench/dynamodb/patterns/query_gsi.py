"""Query on the global secondary index ``by-incident`` (IncidentType + UpdateTime), 10 items.

The same records found by a non-key attribute through an index: a GSI is a second copy of the
data kept by DynamoDB, readable only eventually consistently, billed by the index items read.
"""

from __future__ import annotations

from storagebench.dynamodb.patterns import register
from storagebench.dynamodb.patterns.query_partition import QueryPartition
from storagebench.dynamodb.tables import GSI_NAME


class QueryGsi(QueryPartition):
    hash_name, range_name, index = "IncidentType", "UpdateTime", GSI_NAME

    def __init__(self, name: str, items: int):
        super().__init__(name, items, consistent=False)  # GSIs have no strongly consistent reads
        self.description = f"Query the GSI {GSI_NAME} for one IncidentType, UpdateTime window of {items} items"


register(QueryGsi("query_gsi_10", 10))
