"""Injected failures for the retry paths: throttling and partial batches, without a real overload.

Real DynamoDB throttles and returns UnprocessedItems/Keys under load; local backends almost
never do, so the retry code would go unexercised.  These helpers register a botocore
``before-call`` handler on a :class:`~storagebench.dynamodb.client.DynamoClient`'s boto3 client
that answers the next ``times`` calls of one operation *without sending them*:

* ``throttle``     an HTTP 400 ``ProvisionedThroughputExceededException`` (the client's
                   counted backoff must retry it);
* ``unprocessed``  an HTTP 200 that processed nothing: every item (BatchWriteItem) or key
                   (BatchGetItem) of the request comes back as UnprocessedItems/UnprocessedKeys.

Used by the tests; also handy to see how a run reports throttling.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storagebench.dynamodb.client import DynamoClient


@dataclass
class _FakeHttp:
    status_code: int
    headers: dict
    content: bytes = b""
    raw: Any = None

    @property
    def text(self) -> str:
        return self.content.decode()


class Injector:
    """Answers the next ``times`` calls of ``operation`` with the fault ``kind``; then steps aside."""

    def __init__(self, client: DynamoClient, operation: str, kind: str, times: int):
        if kind not in ("throttle", "unprocessed"):
            raise ValueError(f"unknown fault kind {kind!r}; valid: throttle, unprocessed")
        if kind == "unprocessed" and operation not in ("BatchWriteItem", "BatchGetItem"):
            raise ValueError("unprocessed faults exist only for BatchWriteItem and BatchGetItem")
        self.client, self.operation, self.kind, self.remaining = client, operation, kind, times
        self.injected = 0
        self._event = f"before-call.dynamodb.{operation}"
        client.raw.meta.events.register(self._event, self._handler, unique_id=f"sb-fault-{id(self)}")

    def _handler(self, params: dict[str, Any], **_: Any) -> tuple[_FakeHttp, dict[str, Any]] | None:
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        self.injected += 1
        meta = {"HTTPStatusCode": 400 if self.kind == "throttle" else 200, "RetryAttempts": 0}
        if self.kind == "throttle":
            return _FakeHttp(400, {}), {
                "Error": {"Code": "ProvisionedThroughputExceededException",
                          "Message": "injected by storagebench.dynamodb.faults"},
                "ResponseMetadata": meta}
        request = json.loads(params["body"])["RequestItems"]
        key = "UnprocessedItems" if self.operation == "BatchWriteItem" else "UnprocessedKeys"
        body = {key: request, "ResponseMetadata": meta}
        if self.operation == "BatchGetItem":
            body["Responses"] = {table: [] for table in request}
        return _FakeHttp(200, {}), body

    def remove(self) -> None:
        self.client.raw.meta.events.unregister(self._event, unique_id=f"sb-fault-{id(self)}")


def inject(client: DynamoClient, operation: str, kind: str = "throttle", times: int = 1) -> Injector:
    return Injector(client, operation, kind, times)
