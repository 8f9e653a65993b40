"""Counting on any plain-HTTP endpoint: the counting proxy in front of a custom ``http://`` URL.

A second moto server, started here and given to the suite as a custom endpoint, stands in for
MinIO/LocalStack.  The same reads through each client must count exactly the same requests and
bytes through the proxy as on the embedded server (which counts inside moto's WSGI app).
"""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from formats.base import ReadRequest
from formats.parquet import ParquetCodec
from storagebench.moto_server import DUMMY_CREDENTIALS, EmbeddedMoto
from storagebench.s3.clients import get_client
from storagebench.s3.work_summary import summarise
from storagebench.s3.endpoint import EndpointSpec, S3Target, resolve
from storagebench.s3.errors import S3EndpointUnreachable


@pytest.fixture(scope="module")
def parquet_bytes():
    rng = np.random.default_rng(3)
    table = pa.table({f"c{i}": rng.integers(0, 1_000_000, 30_000) for i in range(6)})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=5_000, compression="none")
    return sink.getvalue()


@pytest.fixture(scope="module")
def custom_server():
    server = EmbeddedMoto().start()  # a plain moto server: no counter inside it
    yield server
    server.stop()


@pytest.fixture()
def aws_env(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_CREDENTIALS["aws_secret_access_key"])
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _work(target: S3Target, key: str) -> dict[str, tuple]:
    """Counted work of the same reads through every client: operation -> (count, bytes) per read."""
    codec = ParquetCodec()
    out = {}
    for client, request in (("boto3", ReadRequest()), ("pyarrow", ReadRequest(columns=("c1", "c4"))),
                            ("pyarrow-nobuffer", ReadRequest(engine_options={"pre_buffer": False})),
                            # s3fs with its default read-ahead cache is left out: how many GETs it
                            # sends depends on timing (2 or 3 for the same read, seen under load), so
                            # two runs differ whatever counts them. s3fs-tuned is the same library
                            # without the cache, and deterministic.
                            ("s3fs-tuned", ReadRequest(columns=("c2",)))):
        location = get_client(client).location(target, key)
        codec.read(location, "pyarrow", request)  # warm (s3fs/pyarrow metadata), as the suite does
        mark = target.counter.mark()
        codec.read(location, "pyarrow", request)
        records = target.counter.since(mark, bucket=target.bucket)
        s = summarise(records)
        out[client] = (s.requests, s.bytes_in, s.bytes_out, s.range_reads, s.get_bytes,
                       sorted((r.operation, r.range, r.bytes_out) for r in records))
    return out


def test_counts_through_the_proxy_equal_counts_on_the_embedded_server(custom_server, aws_env, parquet_bytes):
    with S3Target(resolve(EndpointSpec())) as embedded:
        key = embedded.key("same.parquet")
        embedded.boto3().put_object(Bucket=embedded.bucket, Key=key, Body=parquet_bytes)
        expected = _work(embedded, key)
    with S3Target(resolve(EndpointSpec(endpoint=custom_server.endpoint_url))) as custom:
        assert custom.kind == "custom" and custom.proxy is not None
        assert custom.endpoint_url != custom_server.endpoint_url  # clients talk to the proxy
        info = custom.describe()
        assert info["s3_counted"] is True and "proxy" in info["s3_counted_by"]
        assert info["s3_endpoint"] == custom_server.endpoint_url  # the user's endpoint is named
        key = custom.key("same.parquet")
        put = custom.counter.mark()
        custom.boto3().put_object(Bucket=custom.bucket, Key=key, Body=parquet_bytes)
        (r,) = custom.counter.since(put, bucket=custom.bucket)
        assert (r.operation, r.bytes_in, r.status) == ("PutObject", len(parquet_bytes), 200)
        got = _work(custom, key)
    assert got == expected
    # Sanity: the reads did range GETs and whole GETs, so the comparison covered both.
    assert expected["boto3"][3] == 0 and expected["pyarrow"][3] >= 2


def test_objects_written_through_the_proxy_are_on_the_upstream(custom_server, aws_env):
    with S3Target(resolve(EndpointSpec(endpoint=custom_server.endpoint_url))) as custom:
        key = custom.key("x.bin")
        custom.boto3().put_object(Bucket=custom.bucket, Key=key, Body=b"abc" * 1000)
        import boto3

        direct = boto3.client("s3", endpoint_url=custom_server.endpoint_url, region_name="us-east-1",
                              **DUMMY_CREDENTIALS)
        assert direct.get_object(Bucket=custom.bucket, Key=key)["Body"].read() == b"abc" * 1000
        bucket = custom.bucket
    # The run's cleanup went through the proxy too: the bucket it created is gone.
    assert bucket not in [b["Name"] for b in direct.list_buckets()["Buckets"]]


def test_unreachable_custom_endpoint_is_one_clear_error(aws_env):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(S3EndpointUnreachable, match=f"http://127.0.0.1:{port} is unreachable"):
            S3Target(resolve(EndpointSpec(endpoint=f"http://127.0.0.1:{port}"))).open()


def test_https_endpoint_is_not_proxied():
    # TLS cannot be proxied without a certificate the client trusts: counted client-side instead.
    from storagebench.s3.client_counting import ClientSideCounter

    target = S3Target(resolve(EndpointSpec(endpoint="https://minio.example:9000")))
    assert target.proxy is None and isinstance(target.counter, ClientSideCounter)
    assert "proxy" not in target.describe()["s3_counted_by"]
