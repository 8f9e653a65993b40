"""DynamoDB access patterns on moto, dynalite (and an endpoint you name), as the table grows.

What is timed (pytest-benchmark; setup outside the timing; see storagebench/dynamodb/):

* ``test_load``            creating and loading each table (25-item BatchWriteItem from parallel
                           writers, UnprocessedItems resent): load_s, load_items_per_s;
* ``test_pattern``         every registered access pattern on every table size: latency
                           p50/p95/p99, items evaluated vs returned, pages, read units computed
                           by DynamoDB's rules vs reported by the backend, $ per million;
* ``test_files_vs_items``  one record by guid: a filtered Parquet read on S3 (moto) next to a
                           GetItem, with requests, bytes, modelled latency and cost.

Results carry suite="dynamodb"; moto results carry the caveat that moto's Query loops over
the table and its ConsumedCapacity is a constant (``backend_caveat``).
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import pytest

from storagebench.dynamodb.bench import CaseSkip, run_load, run_pattern
from storagebench.dynamodb.errors import BackendUnavailable
from storagebench.dynamodb.files_vs_items import run_files_vs_items
from storagebench.dynamodb.patterns import get_pattern
from storagebench.pytest_plugin import skips_reported

pytestmark = pytest.mark.dynamodb


@contextlib.contextmanager
def recorded_skips(session, case: str, **dims) -> Iterator[None]:
    """A backend that cannot run here, or a case that does not fit the table, is a recorded skip."""
    with skips_reported():  # the recorded skip (CaseSkipped) becomes a pytest skip
        try:
            yield
        except (BackendUnavailable, CaseSkip) as exc:
            session.skip(case, str(exc), **dims)


def test_load(benchmark, ddb_session, ddb_config, ddb_load_case):
    backend, spec = ddb_load_case
    benchmark.group = f"ddb-load-{backend}"
    with recorded_skips(ddb_session, f"{backend}-load-{spec.label}", backend=backend, table_items=spec.items):
        run_load(benchmark, ddb_session, backend, spec, ddb_config.profile)


def test_pattern(benchmark, ddb_session, ddb_config, ddb_case):
    pattern = get_pattern(ddb_case.pattern)
    benchmark.group = f"ddb-{pattern.name}-{ddb_case.backend}"
    with recorded_skips(ddb_session, ddb_case.id, backend=ddb_case.backend, operation=pattern.name,
                        table_items=ddb_case.spec.items):
        run_pattern(benchmark, ddb_session, ddb_case, pattern, ddb_config.rounds, ddb_config.profile,
                    ddb_config.seed)


def test_files_vs_items(benchmark, ddb_session, ddb_config, ddb_files_case):
    backend, items = ddb_files_case
    benchmark.group = f"ddb-files-vs-items-{backend}"
    with recorded_skips(ddb_session, f"{backend}-files-vs-items-{items}", backend=backend, table_items=items):
        run_files_vs_items(benchmark, ddb_session, backend, items, ddb_config.rounds, ddb_config.profile,
                           ddb_config.seed)
