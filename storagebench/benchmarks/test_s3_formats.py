"""Format benchmarks on S3: every selected (format, client, read kind) with counted work.

Runs by default against the embedded moto server (no AWS account; started by the session
fixture), or any endpoint named with ``--s3-endpoint`` (see storagebench/s3/pytest_plugin.py).

What is timed (pytest-benchmark ``pedantic`` rounds, setup outside the timing):

* ``test_s3_write``  encoding + upload of the data to a fresh key per round, per client;
* ``test_s3_read``   download + decoding (full, 2-column projection, ~10% predicate) of a file
  written once, per client (boto3 whole object, pyarrow S3FileSystem with pre_buffer on/off,
  s3fs defaults and tuned);
* ``test_s3_counting_overhead``  the request counter's own cost: the same read against two
  moto servers sharing one backend, one with the counter and one without, interleaved round by
  round; both medians and the median
  of per-pair ratios land in ``extra_info`` (goal: <= 1.05).

Besides the time, each case records (untimed, from one more run of the same operation) the
requests by operation, bytes in/out, range reads, read amplification, the modelled cloud time
under labelled profiles and the request cost (storagebench/s3/target.py lists the keys), the
time to first / last byte of its requests, and the peak memory of reads (spawned process).
With ``--s3-latency PROFILE`` every request is delayed as that cloud profile says, and each case
keeps the model's prediction for the profile beside its measured time.
"""

from __future__ import annotations

import contextlib
import statistics
import time

import pyarrow.parquet as pq
import pytest

from storagebench.moto_server import EmbeddedMoto
from storagebench.pytest_plugin import skips_reported
from storagebench.s3.clients import Boto3Location
from storagebench.s3.target import SUITE_S3


def test_s3_write(benchmark, s3_harness, s3_write_case):
    benchmark.group = f"s3-write-{s3_write_case.case.dataset}"
    with skips_reported():
        s3_harness.run_s3_write(s3_write_case, benchmark)


def test_s3_read(benchmark, s3_harness, s3_read_case):
    benchmark.group = f"s3-read-{s3_read_case.case.kind}-{s3_read_case.case.dataset}"
    with skips_reported():
        s3_harness.run_s3_read(s3_read_case, benchmark)


# Paired rounds for the overhead measurement: the median of per-pair ratios is stable on a
# shared machine where a 15-round median of each side alone swung by +-30%.
_OVERHEAD_ROUNDS = 31


@pytest.mark.parametrize("client", ["pyarrow", "boto3"])
def test_s3_counting_overhead(benchmark, s3_harness, s3_target, client):
    """The counter's cost on an S3 read: counted server vs uncounted server, same objects."""
    if s3_target.server is None:
        pytest.skip("the request counter only runs in front of the embedded server")
    import pyarrow as pa

    from storagebench.datasets import resolve

    # A Parquet object of a few MB so the read is dominated by transfer and decoding, not setup.
    ds = resolve(s3_harness.dataset_specs[0], max(s3_harness.profile.rows, 50_000), s3_harness.seed)
    table = ds.table.cast(pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type)
                                     else f for f in ds.table.schema]))
    key = s3_target.key(f"overhead-{client}.parquet")
    fs = s3_target.pyarrow_fs()
    pq.write_table(table, s3_target.path(key), filesystem=fs)

    # moto's backends are process-wide: a second server without the counter sees the same bucket.
    # Injected latency (--s3-latency) is paused here: the plain server has none, and the
    # comparison is about the counter's own cost.
    plain = EmbeddedMoto().start()
    paused = contextlib.ExitStack()
    if s3_target.injector is not None:
        paused.enter_context(s3_target.injector.paused())
    try:
        uncounted = s3_target.through(plain)
        readers = {"on": _reader(client, s3_target, key), "off": _reader(client, uncounted, key)}
        for fn in readers.values():
            fn()  # warm both paths (connections, metadata)
        times: dict[str, list[float]] = {"on": [], "off": []}
        for i in range(_OVERHEAD_ROUNDS):
            order = ("on", "off") if i % 2 == 0 else ("off", "on")  # alternate to cancel drift
            for name in order:
                t0 = time.perf_counter()
                readers[name]()
                times[name].append(time.perf_counter() - t0)
        benchmark.pedantic(readers["on"], rounds=s3_harness.profile.rounds, iterations=1)
    finally:
        paused.close()
        plain.stop()
    on, off = statistics.median(times["on"]), statistics.median(times["off"])
    paired = statistics.median(a / b for a, b in zip(times["on"], times["off"]))
    benchmark.group = "s3-counting-overhead"
    benchmark.extra_info.update({
        "suite": SUITE_S3, "operation": "counting-overhead", "target": "s3", "s3_client": client,
        "dataset": ds.name, "rows": ds.rows, "s3_object_bytes": fs.get_file_info(s3_target.path(key)).size,
        "paired_rounds": _OVERHEAD_ROUNDS, "counting_on_median_s": on, "counting_off_median_s": off,
        "counting_overhead_ratio": paired,  # median of on/off per adjacent pair (the goal: <= 1.05)
        "counting_median_ratio": on / off if off else None,
        "counting_on_times_s": times["on"], "counting_off_times_s": times["off"],
    })
    s3_target.call(s3_target.boto3().delete_object, Bucket=s3_target.bucket, Key=key)


def _reader(client: str, target, key: str):
    if client == "boto3":
        def read():
            return pq.read_table(Boto3Location(target, key).open_input())
        return read
    fs = target.pyarrow_fs()

    def read_pyarrow():
        return pq.read_table(target.path(key), filesystem=fs)
    return read_pyarrow
