"""The target contract: where a case's files go, how they are removed, how the work is counted.

A format harness (:class:`storagebench.harness.Harness`) and ``decide`` are handed a
:class:`Target` and know nothing else about the storage: local disk (:class:`LocalTarget`, here)
and S3 through one client (:class:`storagebench.s3.client_target.S3ClientTarget`) implement it.
Adding a target (another object store, a network file system, injected faults) is one class
with these methods; the harness needs no change (tests/test_targets.py registers one).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Protocol, runtime_checkable

from formats.base import Codec, Location


@runtime_checkable
class Target(Protocol):
    """Where files live for one kind of storage.

    ``name`` is the results' ``target`` dimension ("local", "s3").
    """

    name: str

    def location(self, codec: Codec, stem: str, compression: str) -> Location:
        """A fresh location (never used before in this run) for a file of ``codec``."""
        ...

    def reach(self, location: Location) -> Location:
        """The same file as this target's reader reaches it (a file written by another target of
        the same storage, e.g. the S3 object the setup client wrote, read through another client)."""
        ...

    def discard(self, location: Location) -> None:
        """Remove a file this target gave a location for (a missing file is not an error)."""
        ...

    def counted(self, operation: Callable[[], Any]) -> list[Any] | None:
        """Run ``operation`` once (untimed) and return the requests it made, or None where the
        storage's work is not counted (local disk)."""
        ...

    def describe(self) -> dict[str, Any]:
        """What results record about the target (its name and settings; never credentials)."""
        ...


class LocalTarget:
    """Files in a local directory (a temporary one unless ``work_dir`` is given)."""

    name = "local"
    description = "local disk (a temporary directory)"

    def __init__(self, work_dir: Path | None = None, prefix: str = "storagebench-"):
        self._own_dir = work_dir is None
        self.dir = Path(work_dir or tempfile.mkdtemp(prefix=prefix))
        self.dir.mkdir(parents=True, exist_ok=True)
        self._n = itertools.count()

    def location(self, codec: Codec, stem: str, compression: str) -> Location:
        return Location(str(self.dir / codec.file_name(f"{stem}-{next(self._n)}", compression)))

    def reach(self, location: Location) -> Location:
        return location

    def discard(self, location: Location) -> None:
        if location.is_local:
            Path(location.path).unlink(missing_ok=True)

    def counted(self, operation: Callable[[], Any]) -> list[Any] | None:
        operation()
        return None  # local disk issues no requests to count

    def describe(self) -> dict[str, Any]:
        return {"target": self.name}

    def close(self) -> None:
        """Remove the directory if this target made it (a given ``work_dir`` stays)."""
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
