"""Peak memory of one operation, measured in a forked child, separately from timing.

Why a fork: the parent's heap already holds datasets, cached files and allocator free lists;
measuring in-process would mix them in.  The child starts as a copy of the parent, returns
freed Arrow and malloc memory to the OS (so the operation's allocations fault in new pages
instead of silently reusing cached ones; Python garbage is deliberately NOT collected, for the
same reason), resets the kernel's high-water mark
(``/proc/self/clear_refs`` value 5, Linux >= 4.0), runs the operation once and reports
``VmHWM - VmRSS(before)``: the extra resident memory the operation needed, including Arrow's C++
buffers, numpy arrays and Python objects alike.

Limits (stated in every result as ``peak_memory_method``): memory that the operation reuses
from the copied parent's allocator caches is not counted, so small operations can read low;
on systems without ``clear_refs`` the measurement is skipped (None), never guessed.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import time
from typing import Callable

METHOD = "fork + /proc VmHWM delta"


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _release_free_memory() -> None:
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except Exception:
        pass
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


def supported() -> bool:
    return os.path.exists("/proc/self/clear_refs") and hasattr(os, "fork")


def peak_memory_bytes(operation: Callable[[], object], timeout_s: float = 300.0) -> int | None:
    """Extra peak resident bytes of ``operation()``; None when it cannot be measured here."""
    if not supported():
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        status = b"error"
        try:
            _release_free_memory()
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            before = _status_kib("VmRSS")
            operation()
            status = str((_status_kib("VmHWM") - before) * 1024).encode()
        except BaseException:
            pass
        finally:
            os.write(write_end, status)
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + timeout_s
    chunks = b""
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                return None
            ready, _, _ = select.select([read_end], [], [], remaining)
            if ready:
                data = os.read(read_end, 64)
                if not data:
                    break
                chunks += data
    except BaseException:  # Ctrl-C/SIGTERM in the parent: the forked pass must not outlive the run
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    try:
        return max(0, int(chunks))
    except ValueError:
        return None
