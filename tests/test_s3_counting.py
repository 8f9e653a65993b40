"""Exact request and byte counts against moto's server over HTTP, for boto3, pyarrow and s3fs.

A small known Parquet file is read by each client; the counter must see exactly the requests
and bytes the client sent (a full boto3 GET is one GET of exactly the object size; a projected
pyarrow read is range GETs only, each returning exactly the bytes its Range asked for).
"""

from __future__ import annotations

import io
import os
import re
import threading

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from formats.base import ReadRequest
from storagebench import prices
from storagebench.s3 import cloud_model
from storagebench.s3.clients import MULTIPART_CHUNKSIZE, Boto3Location, get_client
from storagebench.s3.counting import RequestRecord, classify
from storagebench.s3.work_summary import summarise
from storagebench.s3.endpoint import EndpointSpec, S3Target, resolve
from storagebench.s3.needed import BASIS_PARQUET, needed_bytes, parquet_needed_bytes


@pytest.fixture(scope="module")
def target():
    with S3Target(resolve(EndpointSpec())) as t:
        yield t


@pytest.fixture(scope="module")
def parquet_object(target):
    """A known Parquet object: 8 columns, 5 row groups, uploaded with one put_object."""
    rng = np.random.default_rng(7)
    table = pa.table({f"c{i}": rng.integers(0, 1_000_000, 20_000) for i in range(8)})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=4_000, compression="none")
    data = sink.getvalue()
    key = target.key("known.parquet")
    target.boto3().put_object(Bucket=target.bucket, Key=key, Body=data)
    return key, data, table


def _records(target, fn):
    mark = target.counter.mark()
    fn()
    return target.counter.since(mark, bucket=target.bucket)


def _range_length(header: str, size: int) -> int:
    m = re.fullmatch(r"bytes=(\d+)-(\d*)", header)
    assert m, header
    start, end = int(m.group(1)), int(m.group(2) or size - 1)
    return min(end, size - 1) - start + 1


def test_boto3_full_get_is_one_get_of_exactly_the_object(target, parquet_object):
    key, data, _ = parquet_object
    records = _records(target, lambda: target.boto3().get_object(Bucket=target.bucket, Key=key)["Body"].read())
    assert [r.operation for r in records] == ["GetObject"]
    r = records[0]
    assert (r.bytes_out, r.bytes_in, r.range, r.status, r.key) == (len(data), 0, None, 200, key)
    assert r.first_byte_s is not None and r.first_byte_s <= r.last_byte_s


def test_put_object_counts_body_bytes_in(target):
    body = os.urandom(123_457)
    key = target.key("put.bin")
    records = _records(target, lambda: target.boto3().put_object(Bucket=target.bucket, Key=key, Body=body))
    assert [(r.operation, r.bytes_in) for r in records] == [("PutObject", len(body))]


def test_pyarrow_projected_read_is_range_gets_only(target, parquet_object):
    key, data, table = parquet_object
    fs = target.pyarrow_fs()
    records = _records(target, lambda: pq.read_table(target.path(key), filesystem=fs, columns=["c1", "c5"]))
    s = summarise(records)
    assert s.full_gets == 0
    assert s.range_reads >= 2  # footer + column chunks
    for r in records:
        if r.operation == "GetObject":
            assert r.status == 206
            assert r.bytes_out == _range_length(r.range, len(data))  # counted exactly what was sent
    # Every needed column chunk was fetched, and less than the whole object in total.
    md = pq.ParquetFile(io.BytesIO(data)).metadata
    need = parquet_needed_bytes(md, len(data), ReadRequest(columns=("c1", "c5")))
    assert need <= s.get_bytes < len(data)
    assert set(s.requests) <= {"GetObject", "HeadObject"}


def test_s3fs_default_readahead_fetches_whole_small_object_tuned_does_not(target, parquet_object):
    key, data, _ = parquet_object
    default = get_client("s3fs").location(target, key)
    tuned = get_client("s3fs-tuned").location(target, key)
    codec_request = ReadRequest(columns=("c1", "c5"))
    from formats.parquet import ParquetCodec

    codec = ParquetCodec()
    s_default = summarise(_records(target, lambda: codec.read(default, "pyarrow", codec_request)))
    s_tuned = summarise(_records(target, lambda: codec.read(tuned, "pyarrow", codec_request)))
    # Defaults: 50 MiB read-ahead blocks, so the first read pulls the whole (smaller) object.
    assert s_default.get_bytes >= len(data)
    assert s_tuned.full_gets == 0 and s_tuned.get_bytes < len(data)


