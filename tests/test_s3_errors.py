"""Bad input on the S3 target: each a clear StorageBenchInputError naming what is wrong.

Unreachable endpoint (fails fast: short connect timeout, bounded retries), missing bucket,
access denied (an endpoint that answers 403 AccessDenied the way S3 does, by a WSGI layer in
front of moto: moto itself does not enforce IAM without process-wide settings), an object that
is not the format its key claims, and real AWS without the opt-in flag.  Also: a run deletes
only what it created, and credentials never appear in what a target reports.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from formats.base import StorageBenchInputError
from storagebench.s3.endpoint import EndpointSpec, S3Target, resolve
from storagebench.s3.errors import (
    S3AccessDenied,
    S3BucketMissing,
    S3ConfigError,
    S3EndpointUnreachable,
    S3ObjectFormatError,
    S3RealAwsNotAllowed,
)
from storagebench.s3.target import read_object

ROOT = Path(__file__).resolve().parent.parent
DENIED_BUCKET = "denied-bucket"
CLIENTS = ["boto3", "pyarrow", "s3fs", "s3fs-tuned"]


def deny_bucket(bucket: str):
    """WSGI middleware: every request to ``bucket`` gets S3's 403 AccessDenied response."""
    body = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
            b'<Message>Access Denied</Message></Error>')

    def middleware(app):
        def wrapped(environ, start_response):
            if environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0] == bucket:
                start_response("403 Forbidden", [("Content-Type", "application/xml"),
                                                  ("Content-Length", str(len(body)))])
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
            return app(environ, start_response)
        return wrapped
    return middleware


@pytest.fixture(scope="module")
def target():
    with S3Target(resolve(EndpointSpec()), middlewares=[deny_bucket(DENIED_BUCKET)]) as t:
        yield t


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fake_credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLESECRETID")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "super-secret-value-123")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def test_unreachable_endpoint_fails_fast_with_a_clear_error(fake_credentials):
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens here
    target = S3Target(resolve(EndpointSpec(endpoint=url)))
    with pytest.raises(S3EndpointUnreachable, match=f"S3 endpoint {url} is unreachable"):
        target.open()


@pytest.mark.parametrize("client", ["pyarrow", "s3fs"])
def test_unreachable_endpoint_on_read_is_clear_for_every_client(target, client, fake_credentials):
    url = f"http://127.0.0.1:{_free_port()}"
    dead = S3Target(resolve(EndpointSpec(endpoint=url)))
    dead._credentials = {"aws_access_key_id": "x", "aws_secret_access_key": "y"}
    dead.bucket = "some-bucket"
    with pytest.raises(S3EndpointUnreachable, match="unreachable"):
        read_object(dead, "data.parquet", client=client)


def test_missing_bucket_is_named():
    with pytest.raises(S3BucketMissing, match="bucket 'no-such-bucket' does not exist"):
        S3Target(resolve(EndpointSpec(bucket="no-such-bucket"))).open()


def test_access_denied_on_open():
    t = S3Target(resolve(EndpointSpec(bucket=DENIED_BUCKET)), middlewares=[deny_bucket(DENIED_BUCKET)])
    with pytest.raises(S3AccessDenied, match=f"access denied to bucket '{DENIED_BUCKET}'"):
        t.open()


@pytest.mark.parametrize("client", CLIENTS)
def test_access_denied_on_read_for_every_client(target, client):
    denied = S3Target(target.resolved)
    denied.server, denied._credentials, denied.bucket = target.server, target._credentials, DENIED_BUCKET
    with pytest.raises(S3AccessDenied, match="access denied"):
        read_object(denied, "data.parquet", client=client)


@pytest.mark.parametrize("client", CLIENTS)
def test_object_not_the_format_its_key_claims(target, client):
    key = target.key(f"not-really-{client}.parquet")
    target.boto3().put_object(Bucket=target.bucket, Key=key, Body=b"id,name\n1,a\n2,b\n")
    with pytest.raises(S3ObjectFormatError, match=rf"s3://{target.bucket}/{key} is not a readable parquet file"):
        read_object(target, key, client=client)


def test_missing_key_is_named(target):
    with pytest.raises(StorageBenchInputError, match="absent.csv does not exist"):
        read_object(target, target.key("absent.csv"), client="pyarrow")


def test_unknown_extension_lists_known_formats(target):
    with pytest.raises(StorageBenchInputError, match="cannot tell the format"):
        read_object(target, target.key("thing.xyz"))


