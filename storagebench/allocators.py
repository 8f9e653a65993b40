"""Memory allocators that keep freed memory, so a timed read measures the read.

Why: every reader allocates its result (an 85 MB Arrow table for TPC-H lineitem at SF 0.1).
Each allocator hands freed memory back to the kernel after a delay: pyarrow's default pool
(mimalloc) after its purge delay, polars' jemalloc after its decay time, glibc malloc (pandas,
numpy) past its trim threshold.  Whether a round's result lands in memory the process still holds
or in memory the kernel must fault in and zero again then depends on how long ago the previous
round freed it and what ran in between, not on the reader.  Measured on this 2-core VM, reading
the 85 MB uncompressed Feather file with pyarrow, 0.5 s apart:

* in held memory: 22-28 ms, 0 page faults;
* in memory given back (mimalloc's purge delay 0): 71-93 ms, about 20,700 page faults;
* with the defaults the rounds alternate between the two, and which one a whole run gets depends
  on its rhythm: this was the "slow Feather state" that split two ``decide`` runs (issue 13).

polars' Parquet read went from a 107 ms median (959-30,435 faults per read) to 59 ms (4-23 faults)
with jemalloc's decay turned off.  So the fault cost was both noise and a bias between engines.

What: :func:`restart_if_needed` re-executes the measuring process once with the environment
variables below set (allocators read them when their library loads, which is before any command
runs, so setting them later has no effect).  A setting the user already made wins over ours.
Every round then measures a process that holds its memory: the steady state of a program that
reads repeatedly.  Held for 5 seconds, not forever: with "never", peak RSS of decide on TPC-H
lineitem SF 0.1 reached 2.29-2.53 million KiB in 5 of 8 runs (the pools' held memory plus a
full-size JSON write and read), against 1.24-2.02 million with the defaults; held for a minute,
2.15 million in 1 of 3 (polars' Avro reads of Q1, held between its rounds).  So memory idle for
5 s goes back, and :func:`release_held` hands pyarrow's back before each full-size write by a
writer outside its pool.  A one-off read in a fresh process pays the faults on top (about 60-70 ms per
85 MB here on 4 KiB pages, less where the kernel gives transparent huge pages).

Not covered, on purpose or for lack of a handle:

* glibc malloc (pandas and numpy buffers, pandas and Python writers).  Keeping its freed memory
  (``GLIBC_TUNABLES`` mmap and trim thresholds) stopped pandas' reads faulting (700-5,000 faults
  per Parquet read down to about 3) but kept the pandas writers' peaks too: decide on TPC-H
  lineitem SF 0.1 peaked at 2.29-2.42 million KiB in 4 of 5 runs with it (and mimalloc and
  jemalloc never returning memory), 1.57-1.67 million in 2 of 3 runs without.
  pandas readers are rarely finalists, so they keep glibc's defaults.
* DuckDB's own allocator (it keeps memory up to its ``allocator_flush_threshold``).
"""

from __future__ import annotations

import os
import sys
from typing import Mapping

# The environment variable that marks a process started by restart_if_needed (and stops a loop).
_MARK = "STORAGEBENCH_ALLOCATORS"

# Each allocator's own setting for "keep freed memory for 5 seconds": a round reuses what the
# previous round of the same engine freed (rounds of the finalists interleave, milliseconds to
# about a second apart), while a heavy round's surplus (an Avro or CSV read's buffers) goes back
# soon after.  Not "never" (-1): with -1, mimalloc ignores even a forced collect, so nothing could
# hand the memory back before heavy work (see release_held).
HOLD_MS = 5_000
# pyarrow's default memory pool on Linux and macOS is mimalloc (2.x reads purge_delay).
MIMALLOC = {"MIMALLOC_PURGE_DELAY": str(HOLD_MS)}
# polars links jemalloc through tikv-jemallocator, whose variable carries the _RJEM_ prefix.  Its
# options are a list where a later entry overrides an earlier one: ours go first, so a user's own
# entries (already in the variable) still win.  `import polars` itself puts its own decay (dirty
# 500 ms, muzzy 1 s) in front of the variable, which our entries then override.  jemalloc's decay
# is a smooth curve (smoothstep): pages freed 1 s ago are about 10% returned with a 5 s decay.
JEMALLOC = ("_RJEM_MALLOC_CONF", f"dirty_decay_ms:{HOLD_MS},muzzy_decay_ms:{HOLD_MS}")
# What `import polars` wrote into os.environ when the variable was unset: a parent process that
# imported polars carries it, and it is polars' default, not the user's choice.
_POLARS_DEFAULT = "dirty_decay_ms:500,muzzy_decay_ms:1000"


