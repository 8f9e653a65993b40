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

Operations that must not run in a forked child (pyarrow's AWS SDK and s3fs's event loop hold
threads and locks a fork copies in whatever state they were) use :func:`peak_memory_bytes_spawned`
instead: a fresh interpreter started with ``spawn`` (no fork) imports what it needs, runs a
*prepare* step (open the client, look up the object: the connection and SDK set-up are not the
operation's), then measures the operation alone the same way.  Its method is ``SPAWN_METHOD``.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import time
from typing import Any, Callable

METHOD = "fork + /proc VmHWM delta"
SPAWN_METHOD = "spawned process (no fork) + /proc VmHWM delta"


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


def _spawned_child(conn: Any, prepare: Callable[..., Callable[[], object]], args: tuple) -> None:
    """Runs in the spawned process: prepare, then measure the operation alone."""
    result: int | str
    try:
        operation = prepare(*args)
        _release_free_memory()
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = _status_kib("VmRSS")
        operation()
        result = (_status_kib("VmHWM") - before) * 1024
    except BaseException as exc:  # reported to the parent as a reason, never raised there
        result = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    conn.send(result)
    conn.close()


def peak_memory_bytes_spawned(prepare: Callable[..., Callable[[], object]], *args: Any,
                              timeout_s: float = 300.0) -> tuple[int | None, str | None]:
    """(extra peak resident bytes of the operation ``prepare(*args)`` returns, None or the reason
    it could not be measured), in a process started with ``spawn``.

    ``prepare`` must be a module-level function and ``args`` picklable: they are sent to a new
    interpreter.  The operation's own result never leaves the child.
    """
    if not os.path.exists("/proc/self/clear_refs"):
        return None, "no /proc/self/clear_refs on this system"
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_spawned_child, args=(child, prepare, args), daemon=True,
                          name="storagebench-memory")
    process.start()
    child.close()
    try:
        if not parent.poll(timeout_s):
            return None, f"no result within {timeout_s:.0f} s"
        result = parent.recv()
    except EOFError:
        return None, f"the measuring process died (exit code {process.exitcode})"
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(timeout=10)
    if isinstance(result, int):
        return max(0, result), None
    return None, result
