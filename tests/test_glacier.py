"""Glacier: the archive state machine on moto's server, bad restores, and the cost arithmetic."""

from __future__ import annotations

import pytest

from storagebench.lifecycle import (
    ArchiveState,
    LifecycleError,
    NeedsRestoreError,
    NotArchivedError,
    RestoreTierError,
    archive_object,
    object_state,
    read_object,
    request_restore,
    set_embedded_restore_polls,
    wait_until_restored,
)
from storagebench.lifecycle.costs import compare_classes, restore_estimate, storage_cost
from storagebench.prices import region_prices
from storagebench.threevs.glacier_bench import restore_flow
from storagebench.threevs.pytest_plugin import embedded_s3  # noqa: F401  (fixture)

BUCKET = "test-glacier"
BODY = b"archived bytes " * 100


@pytest.fixture(scope="module")
def s3(embedded_s3):
    embedded_s3.create_bucket(BUCKET)
    return embedded_s3.client("s3")


@pytest.fixture
def slow_restores(embedded_s3):
    set_embedded_restore_polls(embedded_s3.endpoint_url, 3)  # a few requests per restore step
    yield
    set_embedded_restore_polls(embedded_s3.endpoint_url, 0)


@pytest.mark.parametrize("storage_class, tier", [("GLACIER", "Expedited"), ("DEEP_ARCHIVE", "Bulk")])
def test_state_machine_needs_restore_to_readable(s3, slow_restores, storage_class, tier):
    key = f"sm/{storage_class}"
    archive_object(s3, BUCKET, key, BODY, storage_class)
    assert object_state(s3, BUCKET, key) is ArchiveState.NEEDS_RESTORE
    with pytest.raises(NeedsRestoreError, match=f"s3://{BUCKET}/{key} is in {storage_class} and needs restore"):
        read_object(s3, BUCKET, key)

    assert request_restore(s3, BUCKET, key, tier=tier) is ArchiveState.RESTORE_IN_PROGRESS
    with pytest.raises(NeedsRestoreError):  # still not readable while the restore runs
        read_object(s3, BUCKET, key)

    polls = wait_until_restored(s3, BUCKET, key)
    assert 1 <= polls <= 3
    assert object_state(s3, BUCKET, key) is ArchiveState.RESTORED
    assert read_object(s3, BUCKET, key) == BODY


def test_timed_restore_flow_sends_only_the_restore_requests(s3, embedded_s3, slow_restores):
    """RestoreObject, the polls until restored, the GET: no bookkeeping HEAD besides the polls."""
    key = "flow/GLACIER"
    archive_object(s3, BUCKET, key, BODY, "GLACIER")
    assert object_state(s3, BUCKET, key) is ArchiveState.NEEDS_RESTORE  # the benchmark's setup
    with embedded_s3.counting() as counts:
        polls, data = restore_flow(s3, BUCKET, key, "Standard")
    assert data == BODY and polls > 1  # the first poll saw the restore in progress
    assert counts.by_op["s3:HeadObject"] == polls
    assert counts.by_op["s3:GetObject"] == 1
    assert counts.s3_requests == polls + 2  # + RestoreObject + GET
    assert "s3:PutObject" not in counts.by_op


def test_standard_object_is_available_and_not_restorable(s3):
    s3.put_object(Bucket=BUCKET, Key="plain", Body=BODY)
    assert object_state(s3, BUCKET, "plain") is ArchiveState.AVAILABLE
    with pytest.raises(NotArchivedError, match=f"s3://{BUCKET}/plain is in storage class STANDARD"):
        request_restore(s3, BUCKET, "plain")
    assert read_object(s3, BUCKET, "plain") == BODY


def test_tier_not_offered_for_the_class(s3):
    archive_object(s3, BUCKET, "deep", BODY, "DEEP_ARCHIVE")
    with pytest.raises(RestoreTierError, match="'Expedited' is not offered for DEEP_ARCHIVE"):
        request_restore(s3, BUCKET, "deep", tier="Expedited")
    assert object_state(s3, BUCKET, "deep") is ArchiveState.NEEDS_RESTORE  # nothing was requested


def test_archive_needs_an_archive_class(s3):
    with pytest.raises(LifecycleError, match="'STANDARD' is not an archive class"):
        archive_object(s3, BUCKET, "x", BODY, "STANDARD")


def test_wait_is_bounded(s3, embedded_s3):
    set_embedded_restore_polls(embedded_s3.endpoint_url, 1)
    try:
        archive_object(s3, BUCKET, "slow", BODY, "GLACIER")
        assert request_restore(s3, BUCKET, "slow", tier="Bulk") is ArchiveState.RESTORE_IN_PROGRESS
        set_embedded_restore_polls(embedded_s3.endpoint_url, 1_000)  # the restore now stalls
        with pytest.raises(LifecycleError, match="still in progress after 5 polls"):
            wait_until_restored(s3, BUCKET, "slow", max_polls=5)
    finally:
        set_embedded_restore_polls(embedded_s3.endpoint_url, 0)


def test_storage_cost_follows_the_price_table():
    prices = region_prices()["s3"]["storage_classes"]
    gb = 1024**3
    size = 5_000_000
    glacier = storage_cost(size, "GLACIER")
    g = prices["GLACIER"]
    expected = ((size + g["overhead_bytes_class"]) * g["gb_month"]
                + g["overhead_bytes_standard"] * prices["STANDARD"]["gb_month"]) / gb
    assert glacier.monthly_usd == pytest.approx(expected)
    assert glacier.minimum_commitment_usd == pytest.approx(expected * g["min_days"] / 30)
    ia = storage_cost(1000, "STANDARD_IA")  # billed at the 128 KiB minimum object size
    assert ia.billable_bytes == prices["STANDARD_IA"]["min_object_bytes"]


def test_small_objects_cost_more_in_glacier_than_standard():
    small, large = compare_classes(1024), compare_classes(100_000_000)
    assert small["GLACIER"].monthly_usd > small["STANDARD"].monthly_usd  # 40 KiB of overhead
    assert min(large, key=lambda c: large[c].monthly_usd) == "DEEP_ARCHIVE"


def test_restore_estimate_uses_tier_prices():
    tier = region_prices()["s3"]["restore_tiers"]["GLACIER"]["Standard"]
    estimate = restore_estimate("GLACIER", "Standard", 2 * 1024**3, objects=1000)
    assert estimate.cost_usd == pytest.approx(2 * tier["per_gb"] + tier["per_1000_requests"])
    assert (estimate.hours_min, estimate.hours_max) == (tier["hours_min"], tier["hours_max"])
    with pytest.raises(Exception, match="Expedited"):
        restore_estimate("DEEP_ARCHIVE", "Expedited", 1)
