"""polars and DuckDB on the embedded S3: each through its own client (polars' object store,
DuckDB's httpfs loaded offline), counted by the same request counter as the other clients, with
the same fidelity check; credentials never in a repr."""

from __future__ import annotations

import pytest

from storagebench.cases import ReadCase
from storagebench.profiles import get_profile
from storagebench.s3.clients import CLIENTS, get_client, serves
from storagebench.s3.endpoint import EndpointSpec, S3Target, resolve
from storagebench.s3.target import S3Case, S3Harness
from fake_benchmark import FakeBenchmark


@pytest.fixture(scope="module")
def harness():
    with S3Target(resolve(EndpointSpec())) as target:
        h = S3Harness(get_profile("quick", rows=5_000), ["mixed"], 42, target)
        yield h
        h.close()


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
@pytest.mark.parametrize("kind", ["full", "predicate"])
def test_engine_reads_parquet_through_its_own_client_counted(harness, engine, kind):
    b = FakeBenchmark()
    info = harness.run_s3_read(S3Case(ReadCase("parquet", "pyarrow", engine, "snappy", kind, "mixed"), engine), b)
    assert info["s3_client"] == engine and info["engine"] == engine
    assert info["s3_requests"].get("GetObject", 0) >= 1  # counted at the server like every client
    assert info["s3_get_bytes"] > 0 and info["s3_read_amplification"] is not None
    assert info["fidelity"] in ("lossless", "lossy-types")  # DuckDB: zone name -> session zone
    assert info["rows_returned"] == (5_000 if kind == "full" else 500)


def test_duckdb_reads_each_round_from_s3_not_from_its_cache(harness):
    b = FakeBenchmark()
    info = harness.run_s3_read(S3Case(ReadCase("parquet", "pyarrow", "duckdb", "snappy", "full", "mixed"),
                                      "duckdb"), b)
    # The counted run comes after the fidelity read and the timed rounds: with DuckDB's external
    # file cache on, it would fetch no object bytes at all.
    assert info["s3_get_bytes"] >= info["s3_object_bytes"] * 0.5


def test_engine_clients_serve_only_their_engine():
    assert serves(get_client("polars"), "polars") and not serves(get_client("polars"), "pyarrow")
    assert not serves(get_client("pyarrow"), "duckdb") and serves(get_client("s3fs"), "pandas")
    assert not get_client("duckdb").applies_to("orc", "read")
    assert all(not c.can_write for c in (CLIENTS["polars"], CLIENTS["duckdb"]))


def test_object_store_location_keeps_the_secret_out_of_reprs(harness):
    loc = get_client("duckdb").location(harness.target, harness.target.key("x.parquet"))
    secret = harness.target._creds()["aws_secret_access_key"]
    assert loc.object_store.url.startswith("s3://") and loc.object_store.secret == secret
    assert secret not in repr(loc) and secret not in repr(loc.object_store)
