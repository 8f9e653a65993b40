"""One small registry shape for everything the suite finds by name: formats, datasets, DynamoDB
backends and access patterns.

It lives in ``formats/``, the lowest layer, so that the codecs import nothing from
``storagebench/`` (layers point one way: storagebench -> formats).

Entries register themselves when their module is imported; the registry imports its package's
modules on first use (lazily, so importing the package stays cheap and free of cycles).  Adding
an entry means adding a module and its name to the registry's module list.  Unknown names raise
:class:`formats.base.UnknownNameError`, which lists the valid ones.
"""

from __future__ import annotations

import importlib
from typing import Generic, Iterator, Sequence, TypeVar

from formats.base import UnknownNameError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str, package: str, modules: Sequence[str]):
        self.kind = kind  # what an entry is called in error messages ("format", "dataset", ...)
        self.package = package
        self.modules = tuple(modules)
        self._entries: dict[str, T] = {}
        self._loaded = False

    def add(self, name: str, entry: T) -> T:
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        self._entries[name] = entry
        return entry

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True  # set first: the imported modules call add() on this registry
            for module in self.modules:
                importlib.import_module(f"{self.package}.{module}")

    def names(self) -> list[str]:
        self._load()
        return list(self._entries)

    def values(self) -> list[T]:
        self._load()
        return list(self._entries.values())

    def items(self) -> list[tuple[str, T]]:
        self._load()
        return list(self._entries.items())

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> T:
        self._load()
        if name not in self._entries:
            raise UnknownNameError(self.kind, name, self._entries)
        return self._entries[name]
