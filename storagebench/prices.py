"""The one price table (storagebench/data/prices.json): region-keyed, dated, with its source.

Every dollar figure in the suite is computed from counted work (requests, bytes, capacity
units) times a price from this file, never typed into code.  Update the file (and its
``as_of``) when prices move.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from formats.base import UnknownNameError


@lru_cache(maxsize=1)
def price_table() -> dict[str, Any]:
    return json.loads(resources.files("storagebench").joinpath("data/prices.json").read_text())


def region_prices(region: str = "us-east-1") -> dict[str, Any]:
    regions = price_table()["regions"]
    if region not in regions:
        raise UnknownNameError("price region", region, regions)
    return regions[region]


def provenance() -> dict[str, str]:
    t = price_table()
    return {"as_of": t["as_of"], "source": t["source"], "currency": t["currency"]}
