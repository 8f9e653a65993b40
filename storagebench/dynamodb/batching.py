"""BatchWriteItem and BatchGetItem with their partial-failure paths retried and counted.

DynamoDB may answer a batch with part of it left over (``UnprocessedItems`` for writes,
``UnprocessedKeys`` for reads) when a partition is busy; the caller must resend the rest, with
backoff.  Both helpers resend only the leftovers, with exponential backoff and jitter, at most
``max_attempts`` times, and return how many resends were needed so a run can report them.
Limits are checked before sending: 25 items per BatchWriteItem, 100 keys per BatchGetItem,
400 KB per item; violations raise errors naming the table.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from storagebench.dynamodb.capacity import MAX_ITEM_BYTES, item_size
from storagebench.dynamodb.client import DynamoClient, backoff_delay
from storagebench.dynamodb.errors import BatchTooLargeError, ItemTooLargeError, UnprocessedError

MAX_BATCH_WRITE = 25
MAX_BATCH_GET = 100


def check_item_size(table: str, item: dict[str, Any], key_names: Sequence[str] = ()) -> int:
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        key = {k: next(iter(item[k].values())) for k in key_names if k in item}
        raise ItemTooLargeError(f"item {key or ''} for table {table!r} is {size} bytes by DynamoDB's "
                                f"rules; the limit is {MAX_ITEM_BYTES} bytes (400 KB)")
    return size


def batch_write(client: DynamoClient, table: str, items: Sequence[dict[str, Any]],
                max_attempts: int = 10, backoff_base: float = 0.02, backoff_cap: float = 1.0) -> int:
    """Put ``items`` (at most 25) into ``table``; return the number of UnprocessedItems resends."""
    if len(items) > MAX_BATCH_WRITE:
        raise BatchTooLargeError(f"BatchWriteItem to table {table!r}: {len(items)} items, "
                                 f"the limit is {MAX_BATCH_WRITE} per call")
    request: dict[str, list] = {table: [{"PutRequest": {"Item": item}} for item in items]}
    resends = 0
    while True:
        response = client.call("BatchWriteItem", RequestItems=request)
        request = {t: reqs for t, reqs in (response.get("UnprocessedItems") or {}).items() if reqs}
        if not request:
            return resends
        if resends + 1 >= max_attempts:
            left = sum(len(r) for r in request.values())
            raise UnprocessedError(f"BatchWriteItem to table {table!r}: {left} items still unprocessed "
                                   f"after {max_attempts} attempts")
        time.sleep(backoff_delay(resends, backoff_base, backoff_cap))
        resends += 1


@dataclass
class BatchGetResult:
    items: list[dict[str, Any]] = field(default_factory=list)
    resends: int = 0  # calls made again for UnprocessedKeys
    calls: int = 0
    consumed_capacity: float | None = None  # summed over calls, when the backend reports it


def batch_get(client: DynamoClient, table: str, keys: Sequence[dict[str, Any]], consistent: bool = False,
              max_attempts: int = 10, backoff_base: float = 0.02, backoff_cap: float = 1.0) -> BatchGetResult:
    """Get up to 100 ``keys`` from ``table``, resending UnprocessedKeys with backoff."""
    if len(keys) > MAX_BATCH_GET:
        raise BatchTooLargeError(f"BatchGetItem on table {table!r}: {len(keys)} keys, "
                                 f"the limit is {MAX_BATCH_GET} per call")
    result = BatchGetResult()
    request: dict[str, Any] = {table: {"Keys": list(keys), "ConsistentRead": consistent}}
    while True:
        response = client.call("BatchGetItem", RequestItems=request, ReturnConsumedCapacity="TOTAL")
        result.calls += 1
        result.items.extend(response.get("Responses", {}).get(table, []))
        for consumed in response.get("ConsumedCapacity") or []:
            result.consumed_capacity = (result.consumed_capacity or 0.0) + float(consumed.get("CapacityUnits", 0))
        request = {t: r for t, r in (response.get("UnprocessedKeys") or {}).items() if r.get("Keys")}
        if not request:
            return result
        if result.resends + 1 >= max_attempts:
            left = sum(len(r["Keys"]) for r in request.values())
            raise UnprocessedError(f"BatchGetItem on table {table!r}: {left} keys still unprocessed "
                                   f"after {max_attempts} attempts")
        time.sleep(backoff_delay(result.resends, backoff_base, backoff_cap))
        result.resends += 1
