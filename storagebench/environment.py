"""What a run records about where it ran: library versions, machine, commit, seed, profile.

pytest-benchmark already stores ``machine_info`` and ``commit_info``; this adds the versions
of every library whose behaviour the numbers depend on.  Credentials and environment
variables are never recorded.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

from storagebench import allocators

LIBRARIES = ("pyarrow", "pandas", "numpy", "fastparquet", "fastavro", "cramjam", "boto3",
             "botocore", "s3fs", "fsspec", "aiobotocore", "moto", "pytest-benchmark", "psutil",
             "polars", "duckdb", "duckdb-extension-httpfs")


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit(root: Path | None = None) -> str | None:
    root = root or Path(__file__).resolve().parent.parent
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=5, check=True).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict[str, object]:
    import psutil

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "engine_threads": engine_threads(),
    }


def engine_threads() -> dict[str, object]:
    """Threads each multi-threaded engine ran with (fixed by formats/engines before first use),
    and DuckDB's session time zone (it converts every TIMESTAMPTZ to it)."""
    import pyarrow as pa

    from formats.engines import duckdb as duckdb_engine
    from formats.engines import polars as polars_engine

    out: dict[str, object] = {"pyarrow": pa.cpu_count(), "polars": polars_engine.threads()}
    try:
        out["duckdb"] = duckdb_engine.threads()
        out["duckdb_timezone"] = duckdb_engine.SESSION_TIMEZONE
    except Exception:  # DuckDB missing: recorded as such
        out["duckdb"] = None
    return out


class RunConditions:
    """How busy the machine was while a run ran, from counters read at its start and end.

    Two runs of the same benchmark can disagree because the machine changed under them, not the
    code: another process took CPU (``other_cpu_share``: busy CPU time of the whole machine
    minus this process's, over the run's CPU capacity) or the hypervisor did (``steal_share``:
    time a virtual CPU was ready but the host ran something else; 0 on bare metal).  Recording
    both lets a reader tell the two apart.  Counters are psutil's (``/proc/stat`` on Linux).
    """

    def __init__(self) -> None:
        import psutil

        self._process = psutil.Process()
        self._started = time.monotonic()
        self._machine = psutil.cpu_times()
        self._own = self._own_cpu()
        self._load = os.getloadavg()

    def _own_cpu(self) -> float:
        t = self._process.cpu_times()
        return t.user + t.system + t.children_user + t.children_system

    @staticmethod
    def _busy(t: object) -> float:
        # Everything but idle and iowait; steal is the host's, counted apart.
        return sum(v for k, v in t._asdict().items() if k not in ("idle", "iowait", "steal", "guest", "guest_nice"))

    def finish(self) -> dict[str, float | None]:
        import psutil

        wall = max(1e-9, time.monotonic() - self._started)
        now = psutil.cpu_times()
        capacity = wall * (psutil.cpu_count() or 1)
        other = self._busy(now) - self._busy(self._machine) - (self._own_cpu() - self._own)
        steal = getattr(now, "steal", None)
        return {
            "wall_s": wall,
            "other_cpu_share": max(0.0, other) / capacity,
            "steal_share": (steal - self._machine.steal) / capacity if steal is not None else None,
            "load_avg_1min_start": self._load[0],
            "load_avg_1min_end": os.getloadavg()[0],
        }


def conditions_text(c: dict[str, Any]) -> str:
    """:meth:`RunConditions.finish`'s record in one line: other processes' CPU, the hypervisor's
    steal, the load average, and (where recorded) whether the allocators kept freed memory."""
    steal = c.get("steal_share")
    return (f"other processes {c['other_cpu_share']:.0%} of CPU, "
            + (f"hypervisor steal {steal:.1%}, " if steal is not None else "hypervisor steal not available, ")
            + f"load average {c['load_avg_1min_start']:.2f} at the start, {c['load_avg_1min_end']:.2f} at the end"
            + allocators.conditions_text(c.get("allocators")))
