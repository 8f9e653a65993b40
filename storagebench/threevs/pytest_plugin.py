"""pytest fixtures for the catalog, glacier, partitions, velocity and volume benchmarks.

Loaded as one of storagebench.benchmarks.PLUGINS.  It defines fixtures only (no hooks, so it
never shadows the core plugin's ``pytest_generate_tests`` / ``pytest_configure``); the benchmark
modules parametrise themselves from the core suite options (``--profile``, ``--rows``,
``--formats``, ``--datasets``, ``--seed``, ``--no-memory``).

:class:`LifecycleSuite` is the per-session state: the embedded S3/Glue endpoint (started on
first use), a work directory, a run id that names the Glue database and the buckets, cached
encodings of datasets, the profile's sizes for each part, and the outcomes (skips with reasons)
that go into the results JSON.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pytest

from formats.base import Codec
from storagebench.catalog import GlueCatalog
from storagebench.catalog.capture import encode
from storagebench.datasets import Dataset
from storagebench.outcomes import OutcomeLog
from storagebench.pytest_plugin import SuiteConfig, register_outcome_source, suite_config
from storagebench.threevs.s3target import S3Target, embedded_target

__all__ = ["lifecycle", "embedded_s3"]

CATALOG_ROWS = 1_000


class LifecycleSuite:
    def __init__(self, cfg: SuiteConfig, rows_override: int | None):
        self.cfg = cfg
        self.profile = cfg.profile
        self.seed = cfg.seed
        self.rows_override = rows_override
        self.run_id = uuid.uuid4().hex[:8]
        self.work_dir = Path(tempfile.mkdtemp(prefix="storagebench-lifecycle-"))
        self._log = OutcomeLog()
        self.outcomes = self._log.outcomes
        self._target: S3Target | None = None
        self._catalog: GlueCatalog | None = None
        self._encoded: dict[tuple[str, str, int], tuple[bytes, pa.Table]] = {}
        self._datasets: dict[tuple[str, int], Dataset] = {}
        self.cache: dict[Any, Any] = {}  # per-suite caches (files written once, untimed)

    # -- shared resources ------------------------------------------------------------------------
    @property
    def target(self) -> S3Target:
        if self._target is None:
            self._target = embedded_target()
        return self._target

    def bucket(self, purpose: str) -> str:
        name = f"storagebench-{self.run_id}-{purpose}"
        if ("bucket", name) not in self.cache:
            self.target.create_bucket(name)
            self.cache[("bucket", name)] = True
        return name

    @property
    def catalog(self) -> GlueCatalog:
        if self._catalog is None:
            self._catalog = GlueCatalog(self.target.client("glue"), f"storagebench_{self.run_id}")
            self._catalog.create_database(f"storagebench run {self.run_id}")
        return self._catalog

    def dataset(self, spec: str, rows: int | None = None) -> Dataset:
        """A dataset at the profile's rows, or at ``rows`` (the catalog needs schemas, not volume)."""
        rows = rows or self.profile.rows
        if (spec, rows) not in self._datasets:
            from storagebench.datasets import resolve

            self._datasets[(spec, rows)] = resolve(spec, rows, self.seed)
        return self._datasets[(spec, rows)]

    def encoded(self, spec: str, codec: Codec, rows: int | None = None) -> tuple[bytes, pa.Table]:
        """The dataset's file bytes in the codec's reference writer and default compression."""
        key = (spec, codec.name, rows or self.profile.rows)
        if key not in self._encoded:
            self._encoded[key] = encode(self.dataset(spec, rows), codec)
        return self._encoded[key]

    def main_dataset(self) -> str:
        """The dataset the catalog and glacier suites use: ``mixed`` (every column type) if selected."""
        specs = self.cfg.dataset_specs
        return "mixed" if "mixed" in specs else specs[0]

    def catalog_rows(self) -> int:
        # A catalog entry depends on the schema, not the row count: small files keep it fast.
        return min(self.profile.rows, CATALOG_ROWS)

    def counted(self, target: str) -> S3Target | None:
        """The endpoint whose requests ``run_rounds`` counts for a target (None on local disk)."""
        return self.target if target == "s3" else None

    def counting(self, target: str) -> Any:
        """Request counting on S3; on local disk there is nothing to count (yields None)."""
        return self.target.counting() if target == "s3" else contextlib.nullcontext(None)

    # -- sizes per profile (Profile.lifecycle) ----------------------------------------------------
    def s3_max_partitions(self) -> int:
        return self.profile.lifecycle.s3_max_partitions

    def velocity_shape(self) -> tuple[int, int]:
        """(rows per micro-batch, appends); appends scale with --rows."""
        sizes = self.profile.lifecycle
        batch_rows, max_appends = sizes.velocity_batch_rows, sizes.velocity_max_appends
        if self.rows_override:
            return batch_rows, max(2, min(max_appends, self.rows_override // batch_rows))
        return batch_rows, max_appends

    def rounds(self, benchmark: Any, heavy: bool = False) -> int:
        """Timed rounds a pedantic benchmark will really run (per-round counts divide by it).

        One with ``--benchmark-disable`` (pytest-benchmark then calls the function once), and
        the profile's ``lifecycle.heavy_rounds`` (quick: one) for ``heavy`` operations that write
        hundreds of objects.
        """
        if getattr(benchmark, "disabled", False):
            return 1
        if heavy and self.profile.lifecycle.heavy_rounds is not None:
            return self.profile.lifecycle.heavy_rounds
        return self.profile.rounds

    # -- bookkeeping -----------------------------------------------------------------------------
    def base_info(self, suite: str, operation: str, **extra: Any) -> dict[str, Any]:
        return {"suite": suite, "operation": operation, "profile": self.profile.name,
                "seed": self.seed, **extra}

    def skip(self, case: str, suite: str, reason: str, **dims: Any) -> None:
        self._log.skip(case, reason, suite=suite, **dims)

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.drop_database()
        if self._target is not None:
            self._target.close()
        shutil.rmtree(self.work_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def lifecycle(request: pytest.FixtureRequest) -> Iterator[LifecycleSuite]:
    state = LifecycleSuite(suite_config(request.config), request.config.getoption("--rows"))
    register_outcome_source(request.config, state)
    yield state
    state.close()


@pytest.fixture(scope="module")
def embedded_s3() -> Iterator[S3Target]:
    """A fresh embedded S3/Glue endpoint with request counting (tests import this fixture)."""
    target = embedded_target()
    yield target
    target.close()
