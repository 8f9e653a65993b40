"""dynalite (npm) as a DynamoDB backend: a DynamoDB implementation on LevelDB, run with Node.

Why it is here: unlike moto it pages Query/Scan at 1 MB and computes ConsumedCapacity from item
sizes, so latency-vs-size slopes and capacity can be compared with DynamoDB's rules.  It is
pinned in the repository's ``package.json`` / ``package-lock.json``.

Lifecycle: when ``node_modules/dynalite`` is missing and npm exists, the suite runs ``npm ci``
(``npm install`` without a lock file) in the repository root; it starts ``node cli.js`` on a
free 127.0.0.1 port with an in-memory store (tables ACTIVE at once), waits until ``GET /``
answers "healthy" (bounded by ``startup_timeout``), and terminates the process at the end.
Without Node.js the backend is unavailable (a skip with the reason); a start that fails raises
:class:`BackendStartError` with dynalite's stderr.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from storagebench.dynamodb.backends import BackendOptions, RunningBackend, backend
from storagebench.dynamodb.errors import BackendStartError, BackendUnavailable
from storagebench.moto_server import DUMMY_CREDENTIALS

REPO_ROOT = Path(__file__).resolve().parents[3]
CAVEAT = ("dynalite: DynamoDB's API on LevelDB in one Node process on loopback; pages and "
          "ConsumedCapacity follow DynamoDB's rules, latency is this machine's, not the service's")


def cli_path(node_dir: Path) -> Path:
    return node_dir / "node_modules" / "dynalite" / "cli.js"


def ensure_installed(node_dir: Path, timeout: float) -> Path:
    """Install the pinned dynalite with npm if node_modules lacks it; return its cli.js."""
    cli = cli_path(node_dir)
    if cli.exists():
        return cli
    npm = shutil.which("npm")
    if npm is None:
        raise BackendUnavailable(f"dynalite is not installed in {node_dir / 'node_modules'} and npm is "
                                 "not on PATH: install Node.js >= 20 with npm, then run `npm ci` there")
    if not (node_dir / "package.json").exists():
        raise BackendStartError(f"dynalite: no package.json in {node_dir} to install it from")
    command = [npm, "ci" if (node_dir / "package-lock.json").exists() else "install",
               "--no-audit", "--no-fund"]
    try:
        done = subprocess.run(command, cwd=node_dir, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BackendStartError(f"dynalite: `{' '.join(command[:2])}` in {node_dir} took over {timeout:.0f} s") from None
    if done.returncode != 0 or not cli.exists():
        tail = (done.stderr or done.stdout).strip()[-800:]
        raise BackendStartError(f"dynalite: `npm {command[1]}` in {node_dir} failed "
                                f"(exit {done.returncode}): {tail}")
    return cli


def _die_with_parent() -> list[str]:
    """A prefix that makes node receive SIGKILL when this process dies, however it dies.

    The suite stops dynalite at teardown; this covers the ways teardown never runs (SIGKILL, a
    crash), so no node process is left listening on 127.0.0.1.  util-linux's ``setpriv`` sets
    the parent-death signal and execs node (no Python ``preexec_fn``, which is unsafe with the
    moto server's threads running).  Without it the teardown alone stops node.
    """
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200 and b"healthy" in response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@backend("dynalite", "dynalite (npm, LevelDB): real 1 MB pages and ConsumedCapacity; needs Node.js")
def start(options: BackendOptions, node_dir: Path | None = None) -> RunningBackend:
    node_dir = node_dir or REPO_ROOT
    node = options.node or shutil.which("node")
    if node is None or not Path(node).exists():
        raise BackendUnavailable(f"dynalite needs Node.js >= 20 and {options.node or 'node'!r} was not found "
                                 "(install Node.js, e.g. `apt-get install nodejs npm`)")
    cli = ensure_installed(node_dir, options.install_timeout)
    started = time.perf_counter()
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")  # stdout+stderr to a file: a full pipe cannot block it
    process = subprocess.Popen(
        [*_die_with_parent(), node, str(cli), "--host", "127.0.0.1", "--port", str(port),
         "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=node_dir)
    url = f"http://127.0.0.1:{port}"

    def output() -> str:
        log.seek(0)
        return log.read().strip()[-1500:] or "(no output)"

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        log.close()

    deadline = time.monotonic() + options.startup_timeout
    try:
        while not _healthy(url + "/"):
            if process.poll() is not None:
                raise BackendStartError(f"dynalite exited with code {process.returncode} before answering on "
                                        f"{url} ({node} {cli}): {output()}")
            if time.monotonic() > deadline:
                raise BackendStartError(f"dynalite did not answer on {url} within "
                                        f"{options.startup_timeout:.0f} s: {output()}")
            time.sleep(0.05)
    except BaseException:  # a start error, or Ctrl-C/SIGTERM while waiting: never leave node running
        stop()
        raise
    version = json.loads((cli.parent / "package.json").read_text()).get("version")
    return RunningBackend(
        name="dynalite", endpoint_url=url, region="us-east-1", credentials=dict(DUMMY_CREDENTIALS),
        reports_capacity=True, caveat=CAVEAT, version=version,
        startup_seconds=time.perf_counter() - started, _stop=stop)
