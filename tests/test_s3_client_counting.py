"""Client-side counting (botocore event hooks) for endpoints the suite cannot count at a server.

Checked on the embedded server, where the server-side counter gives the exact answer: the hooks
on boto3 and s3fs must see the same operations, ranges and bytes.  pyarrow has no hooks: its
cases say so instead of reporting zero requests.
"""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from formats.base import ReadRequest
from formats.parquet import ParquetCodec
from storagebench import aws
from storagebench.moto_server import DUMMY_CREDENTIALS
from storagebench.s3.client_counting import ClientSideCounter, bucket_and_key
from storagebench.s3.clients import get_client
from storagebench.s3.endpoint import EndpointSpec, S3Target, default_counter, resolve


@pytest.fixture(scope="module")
def target():
    with S3Target(resolve(EndpointSpec())) as t:
        rng = np.random.default_rng(5)
        sink = io.BytesIO()
        pq.write_table(pa.table({f"c{i}": rng.integers(0, 10**6, 20_000) for i in range(5)}), sink,
                       row_group_size=5_000)
        key = t.key("hooks.parquet")
        t.boto3().put_object(Bucket=t.bucket, Key=key, Body=sink.getvalue())
        yield t, key, len(sink.getvalue())


def _same(records):
    return sorted((r.operation, r.range or "", r.bytes_in, r.bytes_out, r.status) for r in records)


def _both(t, hooks, fn):
    mark, hmark = t.counter.mark(), hooks.mark()
    fn()
    return t.counter.since(mark, bucket=t.bucket), hooks.since(hmark, bucket=t.bucket)


def test_boto3_hooks_count_what_the_server_counts(target):
    t, key, size = target
    hooks = ClientSideCounter(bucket_hint=t.bucket)
    client = hooks.attach_botocore(aws.client("s3", t.endpoint_url, region=t.region,
                                              credentials=DUMMY_CREDENTIALS))
    server, seen = _both(t, hooks, lambda: (
        client.head_object(Bucket=t.bucket, Key=key),
        client.get_object(Bucket=t.bucket, Key=key)["Body"].read(),
        client.get_object(Bucket=t.bucket, Key=key, Range="bytes=10-1009")["Body"].read(),
        client.put_object(Bucket=t.bucket, Key=t.key("hooks-put.bin"), Body=b"x" * 12345)))
    assert _same(seen) == _same(server)
    assert [r.operation for r in seen] == ["HeadObject", "GetObject", "GetObject", "PutObject"]
    assert seen[1].bytes_out == size and seen[2].bytes_out == 1000 and seen[3].bytes_in == 12345


@pytest.mark.parametrize("client_name", ["s3fs", "s3fs-tuned"])
def test_s3fs_hooks_count_what_the_server_counts(target, client_name):
    t, key, _ = target
    hooks = ClientSideCounter(bucket_hint=t.bucket)
    client = get_client(client_name)
    kwargs = {k: v for k, v in client.settings.items() if k.startswith("default_")}
    fs = hooks.attach_s3fs(t.s3fs_fs(**kwargs))
    from formats.base import Location

    location = Location(t.path(key), filesystem=fs)
    codec = ParquetCodec()
    server, seen = _both(t, hooks, lambda: codec.read(location, "pyarrow", ReadRequest(columns=("c1", "c3"))))
    assert seen and _same(seen) == _same(server)


def test_pyarrow_is_not_counted_client_side_and_says_why():
    hooks = ClientSideCounter()
    assert hooks.not_counted_reason("boto3") is None and hooks.not_counted_reason("s3fs") is None
    assert "exposes no request hooks" in hooks.not_counted_reason("pyarrow")


def test_https_endpoints_get_the_client_side_counter():
    https = resolve(EndpointSpec(endpoint="https://minio.example:9000"))
    assert isinstance(default_counter(https), ClientSideCounter)
    target = S3Target(https)
    assert target.describe()["s3_counted_by"].startswith("client-side botocore event hooks")
    assert not isinstance(default_counter(resolve(EndpointSpec())), ClientSideCounter)


@pytest.mark.parametrize("url, expected", [
    ("https://my-bucket.s3.us-east-1.amazonaws.com/a/b.parquet", ("my-bucket", "a/b.parquet")),
    ("https://s3.us-east-1.amazonaws.com/my-bucket/a/b%20c.parquet", ("my-bucket", "a/b c.parquet")),
    ("http://127.0.0.1:9000/my-bucket", ("my-bucket", None)),
])
def test_bucket_and_key_from_either_addressing_style(url, expected):
    assert bucket_and_key(url, "my-bucket") == expected
