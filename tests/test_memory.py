"""The forked peak-memory measurement sees an allocation and does not invent one."""

from __future__ import annotations

import numpy as np
import pytest

from storagebench import memory

pytestmark = pytest.mark.skipif(not memory.supported(), reason="needs Linux /proc/self/clear_refs")


def test_allocation_is_measured():
    size = 200 * 1024 * 1024
    peak = memory.peak_memory_bytes(lambda: np.ones(size // 8).sum())
    assert peak is not None and 0.9 * size <= peak <= 1.5 * size


def test_nothing_allocated_reads_near_zero():
    peak = memory.peak_memory_bytes(lambda: None)
    assert peak is not None and peak < 20 * 1024 * 1024


def test_failing_operation_gives_none_not_a_crash():
    def boom():
        raise RuntimeError("x")

    assert memory.peak_memory_bytes(boom) is None


def _prepare_allocation(size: int):
    """Runs in the measuring child: the operation allocates and touches ``size`` bytes."""
    import numpy as np

    return lambda: np.ones(size // 8).sum()


def _prepare_failure():
    raise RuntimeError("object gone")


def test_prepared_measurement_sees_the_operations_allocation():
    size = 64 * 1024 * 1024
    peak, reason = memory.peak_memory_bytes_prepared(_prepare_allocation, size)
    if not memory.supported():
        pytest.skip("no /proc/self/clear_refs here")
    assert reason is None
    assert size * 0.9 <= peak < size * 1.5


def test_prepared_measurement_reports_why_it_failed():
    if not memory.supported():
        pytest.skip("no /proc/self/clear_refs here")
    peak, reason = memory.peak_memory_bytes_prepared(_prepare_failure)
    assert peak is None and reason == "RuntimeError: object gone"
