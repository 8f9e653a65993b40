"""Velocity: micro-batch stream vs one batch, many small objects vs one compacted, compaction.

Method: side by side in one run, on local disk and on S3 (the embedded endpoint), each case
times one operation per round with pytest-benchmark and counts the requests of the timed calls
only:

* ``test_velocity_write``       ``stream``: each micro-batch its own Parquet object;
  ``batch``: the same rows in one object (a fresh prefix per round);
* ``test_velocity_read``        reading all small objects vs the one compacted object (rows
  compared with the stream after the timer);
* ``test_velocity_compaction``  the compaction itself (list, read all, write one) on a fresh
  stream per round; verifying the output and deleting the inputs run after the timer, their
  requests and time reported apart.

Shape per profile (rows per micro-batch x appends): quick 100 x 50, standard 100 x 1,000, full
1,000 x 1,000; ``--rows R`` gives R/100 appends (at least 2).  Rows come from the ``numeric``
sensor time series.  Suite code: storagebench/threevs/velocity_bench.py; keys:
storagebench/threevs/velocity.py.
"""

from __future__ import annotations

import pytest

from storagebench.threevs.velocity_bench import (
    READ_LAYOUTS,
    TARGETS,
    WRITE_MODES,
    run_compaction_case,
    run_read_case,
    run_write_case,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "velocity_write_case" in metafunc.fixturenames:
        cases = [(t, m) for t in TARGETS for m in WRITE_MODES]
        metafunc.parametrize("velocity_write_case", cases, ids=[f"{t}-{m}" for t, m in cases])
    if "velocity_read_case" in metafunc.fixturenames:
        cases = [(t, lay) for t in TARGETS for lay in READ_LAYOUTS]
        metafunc.parametrize("velocity_read_case", cases, ids=[f"{t}-{lay}" for t, lay in cases])
    if "velocity_target" in metafunc.fixturenames:
        metafunc.parametrize("velocity_target", TARGETS)


def test_velocity_write(benchmark, lifecycle, velocity_write_case):
    run_write_case(benchmark, lifecycle, *velocity_write_case)


def test_velocity_read(benchmark, lifecycle, velocity_read_case):
    run_read_case(benchmark, lifecycle, *velocity_read_case)


def test_velocity_compaction(benchmark, lifecycle, velocity_target):
    run_compaction_case(benchmark, lifecycle, velocity_target)
