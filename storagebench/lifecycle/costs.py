"""What archiving costs: monthly storage per class, minimum-duration commitments, restores.

Every figure is a measured size or count times a price from storagebench/data/prices.json:

* **Monthly storage** of an object of ``size`` bytes in a class: billable bytes are
  ``max(size, min_object_bytes)`` (Standard-IA and Glacier IR bill at least 128 KiB) plus, for
  GLACIER / DEEP_ARCHIVE, ``overhead_bytes_class`` (32 KiB index data billed at the archive
  price) and ``overhead_bytes_standard`` (8 KiB of name/metadata billed at the STANDARD price).
  That overhead is why small objects can cost *more* in Glacier than in Standard.
* **Minimum commitment**: an object deleted before ``min_days`` is billed for the rest; the cost
  of the minimum duration is ``gb_month * min_days / 30`` (plus the overhead).
* **Restore**: ``per_gb * GB + per_1000_requests * n / 1000`` with the tier's hours range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from formats.base import UnknownNameError
from storagebench.costs import s3_put_cost, s3_storage_month
from storagebench.prices import region_prices

_GB = 1024**3  # AWS bills per GB of 2**30 bytes


@dataclass(frozen=True)
class StorageCost:
    storage_class: str
    billable_bytes: int
    monthly_usd: float
    minimum_commitment_usd: float
    put_usd: float  # one PUT into the class
    min_days: int


@dataclass(frozen=True)
class RestoreEstimate:
    storage_class: str
    tier: str
    hours_min: float
    hours_max: float
    cost_usd: float
    objects: int
    total_bytes: int


def _classes(region: str) -> dict[str, Any]:
    return region_prices(region)["s3"]["storage_classes"]


def storage_classes(region: str = "us-east-1") -> list[str]:
    return list(_classes(region))


def storage_cost(size_bytes: int, storage_class: str, objects: int = 1,
                 region: str = "us-east-1") -> StorageCost:
    """Cost of keeping ``objects`` objects of ``size_bytes`` each in ``storage_class``.

    The monthly figure is the one storage formula of :func:`storagebench.costs.s3_storage_month`
    (minimum object size, per-object overheads); this adds what archiving decisions need beside
    it: the minimum-duration commitment and the PUTs into the class."""
    classes = _classes(region)
    if storage_class not in classes:
        raise UnknownNameError("storage class", storage_class, classes)
    price = classes[storage_class]
    month = s3_storage_month(size_bytes * objects, objects, storage_class, region)
    return StorageCost(
        storage_class=storage_class,
        billable_bytes=int(round(month.billed_bytes)),
        monthly_usd=month.usd_month,
        minimum_commitment_usd=month.usd_month * price["min_days"] / 30,  # owed even if deleted at once
        put_usd=s3_put_cost(objects, storage_class, region),
        min_days=price["min_days"],
    )


def compare_classes(size_bytes: int, objects: int = 1, region: str = "us-east-1") -> dict[str, StorageCost]:
    return {c: storage_cost(size_bytes, c, objects, region) for c in storage_classes(region)}


def restore_tiers(storage_class: str, region: str = "us-east-1") -> list[str]:
    tiers = region_prices(region)["s3"]["restore_tiers"]
    if storage_class not in tiers:
        raise UnknownNameError("archive storage class", storage_class, tiers)
    return list(tiers[storage_class])


def restore_estimate(storage_class: str, tier: str, total_bytes: int, objects: int = 1,
                     region: str = "us-east-1") -> RestoreEstimate:
    """Hours and dollars to restore ``objects`` objects totalling ``total_bytes``."""
    tiers = region_prices(region)["s3"]["restore_tiers"]
    if storage_class not in tiers:
        raise UnknownNameError("archive storage class", storage_class, tiers)
    if tier not in tiers[storage_class]:
        raise UnknownNameError(f"{storage_class} restore tier", tier, tiers[storage_class])
    t = tiers[storage_class][tier]
    cost = t["per_gb"] * total_bytes / _GB + t["per_1000_requests"] * objects / 1000
    return RestoreEstimate(storage_class, tier, t["hours_min"], t["hours_max"], cost, objects, total_bytes)
