"""Item sizes and read/write units by DynamoDB's rules, on hand-computed cases."""

from __future__ import annotations

import pytest

from storagebench.dynamodb import capacity as cap
from storagebench.dynamodb.tables import pad_item, to_typed


@pytest.mark.parametrize("text, size", [
    ("0", 1),          # zero is one byte
    ("7", 2),          # 1 exponent byte + one base-100 digit
    ("12", 2),         # "12" is one base-100 digit
    ("123", 3),        # "01 23": two digits
    ("100", 2),        # trailing zeros trimmed: 1e2 is one digit
    ("1.5", 3),        # "01 . 50": two digits either side of the point
    ("0.5", 2),        # ". 50": one digit
    ("-123", 4),       # negative: one more byte
    ("12345678901234567890", 11),  # 20 digits = 10 base-100 digits + 1
])
def test_number_sizes(text, size):
    assert cap.number_size(text) == size


def test_item_size_sums_names_and_values():
    item = {"guid": {"S": "abc"}, "n": {"N": "42"}, "ok": {"BOOL": True}, "none": {"NULL": True},
            "b": {"B": b"\x00\x01\x02"}}
    # names 4+1+2+4+1 = 12; values 3 + 2 + 1 + 1 + 3 = 10
    assert cap.item_size(item) == 22


def test_item_size_utf8_and_nested():
    assert cap.item_size({"é": {"S": "ü€"}}) == 2 + 2 + 3  # UTF-8 bytes of name and value
    # list: 3 + (1 + 1) + (1 + 2); map: 3 + (1 + len("k") + 1)
    assert cap.value_size({"L": [{"S": "a"}, {"N": "12"}]}) == 3 + 2 + 3
    assert cap.value_size({"M": {"k": {"S": "v"}}}) == 3 + 1 + 1 + 1
    assert cap.value_size({"SS": ["ab", "c"]}) == 3


def test_get_item_rcu_rounds_per_item_and_halves_for_eventual():
    assert cap.get_item_rcu(100, consistent=True) == 1
    assert cap.get_item_rcu(100, consistent=False) == 0.5
    assert cap.get_item_rcu(4096, consistent=True) == 1
    assert cap.get_item_rcu(4097, consistent=True) == 2
    assert cap.get_item_rcu(9000, consistent=False) == 1.5
    assert cap.get_item_rcu(None, consistent=False) == 0.5  # a miss still costs
    assert cap.get_item_rcu(None, consistent=True) == 1


def test_batch_get_rounds_each_item_but_query_sums_then_rounds():
    sizes = [1000] * 10  # 10 items of 1 KB
    assert cap.batch_get_rcu(sizes, consistent=True) == 10  # ten GetItems, one unit each
    assert cap.page_rcu(sizes, consistent=True) == 3  # 10,000 bytes -> ceil(10000/4096) = 3
    assert cap.page_rcu(sizes, consistent=False) == 1.5
    assert cap.batch_get_rcu([1000, None], consistent=False) == 1.0


def test_scan_bills_evaluated_not_returned():
    evaluated = [200] * 1000  # a filter returning one of them does not change the bill
    assert cap.page_rcu(evaluated, consistent=False) == 0.5 * 49  # ceil(200000/4096) = 49
    assert cap.page_rcu([], consistent=False) == 0.5  # DynamoDB's minimum per request


def test_write_units_and_costs_from_price_table():
    assert cap.write_wcu(1) == 1 and cap.write_wcu(1024) == 1 and cap.write_wcu(1025) == 2
    price = cap.on_demand_prices()["per_million_read_request_units"]
    assert cap.read_cost_per_million(0.5) == pytest.approx(0.5 * price)
    assert cap.write_cost_per_million(2) == pytest.approx(2 * cap.on_demand_prices()["per_million_write_request_units"])


def test_padding_reaches_exact_item_size():
    item = to_typed({"guid": "g-1", "OfficerCount": 3, "Notes": "x"})
    for target in (200, 1024, 4097, 400 * 1024):
        assert cap.item_size(pad_item(item, target)) == target
