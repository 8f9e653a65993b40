"""Glacier archive and restore on the embedded endpoint, and what keeping each format costs.

* ``test_glacier_archive``  per format x archive class: PUT of the format's file (the main
  dataset at the profile's rows, reference writer, default compression) with StorageClass
  GLACIER / DEEP_ARCHIVE, then (untimed) a GET that must answer "needs restore".  extra_info
  carries the monthly cost of keeping that file in every storage class, the minimum-duration
  commitment and billable bytes (measured size + per-object overhead from the price table);
* ``test_glacier_restore``  per class x tier: the whole restore flow on moto (restore_object
  with the tier, head_object polls until restored, GET), the embedded server holding each
  restore "in progress" for a few accesses.  Wall time here is the emulator's; the tier's real
  hours and dollars come from the price table and are in extra_info.

Keys: storagebench/lifecycle/__init__.py.
"""

from __future__ import annotations

import itertools

import pytest

import formats
from storagebench.lifecycle import (
    ARCHIVE_CLASSES,
    SUITE_GLACIER,
    ArchiveState,
    NeedsRestoreError,
    archive_object,
    object_state,
    read_object,
    request_restore,
    set_embedded_restore_polls,
    wait_until_restored,
)
from storagebench.lifecycle.costs import compare_classes, restore_estimate, restore_tiers
from storagebench.prices import provenance
from storagebench.pytest_plugin import skips_reported, suite_config

_keys = itertools.count()
RESTORE_ACCESSES = 3  # requests per restore state step on the embedded server


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cfg = suite_config(metafunc.config)
    if "archive_case" in metafunc.fixturenames:
        cases = [(c.name, sc) for c in cfg.codecs for sc in ARCHIVE_CLASSES]
        metafunc.parametrize("archive_case", cases, ids=[f"{f}-{sc}" for f, sc in cases])
    if "restore_case" in metafunc.fixturenames:
        cases = [(sc, tier) for sc in ARCHIVE_CLASSES for tier in restore_tiers(sc)]
        metafunc.parametrize("restore_case", cases, ids=[f"{sc}-{t}" for sc, t in cases])


def test_glacier_archive(benchmark, lifecycle, archive_case):
    fmt, storage_class = archive_case
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

        rounds = lifecycle.rounds(benchmark)
        with lifecycle.target.counting() as counts:
            benchmark.pedantic(archive_object, setup=setup, rounds=rounds, iterations=1, warmup_rounds=0)
        try:  # the archived object must not be readable before a restore
            read_object(s3, bucket, keys[0])
            state = "readable"
        except NeedsRestoreError:
            state = ArchiveState.NEEDS_RESTORE.value
        assert state == ArchiveState.NEEDS_RESTORE.value, f"{storage_class} object readable without restore"
        costs = compare_classes(len(body))
        ds = lifecycle.dataset(spec)
        benchmark.extra_info.update(lifecycle.base_info(
            SUITE_GLACIER, "archive_put", format=fmt, storage_class=storage_class, dataset=ds.name,
            rows=ds.rows, object_bytes=len(body), state=state,
            requests=counts.s3_requests / rounds,
            requests_by_op={k: v / rounds for k, v in counts.by_op.items()},
            request_cost_usd=costs[storage_class].put_usd,
            monthly_cost_usd={c: v.monthly_usd for c, v in costs.items()},
            minimum_commitment_usd={c: v.minimum_commitment_usd for c, v in costs.items()},
            billable_bytes={c: v.billable_bytes for c, v in costs.items()},
            cheapest_class=min(costs, key=lambda c: costs[c].monthly_usd),
            restore_cost_usd={t: restore_estimate(storage_class, t, len(body)).cost_usd
                              for t in restore_tiers(storage_class)},
            price_as_of=provenance()["as_of"]))


def test_glacier_restore(benchmark, lifecycle, restore_case):
    storage_class, tier = restore_case
    benchmark.group = "glacier-restore"
    with skips_reported():
        spec = lifecycle.main_dataset()
        codec = formats.get_codec("parquet") if "parquet" in formats.codec_names() else next(formats.all_codecs())
        body, _ = lifecycle.encoded(spec, codec)
        s3, bucket = lifecycle.target.client("s3"), lifecycle.bucket("archive")
        states: list[list[str]] = []
        polls: list[int] = []

        def setup():
            key = f"restore/{storage_class}/{tier}/{next(_keys)}"
            archive_object(s3, bucket, key, body, storage_class)
            return (key,), {}

        def restore_flow(key: str) -> bytes:
            seen = [object_state(s3, bucket, key).value]
            seen.append(request_restore(s3, bucket, key, tier=tier).value)
            polls.append(wait_until_restored(s3, bucket, key))
            seen.append(ArchiveState.RESTORED.value)
            data = read_object(s3, bucket, key)
            seen.append("readable")
            states.append(seen)
            return data

        set_embedded_restore_polls(lifecycle.target.endpoint_url, RESTORE_ACCESSES)
        rounds = lifecycle.rounds(benchmark)
        try:
            with lifecycle.target.counting() as counts:
                restored = benchmark.pedantic(restore_flow, setup=setup, rounds=rounds, iterations=1,
                                              warmup_rounds=0)
        finally:
            set_embedded_restore_polls(lifecycle.target.endpoint_url, 0)
        assert states[0] == ["needs-restore", "restore-in-progress", "restored", "readable"], states[0]
        assert restored == body, f"{storage_class}/{tier}: the restored object is not the archived file"
        estimate = restore_estimate(storage_class, tier, len(body))
        counts.discount("s3:PutObject", rounds)  # the setup's archive PUTs
        ds = lifecycle.dataset(spec)
        benchmark.extra_info.update(lifecycle.base_info(
            SUITE_GLACIER, "restore_flow", format=codec.name, storage_class=storage_class, tier=tier,
            dataset=ds.name, rows=ds.rows, object_bytes=len(body), state="readable",
            states=states[0], polls=polls[0],
            requests=(sum(counts.by_op.values())) / rounds,
            requests_by_op={k: v / rounds for k, v in counts.by_op.items() if v},
            restore_hours_min=estimate.hours_min, restore_hours_max=estimate.hours_max,
            restore_cost_usd=estimate.cost_usd, price_as_of=provenance()["as_of"]))
