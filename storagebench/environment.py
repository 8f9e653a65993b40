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
from pathlib import Path

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
