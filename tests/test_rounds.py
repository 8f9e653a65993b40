"""run_rounds: the timed calls' requests are counted and nothing else (setup uploads and
teardown deletes are neither timed nor counted, no estimate is subtracted), a checked result is
the timed one, and a discarded result is freed before the next round starts."""

from __future__ import annotations

import gc
import weakref

import pytest

from storagebench.threevs.pytest_plugin import embedded_s3  # noqa: F401  (fixture)
from storagebench.threevs.rounds import run_rounds

BUCKET = "test-rounds"
ROUNDS = 3


@pytest.fixture(scope="module")
def s3(embedded_s3):
    embedded_s3.create_bucket(BUCKET)
    return embedded_s3.client("s3")


def _put_get_delete(s3, benchmark, embedded_s3):
    keys = iter(range(100))

    def setup():  # two PUTs per round: a naive count would see them
        key = f"k{next(keys)}"
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x" * 1000)
        s3.put_object(Bucket=BUCKET, Key=key + "-extra", Body=b"y")
        return (key,), {}

    def get(key):
        return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def teardown(key):  # cleanup requests after the timer: not counted either
        s3.delete_object(Bucket=BUCKET, Key=key)
        s3.head_bucket(Bucket=BUCKET)

    checked = []
    done = run_rounds(benchmark, get, setup=setup, rounds=ROUNDS, target=embedded_s3, teardown=teardown,
                      check=checked.append)
    return done, checked


def test_only_the_timed_calls_are_counted(s3, benchmark, embedded_s3):
    done, checked = _put_get_delete(s3, benchmark, embedded_s3)
    assert done.calls == ROUNDS == benchmark.stats.stats.rounds
    assert dict(done.counts.by_op) == {"s3:GetObject": ROUNDS}  # no PutObject, DeleteObject, HeadBucket
    assert done.counts.bytes_out == 1000 * ROUNDS
    assert done.per_call()["requests"] == 1
    assert checked == [b"x" * 1000] * ROUNDS  # the check saw each timed call's own result
    assert len(done.teardown_seconds) == ROUNDS
    assert done.result == b"x" * 1000


def test_disabled_benchmark_still_counts_and_tears_down(s3, benchmark, embedded_s3):
    benchmark.disabled = True  # what --benchmark-disable sets: pedantic calls once, no teardown
    done, checked = _put_get_delete(s3, benchmark, embedded_s3)
    assert done.calls == 1 and dict(done.counts.by_op) == {"s3:GetObject": 1}
    assert checked == [b"x" * 1000] and len(done.teardown_seconds) == 1


class _Big:
    """Stands for a materialised table."""


def test_discarded_result_is_freed_before_the_next_round(benchmark):
    alive_at_start: list[bool] = []
    previous: list[weakref.ref] = []

    def operation():
        gc.collect()
        alive_at_start.append(bool(previous) and previous[-1]() is not None)
        result = _Big()
        previous.append(weakref.ref(result))
        return result

    done = run_rounds(benchmark, operation, rounds=ROUNDS, check=lambda r: None, discard_result=True)
    assert done.result is None and done.calls == ROUNDS
    assert alive_at_start == [False] * ROUNDS  # round k+1 never ran beside round k's result


def test_local_rounds_count_nothing(benchmark):
    done = run_rounds(benchmark, lambda: 1, rounds=2)
    assert done.counts is None
    assert done.per_call() == {"requests": None, "requests_by_op": None, "request_cost_usd": None}
