"""Where ``decide`` puts the files: local disk or S3 on the embedded moto server (a registry of
:class:`storagebench.targets.Target` implementations).

Both give fresh :class:`formats.Location` objects that every codec writes and reads the same
way.  The S3 target is the suite's :class:`storagebench.s3.endpoint.S3Target` on the embedded
server (127.0.0.1, its own bucket, removed at the end) with the request counter in front of
moto, so a finalist's read can be counted: requests, bytes fetched, read amplification,
modelled cloud time and request $ (:mod:`storagebench.s3.cloud_model`).
"""

from __future__ import annotations

import functools
import itertools
from typing import Any, Callable

from formats.base import Codec, Location
from storagebench.s3.counting import RequestRecord
from storagebench.targets import LocalTarget


class EmbeddedS3Target:
    name = "s3"
    description = "S3 on the embedded moto server (127.0.0.1), pyarrow's S3 client, requests counted"

    def __init__(self) -> None:
        from storagebench.s3.endpoint import EndpointSpec, S3Target, resolve

        self.s3 = S3Target(resolve(EndpointSpec())).open()
        self.fs = self.s3.pyarrow_fs()
        self._n = itertools.count()

    def location(self, codec: Codec, stem: str, compression: str) -> Location:
        key = self.s3.key(codec.file_name(f"{stem}-{next(self._n)}", compression))
        # Engines with their own S3 client (polars, DuckDB) reach the object by its URL, as they
        # would in production; pyarrow, pandas and the rest go through pyarrow's S3 client.
        return Location(self.s3.path(key), filesystem=self.fs, object_store=self.s3.object_store(key))

    def reach(self, location: Location) -> Location:
        return location  # one client: the file is reached as it was written

    def discard(self, location: Location) -> None:
        try:
            self.fs.delete_file(location.path)
        except OSError:
            pass  # already gone; the bucket is removed at close anyway

    def counted(self, operation: Callable[[], Any]) -> list[RequestRecord] | None:
        counter = self.s3.counter
        assert counter is not None  # the embedded target always counts
        mark = counter.mark()
        operation()
        return counter.since(mark, bucket=self.s3.bucket)

    def describe(self) -> dict[str, Any]:
        return {"target": self.name, **self.s3.describe()}

    def close(self) -> None:
        self.s3.close()


# Both implement storagebench.targets.Target (the format harness's contract).
TARGETS: dict[str, Callable[[], Any]] = {"local": functools.partial(LocalTarget, prefix="storagebench-decide-"),
                                         "s3": EmbeddedS3Target}
