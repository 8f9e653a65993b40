"""Item sizes and read/write capacity units by DynamoDB's published rules, computed here.

Why our own arithmetic: moto reports a constant ConsumedCapacity (TRAPS.md), and even a backend
that computes it (dynalite, AWS) should be checked, so every result carries ``rcu_computed`` from
these functions next to ``rcu_reported`` from the backend.

Item size (DynamoDB developer guide, "Item sizes and formats"), items in the low-level typed form
``{"attr": {"S": "..."}}``:

* each attribute: UTF-8 length of its name + size of its value;
* ``S``: UTF-8 bytes; ``B``: raw bytes; ``BOOL`` / ``NULL``: 1 byte;
* ``N``: 1 byte + one byte per *pair* of significant digits, pairs aligned on the decimal point
  (DynamoDB stores numbers in base 100), + 1 byte if negative; zero is 1 byte;
* ``SS`` / ``NS`` / ``BS``: sum of the element sizes;
* ``L`` / ``M``: 3 bytes + per element 1 byte + the element's size (+ its name for ``M``).

Read capacity (one read unit = up to 4 KB read strongly consistently; eventually consistent
costs half):

* GetItem: ``ceil(size / 4 KB)`` units, a miss still costs 1 unit (0.5 eventually consistent);
* BatchGetItem: each key billed as its own GetItem (rounded per item), misses included;
* Query / Scan: per page, the sizes of all items *evaluated* are summed, then rounded up to
  4 KB; a FilterExpression does not reduce this (Scan bills what it read, not what it returned).
  A page that evaluated nothing is billed 1 unit here (DynamoDB's minimum per request;
  dynalite reports 0 for it, which the agreement check shows).

Write capacity: ``ceil(size / 1 KB)`` units per item written.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Iterable, Mapping

from storagebench.prices import region_prices

MAX_ITEM_BYTES = 400 * 1024
READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024

TypedItem = Mapping[str, Mapping[str, Any]]


def number_size(text: str) -> int:
    """Bytes DynamoDB stores for the number ``text`` (base-100 digits, see module docstring)."""
    value = Decimal(text)
    if value.is_zero():
        return 1
    sign, digits, exponent = value.normalize().as_tuple()  # normalize trims trailing zeros
    n = len(digits)
    top = exponent + n - 1  # decimal position of the most significant digit (10**top)
    bottom = exponent  # position of the least significant digit
    pairs = top // 2 - bottom // 2 + 1  # base-100 digits spanned, aligned on the decimal point
    return 1 + pairs + (1 if sign else 0)


def value_size(value: Mapping[str, Any]) -> int:
    """Size of one typed attribute value (``{"S": ...}``, ``{"N": ...}``, ...)."""
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode("utf-8"))
    if kind == "N":
        return number_size(v)
    if kind == "B":
        return len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in v)
    if kind == "NS":
        return sum(number_size(s) for s in v)
    if kind == "BS":
        return sum(len(b) for b in v)
    if kind == "L":
        return 3 + sum(1 + value_size(e) for e in v)
    if kind == "M":
        return 3 + sum(1 + len(name.encode("utf-8")) + value_size(e) for name, e in v.items())
    raise ValueError(f"unknown DynamoDB attribute type {kind!r}")


def item_size(item: TypedItem) -> int:
    """Bytes of an item by DynamoDB's rules: attribute names plus values."""
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def _consistency_factor(consistent: bool) -> float:
    return 1.0 if consistent else 0.5


def get_item_rcu(size: int | None, consistent: bool) -> float:
    """GetItem: per item, rounded up to 4 KB; ``size`` None is a miss (still 1 unit)."""
    units = math.ceil(size / READ_UNIT_BYTES) if size else 1
    return units * _consistency_factor(consistent)


def batch_get_rcu(sizes: Iterable[int | None], consistent: bool) -> float:
    """BatchGetItem: each key is a GetItem, rounded per item (misses included)."""
    return sum(get_item_rcu(s, consistent) for s in sizes)


def page_rcu(evaluated_sizes: Iterable[int], consistent: bool) -> float:
    """One Query/Scan page: sum of evaluated item sizes, then rounded up to 4 KB."""
    total = sum(evaluated_sizes)
    units = max(1, math.ceil(total / READ_UNIT_BYTES))
    return units * _consistency_factor(consistent)


def write_wcu(size: int) -> int:
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


def on_demand_prices(region: str = "us-east-1") -> dict[str, float]:
    return region_prices(region)["dynamodb"]["on_demand"]


def read_cost_per_million(rcu_per_operation: float, region: str = "us-east-1") -> float:
    """On-demand $ per million operations that each consume ``rcu_per_operation`` read units."""
    return rcu_per_operation * on_demand_prices(region)["per_million_read_request_units"]


def write_cost_per_million(wcu_per_operation: float, region: str = "us-east-1") -> float:
    return wcu_per_operation * on_demand_prices(region)["per_million_write_request_units"]
