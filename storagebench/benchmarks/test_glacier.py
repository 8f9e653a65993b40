"""Glacier archive and restore on the embedded endpoint, and what keeping each format costs.

Method:

* ``test_glacier_archive``  per format x archive class: the timed call is one PUT of the
  format's file (the main dataset at the profile's rows, reference writer, default compression)
  with StorageClass GLACIER / DEEP_ARCHIVE, a fresh key per round; afterwards (untimed) a GET
  must answer "needs restore".  extra_info carries the monthly cost of keeping that file in
  every storage class, the minimum-duration commitment and billable bytes (measured size +
  per-object overhead from the price table);
* ``test_glacier_restore``  per class x tier: each round's setup archives a fresh object and
  checks (HEAD) that it needs a restore; the timed flow is RestoreObject, the HEAD polls until
  restored, and the GET, the embedded server holding each restore "in progress" for a few
  accesses.  Wall time here is the emulator's; the tier's real hours and dollars come from the
  price table and are in extra_info.

Requests are counted around the timed calls only.  Suite code:
storagebench/threevs/glacier_bench.py; keys: storagebench/lifecycle/__init__.py.
"""

from __future__ import annotations

import pytest

from storagebench.lifecycle import ARCHIVE_CLASSES
from storagebench.lifecycle.costs import restore_tiers
from storagebench.pytest_plugin import suite_config
from storagebench.threevs.glacier_bench import run_archive_case, run_restore_case


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cfg = suite_config(metafunc.config)
    if "archive_case" in metafunc.fixturenames:
        cases = [(c.name, sc) for c in cfg.codecs for sc in ARCHIVE_CLASSES]
        metafunc.parametrize("archive_case", cases, ids=[f"{f}-{sc}" for f, sc in cases])
    if "restore_case" in metafunc.fixturenames:
        cases = [(sc, tier) for sc in ARCHIVE_CLASSES for tier in restore_tiers(sc)]
        metafunc.parametrize("restore_case", cases, ids=[f"{sc}-{t}" for sc, t in cases])


def test_glacier_archive(benchmark, lifecycle, archive_case):
    run_archive_case(benchmark, lifecycle, *archive_case)


def test_glacier_restore(benchmark, lifecycle, restore_case):
    run_restore_case(benchmark, lifecycle, *restore_case)
