"""The peak-memory measurement (a child of the clean forkserver) sees an allocation, does not
invent one, and says why when it measured nothing."""

from __future__ import annotations

import numpy as np
import pytest

from storagebench import memory

pytestmark = pytest.mark.skipif(not memory.supported(), reason="needs Linux /proc/self/clear_refs")


def _allocate(size: int) -> float:
    return float(np.ones(size // 8).sum())


def _nothing() -> None:
    return None


def _boom() -> None:
    raise RuntimeError("x")


def test_allocation_is_measured():
    size = 200 * 1024 * 1024
    peak = memory.peak_memory_bytes(_allocate, size)
    assert peak is not None and 0.9 * size <= peak <= 1.5 * size


def test_nothing_allocated_reads_near_zero():
    peak = memory.peak_memory_bytes(_nothing)
    assert peak is not None and peak < 20 * 1024 * 1024


def test_failing_operation_gives_none_not_a_crash():
    assert memory.peak_memory_bytes(_boom) is None
    assert memory.measure(memory._bound, _boom) == (None, "RuntimeError: x")


def test_an_operation_that_cannot_be_sent_is_a_reason_not_a_crash():
    peak, reason = memory.measure(memory._bound, lambda: None)
    assert peak is None and "cannot be sent to the measuring process" in reason


def test_a_child_over_its_time_is_killed():
    import time

    peak, reason = memory.measure(memory._bound, time.sleep, 60, timeout_s=2)
    assert peak is None and reason == "no result within 2 s"


def _prepare_allocation(size: int):
    """Runs in the spawned process: the operation allocates and touches ``size`` bytes."""
    import numpy as np

    return lambda: np.ones(size // 8).sum()


def _prepare_failure():
    raise RuntimeError("object gone")


def test_spawned_measurement_sees_the_operations_allocation():
    size = 64 * 1024 * 1024
    peak, reason = memory.measure(_prepare_allocation, size)
    if not memory.supported():
        pytest.skip("no /proc/self/clear_refs here")
    assert reason is None
    assert size * 0.9 <= peak < size * 1.5


def test_spawned_measurement_reports_why_it_failed():
    if not memory.supported():
        pytest.skip("no /proc/self/clear_refs here")
    peak, reason = memory.measure(_prepare_failure)
    assert peak is None and reason == "RuntimeError: object gone"
