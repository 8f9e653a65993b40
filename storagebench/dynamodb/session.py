"""Per-run DynamoDB state: backends started once, tables loaded once, everything cleaned up.

Backends start lazily on first use and are stopped at the end; a backend that cannot run here
(Node.js missing) is remembered as a skip reason, one that failed to start as its error (every
case on it reports the same clear message).  Tables are created under this run's id and cached
by (backend, layout, items, item bytes); at close only the tables this run created are deleted.
"""

from __future__ import annotations

from typing import Any, Callable

from storagebench.dynamodb.backends import BackendOptions, RunningBackend, start_backend
from storagebench.dynamodb.client import DynamoClient
from storagebench.dynamodb.errors import BackendUnavailable, DynamoDBError
from storagebench.dynamodb.tables import LoadedTable, TableSpec, create_and_load, delete_table, new_run_id
from storagebench.outcomes import OutcomeLog

SUITE_DYNAMODB = "dynamodb"


class DynamoSession(OutcomeLog):
    """The run's backends, clients and tables; its skipped cases (:class:`OutcomeLog`)."""

    def __init__(self, options: BackendOptions | None = None, writers: int = 4, run_id: str | None = None):
        super().__init__()
        self.options = options or BackendOptions()
        self.writers = writers
        self.run_id = run_id or new_run_id()
        self._backends: dict[str, RunningBackend | DynamoDBError] = {}
        self._clients: dict[str, DynamoClient] = {}
        self._tables: dict[tuple[str, TableSpec], LoadedTable] = {}
        self.created: dict[str, list[str]] = {}
        self.resources: dict[str, Any] = {}  # other per-run services (e.g. the S3 side of files-vs-items)
        self._closers: list[Callable[[], None]] = []

    def on_close(self, closer: Callable[[], None]) -> None:
        self._closers.append(closer)

    def backend(self, name: str) -> RunningBackend:
        """The started backend; raises BackendUnavailable (skip) or the start error, every time."""
        if name not in self._backends:
            try:
                self._backends[name] = start_backend(name, self.options)
            except DynamoDBError as exc:
                self._backends[name] = exc
        found = self._backends[name]
        if isinstance(found, DynamoDBError):
            raise found
        return found

    def client(self, name: str) -> DynamoClient:
        if name not in self._clients:
            self._clients[name] = self.backend(name).client()
        return self._clients[name]

    def loader(self, name: str) -> DynamoClient:
        """A second client for bulk loading (botocore parameter validation off, see client.py)."""
        key = f"{name}#loader"
        if key not in self._clients:
            self._clients[key] = self.backend(name).client(validate_params=False)
        return self._clients[key]

    def table(self, backend: str, spec: TableSpec, reload: bool = False) -> LoadedTable:
        """The loaded table for ``spec`` on ``backend`` (created and loaded on first use)."""
        key = (backend, spec)
        if reload and key in self._tables:
            self.drop(backend, self._tables.pop(key).name)
        if key not in self._tables:
            created = self.created.setdefault(backend, [])
            self._tables[key] = create_and_load(self.loader(backend), spec, self.run_id, self.writers, created)
        return self._tables[key]

    def drop(self, backend: str, table: str) -> None:
        """Delete a table this run created (never one it did not)."""
        created = self.created.get(backend, [])
        if table not in created:
            raise DynamoDBError(f"refusing to delete table {table!r}: this run did not create it")
        delete_table(self.client(backend), table)
        created.remove(table)

    def skip(self, case: str, reason: str, status: str = "skipped", suite: str = SUITE_DYNAMODB,  # type: ignore[override]
             **dims: Any) -> None:
        """Record the case as not measured and stop it (raises CaseSkipped)."""
        OutcomeLog.skip(self, case, reason, suite=suite, status=status, **dims)

    def close(self) -> list[str]:
        """Delete created tables, stop backends; returns problems met (never raises)."""
        problems = []
        for backend, names in self.created.items():
            for name in list(names):
                try:
                    self.drop(backend, name)
                except Exception as exc:  # cleanup must reach every table and backend
                    problems.append(f"could not delete table {name!r} on {backend}: {exc}")
        for closer in reversed(self._closers):
            try:
                closer()
            except Exception as exc:
                problems.append(f"cleanup step failed: {exc}")
        self._closers.clear()
        self.resources.clear()
        for client in self._clients.values():
            client.close()
        for started in self._backends.values():
            if isinstance(started, RunningBackend):
                started.stop()
        self._backends.clear()
        self._clients.clear()
        self._tables.clear()
        return problems

    def unavailable_reason(self, backend: str) -> str | None:
        try:
            self.backend(backend)
        except BackendUnavailable as exc:
            return str(exc)
        return None
