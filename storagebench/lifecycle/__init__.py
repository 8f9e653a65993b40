"""Glacier archive and restore: the state machine of an archived S3 object, on moto's server.

An object put with ``StorageClass`` GLACIER or DEEP_ARCHIVE cannot be read: a GET answers
``InvalidObjectState``, which :func:`read_object` turns into :class:`NeedsRestoreError`
("needs restore").  Reading it takes the restore flow:

    needs-restore --restore_object(tier, days)--> restore-in-progress
        --(poll head_object: Restore: ongoing-request="true")-->
    restored (Restore: ongoing-request="false", expiry-date=...) --GET--> readable

:func:`object_state` reads the state from ``head_object`` (``StorageClass`` and the ``Restore``
header), :func:`request_restore` validates the tier for the class, :func:`wait_until_restored`
polls with a bounded number of polls (never hangs).

On AWS a restore takes minutes to 48 hours depending on tier (:mod:`.costs` gives the times and
prices from the price table).  moto completes restores through its state manager;
:func:`set_embedded_restore_polls` makes the embedded server report "in progress" for a given
number of object accesses, so the in-progress state is really observed.  Wall time on moto
says nothing about restore time: the suite reports the price table's hours instead.

Bad input: restoring an object that is not archived (STANDARD etc.) raises
:class:`NotArchivedError` naming the bucket, key and class; a tier the class does not offer
(DEEP_ARCHIVE has no Expedited) raises :class:`RestoreTierError`.

extra_info keys: :class:`storagebench.results.GlacierRecord` (``suite == "glacier"``;
required and optional keys, types, units), checked when the run JSON is written and read.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from enum import Enum
from typing import Any

from botocore.exceptions import ClientError

from formats.base import StorageBenchInputError
from storagebench.prices import region_prices
from storagebench.results import SUITE_GLACIER  # noqa: F401  (re-exported: the benchmarks import it here)

ARCHIVE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")


class ArchiveState(str, Enum):
    AVAILABLE = "available"  # not archived: readable now
    NEEDS_RESTORE = "needs-restore"
    RESTORE_IN_PROGRESS = "restore-in-progress"
    RESTORED = "restored"  # a temporary readable copy exists until the expiry date


class LifecycleError(StorageBenchInputError):
    pass


class NeedsRestoreError(LifecycleError):
    """A GET of an archived object that has not been restored (S3's InvalidObjectState)."""


class NotArchivedError(LifecycleError):
    pass


class RestoreTierError(LifecycleError):
    pass


class RestoreTimeoutError(LifecycleError):
    pass


_ONGOING = re.compile(r'ongoing-request="(true|false)"')


def object_state(s3: Any, bucket: str, key: str) -> ArchiveState:
    """The archive state from head_object (which works in every state)."""
    head = s3.head_object(Bucket=bucket, Key=key)
    storage_class = head.get("StorageClass", "STANDARD")
    if storage_class not in ARCHIVE_CLASSES:
        return ArchiveState.AVAILABLE
    match = _ONGOING.search(head.get("Restore", "") or "")
    if match is None:
        return ArchiveState.NEEDS_RESTORE
    return ArchiveState.RESTORE_IN_PROGRESS if match.group(1) == "true" else ArchiveState.RESTORED


def archive_object(s3: Any, bucket: str, key: str, body: bytes, storage_class: str) -> None:
    if storage_class not in ARCHIVE_CLASSES:
        raise LifecycleError(f"storage class {storage_class!r} is not an archive class; use one of "
                             f"{', '.join(ARCHIVE_CLASSES)}")
    s3.put_object(Bucket=bucket, Key=key, Body=body, StorageClass=storage_class)


def read_object(s3: Any, bucket: str, key: str) -> bytes:
    """GET the object; an archived, unrestored object raises :class:`NeedsRestoreError`."""
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        if error.get("Code") == "InvalidObjectState":
            raise NeedsRestoreError(
                f"s3://{bucket}/{key} is in {error.get('StorageClass', 'an archive class')} and needs "
                f"restore before it can be read (restore_object, then wait for the restore)") from None
        raise


def check_restore_tier(storage_class: str, tier: str, where: str, region: str = "us-east-1") -> None:
    """Raise :class:`RestoreTierError` if ``tier`` is not offered for ``storage_class`` (no request)."""
    tiers = region_prices(region)["s3"]["restore_tiers"][storage_class]
    if tier not in tiers:
        raise RestoreTierError(f"restore tier {tier!r} is not offered for {storage_class} "
                               f"({where}); tiers: {', '.join(tiers)}")


def start_restore(s3: Any, bucket: str, key: str, tier: str = "Standard", days: int = 1) -> None:
    """The RestoreObject request alone (one request; the restore flow's first step)."""
    try:
        s3.restore_object(Bucket=bucket, Key=key,
                          RestoreRequest={"Days": days, "GlacierJobParameters": {"Tier": tier}})
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise LifecycleError(f"restore of s3://{bucket}/{key} refused: {error.get('Code')}: "
                             f"{error.get('Message')}") from None


def request_restore(s3: Any, bucket: str, key: str, tier: str = "Standard", days: int = 1,
                    region: str = "us-east-1") -> ArchiveState:
    """Check the object and tier, ask S3 to restore it for ``days``; returns the new state.

    The checks and the returned state cost a HEAD each: the restore benchmark times
    :func:`start_restore` instead, with the checks in its setup."""
    head = s3.head_object(Bucket=bucket, Key=key)
    storage_class = head.get("StorageClass", "STANDARD")
    if storage_class not in ARCHIVE_CLASSES:
        raise NotArchivedError(f"s3://{bucket}/{key} is in storage class {storage_class}, not an "
                               f"archive class ({', '.join(ARCHIVE_CLASSES)}): it is readable "
                               f"without a restore")
    check_restore_tier(storage_class, tier, f"s3://{bucket}/{key}", region)
    start_restore(s3, bucket, key, tier, days)
    return object_state(s3, bucket, key)


def wait_until_restored(s3: Any, bucket: str, key: str, max_polls: int = 50,
                        poll_interval_s: float = 0.0) -> int:
    """Poll head_object until the restore completes; returns the polls it took (bounded)."""
    for poll in range(1, max_polls + 1):
        state = object_state(s3, bucket, key)
        if state is ArchiveState.RESTORED:
            return poll
        if state is not ArchiveState.RESTORE_IN_PROGRESS:
            raise LifecycleError(f"s3://{bucket}/{key}: no restore in progress (state {state.value})")
        if poll_interval_s:
            time.sleep(poll_interval_s)
    raise RestoreTimeoutError(f"s3://{bucket}/{key}: restore still in progress after {max_polls} polls")


# moto's S3 server looks an object up twice per request (measured: HEAD, GET and restore each
# advance the object's state counter by 2).
_MOTO_ACCESSES_PER_REQUEST = 2


def set_embedded_restore_polls(endpoint_url: str, requests: int) -> None:
    """On the embedded moto server only: how long a restore stays "in progress".

    moto's state manager (manual progression) moves an object's restore state one step every
    N accesses of the object, counted from the object's creation on.  This sets N so that one
    step takes ``requests`` requests (HEAD/GET/restore) to the object: the first look after
    restore_object reports "in progress", and it completes ``requests`` requests later.
    Raising it while a restore is in progress keeps it there; 0 restores immediately (moto's
    default).  An emulator control, never sent to AWS.
    """
    transition = ({"progression": "immediate"} if requests <= 0 else
                  {"progression": "manual", "times": requests * _MOTO_ACCESSES_PER_REQUEST})
    body = json.dumps({"model_name": "s3::keyrestore", "transition": transition}).encode()
    request = urllib.request.Request(f"{endpoint_url}/moto-api/state-manager/set-transition",
                                     data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