@pytest.mark.parametrize("url", ["https://s3.amazonaws.com", "https://s3.eu-west-1.amazonaws.com",
                                 "https://mybucket.s3.us-east-1.amazonaws.com"])
def test_real_aws_without_opt_in_is_refused(url):
    with pytest.raises(S3RealAwsNotAllowed, match="--s3-real-aws"):
        resolve(EndpointSpec(endpoint=url))


def test_real_aws_needs_a_bucket_and_env_endpoint_needs_a_value():
    with pytest.raises(S3ConfigError, match="--s3-bucket"):
        resolve(EndpointSpec(real_aws=True))
    with pytest.raises(S3RealAwsNotAllowed):
        resolve(EndpointSpec(endpoint="env"), environ={"AWS_ENDPOINT_URL": "https://s3.amazonaws.com"})
    with pytest.raises(S3ConfigError, match="AWS_ENDPOINT_URL"):
        resolve(EndpointSpec(endpoint="env"), environ={})
    assert resolve(EndpointSpec(endpoint="env"), environ={"AWS_ENDPOINT_URL_S3": "http://minio:9000"}).kind == "custom"
    assert resolve(EndpointSpec(real_aws=True, bucket="mine")).kind == "aws"
    with pytest.raises(S3ConfigError, match="not an http"):
        resolve(EndpointSpec(endpoint="minio:9000"))


def test_benchmark_run_refuses_real_aws_without_flag_before_timing_anything():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "benchmarks/test_s3_formats.py", "--collect-only", "-q",
         "--s3-endpoint", "https://s3.amazonaws.com", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "is real AWS: add --s3-real-aws" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_run_deletes_only_what_it_created(target):
    client = target.boto3()
    client.create_bucket(Bucket="user-bucket")
    client.put_object(Bucket="user-bucket", Key="keep.txt", Body=b"mine")
    run = S3Target(resolve(EndpointSpec(bucket="user-bucket")))
    run.server = None
    # Reuse the running embedded server (same process-wide moto backend) for this second run.
    run.resolved = resolve(EndpointSpec(endpoint=target.endpoint_url, bucket="user-bucket"))
    run._credentials = dict(target._credentials)
    run._claim_namespace()
    assert run.prefix.startswith("storagebench/") and not run.created_bucket
    client.put_object(Bucket="user-bucket", Key=run.key("a.parquet"), Body=b"x")
    client.put_object(Bucket="user-bucket", Key=run.key("sub/b.csv"), Body=b"y")
    assert run.cleanup() == 2
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="user-bucket").get("Contents", [])]
    assert keys == ["keep.txt"]
    # A bucket the run created is removed with its objects.
    own = S3Target(resolve(EndpointSpec(endpoint=target.endpoint_url)))
    own._credentials = dict(target._credentials)
    own._claim_namespace()
    client.put_object(Bucket=own.bucket, Key="z", Body=b"z")
    own.cleanup()
    assert own.bucket not in [b["Name"] for b in client.list_buckets()["Buckets"]]
    client.delete_object(Bucket="user-bucket", Key="keep.txt")
    client.delete_bucket(Bucket="user-bucket")


def test_credentials_never_reported(fake_credentials):
    # A URL carrying user info is refused outright (S3 signs with keys; a URL secret only leaks),
    # and the refusal does not repeat the secret.
    with pytest.raises(S3ConfigError, match="user info or a query string") as refused:
        resolve(EndpointSpec(endpoint="http://user:pw@127.0.0.1:9/"))
    assert "user:pw" not in str(refused.value) and "pw@" not in str(refused.value)
    t = S3Target(resolve(EndpointSpec(endpoint="http://127.0.0.1:9/")))
    t._credentials = t._standard_credentials()
    reported = json.dumps(t.describe()) + repr(t)
    for secret in ("AKIDEXAMPLESECRETID", "super-secret-value-123"):
        assert secret not in reported
    assert "http://127.0.0.1:9" in reported


def test_pytest_args_for_a_command_line():
    from storagebench.s3 import BENCHMARK_MODULE, pytest_args

    assert pytest_args() == [BENCHMARK_MODULE]
    assert pytest_args(endpoint="http://127.0.0.1:9000", clients=["boto3", "s3fs"]) == [
        BENCHMARK_MODULE, "--s3-endpoint", "http://127.0.0.1:9000", "--s3-clients", "boto3,s3fs"]
    assert pytest_args(real_aws=True, bucket="b")[-1] == "--s3-real-aws"
