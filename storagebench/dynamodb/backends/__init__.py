"""DynamoDB backends and their registry.

Each module in this package defines ONE backend and registers it with :func:`backend`; the
suite finds backends only here (adding one means a module plus one name in ``_MODULES``).

* ``moto``      moto's server in-process on 127.0.0.1 (zero setup).  Its Query loops over the
                whole table and its ConsumedCapacity is a constant: the caveat travels with
                every moto result.
* ``dynalite``  the npm package pinned in storagebench/data/node/, a DynamoDB implementation on
                LevelDB with real 1 MB pages and ConsumedCapacity computed from item sizes.
                Installed by ``storagebench setup``; started with Node on a free loopback port;
                skipped with a reason without Node or without the install.
* ``endpoint``  any DynamoDB endpoint, or real AWS: only when the user passes an explicit flag.

A started backend is a :class:`RunningBackend`: its name, endpoint, what its numbers mean
(``caveat``, ``reports_capacity``) and how to stop it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from storagebench.dynamodb.client import DynamoClient
from formats.registry import Registry
from storagebench.urls import redact_url

_MODULES = ("moto", "dynalite", "endpoint")


@dataclass
class BackendOptions:
    """What the user told the suite about backends (from pytest options or the API)."""

    endpoint_url: str | None = None  # for "endpoint"; None with allow_real means AWS itself
    allow_real: bool = False  # the explicit flag that permits a non-embedded endpoint
    region: str = "us-east-1"
    node: str | None = None  # Node.js binary; None means the first "node" on PATH
    startup_timeout: float = 30.0


@dataclass
class RunningBackend:
    name: str
    endpoint_url: str | None
    region: str
    credentials: dict[str, str] | None  # None: the standard AWS credential chain
    reports_capacity: bool  # True when ConsumedCapacity is computed from item sizes
    caveat: str | None  # printed next to this backend's numbers
    version: str | None
    startup_seconds: float
    is_real: bool = False  # a real service: tables take time to create and cost money
    _stop: Callable[[], None] = field(default=lambda: None, repr=False)

    def client(self, **kwargs: Any) -> DynamoClient:
        return DynamoClient(self.endpoint_url, self.region, self.credentials, **kwargs)

    def stop(self) -> None:
        self._stop()

    def describe(self) -> dict[str, Any]:
        # Redacted: a URL's user:password@ or ?token= never reaches results.
        return {"backend": self.name, "endpoint": redact_url(self.endpoint_url) or f"aws:{self.region}",
                "backend_version": self.version, "startup_s": self.startup_seconds,
                "reports_capacity": self.reports_capacity, "backend_caveat": self.caveat}


@dataclass(frozen=True)
class BackendSpec:
    name: str
    description: str
    start: Callable[[BackendOptions], RunningBackend]
    explicit_only: bool = False  # must be named by the user (never in the default list)


_REGISTRY: Registry[BackendSpec] = Registry("DynamoDB backend", "storagebench.dynamodb.backends", _MODULES)


def backend(name: str, description: str, explicit_only: bool = False) -> Callable:
    """Decorator registering ``start(options) -> RunningBackend`` under ``name``."""

    def wrap(start: Callable[[BackendOptions], RunningBackend]) -> Callable[[BackendOptions], RunningBackend]:
        _REGISTRY.add(name, BackendSpec(name, description, start, explicit_only))
        return start

    return wrap


def backend_names() -> list[str]:
    return _REGISTRY.names()


def default_backends() -> list[str]:
    return [n for n, spec in _REGISTRY.items() if not spec.explicit_only]


def get_backend(name: str) -> BackendSpec:
    return _REGISTRY.get(name)


def start_backend(name: str, options: BackendOptions | None = None) -> RunningBackend:
    return get_backend(name).start(options or BackendOptions())
