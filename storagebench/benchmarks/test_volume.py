"""Volume: the row sweep per format, with fitted scaling exponents and bounded memory.

Method: ``test_volume[<op>-<format>-<rows>]`` is one pytest-benchmark case per operation
(write, read), format and sweep point (quick 1e4 / 3.2e4 / 1e5 rows, standard 1e4 / 1e5 / 1e6,
full 1e5 / 1e6 / 1e7; ``--rows R``: R, 3.2R, 10R), each with real rounds (the profile's, at most
3 at the largest point, at least 2), so every point has a median, an IQR and n.  The timed
write is the codec's batched writer over writer inputs prepared before timing (Arrow batches,
or Python records for JSON and Avro); the timed read is the format's pyarrow reader (else its
first), in full.  At the largest point the case also records the exponents fitted over the
medians of the sweep and, in the standard and full profiles (unless ``--no-memory``), the peak
extra RSS of one write or read in a forked child.  Local disk only: volume is about the format; S3 adds requests measured
elsewhere.  Suite code: storagebench/threevs/volume_bench.py; keys: storagebench/threevs/volume.py.
"""

from __future__ import annotations

import pytest

from storagebench.pytest_plugin import suite_config
from storagebench.threevs.volume import sweep_rows
from storagebench.threevs.volume_bench import OPERATIONS, run_volume_case


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "volume_case" in metafunc.fixturenames:
        cfg = suite_config(metafunc.config)
        sizes = sweep_rows(cfg.profile.name, metafunc.config.getoption("--rows"))
        # Points in ascending order, writes before reads: the largest point's fit sees them all.
        cases = [(op, c.name, rows) for c in cfg.codecs for op in OPERATIONS for rows in sizes]
        metafunc.parametrize("volume_case", cases, ids=[f"{op}-{f}-{rows}" for op, f, rows in cases])


def test_volume(benchmark, lifecycle, volume_case):
    run_volume_case(benchmark, lifecycle, *volume_case)
