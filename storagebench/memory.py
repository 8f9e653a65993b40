"""Peak memory of one operation, measured in a clean child process, separately from timing.

One mechanism for every operation (local and S3, every engine): multiprocessing's
``forkserver`` context.  Its server is a fresh interpreter that imports pyarrow, pandas, polars,
DuckDB and the codecs (:data:`_PRELOAD`) but never runs them; each measurement is a child forked
from that server.  Why this and not a fork of the benchmark process itself:

* polars' and DuckDB's worker threads do not survive ``fork()``: a child forked from a process
  that already used them waits forever on its first parallel call (docs/TRAPS.md).  The server
  never started those pools, so its children start them fresh;
* pyarrow's AWS SDK and s3fs's event loop hold threads and locks that a fork copies in whatever
  state they were; the server never opened a client;
* the benchmark process's heap (datasets, cached files, allocator free lists) is not in the
  child, so the operation's allocations fault in new pages instead of reusing cached ones.

In the child: the operation and its arguments are unpickled, an optional *prepare* step runs
(open the client, look up the object: set-up that is not the operation's), Arrow and malloc
free memory is returned to the OS (Python garbage is deliberately NOT collected: it would free
pages the operation could then reuse uncounted), the kernel's high-water mark is reset
(``/proc/self/clear_refs`` value 5, Linux >= 4.0), the operation runs once, and the child
reports ``VmHWM - VmRSS(before)``: the extra resident memory the operation needed, Arrow's C++
buffers, numpy arrays and Python objects alike.  The operation's own result never leaves it.

The operation and its arguments must pickle (a module-level function or a bound method of a
codec, which pickles by name; no lambdas).  Every result states its method as
``peak_memory_method`` (:data:`METHOD`).  Where ``/proc/self/clear_refs`` is missing nothing is
measured (None, with the reason), never guessed.  A child that does not answer within
``timeout_s`` is killed (None); so is the child of a run interrupted by Ctrl-C or a signal.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import pickle
from typing import Any, Callable

METHOD = "child of a clean forkserver process + /proc VmHWM delta"

# Modules the server imports (never runs) so its children start warm; one that fails to import
# is skipped by multiprocessing.
_PRELOAD = ["pyarrow", "pandas", "polars", "duckdb", "formats"]

_context: multiprocessing.context.ForkServerContext | None = None


def supported() -> bool:
    return os.path.exists("/proc/self/clear_refs") and "forkserver" in multiprocessing.get_all_start_methods()


def peak_memory_bytes(operation: Callable[..., object], *args: Any, timeout_s: float = 300.0) -> int | None:
    """Extra peak resident bytes of ``operation(*args)`` (run in a clean child, whatever the
    engine); None when it could not be measured."""
    peak, _ = measure(functools.partial(_bound, operation), *args, timeout_s=timeout_s)
    return peak


def measure(prepare: Callable[..., Callable[[], object]], *args: Any,
            timeout_s: float = 300.0) -> tuple[int | None, str | None]:
    """(extra peak resident bytes of the operation ``prepare(*args)`` returns, None or the reason
    it was not measured).  ``prepare`` runs in the child before the baseline and is not counted.

    ``prepare`` and ``args`` are pickled to the child: a module-level function and picklable
    arguments.
    """
    if not supported():
        return None, "no /proc/self/clear_refs (or no forkserver start method) on this system"
    ctx = _forkserver()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, prepare, args), daemon=True, name="storagebench-memory")
    try:
        try:
            process.start()  # pickles prepare and args: a lambda or an open file fails here
        finally:
            sender.close()  # the child holds its own copy; EOF on receiver = the child is gone
        if not receiver.poll(timeout_s):
            return None, f"no result within {timeout_s:.0f} s"
        result = receiver.recv()
    except EOFError:
        return None, f"the measuring process died (exit code {process.exitcode})"
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        return None, f"the operation or its arguments cannot be sent to the measuring process: {_first_line(exc)}"
    finally:
        # Also on KeyboardInterrupt (Ctrl-C, or a signal `storagebench run` turned into one):
        # the measuring child never outlives the wait for it.
        receiver.close()
        if process.is_alive():
            process.kill()
        if process.pid is not None:
            process.join(timeout=10)
    if isinstance(result, int):
        return max(0, result), None
    return None, str(result)


def _forkserver() -> multiprocessing.context.ForkServerContext:
    global _context
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        # The preload list is read when the server starts (on the first measurement); the
        # server gets this process's sys.path, so a checkout's modules come first there too.
        ctx.set_forkserver_preload(_PRELOAD)
        _context = ctx
    return _context


def _bound(operation: Callable[..., object], *args: Any) -> Callable[[], object]:
    """The prepare step of a plain operation: nothing to set up."""
    return functools.partial(operation, *args)


def _child(conn: Any, prepare: Callable[..., Callable[[], object]], args: tuple) -> None:
    """Runs in the forked child: prepare, baseline, the operation once, report the delta."""
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
        result = f"{type(exc).__name__}: {_first_line(exc)}"
    conn.send(result)
    conn.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:200] if text else ""


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
