"""Every registered access pattern returns the right items (moto and dynalite), and on dynalite
the read units computed by our rules equal the ConsumedCapacity it reports."""

from __future__ import annotations

import random
import shutil

import pytest

from storagebench.dynamodb.bench import DynamoCase, run_pattern
from storagebench.dynamodb.files_vs_items import row_group_rows, run_files_vs_items
from storagebench.dynamodb.patterns import all_patterns
from storagebench.dynamodb.session import DynamoSession
from storagebench.dynamodb.tables import TableSpec
from fake_benchmark import FakeBenchmark

ITEMS = 2_500  # the largest department partition then holds > 100 items (query_partition_100)


@pytest.fixture(scope="module")
def session():
    s = DynamoSession(writers=4)
    yield s
    assert s.close() == []
    assert all(not names for names in s.created.values())  # every table this run made is gone


def _backends():
    out = ["moto"]
    out.append(pytest.param("dynalite", marks=pytest.mark.skipif(shutil.which("node") is None,
                                                                 reason="dynalite needs Node.js")))
    return out


@pytest.mark.parametrize("backend", _backends())
@pytest.mark.parametrize("pattern", all_patterns(), ids=lambda p: p.name)
def test_pattern_returns_the_written_items(session, backend, pattern):
    table = session.table(backend, TableSpec(pattern.layout, ITEMS, seed=11))
    assert pattern.applicable(table) is None
    client = session.client(backend)
    for probe in pattern.probes(table, random.Random(1), 3):
        answer = pattern.execute(client, table, probe)
        assert pattern.check(table, probe, answer) is None
        assert answer.returned_count == len(probe.expected)
        computed = pattern.rcu(client, table, probe, answer)
        assert computed > 0
        if backend == "dynalite":
            assert answer.rcu_reported == pytest.approx(computed), pattern.name


def test_check_catches_a_wrong_answer(session):
    from storagebench.dynamodb.patterns import get_pattern

    pattern = get_pattern("get_item_hit")
    table = session.table("moto", TableSpec("guid", ITEMS, seed=11))
    probe = pattern.probes(table, random.Random(2), 1)[0]
    answer = pattern.execute(session.client("moto"), table, probe)
    answer.items[0] = dict(answer.items[0], Notes={"S": "tampered"})
    assert "differs" in pattern.check(table, probe, answer)


@pytest.mark.parametrize("backend", _backends())
def test_run_pattern_fills_the_results_contract(session, backend):
    from storagebench.dynamodb.patterns import get_pattern

    bench = FakeBenchmark()
    case = DynamoCase(backend, "scan_filter_one", TableSpec("guid", ITEMS, seed=11))
    info = run_pattern(bench, session, case, get_pattern("scan_filter_one"), rounds=2, profile="quick", seed=1)
    assert info["suite"] == "dynamodb" and info["operation"] == "scan_filter_one" and info["backend"] == backend
    assert info["scanned_count"] == ITEMS and info["returned_count"] == 1
    assert info["p50_s"] > 0 and info["p99_s"] >= info["p50_s"] and info["rounds"] == 2
    assert info["cost_per_million_usd"] > 0 and info["table_items"] == ITEMS
    if backend == "moto":
        assert "loop over the whole table" in info["backend_caveat"] and info["rcu_reported_meaningful"] is False
    else:
        assert info["rcu_agreement"] is True and info["pages"] >= 1


def test_files_vs_items_side_by_side(session):
    bench = FakeBenchmark()
    info = run_files_vs_items(bench, session, "moto", ITEMS, rounds=2, profile="quick", seed=11)
    assert info["parquet_row_group_rows"] == row_group_rows(ITEMS) == 1_000
    assert info["parquet_row_groups"] == 3
    assert info["getitem_requests"] == 1 and info["getitem_bytes"] > 0
    # the filtered Parquet read needs several requests and moves far more bytes than one item
    assert info["parquet_requests"] > info["getitem_requests"]
    assert info["parquet_bytes"] > 10 * info["getitem_bytes"]
    assert info["parquet_cost_per_million_usd"] > 0 and info["getitem_cost_per_million_usd"] > 0


def test_row_group_rows_bounds():
    assert row_group_rows(500) == 500
    assert row_group_rows(10_000) == 1_000
    assert row_group_rows(1_000_000) == 10_000
