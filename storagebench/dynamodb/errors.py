"""User-facing DynamoDB errors: one line that names the table, key, endpoint or backend at fault.

Every class subclasses :class:`formats.base.StorageBenchInputError`, so the CLI prints the
message and exits 2 instead of showing a botocore traceback.
"""

from __future__ import annotations

from formats.base import StorageBenchInputError


class DynamoDBError(StorageBenchInputError):
    """Base class for the DynamoDB suite's clear errors."""


class TableNotFoundError(DynamoDBError):
    def __init__(self, table: str, endpoint: str):
        self.table = table
        super().__init__(f"DynamoDB table {table!r} does not exist at {endpoint}")


class KeyMismatchError(DynamoDBError):
    """A key with the wrong attribute name(s) or type for the table's key schema."""


class ItemTooLargeError(DynamoDBError):
    """An item over DynamoDB's 400 KB limit (checked before sending)."""


class BatchTooLargeError(DynamoDBError):
    """More keys than BatchGetItem accepts (100) or items than BatchWriteItem accepts (25)."""


class ThrottledError(DynamoDBError):
    """Throttling that did not clear within the bounded retries."""


class UnprocessedError(DynamoDBError):
    """UnprocessedItems / UnprocessedKeys that were still left after the bounded retries."""


class BackendUnavailable(DynamoDBError):
    """A backend that cannot run on this machine (e.g. Node.js missing): becomes a skip."""


class BackendStartError(DynamoDBError):
    """A backend that was tried and failed to start; the message says why (with its stderr)."""


class EndpointError(DynamoDBError):
    """An endpoint that cannot be reached or refused the request for a reason other than input."""