def retaining_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with the retaining settings added.  A setting the user made keeps its say:
    ``MIMALLOC_PURGE_DELAY`` is left as it is, and the user's jemalloc entries come after ours."""
    env = dict(environ)
    for name, value in MIMALLOC.items():
        env.setdefault(name, value)
    name, ours = JEMALLOC
    theirs = env.get(name, "").removeprefix(_POLARS_DEFAULT).lstrip(",")
    env[name] = ours + ("," + theirs if theirs else "")
    env[_MARK] = "retain"
    return env


def restart_if_needed() -> None:
    """Re-execute this process (same interpreter, same arguments) with :func:`retaining_environment`,
    once.  Returns without doing anything where that is not possible (not POSIX, or the exec fails):
    :func:`settings` then records the defaults, so the report says which state was measured."""
    if os.environ.get(_MARK) or os.name != "posix":
        return
    argv = [sys.executable, *sys.orig_argv[1:]]
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, argv, retaining_environment(os.environ))
    except OSError as exc:
        print(f"storagebench: allocators keep their defaults (could not restart: {exc})", file=sys.stderr)


def release_held() -> None:
    """Hand pyarrow's held memory back to the kernel now (a forced mimalloc collect).  Called
    before a full-size write by a writer outside pyarrow's pool: held pools plus such a writer's
    peak (the Python JSON writer's objects, pandas' frames) raised decide's peak RSS to 2.53
    million KiB.  The next pyarrow round faults its memory in once, then reuses it again.
    polars' jemalloc has no such handle from Python; its decay returns what stays idle."""
    if "pyarrow" in sys.modules:  # nothing to release in a process that never loaded it
        import pyarrow as pa

        pa.default_memory_pool().release_unused()


def settings() -> dict[str, str | None]:
    """The allocator variables in effect in this process (``None``: unset, the library default)."""
    names = [*MIMALLOC, JEMALLOC[0]]
    return {"retaining": "yes" if os.environ.get(_MARK) else "no", **{n: os.environ.get(n) for n in names}}


def _retaining(recorded: Mapping[str, str | None] | None) -> bool:
    return bool(recorded) and recorded.get("retaining") == "yes"


def method_text(recorded: Mapping[str, str | None]) -> str:
    """One sentence for a report's method: which memory state the rounds measured."""
    if _retaining(recorded):
        return (f"Memory: the run's allocators keep freed memory (pyarrow's mimalloc and polars' jemalloc hold "
                f"it for {HOLD_MS / 1000:g} s; pyarrow's is handed back before a full-size write by another "
                "writer), so every round's result lands in memory the process already holds; a one-off read in "
                "a fresh process also pays the page faults of its result.")
    return ("Memory: the allocators kept their defaults, which give freed memory back to the kernel after a "
            "delay; a round whose result lands in returned memory pays its page faults, so round times depend "
            "on the run's rhythm as well as on the reader.")


def conditions_text(recorded: Mapping[str, str | None] | None) -> str:
    """The allocators' part of a run's one-line machine record ("" for runs that predate it: say
    nothing rather than guess)."""
    if not recorded:
        return ""
    return "; allocators keep freed memory" if _retaining(recorded) else "; allocators at their defaults"
