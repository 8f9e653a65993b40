"""A DynamoDB client for benchmarking: counted, bounded retries and errors that name the culprit.

* botocore's own retries are switched off (``max_attempts=1``) so that every retry is made
  here and *counted*: throttling (``ProvisionedThroughputExceededException``,
  ``ThrottlingException``, ``RequestLimitExceeded``) is retried with exponential backoff and
  jitter up to ``max_retries`` times, then raised as :class:`ThrottledError`.  A run under
  throttling therefore finishes with a count, not a crash and not a hang.
* ClientErrors become the suite's clear errors: a missing table names the table and endpoint,
  a key that does not match the schema names the table and the key given.
* Bytes received are counted from the HTTP responses (botocore ``after-call`` event), so the
  files-vs-items comparison can put DynamoDB's bytes next to S3's.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from storagebench import aws
from storagebench.dynamodb.errors import (
    EndpointError,
    ItemTooLargeError,
    KeyMismatchError,
    TableNotFoundError,
    ThrottledError,
)

THROTTLE_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
})


@dataclass
class Counters:
    """Work done through one client; thread-safe increments (parallel writers and scans)."""

    requests: int = 0
    response_bytes: int = 0
    throttle_retries: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, operation: str, nbytes: int) -> None:
        with self._lock:
            self.requests += 1
            self.response_bytes += nbytes
            self.by_operation[operation] = self.by_operation.get(operation, 0) + 1

    def throttled(self) -> None:
        with self._lock:
            self.throttle_retries += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"requests": self.requests, "response_bytes": self.response_bytes,
                    "throttle_retries": self.throttle_retries, "by_operation": dict(self.by_operation)}


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**attempt))."""
    return random.uniform(0, min(cap, base * (2 ** attempt)))


class DynamoClient:
    """boto3's low-level DynamoDB client plus counted retries and clear errors."""

    def __init__(self, endpoint_url: str | None, region: str, credentials: dict[str, str] | None,
                 max_retries: int = 8, backoff_base: float = 0.02, backoff_cap: float = 1.0,
                 max_pool_connections: int = 32, validate_params: bool = True):
        self.endpoint_url = endpoint_url
        self.endpoint_label = endpoint_url or f"AWS DynamoDB ({region})"
        self.region = region
        # botocore's parameter validation costs ~43 us per item in a BatchWriteItem here (about 4 s
        # of CPU per 100k items); the loader turns it off because its items are built by
        # TypeSerializer and size-checked by us.  Reads keep it: users have it on.
        config = aws.client_config(max_attempts=1, max_pool_connections=max_pool_connections).merge(
            Config(parameter_validation=validate_params))
        session = boto3.session.Session(**(credentials or {}), region_name=region)
        self.raw = session.client("dynamodb", endpoint_url=endpoint_url, config=config)
        self.max_retries, self.backoff_base, self.backoff_cap = max_retries, backoff_base, backoff_cap
        self.counters = Counters()
        self.raw.meta.events.register("after-call.dynamodb", self._count)
        self._schemas: dict[str, dict[str, str]] = {}  # table -> {key attribute: type}

    def key_schema(self, table: str) -> dict[str, str]:
        """The table's primary key as {name: "S"|"N"|"B"} (DescribeTable once, then cached)."""
        if table not in self._schemas:
            described = self.call("DescribeTable", TableName=table)["Table"]
            types = {a["AttributeName"]: a["AttributeType"] for a in described["AttributeDefinitions"]}
            self._schemas[table] = {k["AttributeName"]: types[k["AttributeName"]] for k in described["KeySchema"]}
        return self._schemas[table]

    def check_key(self, operation: str, table: str, key: Any) -> None:
        """Names and types of ``key`` against the table's key schema, before sending.

        Some backends do not validate (moto answers a GetItem whose key has the wrong type with
        "no item"), which would turn a typo into a benchmark of misses."""
        schema = self.key_schema(table)
        given = {name: next(iter(v)) if isinstance(v, dict) and v else "?" for name, v in (key or {}).items()}
        if given != schema:
            want = ", ".join(f"{n}: {t}" for n, t in schema.items())
            raise KeyMismatchError(f"{operation} on table {table!r}: key {_describe_key(key)} does not match "
                                   f"the table's key schema {{{want}}}")

    def _count(self, http_response: Any = None, model: Any = None, **_: Any) -> None:
        content = getattr(http_response, "content", b"") or b""
        self.counters.add(model.name if model is not None else "?", len(content))

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call ``operation`` (e.g. "GetItem"); throttling retried and counted, errors made clear."""
        method = getattr(self.raw, xform_name(operation))  # "BatchGetItem" -> batch_get_item
        if "Key" in params and "TableName" in params:
            self.check_key(operation, params["TableName"], params["Key"])
        for table, request in (params.get("RequestItems") or {}).items():
            for key in request.get("Keys", []) if isinstance(request, dict) else []:
                self.check_key(operation, table, key)
        attempt = 0
        while True:
            try:
                return method(**params)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code in THROTTLE_CODES:
                    if attempt >= self.max_retries:
                        raise ThrottledError(
                            f"{operation} on table {_table_of(params)!r} at {self.endpoint_label} still "
                            f"throttled ({code}) after {attempt} retries") from None
                    self.counters.throttled()
                    time.sleep(backoff_delay(attempt, self.backoff_base, self.backoff_cap))
                    attempt += 1
                    continue
                raise self.translate(exc, operation, params) from None
            except (EndpointConnectionError, ReadTimeoutError) as exc:
                raise EndpointError(f"DynamoDB endpoint {self.endpoint_label} did not answer "
                                    f"{operation}: {exc}") from None

    def translate(self, exc: ClientError, operation: str, params: dict[str, Any]) -> Exception:
        """A ClientError as the suite's error naming the table, key or endpoint."""
        error = exc.response.get("Error", {})
        code, message = error.get("Code", ""), error.get("Message", "")
        table = _table_of(params)
        if code == "ResourceNotFoundException":
            return TableNotFoundError(table, self.endpoint_label)
        lowered = message.lower()
        if code == "ValidationException" and "size" in lowered and "exceed" in lowered:
            return ItemTooLargeError(f"{operation} on table {table!r}: {message}")
        if code == "ValidationException" and ("key" in lowered or "schema" in lowered):
            key = params.get("Key") or params.get("KeyConditionExpression") or "(see request)"
            return KeyMismatchError(f"{operation} on table {table!r}: key {_describe_key(key)} "
                                    f"does not match the table's key schema ({message})")
        return EndpointError(f"{operation} on table {table!r} at {self.endpoint_label} failed: "
                             f"{code}: {message}")

    def close(self) -> None:
        self.raw.close()


def _table_of(params: dict[str, Any]) -> str:
    if "TableName" in params:
        return str(params["TableName"])
    items = params.get("RequestItems")
    if isinstance(items, dict) and items:
        return ",".join(items)
    return "?"


def _describe_key(key: Any) -> str:
    if isinstance(key, dict):
        return "{" + ", ".join(f"{name}: {next(iter(v))}" if isinstance(v, dict) and v else name
                               for name, v in key.items()) + "}"
    return repr(key)
