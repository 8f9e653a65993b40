"""A run on the embedded defaults connects to loopback only (traced, not assumed).

``strace -f -e trace=connect`` follows every process and thread of a real small run of the
suites that talk to servers (S3 through boto3, pyarrow and s3fs; DynamoDB on moto and dynalite;
the Glue catalog) with no AWS variables in the environment: boto3's
credential chain and the AWS SDK inside pyarrow would otherwise try the EC2 instance-metadata
service at 169.254.169.254.  Every AF_INET/AF_INET6 connect must go to 127.0.0.1 or ::1
(AF_UNIX and netlink sockets are local by definition).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INET = re.compile(r'inet_addr\("([^"]+)"\)')
INET6 = re.compile(r'inet_pton\(AF_INET6, "([^"]+)"')
LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


needs_strace = pytest.mark.skipif(shutil.which("strace") is None,
                                  reason="needs strace (apt-get install strace; .ci/run does)")


def _traced_run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, str]:
    """``storagebench run ARGS`` under strace with no AWS variable or config file in reach."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    trace = tmp_path / "connect.trace"
    proc = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace),
         sys.executable, "-m", "storagebench", "run", "--runs-dir", str(tmp_path / "runs"), "--no-report", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip(f"strace cannot trace here: {proc.stderr.strip()[-300:]}")
    return proc, trace.read_text()


@needs_strace
def test_embedded_run_connects_to_loopback_only(tmp_path):
    proc, text = _traced_run(
        tmp_path, "--suites", "s3_formats,dynamodb,catalog", "--rows", "200", "--datasets",
        "mixed", "--no-memory", "--", "--s3-formats", "csv,parquet", "--ddb-sizes", "50", "--ddb-patterns",
        "get_item_hit")
    assert proc.returncode == 0, proc.stderr[-3000:]
    connects = [line for line in text.splitlines() if "connect(" in line]
    addresses = INET.findall(text) + INET6.findall(text)
    assert connects and addresses, "strace saw no connection at all: the trace is not working"
    assert "127.0.0.1" in addresses  # the servers were really reached through the network stack
    outside = sorted({a for a in addresses if a not in LOOPBACK})
    assert outside == [], f"connections outside loopback: {outside}"


@needs_strace
def test_custom_endpoint_without_keys_never_asks_instance_metadata(tmp_path):
    """boto3's credential chain tries 169.254.169.254 when no key is set: not on a custom endpoint."""
    from storagebench.moto_server import EmbeddedMoto

    with EmbeddedMoto() as server:  # a reachable "custom" endpoint on loopback
        proc, text = _traced_run(tmp_path, "--suites", "s3_formats", "--", "--s3-endpoint", server.endpoint_url)
    assert proc.returncode == 2 and "no AWS credentials found" in proc.stderr, proc.stderr[-2000:]
    assert "169.254.169.254" not in text
    outside = sorted({a for a in INET.findall(text) + INET6.findall(text) if a not in LOOPBACK})
    assert outside == [], f"connections outside loopback: {outside}"
