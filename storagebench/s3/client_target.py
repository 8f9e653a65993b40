"""S3 through one client, as a :class:`storagebench.targets.Target`.

The format harness writes, reads and removes objects through this target exactly as it does
files on local disk; what makes it S3 is here: locations are keys in the run's bucket/prefix
reached the way the client under test reaches them (:mod:`storagebench.s3.clients`), removal is
a ``DeleteObject`` through boto3, and :meth:`S3ClientTarget.counted` runs an operation between
two marks of the endpoint's request counter.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from formats.base import Codec, Location
from storagebench.s3.clients import Boto3Location, S3Client
from storagebench.s3.counting import RequestRecord
from storagebench.s3.endpoint import S3Target

# Under injected latency the timed rounds are not loopback: the model's loopback time is the
# median of this many untimed runs with the injection paused.
COUNTED_RUNS_UNDER_LATENCY = 3


def object_key(target: S3Target, location: Location) -> str:
    """The S3 key a location of this target points at."""
    if isinstance(location, Boto3Location):
        return location.key
    bucket, _, key = location.path.partition("/")
    if bucket != target.bucket:
        raise ValueError(f"{location!r} is not in this run's bucket {target.bucket!r}")
    return key


@dataclass(frozen=True)
class CountedRuns:
    """The requests of one counted run of an operation and its loopback wall time (under injected
    latency: the median run of ``COUNTED_RUNS_UNDER_LATENCY`` paused runs, and their spread)."""

    records: list[RequestRecord]
    wall_s: float
    spread: float | None  # max / min wall time of the runs


class S3ClientTarget:
    """The run's bucket on an opened :class:`S3Target`, reached through one client."""

    name = "s3"

    def __init__(self, endpoint: S3Target, client: S3Client, names: Iterator[int] | None = None):
        self.endpoint = endpoint
        self.client = client
        # Shared between the clients of one harness, so no two clients ever get the same key.
        self._n = names if names is not None else itertools.count()

    def __repr__(self) -> str:
        return f"S3ClientTarget({self.client.name}, {self.endpoint!r})"

    # -- the target contract --------------------------------------------------------------------
    def location(self, codec: Codec, stem: str, compression: str) -> Location:
        name = codec.file_name(f"{stem}-{next(self._n)}", compression)
        return self.client.location(self.endpoint, self.endpoint.key(name.replace(">", "-")))

    def reach(self, location: Location) -> Location:
        return self.client.location(self.endpoint, object_key(self.endpoint, location))

    def discard(self, location: Location) -> None:
        self.endpoint.call(self.endpoint.boto3().delete_object, Bucket=self.endpoint.bucket,
                           Key=object_key(self.endpoint, location))

    def counted(self, operation: Callable[[], Any]) -> list[RequestRecord] | None:
        runs = self.counted_runs(operation)
        return runs.records if runs is not None else None

    def describe(self) -> dict[str, Any]:
        return {"target": self.name, **self.client.info(), **self.endpoint.describe()}

    # -- counting ---------------------------------------------------------------------------------
    def not_counted_reason(self) -> str | None:
        counter = self.endpoint.counter
        if counter is None:
            return "this endpoint's requests cannot be counted"
        return counter.not_counted_reason(self.client.name)

    def counted_runs(self, operation: Callable[[], Any]) -> CountedRuns | None:
        """One more (untimed) run of the operation between two marks of the request counter: the
        counts and the cloud model's input.  Injected latency is paused for it, so the model
        always starts from the loopback run a run without ``--s3-latency`` has (and validating it
        is not circular); under injection the timed rounds are not loopback, so the model's
        loopback time comes from these runs (the median of ``COUNTED_RUNS_UNDER_LATENCY``).
        None (after running the operation once) where this client's requests are not counted."""
        counter = self.endpoint.counter
        if counter is None or counter.not_counted_reason(self.client.name):
            operation()
            return None
        injector = self.endpoint.injector
        runs = COUNTED_RUNS_UNDER_LATENCY if injector is not None else 1
        done: list[tuple[float, list[RequestRecord]]] = []
        with injector.paused() if injector is not None else contextlib.nullcontext():
            for _ in range(runs):
                mark = counter.mark()
                started = time.perf_counter()
                operation()
                wall = time.perf_counter() - started
                done.append((wall, counter.since(mark, bucket=self.endpoint.bucket)))
        walls = sorted(d[0] for d in done)
        spread = walls[-1] / walls[0] if walls[0] > 0 else None
        wall, records = sorted(done, key=lambda d: d[0])[len(done) // 2]
        return CountedRuns(records, wall, spread)

    @contextlib.contextmanager
    def watching(self) -> Iterator[list[RequestRecord]]:
        """The requests made inside the block (filled in when it exits; empty where the counter
        does not time bodies): a timed case's TTFB/TTLB samples."""
        records: list[RequestRecord] = []
        counter = self.endpoint.counter
        if counter is None or not counter.times_bodies:
            yield records
            return
        mark = counter.mark()
        yield records
        records += counter.since(mark, bucket=self.endpoint.bucket)
