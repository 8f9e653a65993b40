"""Injected cloud latency on the embedded endpoint (storagebench.s3.latency).

A fixed, exaggerated profile (200 ms to first byte, 1 MB/s per connection) makes the injected
costs far larger than anything loopback adds, so the checks are lower bounds that hold on any
machine: every request pays the first byte and the body at the profile's rate, requests issued
together overlap (a sleeping request does not block the others), and the paused injector (the
untimed counted run) adds nothing.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from storagebench.s3.cloud_model import CloudProfile
from storagebench.s3.endpoint import EndpointSpec, S3Target, resolve
from storagebench.s3.errors import S3ConfigError
from storagebench.s3.latency import NONE, LatencyInjector, choices, describe

FIXED = CloudProfile("fixed", "test: 200 ms first byte, 1 MB/s", first_byte_s=0.2,
                     bytes_per_s_per_connection=1_000_000)
BODY = 300_000  # 0.3 s at 1 MB/s


@pytest.fixture(scope="module")
def target():
    with S3Target(resolve(EndpointSpec()), latency=FIXED) as t:
        key = t.key("body.bin")
        with t.injector.paused():
            t.boto3().put_object(Bucket=t.bucket, Key=key, Body=os.urandom(BODY))
        yield t, key


def _records(t, fn):
    mark = t.counter.mark()
    fn()
    return t.counter.since(mark, bucket=t.bucket)


def test_every_request_pays_the_first_byte(target):
    t, key = target
    client = t.boto3()
    started = time.perf_counter()
    records = _records(t, lambda: [client.head_object(Bucket=t.bucket, Key=key) for _ in range(3)])
    elapsed = time.perf_counter() - started
    assert [r.operation for r in records] == ["HeadObject"] * 3
    # Serial requests: each waited for its first byte in turn.
    assert elapsed >= 3 * FIXED.first_byte_s
    for r in records:
        assert r.last_byte_s >= FIXED.first_byte_s


def test_body_is_sent_at_the_profile_rate(target):
    t, key = target
    records = _records(t, lambda: t.boto3().get_object(Bucket=t.bucket, Key=key)["Body"].read())
    (r,) = records
    assert r.bytes_out == BODY
    assert r.first_byte_s is not None and r.first_byte_s >= FIXED.first_byte_s
    assert r.last_byte_s >= FIXED.first_byte_s + BODY / FIXED.bytes_per_s_per_connection


def test_upload_body_is_read_at_the_profile_rate(target):
    t, _ = target
    records = _records(t, lambda: t.boto3().put_object(Bucket=t.bucket, Key=t.key("up.bin"),
                                                       Body=os.urandom(BODY)))
    (r,) = records
    assert r.bytes_in == BODY
    assert r.last_byte_s >= FIXED.first_byte_s + BODY / FIXED.bytes_per_s_per_connection


def test_overlapping_requests_overlap(target):
    t, key = target
    clients = [t.boto3()] * 4  # botocore clients are thread-safe; its pool opens 4 connections
    barrier = threading.Barrier(4)
    before = t.injector.max_in_flight

    def one(client):
        barrier.wait()
        client.get_object(Bucket=t.bucket, Key=key, Range="bytes=0-99")["Body"].read()

    def run():
        threads = [threading.Thread(target=one, args=(c,)) for c in clients]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

    t.injector.max_in_flight = 0
    records = _records(t, run)
    assert len(records) == 4
    # All four were being delayed at one moment: the last to start began before the first ended.
    assert max(r.started for r in records) < min(r.ended for r in records)
    assert t.injector.max_in_flight == 4
    t.injector.max_in_flight = max(before, 4)


def test_paused_injector_adds_nothing(target):
    t, key = target
    with t.injector.paused():
        records = _records(t, lambda: t.boto3().head_object(Bucket=t.bucket, Key=key))
    assert records[0].last_byte_s < FIXED.first_byte_s


def test_results_record_the_profile():
    assert describe(None) == {"s3_latency_profile": NONE}
    info = describe(LatencyInjector(FIXED))
    assert info["s3_latency_profile"] == "fixed" and info["s3_latency_first_byte_s"] == 0.2
    assert choices()[0] == NONE and "in-region" in choices()


def test_latency_on_real_aws_or_https_is_refused():
    with pytest.raises(S3ConfigError, match="--s3-latency in-region needs the embedded endpoint"):
        S3Target(resolve(EndpointSpec(endpoint="https://minio.example:9000")), latency="in-region")


def test_unknown_profile_is_one_clear_error():
    with pytest.raises(Exception, match="cloud profile.*nope"):
        S3Target(resolve(EndpointSpec()), latency="nope")
