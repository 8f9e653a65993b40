"""Ctrl-C, SIGTERM and SIGHUP sent to a real ``python3 -m storagebench run`` end it cleanly.

Each test starts a real run in its own session (so the signal reaches the run's process only,
the harder case than a terminal's Ctrl-C, which signals every process of the group), waits
until the run holds the resource under test (a dynalite node process, a memory pass's child, a
storagebench temp folder and moto's port), sends the signal and then checks what is left:
exit code 128 + signal, no run JSON published, the earlier run untouched, every child process
gone, no port the run listened on still listening, no storagebench folder in TMPDIR.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
EARLIER = '{"kept": true}'


def _listening(pids: set[int]) -> set[int]:
    ports = set()
    for conn in psutil.net_connections(kind="inet"):
        if conn.status == psutil.CONN_LISTEN and conn.pid in pids:
            ports.add(conn.laddr.port)
    return ports


def _still_listening(ports: set[int]) -> set[int]:
    return {c.laddr.port for c in psutil.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr.port in ports}


def _interrupt(tmp_path: Path, args: list[str], ready: Callable[[psutil.Process, Path], bool],
               sig: signal.Signals) -> None:
    runs, tmp = tmp_path / "runs", tmp_path / "tmp"
    runs.mkdir()
    tmp.mkdir()
    (runs / "earlier.json").write_text(EARLIER)
    env = {**os.environ, "TMPDIR": str(tmp)}
    # The run's own options before ``args``: ``args`` may end in ``-- <pytest options>``.
    proc = subprocess.Popen([sys.executable, "-m", "storagebench", "run", "--runs-dir", str(runs), "--no-report",
                             *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    parent = psutil.Process(proc.pid)
    children: list[psutil.Process] = []
    ports: set[int] = set()
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, f"run ended before it was interrupted: {proc.stderr.read()[-2000:]}"
            assert time.monotonic() < deadline, "the run never reached the state to interrupt"
            try:
                kids = parent.children(recursive=True)
                if ready(parent, tmp):
                    children = kids + parent.children(recursive=True)
                    ports = _listening({proc.pid, *(k.pid for k in children)})
                    break
            except psutil.Error:
                pass
            time.sleep(0.02)
        os.kill(proc.pid, sig)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + sig, err[-3000:]
    assert f"interrupted ({sig.name})" in err and "Traceback" not in err, err[-3000:]
    assert [p.name for p in runs.glob("*.json")] == ["earlier.json"]
    assert (runs / "earlier.json").read_text() == EARLIER
    assert not list(runs.glob(".*.partial"))
    # multiprocessing's helpers (the memory pass's forkserver, its resource tracker) exit when they
    # read EOF from the finished run: gone within moments of it, never left running.
    _, alive = psutil.wait_procs([c for c in children if c.is_running()], timeout=10)
    alive = [c for c in alive if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not alive, [c.cmdline() for c in alive]
    assert not _still_listening(ports), ports
    assert sorted(p.name for p in tmp.iterdir() if p.name.startswith("storagebench")) == []


def _has_node(parent: psutil.Process, tmp: Path) -> bool:
    return any("dynalite" in " ".join(c.cmdline()) and c.net_connections(kind="inet")
               for c in parent.children(recursive=True))


def _dynalite_installed() -> bool:
    from storagebench.dynamodb.backends import dynalite
    from storagebench.dynamodb.errors import BackendUnavailable

    try:
        dynalite.ensure_installed(dynalite.default_node_dir())
    except BackendUnavailable:
        return False
    return shutil.which("node") is not None


@pytest.mark.skipif(not _dynalite_installed(), reason="needs Node.js and `python3 -m storagebench setup`")
def test_sigterm_stops_dynalite_and_discards_the_run(tmp_path):
    _interrupt(tmp_path, ["--suites", "dynamodb", "--", "--ddb-backends", "dynalite", "--ddb-sizes", "3000"],
               _has_node, signal.SIGTERM)


def _memory_pass(parent: psutil.Process, tmp: Path) -> bool:
    """A measuring child is running: a child of the run's forkserver (storagebench.memory)."""
    servers = [c for c in parent.children() if "multiprocessing.forkserver" in " ".join(c.cmdline())]
    return any(server.children() for server in servers)


def test_ctrl_c_during_a_memory_pass(tmp_path):
    _interrupt(tmp_path, ["--suites", "local_formats", "--rows", "20000", "--formats", "csv,parquet",
                          "--datasets", "numeric"], _memory_pass, signal.SIGINT)


def _lifecycle_started(parent: psutil.Process, tmp: Path) -> bool:
    return any(p.name.startswith("storagebench-lifecycle-") for p in tmp.iterdir()) and bool(
        _listening({parent.pid}))


def test_sighup_removes_temp_folders_and_stops_moto(tmp_path):
    _interrupt(tmp_path, ["--suites", "catalog", "--rows", "500"], _lifecycle_started, signal.SIGHUP)
