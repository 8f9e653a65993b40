"""dynalite (npm) as a DynamoDB backend: a DynamoDB implementation on LevelDB, run with Node.

Why it is here: unlike moto it pages Query/Scan at 1 MB and computes ConsumedCapacity from item
sizes, so latency-vs-size slopes and capacity can be compared with DynamoDB's rules.  It is
pinned in ``storagebench/data/node/package.json`` / ``package-lock.json`` (shipped with the
package, so a non-editable install finds it too).

Install: ``python3 -m storagebench setup`` (a setup step, never a test or a run) copies the pinned
manifest into a per-user folder (``$STORAGEBENCH_NODE_DIR``, else
``$XDG_CACHE_HOME/storagebench/node``, else ``~/.cache/storagebench/node``) and runs ``npm ci``
there: nothing is written into the source tree.  Without it the backend is unavailable, a
recorded skip naming that command.

Lifecycle: it starts ``node cli.js`` on a
free 127.0.0.1 port with an in-memory store (tables ACTIVE at once), waits until ``GET /``
answers "healthy" (bounded by ``startup_timeout``), and terminates the process at the end.
Without Node.js the backend is unavailable (a skip with the reason); a start that fails raises
:class:`BackendStartError` with dynalite's stderr.
"""

from __future__ import annotations

import json
import os
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

MANIFEST_DIR = Path(__file__).resolve().parents[2] / "data" / "node"
_MANIFEST_FILES = ("package.json", "package-lock.json")
SETUP_COMMAND = "python3 -m storagebench setup"
CAVEAT = ("dynalite: DynamoDB's API on LevelDB in one Node process on loopback; pages and "
          "ConsumedCapacity follow DynamoDB's rules, latency is this machine's, not the service's")


def cli_path(node_dir: Path) -> Path:
    return node_dir / "node_modules" / "dynalite" / "cli.js"


def default_node_dir() -> Path:
    """Where the Node backends are installed: a per-user folder, never the source tree."""
    if os.environ.get("STORAGEBENCH_NODE_DIR"):
        return Path(os.environ["STORAGEBENCH_NODE_DIR"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "storagebench" / "node"


def _manifest_matches(node_dir: Path) -> bool:
    return all((node_dir / name).exists() and (node_dir / name).read_bytes() == (MANIFEST_DIR / name).read_bytes()
               for name in _MANIFEST_FILES)


def ensure_installed(node_dir: Path) -> Path:
    """The installed dynalite's cli.js, or a skip reason naming the setup command.

    A folder installed from another lock file (an older storagebench) counts as missing: the
    pinned version is what the results record."""
    cli = cli_path(node_dir)
    if not cli.exists():
        raise BackendUnavailable(f"dynalite is not installed in {node_dir}: run `{SETUP_COMMAND}` "
                                 "(needs Node.js >= 20 with npm)")
    if (node_dir / "package-lock.json").exists() and not _manifest_matches(node_dir):
        raise BackendUnavailable(f"dynalite in {node_dir} was installed from another package-lock.json "
                                 f"than this storagebench pins: run `{SETUP_COMMAND}` again")
    return cli


def install(node_dir: Path | None = None, timeout: float = 300.0) -> Path:
    """Install the pinned dynalite into ``node_dir`` with ``npm ci``; return its cli.js."""
    node_dir = node_dir or default_node_dir()
    cli = cli_path(node_dir)
    if cli.exists() and _manifest_matches(node_dir):
        return cli
    npm = shutil.which("npm")
    if npm is None:
        raise BackendUnavailable("npm is not on PATH: install Node.js >= 20 with npm "
                                 "(e.g. `apt-get install nodejs npm`) to use the dynalite backend")
    try:
        node_dir.mkdir(parents=True, exist_ok=True)
        for name in _MANIFEST_FILES:
            shutil.copyfile(MANIFEST_DIR / name, node_dir / name)
    except OSError as exc:
        raise BackendStartError(f"dynalite: cannot write the Node manifest into {node_dir}: {exc.strerror or exc}") from None
    command = [npm, "ci", "--no-audit", "--no-fund"]
    try:
        done = subprocess.run(command, cwd=node_dir, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise BackendStartError(f"dynalite: `npm ci` in {node_dir} took over {timeout:.0f} s") from None
    if done.returncode != 0 or not cli.exists():
        tail = (done.stderr or done.stdout).strip()[-800:]
        raise BackendStartError(f"dynalite: `npm ci` in {node_dir} failed (exit {done.returncode}): {tail}")
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
    node_dir = node_dir or default_node_dir()
    node = options.node or shutil.which("node")
    if node is None or not Path(node).exists():
        raise BackendUnavailable(f"dynalite needs Node.js >= 20 and {options.node or 'node'!r} was not found "
                                 "(install Node.js, e.g. `apt-get install nodejs npm`)")
    cli = ensure_installed(node_dir)
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
        startup_seconds=time.perf_counter() - started, data_dies_with_stop=True, _stop=stop)
