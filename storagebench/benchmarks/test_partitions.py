"""Hive-partitioned datasets vs one file, locally and on S3 (pyarrow.dataset).

Method: each case times one operation per round with pytest-benchmark and counts the requests
of the timed calls only:

* ``test_partition_write``      writing the ``mixed`` data in each layout (``none`` = one file,
  and every scheme in storagebench/threevs/partitions.py) to a fresh base per round, the
  partition columns validated before the timer: files, bytes, mean file size;
* ``test_partition_query``      a scan selecting exactly one partition of the scheme, on the
  partitioned layout and on the unpartitioned file (opened once, untimed): files read, bytes,
  requests; rows and values checked after the timer;
* ``test_partition_full_scan``  reading everything: what many small files cost in requests.

On S3 the quick profile runs only schemes with at most 20 partitions (each object request to
the emulated endpoint costs ~13 ms on this machine); ``--profile standard`` runs all of them.
Suite code: storagebench/threevs/partitions_bench.py; keys: storagebench/threevs/partitions.py.
"""

from __future__ import annotations

import pytest

from storagebench.threevs.partitions import SCHEMES
from storagebench.threevs.partitions_bench import (
    LAYOUTS,
    TARGETS,
    run_full_scan_case,
    run_query_case,
    run_write_case,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    schemes = list(SCHEMES)
    if "partition_write_case" in metafunc.fixturenames:
        cases = [(t, s) for t in TARGETS for s in ["none", *schemes]]
        metafunc.parametrize("partition_write_case", cases, ids=[f"{t}-{s}" for t, s in cases])
    if "partition_query_case" in metafunc.fixturenames:
        cases = [(t, s, lay) for t in TARGETS for s in schemes for lay in LAYOUTS]
        metafunc.parametrize("partition_query_case", cases, ids=[f"{t}-{s}-{lay}" for t, s, lay in cases])
    if "partition_scan_case" in metafunc.fixturenames:
        cases = [(t, s) for t in TARGETS for s in ["none", *schemes]]
        metafunc.parametrize("partition_scan_case", cases, ids=[f"{t}-{s}" for t, s in cases])


def test_partition_write(benchmark, lifecycle, partition_write_case):
    run_write_case(benchmark, lifecycle, *partition_write_case)


def test_partition_query(benchmark, lifecycle, partition_query_case):
    run_query_case(benchmark, lifecycle, *partition_query_case)


def test_partition_full_scan(benchmark, lifecycle, partition_scan_case):
    run_full_scan_case(benchmark, lifecycle, *partition_scan_case)
