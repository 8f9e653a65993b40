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
Operations that must not run in a child of the busy parent (pyarrow's AWS SDK and s3fs's event
loop hold threads and locks a fork copies in whatever state they were) use
:func:`peak_memory_bytes_prepared`: the same clean helper (which imported those clients but never
started them) forks a child that runs a *prepare* step (open the client, look up the object: the
connection and SDK set-up are not the operation's), then measures the operation alone.
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
        return _clean_parent().measure(operation, args, timeout_s)[0]
    return _forked_peak(lambda: operation(*args), timeout_s)


def _forked_peak(operation: Callable[[], object], timeout_s: float,
                 setup: Callable[[], Callable[[], object]] | None = None) -> int | None:
    return _forked_measure(operation, timeout_s, setup)[0]


def _failure(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


def _forked_measure(operation: Callable[[], object], timeout_s: float,
                    setup: Callable[[], Callable[[], object]] | None = None) -> tuple[int | None, str | None]:
    """Fork; in the child run ``setup`` (unmeasured, e.g. unpickling the arguments or opening a
    client) if given, which returns the operation to measure, then measure it.  Returns (extra
    peak bytes, None) or (None, why it could not be measured)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        status = b"!the operation failed"
        try:
            call = setup() if setup is not None else operation
            _release_free_memory()
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            before = _status_kib("VmRSS")
            call()
            status = str((_status_kib("VmHWM") - before) * 1024).encode()
        except BaseException as exc:
            status = ("!" + _failure(exc)).encode(errors="replace")
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
                return None, f"no result within {timeout_s:.0f} s"
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
    if chunks.startswith(b"!"):
        return None, chunks[1:].decode(errors="replace")
    try:
        return max(0, int(chunks)), None
    except ValueError:
        return None, "the measuring process died"


# -- the clean parent for engines that are not fork-safe ----------------------------------------
# Modules the clean parent imports (never runs) so its children start warm; failures are ignored.
# The S3 clients are imported too (importing starts no SDK or event-loop thread; those start in
# the forked child, at its first request, so the fork is safe for them as well).
_PRELOAD = ("pyarrow", "pyarrow.fs", "pandas", "polars", "duckdb", "boto3", "s3fs", "formats",
            "storagebench.s3.target")


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
            timeout_s, payload, prepared = pickle.loads(conn.recv_bytes())
        except EOFError:
            return

        def setup(payload: bytes = payload, prepared: bool = prepared) -> Callable[[], object]:
            operation, args = pickle.loads(payload)  # in the child, before the baseline
            # prepared: ``operation(*args)`` is the unmeasured set-up that returns the operation.
            return operation(*args) if prepared else lambda: operation(*args)

        conn.send(_forked_measure(lambda: None, timeout_s, setup=setup))


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
        # Then this process's own path, as spawn would pass it: the jobs' functions may live in
        # modules found only there (a benchmark or test module on pytest's rootdir path).
        path = [root, *(p for p in sys.path if p), os.environ.get("PYTHONPATH")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, path))}
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

    def measure(self, operation: Callable[..., object], args: tuple, timeout_s: float,
                prepared: bool = False) -> tuple[int | None, str | None]:
        payload = pickle.dumps((operation, args), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            try:
                self._conn.send_bytes(pickle.dumps((timeout_s, payload, prepared)))
                # The helper enforces timeout_s on its child; allow it time to start and report.
                if not self._conn.poll(timeout_s + 60):
                    self.stop()
                    return None, f"no result within {timeout_s:.0f} s"
                return self._conn.recv()
            except (OSError, EOFError):
                self.stop()
                return None, "the measuring helper process died"

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

def peak_memory_bytes_prepared(prepare: Callable[..., Callable[[], object]], *args: Any,
                               timeout_s: float = 300.0) -> tuple[int | None, str | None]:
    """(extra peak resident bytes of the operation ``prepare(*args)`` returns, None or the reason
    it could not be measured), in a child of the clean helper process (:data:`CLEAN_METHOD`).

    ``prepare`` runs in the child before the baseline (open the client, look the object up, a
    warm-up read): its set-up is not the operation's.  It must be a module-level function and
    ``args`` picklable.  The operation's own result never leaves the child.  A fresh interpreter
    per measurement (spawn) gave the same isolation but cost 2-3 s of imports per S3 read: most
    of the quick profile's S3 time.
    """
    if not supported():
        return None, "no /proc/self/clear_refs on this system"
    return _clean_parent().measure(prepare, args, timeout_s, prepared=True)
