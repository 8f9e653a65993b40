"""The Glacier benchmark cases (archive PUT, restore flow) on the embedded endpoint.

``benchmarks/test_glacier.py`` parametrises and calls these; the state machine and the keys are
in :mod:`storagebench.lifecycle`.  Requests are counted around the timed calls only
(:func:`storagebench.threevs.rounds.run_rounds`):

* archive: the timed call is one PUT with the archive storage class; afterwards (untimed) a GET
  must answer "needs restore";
* restore: each round's setup archives a fresh object and reads its state (a HEAD that must say
  "needs restore") and checks the tier against the price table; the timed flow is the restore
  itself: RestoreObject, the HEAD polls until the restore completes, and the GET of the
  restored bytes.  The restored bytes are compared with the archived file after the timer.
"""

from __future__ import annotations

import itertools
from typing import Any

import formats
from storagebench.lifecycle import (
    SUITE_GLACIER,
    ArchiveState,
    NeedsRestoreError,
    archive_object,
    check_restore_tier,
    object_state,
    read_object,
    set_embedded_restore_polls,
    start_restore,
    wait_until_restored,
)
from storagebench.lifecycle.costs import compare_classes, restore_estimate, restore_tiers
from storagebench.prices import provenance
from storagebench.pytest_plugin import skips_reported
from storagebench.threevs.rounds import run_rounds

_keys = itertools.count()
RESTORE_ACCESSES = 3  # requests per restore state step on the embedded server


def run_archive_case(benchmark: Any, lifecycle: Any, fmt: str, storage_class: str) -> None:
    benchmark.group = f"glacier-archive-{storage_class}"
    with skips_reported():
        spec = lifecycle.main_dataset()
        codec = formats.get_codec(fmt)
        body, _ = lifecycle.encoded(spec, codec)
        s3, bucket = lifecycle.target.client("s3"), lifecycle.bucket("archive")
        keys: list[str] = []

        def setup():
            keys.append(f"{fmt}/{storage_class}/{next(_keys)}/{codec.file_name('data', codec.default_compression)}")
            return (s3, bucket, keys[-1], body, storage_class), {}

        done = run_rounds(benchmark, archive_object, setup=setup, rounds=lifecycle.rounds(benchmark),
                          target=lifecycle.target)
        try:  # the archived object must not be readable before a restore
            read_object(s3, bucket, keys[0])
            state = "readable"
        except NeedsRestoreError:
            state = ArchiveState.NEEDS_RESTORE.value
        assert state == ArchiveState.NEEDS_RESTORE.value, f"{storage_class} object readable without restore"
        costs = compare_classes(len(body))
        ds = lifecycle.dataset(spec)
        per_call = done.per_call()
        benchmark.extra_info.update(lifecycle.base_info(
            SUITE_GLACIER, "archive_put", format=fmt, storage_class=storage_class, dataset=ds.name,
            rows=ds.rows, object_bytes=len(body), state=state,
            requests=per_call["requests"], requests_by_op=per_call["requests_by_op"],
            request_cost_usd=costs[storage_class].put_usd,
            monthly_cost_usd={c: v.monthly_usd for c, v in costs.items()},
            minimum_commitment_usd={c: v.minimum_commitment_usd for c, v in costs.items()},
            billable_bytes={c: v.billable_bytes for c, v in costs.items()},
            cheapest_class=min(costs, key=lambda c: costs[c].monthly_usd),
            restore_cost_usd={t: restore_estimate(storage_class, t, len(body)).cost_usd
                              for t in restore_tiers(storage_class)},
            price_as_of=provenance()["as_of"]))


def restore_flow(s3: Any, bucket: str, key: str, tier: str) -> tuple[int, bytes]:
    """The timed restore: RestoreObject, HEAD polls until restored, GET.  (polls, bytes)."""
    start_restore(s3, bucket, key, tier=tier)
    polls = wait_until_restored(s3, bucket, key)
    return polls, read_object(s3, bucket, key)


def run_restore_case(benchmark: Any, lifecycle: Any, storage_class: str, tier: str) -> None:
    benchmark.group = "glacier-restore"
    with skips_reported():
        spec = lifecycle.main_dataset()
        codec = formats.get_codec("parquet") if "parquet" in formats.codec_names() else next(formats.all_codecs())
        body, _ = lifecycle.encoded(spec, codec)
        s3, bucket = lifecycle.target.client("s3"), lifecycle.bucket("archive")
        polls: list[int] = []

        def setup():
            key = f"restore/{storage_class}/{tier}/{next(_keys)}"
            archive_object(s3, bucket, key, body, storage_class)
            state = object_state(s3, bucket, key)
            assert state is ArchiveState.NEEDS_RESTORE, f"{key}: {state.value} before the restore"
            check_restore_tier(storage_class, tier, f"s3://{bucket}/{key}")
            return (s3, bucket, key, tier), {}

        def check(result: tuple[int, bytes]) -> None:
            n, data = result
            polls.append(n)
            assert data == body, f"{storage_class}/{tier}: the restored object is not the archived file"

        set_embedded_restore_polls(lifecycle.target.endpoint_url, RESTORE_ACCESSES)
        try:
            done = run_rounds(benchmark, restore_flow, setup=setup, rounds=lifecycle.rounds(benchmark),
                              target=lifecycle.target, check=check, discard_result=True)
        finally:
            set_embedded_restore_polls(lifecycle.target.endpoint_url, 0)
        # More than one poll: the first one saw the restore in progress (wait_until_restored
        # raises on any state other than in-progress or restored).
        states = [ArchiveState.NEEDS_RESTORE.value,
                  *([ArchiveState.RESTORE_IN_PROGRESS.value] if polls[0] > 1 else []),
                  ArchiveState.RESTORED.value, "readable"]
        assert polls[0] > 1, f"{storage_class}/{tier}: the restore was never observed in progress"
        estimate = restore_estimate(storage_class, tier, len(body))
        ds = lifecycle.dataset(spec)
        benchmark.extra_info.update(lifecycle.base_info(
            SUITE_GLACIER, "restore_flow", format=codec.name, storage_class=storage_class, tier=tier,
            dataset=ds.name, rows=ds.rows, object_bytes=len(body), state="readable",
            states=states, polls=polls[0], requests=done.per_call()["requests"],
            requests_by_op=done.per_call()["requests_by_op"],
            restore_hours_min=estimate.hours_min, restore_hours_max=estimate.hours_max,
            restore_cost_usd=estimate.cost_usd, price_as_of=provenance()["as_of"]))
