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

Engines whose thread pools do not survive ``fork()`` (polars' and DuckDB's worker threads are
gone in the child, whose first parallel call then waits forever) are measured the same way from
a *clean* parent instead: a helper process started with the ``spawn`` method, which imports the
libraries but never runs them, forks one child per operation.  The operation and its arguments
travel there pickled (``clean_process=True``); the method is then :data:`CLEAN_METHOD`.
Operations that must not run in a forked child (pyarrow's AWS SDK and s3fs's event loop hold
threads and locks a fork copies in whatever state they were) use :func:`peak_memory_bytes_spawned`
instead: a fresh interpreter started with ``spawn`` (no fork) imports what it needs, runs a
*prepare* step (open the client, look up the object: the connection and SDK set-up are not the
operation's), then measures the operation alone the same way.  Its method is ``SPAWN_METHOD``.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import pickle
import select
import signal
import threading
import time
from typing import Any, Callable

METHOD = "fork + /proc VmHWM delta"
CLEAN_METHOD = "fork of a clean spawned process + /proc VmHWM delta"
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


def method(clean_process: bool = False) -> str:
    return CLEAN_METHOD if clean_process else METHOD


def peak_memory_bytes(operation: Callable[..., object], *args: Any, timeout_s: float = 300.0,
                      clean_process: bool = False) -> int | None:
    """Extra peak resident bytes of ``operation(*args)``; None when it cannot be measured here.

    ``clean_process``: run it in a child of the clean helper process (for engines that are not
    fork-safe); ``operation`` and ``args`` must then pickle.
    """
    if not supported():
        return None
    if clean_process:
        return _clean_parent().measure(operation, args, timeout_s)
    return _forked_peak(lambda: operation(*args), timeout_s)


def _forked_peak(operation: Callable[[], object], timeout_s: float,
                 setup: Callable[[], Callable[[], object]] | None = None) -> int | None:
    """Fork; in the child run ``setup`` (unmeasured, e.g. unpickling the arguments) if given,
    which returns the operation to measure, then measure it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        status = b"error"
        try:
            call = setup() if setup is not None else operation
            _release_free_memory()
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            before = _status_kib("VmRSS")
            call()
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


# -- the clean parent for engines that are not fork-safe ----------------------------------------
# Modules the clean parent imports (never runs) so its children start warm; failures are ignored.
_PRELOAD = ("pyarrow", "pandas", "polars", "duckdb", "formats")


def _clean_parent_main(conn: Any) -> None:
    """Runs in the spawned helper: for each pickled job, fork a child that measures it."""
    import importlib

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    while True:
        try:
            timeout_s, payload = pickle.loads(conn.recv_bytes())
        except EOFError:
            return

        def setup(payload: bytes = payload) -> Callable[[], object]:
            operation, args = pickle.loads(payload)  # in the child, before the baseline
            return lambda: operation(*args)

        conn.send(_forked_peak(lambda: None, timeout_s, setup=setup))


def serve(read_fd: int, write_fd: int) -> None:
    """Entry point of the clean helper process (``python -c``: no parent state is inherited)."""
    from multiprocessing.connection import Connection

    reader, writer = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    _clean_parent_main(_Duplex(reader, writer))


class _Duplex:
    def __init__(self, reader: Any, writer: Any):
        self.recv_bytes, self.poll = reader.recv_bytes, reader.poll
        self.send, self.send_bytes, self.recv = writer.send, writer.send_bytes, reader.recv


class _CleanParent:
    """The helper process, started with ``python -c`` (a fresh interpreter, like spawn, without
    re-importing the caller's ``__main__``) and talked to over two pipes."""

    def __init__(self) -> None:
        import subprocess
        import sys
        from multiprocessing.connection import Connection
        from pathlib import Path

        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        root = str(Path(__file__).resolve().parent.parent)  # this checkout first on sys.path
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        code = f"from storagebench.memory import serve; serve({to_child_r}, {from_child_w})"
        self._process = subprocess.Popen([sys.executable, "-c", code], pass_fds=(to_child_r, from_child_w),
                                         env=env, stdin=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._ends = (Connection(from_child_r, writable=False), Connection(to_child_w, readable=False))
        self._conn = _Duplex(*self._ends)
        self._lock = threading.Lock()

    def alive(self) -> bool:
        return self._process.poll() is None

    def measure(self, operation: Callable[..., object], args: tuple, timeout_s: float) -> int | None:
        payload = pickle.dumps((operation, args), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            try:
                self._conn.send_bytes(pickle.dumps((timeout_s, payload)))
                # The helper enforces timeout_s on its child; allow it time to start and report.
                if not self._conn.poll(timeout_s + 60):
                    self.stop()
                    return None
                return self._conn.recv()
            except (OSError, EOFError):
                self.stop()
                return None

    def stop(self) -> None:
        for end in self._ends:  # the helper sees EOF and exits
            end.close()
        try:
            self._process.wait(timeout=5)
        except Exception:
            self._process.kill()
            self._process.wait(timeout=5)


_CLEAN: _CleanParent | None = None


def _clean_parent() -> _CleanParent:
    global _CLEAN
    if _CLEAN is None or not _CLEAN.alive():
        _CLEAN = _CleanParent()
        atexit.register(_CLEAN.stop)
    return _CLEAN

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
