"""Shared fixtures for the correctness tests (small data: these are not benchmarks)."""

from __future__ import annotations

import pytest

from storagebench.datasets import build_dataset, generator_names
# One small real benchmark run per session, shared by every module that validates or reports it
# (a fixture imported into two test modules would run twice).
from report_support import real_run_json  # noqa: F401, E402

SMALL_ROWS = 600


@pytest.fixture(scope="session")
def small_datasets():
    return {name: build_dataset(name, SMALL_ROWS, seed=7) for name in generator_names()}
