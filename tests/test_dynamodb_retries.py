"""Retry paths with injected failures: UnprocessedItems, UnprocessedKeys, throttling."""

from __future__ import annotations

import pytest

from storagebench.dynamodb import faults
from storagebench.dynamodb.backends import start_backend
from storagebench.dynamodb.batching import batch_get, batch_write
from storagebench.dynamodb.errors import ThrottledError, UnprocessedError
from storagebench.dynamodb.tables import TableSpec, create_and_load


@pytest.fixture(scope="module")
def moto():
    backend = start_backend("moto")
    yield backend
    backend.stop()


@pytest.fixture()
def client(moto):
    c = moto.client(backoff_base=0.001)
    yield c
    c.close()


@pytest.fixture(scope="module")
def table(moto):
    c = moto.client()
    loaded = create_and_load(c, TableSpec("guid", 120, seed=3), "retry", writers=2)
    yield loaded
    c.close()


def test_unprocessed_items_are_resent_and_counted(moto, client):
    injector = faults.inject(client, "BatchWriteItem", "unprocessed", times=3)
    loaded = create_and_load(client, TableSpec("guid", 50, seed=5), "unproc", writers=1)
    assert injector.injected == 3
    assert loaded.load.unprocessed_resends == 3
    # every item really arrived despite the injected partial failures
    scanned = client.call("Scan", TableName=loaded.name, Select="COUNT")["Count"]
    assert scanned == 50


def test_unprocessed_items_give_up_with_a_clear_error(client, table):
    faults.inject(client, "BatchWriteItem", "unprocessed", times=10)
    item = table.items[table.keys()[0]]
    with pytest.raises(UnprocessedError, match=f"{table.name}.*1 items still unprocessed after 3 attempts"):
        batch_write(client, table.name, [item], max_attempts=3, backoff_base=0.001)


def test_unprocessed_keys_are_resent(client, table):
    faults.inject(client, "BatchGetItem", "unprocessed", times=2)
    keys = table.keys()[:40]
    result = batch_get(client, table.name, [table.key_dict(k) for k in keys], backoff_base=0.001)
    assert result.resends == 2 and result.calls == 3
    assert sorted(table.key_of(i) for i in result.items) == sorted(keys)


def test_throttling_is_retried_and_counted(client, table):
    injector = faults.inject(client, "GetItem", "throttle", times=4)
    key = table.keys()[7]
    item = client.call("GetItem", TableName=table.name, Key=table.key_dict(key))["Item"]
    assert table.key_of(item) == key
    assert injector.injected == 4 and client.counters.throttle_retries == 4


def test_throttling_that_does_not_clear_stops_with_a_count(moto, table):
    client = moto.client(max_retries=2, backoff_base=0.001)
    faults.inject(client, "Query", "throttle", times=100)
    with pytest.raises(ThrottledError, match=f"Query on table '{table.name}'.*after 2 retries"):
        client.call("Query", TableName=table.name, KeyConditionExpression="guid = :g",
                    ExpressionAttributeValues={":g": {"S": "x"}})
    assert client.counters.throttle_retries == 2
