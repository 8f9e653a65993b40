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