def test_boto3_location_reads_whole_object_once(target, parquet_object):
    key, data, table = parquet_object
    from formats.parquet import ParquetCodec

    loc = get_client("boto3").location(target, key)
    records = _records(target, lambda: ParquetCodec().read(loc, "pyarrow", ReadRequest(columns=("c2",))))
    assert [(r.operation, r.range, r.bytes_out) for r in records] == [("GetObject", None, len(data))]


def test_boto3_large_write_is_multipart_with_8mib_parts(target):
    size = MULTIPART_CHUNKSIZE + 1_000_000  # just over the threshold: 2 parts
    loc = Boto3Location(target, target.key("big.bin"))
    payload = os.urandom(size)

    def write():
        with loc.open_output() as f:
            f.write(payload)

    records = _records(target, write)
    ops = summarise(records).requests
    assert ops == {"CreateMultipartUpload": 1, "UploadPart": 2, "CompleteMultipartUpload": 1}
    parts = sorted(r.bytes_in for r in records if r.operation == "UploadPart")
    assert parts == [size - MULTIPART_CHUNKSIZE, MULTIPART_CHUNKSIZE]
    assert loc.size() == size


def test_mark_and_bucket_filter_isolate_a_benchmark(target, parquet_object):
    key, data, _ = parquet_object
    client = target.boto3()
    client.create_bucket(Bucket="other-bucket")
    mark = target.counter.mark()
    client.head_object(Bucket=target.bucket, Key=key)
    client.list_objects_v2(Bucket="other-bucket")
    mine = target.counter.since(mark, bucket=target.bucket)
    everything = target.counter.since(mark)
    assert [r.operation for r in mine] == ["HeadObject"]
    assert sorted(r.operation for r in everything) == ["HeadObject", "ListObjectsV2"]
    client.delete_bucket(Bucket="other-bucket")


