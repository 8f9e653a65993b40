"""storagebench.allocators: the measuring process keeps freed memory, so a round times the read and
not the kernel faulting in memory the allocator gave back since the last round."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap

import pytest

from storagebench import allocators
from storagebench.cli import main


def test_the_retaining_environment_keeps_what_the_user_set():
    env = allocators.retaining_environment({"MIMALLOC_PURGE_DELAY": "250", "_RJEM_MALLOC_CONF": "narenas:2",
                                            "PATH": "/bin"})
    assert env["MIMALLOC_PURGE_DELAY"] == "250", "the user's own setting wins"
    # jemalloc reads its options left to right: the user's entries come last so they win
    assert env["_RJEM_MALLOC_CONF"] == "dirty_decay_ms:5000,muzzy_decay_ms:5000,narenas:2"
    assert env["PATH"] == "/bin"
    assert env["STORAGEBENCH_ALLOCATORS"] == "retain"
    assert "GLIBC_TUNABLES" not in env, "glibc keeps its defaults (pandas writers' peaks, see the module)"


def test_polars_own_default_in_the_parent_is_not_taken_for_the_users():
    """`import polars` writes its decay into os.environ; a parent that imported it must not pass
    that on as if the user had chosen it (it would sit after ours and undo it)."""
    env = allocators.retaining_environment({"_RJEM_MALLOC_CONF": "dirty_decay_ms:500,muzzy_decay_ms:1000"})
    assert env["_RJEM_MALLOC_CONF"] == "dirty_decay_ms:5000,muzzy_decay_ms:5000"
    env = allocators.retaining_environment({"_RJEM_MALLOC_CONF": "dirty_decay_ms:500,muzzy_decay_ms:1000,narenas:2"})
    assert env["_RJEM_MALLOC_CONF"] == "dirty_decay_ms:5000,muzzy_decay_ms:5000,narenas:2"
    assert allocators.retaining_environment({})["MIMALLOC_PURGE_DELAY"] == "5000"


def test_restart_execs_the_same_command_once(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: calls.append((path, argv, env)))
    monkeypatch.setattr(sys, "orig_argv", ["python3", "-m", "storagebench", "decide", "data.csv"])
    monkeypatch.delenv("STORAGEBENCH_ALLOCATORS", raising=False)
    allocators.restart_if_needed()
    assert len(calls) == 1
    path, argv, env = calls[0]
    assert path == sys.executable and argv == [sys.executable, "-m", "storagebench", "decide", "data.csv"]
    assert env["MIMALLOC_PURGE_DELAY"] == "5000" and env["STORAGEBENCH_ALLOCATORS"] == "retain"
    monkeypatch.setenv("STORAGEBENCH_ALLOCATORS", "retain")  # the restarted process: no second restart
    allocators.restart_if_needed()
    assert len(calls) == 1


def test_a_failed_restart_says_so_and_carries_on(monkeypatch, capsys):
    def refuse(*_):
        raise PermissionError("exec refused")

    monkeypatch.setattr(os, "execve", refuse)
    monkeypatch.delenv("STORAGEBENCH_ALLOCATORS", raising=False)
    allocators.restart_if_needed()
    assert "allocators keep their defaults" in capsys.readouterr().err
    assert allocators.settings()["retaining"] == "no"
    assert "defaults" in allocators.method_text(allocators.settings())


def test_main_called_from_python_never_restarts_the_caller(monkeypatch, capsys):
    def forbidden(*_):
        raise AssertionError("main(argv) must not exec: the process belongs to its caller")

    monkeypatch.setattr(os, "execve", forbidden)
    monkeypatch.delenv("STORAGEBENCH_ALLOCATORS", raising=False)
    assert main(["decide", "--budget", "0s"]) == 2  # parsed, then refused as bad input, no exec
    assert "budget" in capsys.readouterr().err


_READS = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np, pyarrow as pa, pyarrow.feather as feather
    path = sys.argv[1]
    engine = sys.argv[2]
    if engine == "polars":
        import polars as pl
        read = lambda: pl.read_parquet(path.replace(".arrow", ".parquet"))
    else:
        read = lambda: feather.read_table(path, memory_map=False)
    faults = []
    for _ in range(8):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        result = read()
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
        del result
        time.sleep(0.6)  # longer than mimalloc's purge delay and polars' 500 ms jemalloc decay
    print(json.dumps(faults))
""")


