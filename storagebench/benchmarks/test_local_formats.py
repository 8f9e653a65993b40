"""Format benchmarks on local disk: every valid (format, engine, compression, dataset).

What is timed (pytest-benchmark, ``pedantic`` rounds, setup outside the timing):

* ``test_write``  encoding the data from the engine's native input to a fresh file per round;
* ``test_read``   decoding with a full read, a 2-column projection, or a ~10% range predicate,
  including cross-engine reads of files other engines wrote.

Each read is checked against what was written before it is timed (fidelity in extra_info), and
peak memory is measured in a separate pass, in a clean child process (storagebench/memory.py).
See storagebench/results.py for the keys.
"""

from __future__ import annotations

from storagebench.pytest_plugin import skips_reported


def test_write(benchmark, harness, write_case):
    benchmark.group = f"write-{write_case.dataset}"
    with skips_reported():
        harness.run_write(write_case, benchmark)


def test_read(benchmark, harness, read_case):
    benchmark.group = f"read-{read_case.kind}-{read_case.dataset}"
    with skips_reported():
        harness.run_read(read_case, benchmark)
