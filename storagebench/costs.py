"""Monthly cost projection from measured ratios and the one price table (storagebench/prices.py).

Every dollar here is a counted or scaled quantity times a price from
``storagebench/data/prices.json``; nothing else is assumed except what the user states
(their data size, query rate, object size).  Units follow AWS billing: GB = 2**30 bytes,
TB = 2**40 bytes.

What is modelled, and how:

* S3 storage per GB-month by class.  Each object is billed at least the class's minimum object
  size (128 KB for Standard-IA and Glacier Instant Retrieval); Glacier Flexible Retrieval and Deep
  Archive add per-object overhead (32 KB at the class's rate + 8 KB at Standard's rate).  Minimum
  storage durations (30/90/180 days) are reported with each class: data deleted earlier is
  still billed for them.
* PUT requests to load the data once (one per object; multipart parts are not modelled).
* Retrieval per GB for IA/Glacier IR, and restore tiers for the archive classes.
* Scanned-bytes query pricing as Athena bills: $ per TB scanned, each query rounded up to the
  next MB with a 10 MB minimum.
* DynamoDB on-demand read/write request units.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from formats.base import StorageBenchInputError
from storagebench import prices

GB = 2**30
TB = 2**40
MB = 2**20
DAYS_PER_MONTH = 30

_UNITS = {"": 1, "b": 1, "kb": 2**10, "kib": 2**10, "mb": 2**20, "mib": 2**20, "gb": 2**30, "gib": 2**30,
          "tb": 2**40, "tib": 2**40, "pb": 2**50, "pib": 2**50}


def parse_size(text: str) -> int:
    """``2TB`` / ``500 GiB`` / ``1e9`` -> bytes (binary units, as AWS bills)."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][0-9]+)?)\s*([a-zA-Z]*)\s*", str(text))
    if not m or m.group(2).lower() not in _UNITS:
        raise StorageBenchInputError(
            f"cannot read size {text!r}: use a number with an optional unit (B, KB, MB, GB, TB, PB), e.g. 2TB")
    value = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if value <= 0:
        raise StorageBenchInputError(f"size {text!r} must be greater than zero")
    return int(value)


@dataclass(frozen=True)
class StorageCost:
    storage_class: str
    usd_month: float
    billed_bytes: float  # after minimum object size and per-object overhead
    min_days: int


def s3_classes(region: str = "us-east-1") -> dict[str, dict[str, Any]]:
    return prices.region_prices(region)["s3"]["storage_classes"]


def s3_storage_month(stored_bytes: float, objects: int, storage_class: str,
                     region: str = "us-east-1") -> StorageCost:
    classes = s3_classes(region)
    if storage_class not in classes:
        raise StorageBenchInputError(f"unknown S3 storage class {storage_class!r}; known: {', '.join(classes)}")
    c, std = classes[storage_class], classes["STANDARD"]
    objects = max(1, int(objects))
    per_object = stored_bytes / objects
    billed_per_object = max(per_object, c["min_object_bytes"]) + c["overhead_bytes_class"]
    billed = billed_per_object * objects
    usd = billed / GB * c["gb_month"] + objects * c["overhead_bytes_standard"] / GB * std["gb_month"]
    return StorageCost(storage_class, usd, billed + objects * c["overhead_bytes_standard"], c["min_days"])


def s3_put_cost(objects: int, storage_class: str = "STANDARD", region: str = "us-east-1") -> float:
    return objects / 1000 * s3_classes(region)[storage_class]["put_per_1000"]


def s3_retrieval_cost(bytes_read: float, storage_class: str, region: str = "us-east-1",
                      tier: str | None = None) -> float | None:
    """Per-GB retrieval (IA, Glacier IR) or restore (Glacier, Deep Archive: ``tier`` required)."""
    s3 = prices.region_prices(region)["s3"]
    c = s3["storage_classes"][storage_class]
    if c["retrieval_per_gb"] is not None:
        return bytes_read / GB * c["retrieval_per_gb"]
    tiers = s3["restore_tiers"].get(storage_class, {})
    if tier is None or tier not in tiers:
        return None
    return bytes_read / GB * tiers[tier]["per_gb"]


def athena_query_cost(bytes_scanned: float, region: str = "us-east-1") -> float:
    """One query's scan charge: rounded up to the MB, at least the minimum (10 MB)."""
    a = prices.region_prices(region)["athena"]
    billed = max(math.ceil(bytes_scanned / MB) * MB, a["min_bytes_per_query"])
    return billed / TB * a["per_tb_scanned"]


def dynamodb_read_cost(read_units: float, region: str = "us-east-1") -> float:
    return read_units / 1e6 * prices.region_prices(region)["dynamodb"]["on_demand"]["per_million_read_request_units"]


def dynamodb_write_cost(write_units: float, region: str = "us-east-1") -> float:
    return write_units / 1e6 * prices.region_prices(region)["dynamodb"]["on_demand"]["per_million_write_request_units"]


@dataclass(frozen=True)
class FormatProjection:
    """Monthly figures for one format configuration at the user's size and query rate."""

    stored_bytes: float
    objects: int
    storage: dict[str, StorageCost]
    load_put_usd: float
    query_usd_month: dict[str, float]  # read kind -> Athena-style scan cost per month
    scanned_per_query: dict[str, float]


def project_format(data_bytes: float, size_ratio: float, scan_fraction: dict[str, float],
                   queries_per_day: float, object_bytes: int, region: str = "us-east-1") -> FormatProjection:
    """Scale one measured configuration to the user's data.

    ``size_ratio``: bytes on disk per byte of the user's basis (measured: file bytes / dataset
    bytes in that basis).  ``scan_fraction``: read kind -> bytes scanned per query / file bytes.
    """
    stored = data_bytes * size_ratio
    objects = max(1, math.ceil(stored / object_bytes))
    storage = {name: s3_storage_month(stored, objects, name, region) for name in s3_classes(region)}
    scanned = {k: stored * f for k, f in scan_fraction.items()}
    monthly = {k: queries_per_day * DAYS_PER_MONTH * athena_query_cost(b, region) for k, b in scanned.items()}
    return FormatProjection(stored, objects, storage, s3_put_cost(objects, "STANDARD", region), monthly, scanned)
