"""Bad input gives one clear error naming what is wrong (table, key, item, batch, backend)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from formats.base import StorageBenchInputError
from storagebench.dynamodb.backends import BackendOptions, start_backend
from storagebench.dynamodb.backends import dynalite
from storagebench.dynamodb.batching import batch_get, batch_write, check_item_size
from storagebench.dynamodb.errors import (
    BackendStartError,
    BackendUnavailable,
    BatchTooLargeError,
    DynamoDBError,
    ItemTooLargeError,
    KeyMismatchError,
    TableNotFoundError,
)
from storagebench.dynamodb.patterns import get_pattern
from storagebench.dynamodb.session import DynamoSession
from storagebench.dynamodb.tables import TableSpec, build_items, create_and_load, get_layout, pad_item, to_typed


@pytest.fixture(scope="module")
def moto():
    backend = start_backend("moto")
    yield backend
    backend.stop()


@pytest.fixture(scope="module")
def client(moto):
    c = moto.client()
    yield c
    c.close()


@pytest.fixture(scope="module")
def table(client):
    return create_and_load(client, TableSpec("guid", 30, seed=2), "bad", writers=1)


def test_missing_table(client):
    with pytest.raises(TableNotFoundError, match=r"table 'no-such-table' does not exist at http://127\.0\.0\.1"):
        client.call("GetItem", TableName="no-such-table", Key={"guid": {"S": "x"}})


def test_wrong_key_name(client, table):
    with pytest.raises(KeyMismatchError, match=f"table '{table.name}': key {{id: S}} does not match"):
        client.call("GetItem", TableName=table.name, Key={"id": {"S": "x"}})


def test_wrong_key_type(client, table):
    with pytest.raises(KeyMismatchError, match=f"table '{table.name}': key {{guid: N}} does not match the table.s key schema {{guid: S}}"):
        client.call("GetItem", TableName=table.name, Key={"guid": {"N": "1"}})


def test_item_over_400_kb(client, table):
    item = to_typed({"guid": "big-one", "Notes": "x"})
    with pytest.raises(ItemTooLargeError, match=r"over DynamoDB's 409600-byte \(400 KB\)"):
        pad_item(item, 400 * 1024 + 1, table.name)
    big = {**item, "Padding": {"S": "x" * (400 * 1024)}}
    with pytest.raises(ItemTooLargeError, match=f"item {{'guid': 'big-one'}} for table '{table.name}' is 409"):
        check_item_size(table.name, big, ("guid",))
    with pytest.raises(ItemTooLargeError, match=table.name):  # the loader checks before sending
        from storagebench.dynamodb.tables import load_items
        load_items(client, table.name, [big], key_names=("guid",))


def test_item_bytes_smaller_than_the_record():
    with pytest.raises(DynamoDBError, match="smaller than the record"):
        build_items(TableSpec("guid", 3, item_bytes=20))


def test_batch_over_100_keys(client, table):
    keys = [table.key_dict((f"k{i}",)) for i in range(101)]
    with pytest.raises(BatchTooLargeError, match=f"BatchGetItem on table '{table.name}': 101 keys, the limit is 100"):
        batch_get(client, table.name, keys)
    with pytest.raises(BatchTooLargeError, match="26 items, the limit is 25"):
        batch_write(client, table.name, [table.items[table.keys()[0]]] * 26)


def test_unknown_names():
    with pytest.raises(StorageBenchInputError, match="unknown DynamoDB backend 'cassandra'"):
        start_backend("cassandra")
    with pytest.raises(StorageBenchInputError, match="unknown DynamoDB pattern 'full_table_dump'"):
        get_pattern("full_table_dump")
    with pytest.raises(StorageBenchInputError, match="unknown table layout"):
        get_layout("sideways")


def test_real_endpoint_needs_the_explicit_flag():
    with pytest.raises(DynamoDBError, match="pass --ddb-allow-real"):
        start_backend("endpoint", BackendOptions(endpoint_url="http://127.0.0.1:9"))
    with pytest.raises(DynamoDBError, match="AWS DynamoDB in us-east-1"):
        start_backend("endpoint", BackendOptions())


def test_unreachable_endpoint_fails_fast_and_names_it(monkeypatch):
    # A custom endpoint needs credentials from the standard chain before it starts (issue 9).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    backend = start_backend("endpoint", BackendOptions(endpoint_url=f"http://127.0.0.1:{dynalite.free_port()}",
                                                       allow_real=True))
    backend.credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    with pytest.raises(DynamoDBError, match=r"endpoint http://127\.0\.0\.1:\d+ did not answer ListTables"):
        backend.client().call("ListTables")


def test_dynalite_without_node_is_a_skip_reason():
    with pytest.raises(BackendUnavailable, match="dynalite needs Node.js"):
        start_backend("dynalite", BackendOptions(node="/nonexistent/node"))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to show a failing start")
def test_backend_that_fails_to_start_says_why(tmp_path):
    cli = dynalite.cli_path(tmp_path)
    cli.parent.mkdir(parents=True)
    cli.write_text("console.error('boom: LevelDB could not open its store'); process.exit(3)\n")
    (cli.parent / "package.json").write_text('{"version": "0.0.0"}')
    with pytest.raises(BackendStartError, match="dynalite exited with code 3 .*boom: LevelDB could not open"):
        dynalite.start(BackendOptions(startup_timeout=10), node_dir=tmp_path)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_backend_that_never_answers_times_out(tmp_path):
    cli = dynalite.cli_path(tmp_path)
    cli.parent.mkdir(parents=True)
    cli.write_text("console.error('stuck'); setInterval(() => {}, 1000)\n")
    with pytest.raises(BackendStartError, match="did not answer on http://127.0.0.1:\\d+ within 2 s: stuck"):
        dynalite.start(BackendOptions(startup_timeout=2), node_dir=tmp_path)


def _fake_npm(tmp_path, script: str):
    fake_npm = tmp_path / "bin" / "npm"
    fake_npm.parent.mkdir()
    fake_npm.write_text("#!/bin/sh\n" + script)
    fake_npm.chmod(fake_npm.stat().st_mode | stat.S_IEXEC)
    return fake_npm.parent


def test_npm_install_failure_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(_fake_npm(tmp_path, "echo 'npm ERR! 404 Not Found - dynalite@99' >&2\nexit 1\n")))
    with pytest.raises(BackendStartError, match="`npm ci` in .* failed \\(exit 1\\): npm ERR! 404"):
        dynalite.install(tmp_path / "node", timeout=30)


def test_missing_dynalite_is_a_skip_reason_naming_the_setup_command(tmp_path):
    with pytest.raises(BackendUnavailable, match="not installed in .*run `python3 -m storagebench setup`"):
        dynalite.ensure_installed(tmp_path)


def test_setup_installs_outside_the_source_tree(tmp_path, monkeypatch):
    """`storagebench setup` runs npm ci in the per-user folder with the shipped lock file; the
    repository gains no node_modules, and a run afterwards finds the install."""
    repo = Path(__file__).resolve().parents[1]
    before = (repo / "node_modules").exists()
    # A stand-in npm that "installs" dynalite where it is run (checks it got the lock file).
    script = ("test -f package-lock.json || { echo 'no lock' >&2; exit 9; }\n"
              "mkdir -p node_modules/dynalite && echo '// cli' > node_modules/dynalite/cli.js\n")
    monkeypatch.setenv("PATH", str(_fake_npm(tmp_path, script)) + ":" + os.environ["PATH"])
    node_dir = tmp_path / "cache" / "node"
    monkeypatch.setenv("STORAGEBENCH_NODE_DIR", str(node_dir))
    from storagebench.cli import main

    assert main(["setup"]) == 0
    assert dynalite.ensure_installed(dynalite.default_node_dir()) == node_dir / "node_modules" / "dynalite" / "cli.js"
    assert (node_dir / "package-lock.json").read_bytes() == (dynalite.MANIFEST_DIR / "package-lock.json").read_bytes()
    assert (repo / "node_modules").exists() == before
    # An install from another lock file is not silently used.
    (node_dir / "package-lock.json").write_text("{}")
    with pytest.raises(BackendUnavailable, match="another package-lock.json"):
        dynalite.ensure_installed(node_dir)


def test_setup_without_npm_says_so_and_does_not_fail(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm here
    from storagebench.cli import main

    assert main(["setup", "--node-dir", str(tmp_path / "n")]) == 0
    assert "dynalite not installed: npm is not on PATH" in capsys.readouterr().err


def test_session_refuses_to_delete_tables_it_did_not_create():
    session = DynamoSession()
    try:
        with pytest.raises(DynamoDBError, match="refusing to delete table 'someone-elses'"):
            session.drop("moto", "someone-elses")
    finally:
        session.close()