def test_concurrent_requests_are_all_counted(target, parquet_object):
    key, data, _ = parquet_object
    client = target.boto3()

    def get():
        for _ in range(5):
            client.get_object(Bucket=target.bucket, Key=key, Range="bytes=0-99")["Body"].read()

    def run():
        threads = [threading.Thread(target=get) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    s = summarise(_records(target, run))
    assert s.requests == {"GetObject": 30}
    assert s.range_reads == 30 and s.range_read_bytes == 30 * 100


@pytest.mark.parametrize("method,path_bucket,key,query,expected", [
    ("GET", "b", "k", {}, "GetObject"),
    ("HEAD", "b", "k", {}, "HeadObject"),
    ("PUT", "b", "k", {}, "PutObject"),
    ("PUT", "b", "k", {"partNumber": ["1"], "uploadId": ["u"]}, "UploadPart"),
    ("POST", "b", "k", {"uploads": [""]}, "CreateMultipartUpload"),
    ("POST", "b", "k", {"uploadId": ["u"]}, "CompleteMultipartUpload"),
    ("DELETE", "b", "k", {"uploadId": ["u"]}, "AbortMultipartUpload"),
    ("DELETE", "b", "k", {}, "DeleteObject"),
    ("GET", "b", None, {"list-type": ["2"]}, "ListObjectsV2"),
    ("GET", "b", None, {}, "ListObjects"),
    ("POST", "b", None, {"delete": [""]}, "DeleteObjects"),
    ("PUT", "b", None, {}, "CreateBucket"),
    ("HEAD", "b", None, {}, "HeadBucket"),
    ("GET", None, None, {}, "ListBuckets"),
])
def test_classify_operations(method, path_bucket, key, query, expected):
    assert classify(method, path_bucket, key, query) == expected


def _rec(op: str, start: float, dur: float, out: int = 0, inp: int = 0, rng: str | None = None) -> RequestRecord:
    return RequestRecord(op, "GET", "b", "k", rng, 200, inp, out, start, dur / 2, dur)


def test_cloud_model_uses_observed_concurrency():
    p = cloud_model.CloudProfile("t", "test", first_byte_s=0.01, bytes_per_s_per_connection=1e6)
    # Two requests issued together (the second before the first's response began at 0.5: one
    # wave), then one after them.
    records = [_rec("GetObject", 0.0, 1.0, out=1000), _rec("GetObject", 0.3, 1.0, out=3000),
               _rec("GetObject", 2.0, 0.1, out=0)]
    seconds, serial = cloud_model.model_seconds(records, p)
    assert len(cloud_model.waves(records)) == 2
    assert seconds == pytest.approx((0.01 + 0.003) + 0.01)
    assert serial == pytest.approx(0.011 + 0.013 + 0.01)
    info = cloud_model.model_info(records)["s3_cloud_model"]
    assert set(info) == set(cloud_model.profiles())
    assert all(v["label"] for v in info.values())


def test_a_request_sent_after_a_response_began_is_not_concurrent_with_it():
    # On loopback a response is closed a little after the client has read it and sent its next
    # request: overlapping server-side intervals, but the second waited for the first.
    records = [_rec("GetObject", 0.0, 1.0), _rec("GetObject", 0.9, 1.0), _rec("GetObject", 1.95, 1.0)]
    assert [len(w) for w in cloud_model.waves(records)] == [1, 1, 1]


def test_model_adds_the_clients_own_work_and_the_mock_floor():
    p = cloud_model.CloudProfile("t", "test", first_byte_s=0.02, bytes_per_s_per_connection=1e6)
    # One wave of two requests (mock waits 0.4 s: the slower one), then one of 0.1 s.
    records = [_rec("GetObject", 0.0, 0.4, out=10_000), _rec("GetObject", 0.1, 0.2),
               _rec("GetObject", 1.0, 0.1, out=0)]
    assert cloud_model.waited_seconds(records) == pytest.approx(0.5)
    m = cloud_model.model_info(records, loopback_seconds=2.0)["s3_cloud_model"]["in-region"]
    assert m["client_compute_seconds"] == pytest.approx(1.5)
    assert m["seconds"] == pytest.approx(m["network_seconds"] + 1.5)
    # On this mock a request cannot answer before the mock did (its time to first byte).
    on_mock = cloud_model.on_mock_seconds(records, p)
    assert on_mock == pytest.approx((0.2 + 0.01) + 0.05)
    assert cloud_model.mock_bound_requests(records, p) == 3
    # Without a loopback time the prediction is the network part alone.
    assert cloud_model.model_info(records)["s3_cloud_model"]["in-region"]["client_compute_seconds"] is None


def test_request_cost_comes_from_the_price_table():
    records = [_rec("GetObject", 0, 0.1), _rec("HeadObject", 1, 0.1), _rec("PutObject", 2, 0.1),
               _rec("ListObjectsV2", 3, 0.1), _rec("DeleteObject", 4, 0.1)]
    s3 = prices.region_prices("us-east-1")["s3"]
    std = s3["storage_classes"]["STANDARD"]
    expected = 2 * std["get_per_1000"] / 1000 + std["put_per_1000"] / 1000 + s3["list_per_1000"] / 1000
    assert cloud_model.request_cost(records)["s3_request_cost_usd"] == pytest.approx(expected)


def test_parquet_needed_bytes_match_metadata(parquet_object, target):
    key, data, _ = parquet_object
    md = pq.ParquetFile(io.BytesIO(data)).metadata
    chunks = sum(md.row_group(i).column(j).total_compressed_size
                 for i in range(md.num_row_groups) for j in (1, 5))
    assert parquet_needed_bytes(md, len(data), ReadRequest(columns=("c1", "c5"))) == \
        chunks + md.serialized_size + 8
    loc = get_client("pyarrow").location(target, key)
    assert needed_bytes("parquet", "full", loc, len(data), ReadRequest()) == (len(data), "object size (full read)")
    assert needed_bytes("parquet", "projection", loc, len(data),
                        ReadRequest(columns=("c1", "c5")))[1] == BASIS_PARQUET