@pytest.fixture(scope="module")
def forty_mb_files(tmp_path_factory):
    import numpy as np
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    folder = tmp_path_factory.mktemp("alloc")
    table = pa.table({f"c{i}": np.arange(1_000_000, dtype=np.int64) * (i + 1) for i in range(5)})  # 40 MB
    feather.write_feather(table, folder / "t.arrow", compression="uncompressed")
    pq.write_table(table, folder / "t.parquet", compression="none")
    return folder / "t.arrow"


@pytest.mark.parametrize("engine", ["pyarrow", "polars"])
def test_the_retaining_settings_reach_the_allocator(forty_mb_files, engine):
    """The variable names are the libraries' own: if a release renames one, this fails.  A 40 MB
    result is about 10,000 pages of 4 KiB; in a retaining process, reads after the first reuse
    memory the process holds, whatever the pause between them: the median read faults a few pages.
    (The first reads grow the heaps: polars' jemalloc has an arena per thread, and an arena not yet
    grown faults once more.)  With the libraries' defaults, pyarrow's rounds alternate between
    held and returned memory (about 900-1,400 faults every other read here, fewer than the pages
    because the kernel gives huge pages) and polars' fault 2,000-12,000 pages in most reads."""
    env = allocators.retaining_environment(os.environ)  # this pytest process may have imported polars
    out = subprocess.run([sys.executable, "-c", _READS, str(forty_mb_files), engine], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    faults = json.loads(out.stdout)
    assert statistics.median(faults[2:]) < 200, f"{engine}: later reads faulted in fresh memory: {faults}"


_RELEASE = textwrap.dedent("""
    import json, sys
    import psutil, pyarrow.feather as feather
    from storagebench import allocators
    rss = lambda: psutil.Process().memory_info().rss
    table = feather.read_table(sys.argv[1], memory_map=False)
    del table
    held = rss()
    allocators.release_held()
    print(json.dumps([held, rss()]))
""")


def test_release_held_hands_pyarrows_memory_back(forty_mb_files):
    """Held for 5 s, but not past a full-size write: the forced collect returns the 40 MB
    result's memory at once (with a purge delay of -1 mimalloc would ignore it)."""
    env = allocators.retaining_environment(os.environ)
    out = subprocess.run([sys.executable, "-c", _RELEASE, str(forty_mb_files)], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    held, released = json.loads(out.stdout)
    assert held - released > 30 * 2**20, f"RSS {held >> 20} MiB held, {released >> 20} MiB after release_held"


def test_a_file_written_for_a_round_is_read_once_untimed_first(monkeypatch):
    """The first timed round of a fresh full-size file follows one untimed read, so it meets held
    memory like every later round.  pyarrow's pool is handed back before a write by another
    writer only (a pyarrow writer reuses it).  Sample files (screening) and files already written
    get neither."""
    import numpy as np
    import pyarrow as pa

    import formats
    from formats.base import ReadRequest
    from storagebench.decide.bench import Bench
    from storagebench.decide.configs import Configuration, FileConfig
    from storagebench.decide.targets import TARGETS

    reads = []
    for name in ("feather", "csv"):
        codec = formats.get_codec(name)
        monkeypatch.setattr(type(codec), "read", lambda self, *a, real=codec.read, **k: reads.append(a[1]) or real(*a, **k))
    released = []
    monkeypatch.setattr(allocators, "release_held", lambda: released.append(True))
    bench = Bench(TARGETS["local"](), pa.table({"x": np.arange(5_000, dtype=np.int64)}), 500)
    feather_cfg = Configuration(FileConfig("feather", "none", "pyarrow"), "pyarrow")
    pandas_cfg = Configuration(FileConfig("csv", "none", "pandas"), "pyarrow")
    try:
        bench.time_read("full-export", feather_cfg, "full", ReadRequest())
        assert (len(reads), len(released)) == (2, 0), "fresh file by pyarrow: read untimed, then timed; pool kept"
        bench.time_read("full-export", feather_cfg, "full", ReadRequest())
        assert len(reads) == 3, "already written: the timed read alone"
        bench.time_read("full-export", feather_cfg, "sample", ReadRequest())
        assert (len(reads), len(released)) == (4, 0), "sample files: no extra read"
        bench.time_read("full-export", pandas_cfg, "full", ReadRequest())
        assert (len(reads), len(released)) == (6, 1), "a pandas writer: pool handed back first"
        assert len(bench.read_counts[("full-export", feather_cfg, "full")]) == 2, "only timed reads are counted"
    finally:
        bench.close()
