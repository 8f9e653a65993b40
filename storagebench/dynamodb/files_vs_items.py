"""Purpose-built vs files: one police record by guid from Parquet on S3 and from DynamoDB.

The lesson's "one size doesn't fit": the same records (storagebench.datasets.police, same
seed and size as the DynamoDB ``guid`` table) are written once as Parquet, sorted by guid so
each row group's min/max statistics cover a narrow guid range, with :func:`row_group_rows` rows per
group (about a tenth of the file, 1,000 to 10,000 rows: small enough that a point lookup reads
one group, large enough to keep the footer small),
to moto's S3 server on 127.0.0.1.  A lookup is ``pyarrow.parquet.read_table`` with the filter
``guid == g`` (through formats.get_codec("parquet"), pyarrow's S3FileSystem with
``endpoint_override`` and ``scheme="http"``), timed by pytest-benchmark; the GetItem of the same
guid on the DynamoDB backend is timed in the same test, side by side.

Counted per lookup: S3 requests and response bytes, seen by a small WSGI counter in front of
moto (the S3 suite's ``storagebench.s3.counting.RequestCounter``); DynamoDB requests and
response bytes from the client's counters.

Modelled cloud latency (a labelled model, NOT a measurement): requests are issued one after
another (pyarrow: file info, footer, then the row group), each costing ``MODEL`` request time,
plus bytes at the model's per-connection throughput.  Cost per million lookups uses the price
table: S3 GET-class requests (HEAD is billed as GET) and DynamoDB read units.
"""

from __future__ import annotations

import itertools
import random
import time
from typing import Any

import pyarrow as pa

import formats
from formats.base import Location, RangePredicate, ReadRequest, WriteOptions
from storagebench import aws
from storagebench.datasets import build_dataset
from storagebench.dynamodb.bench import SUITE, round_times, table_info
from storagebench.dynamodb.capacity import get_item_rcu, read_cost_per_million
from storagebench.dynamodb.session import DynamoSession
from storagebench.dynamodb.sweep import percentiles
from storagebench.dynamodb.tables import TableSpec
from storagebench.s3.counting import RequestCounter
from storagebench.s3.filesystems import pyarrow_filesystem
from storagebench.moto_server import DEFAULT_REGION, DUMMY_CREDENTIALS, EmbeddedMoto
from storagebench.prices import region_prices

ROW_GROUP_ROWS = 10_000  # at most; at least MIN_ROW_GROUPS groups so statistics can prune
MIN_ROW_GROUPS = 10
MIN_ROW_GROUP_ROWS = 1_000
COMPRESSION = "snappy"
# Assumed same-region figures for the model (not measured here; change them to your own):
# S3 first-byte latency per request and per-connection throughput, DynamoDB GetItem round trip.
MODEL = {"s3_request_s": 0.020, "s3_bytes_per_s": 90e6, "dynamodb_request_s": 0.005,
         "dynamodb_bytes_per_s": 90e6, "label": "model: sequential requests x per-request latency "
                                                 "+ bytes / throughput (assumed figures)"}


def _s3(session: DynamoSession) -> dict[str, Any]:
    """moto's S3 on its own embedded server (with the counter), one per session."""
    if "files_s3" not in session.resources:
        counter = RequestCounter()
        server = EmbeddedMoto(middlewares=[counter.middleware]).start()
        session.on_close(server.stop)
        s3 = aws.client("s3", server.endpoint_url, DEFAULT_REGION, DUMMY_CREDENTIALS)
        bucket = f"sb-{session.run_id}-files"
        s3.create_bucket(Bucket=bucket)
        fs = pyarrow_filesystem(server.endpoint_url, DEFAULT_REGION, DUMMY_CREDENTIALS)
        session.resources["files_s3"] = {"server": server, "counter": counter, "fs": fs,
                                          "bucket": bucket, "files": {}}
    return session.resources["files_s3"]


def parquet_file(session: DynamoSession, items: int, seed: int) -> tuple[Location, pa.Table, int]:
    """The police records as a guid-sorted Parquet object on moto S3 (written once per size)."""
    s3 = _s3(session)
    if items not in s3["files"]:
        table = build_dataset("police", items, seed).table.sort_by("guid")
        location = Location(f"{s3['bucket']}/police-{items}.parquet", filesystem=s3["fs"])
        row_group = row_group_rows(items)
        formats.get_codec("parquet").write(table, location, "pyarrow", WriteOptions(COMPRESSION, row_group))
        s3["files"][items] = (location, table, row_group)
    return s3["files"][items]


def row_group_rows(items: int) -> int:
    """Rows per group: ~1/10 of the file, between 1,000 and 10,000 rows (never above the file)."""
    return min(items, max(MIN_ROW_GROUP_ROWS, min(ROW_GROUP_ROWS, items // MIN_ROW_GROUPS)))


def lookup_request(guid: str) -> ReadRequest:
    # guid <= x < guid + "\0" is exactly x == guid for strings: the codec contract's range filter.
    return ReadRequest(predicate=RangePredicate("guid", guid, guid + "\x00"))


def modelled_seconds(requests: float, nbytes: float, per_request: float, bytes_per_s: float) -> float:
    return requests * per_request + nbytes / bytes_per_s


def run_files_vs_items(benchmark: Any, session: DynamoSession, backend: str, items: int, rounds: int,
                       profile: str, seed: int) -> dict[str, Any]:
    client = session.client(backend)
    table = session.table(backend, TableSpec("guid", items, 0, seed))
    location, written, row_group = parquet_file(session, items, seed)
    counter: RequestCounter = _s3(session)["counter"]
    codec = formats.get_codec("parquet")
    rng = random.Random(seed)
    guids = [written.column("guid")[rng.randrange(items)].as_py() for _ in range(rounds + 1)]

    # Untimed check and counts of one lookup each way.
    mark = counter.mark()
    found = codec.to_arrow(codec.read(location, "pyarrow", lookup_request(guids[0])))
    s3_requests = counter.since(mark)
    expected = written.filter(pa.compute.equal(written.column("guid"), guids[0]))
    if found.num_rows != 1 or found.to_pylist() != expected.to_pylist():
        raise AssertionError(f"Parquet lookup of guid {guids[0]} returned {found.num_rows} rows, not the record")
    client.key_schema(table.name)  # cached DescribeTable, so the count below is GetItem's alone
    before = client.counters.snapshot()
    got = client.call("GetItem", TableName=table.name, Key=table.key_dict((guids[0],)),
                      ReturnConsumedCapacity="TOTAL")
    after = client.counters.snapshot()
    if table.key_of(got.get("Item", {"guid": {"S": ""}})) != (guids[0],):
        raise AssertionError(f"GetItem of guid {guids[0]} on {backend} did not return the record")

    timed = itertools.cycle(guids[1:])
    own_times: list[float] = []

    def lookup(guid: str) -> Any:
        started = time.perf_counter()
        result = codec.read(location, "pyarrow", lookup_request(guid))
        own_times.append(time.perf_counter() - started)
        return result

    benchmark.pedantic(lookup, setup=lambda: ((next(timed),), {}), rounds=rounds, iterations=1, warmup_rounds=0)
    parquet_times = round_times(benchmark) or own_times
    get_times = []
    for guid in guids[1:]:
        started = time.perf_counter()
        client.call("GetItem", TableName=table.name, Key=table.key_dict((guid,)))
        get_times.append(time.perf_counter() - started)

    prices = region_prices(client.region if backend in ("aws", "endpoint") else DEFAULT_REGION)
    get_price = prices["s3"]["storage_classes"]["STANDARD"]["get_per_1000"] / 1000
    s3_bytes = sum(r.bytes_out for r in s3_requests)
    ddb_requests = after["requests"] - before["requests"]
    ddb_bytes = after["response_bytes"] - before["response_bytes"]
    rcu = get_item_rcu(table.sizes[(guids[0],)], consistent=False)
    parquet_p = percentiles(parquet_times)
    get_p = percentiles(get_times)
    info = {
        **table_info(session, backend, table),
        "suite": SUITE,
        "operation": "files_vs_items",
        "consistency": "eventual",
        "profile": profile,
        "parquet_object_bytes": location.size(),
        "parquet_row_group_rows": row_group,
        "parquet_row_groups": -(-items // row_group),
        "parquet_compression": COMPRESSION,
        "parquet_sorted_by": "guid",
        "parquet_requests": len(s3_requests),
        "parquet_requests_detail": [f"{r.operation} {'range ' + r.range if r.range else 'whole'} {r.bytes_out} B"
                                    for r in s3_requests],
        "parquet_bytes": s3_bytes,
        **{f"parquet_{k}": v for k, v in parquet_p.items()},
        "parquet_modelled_s": modelled_seconds(len(s3_requests), s3_bytes, MODEL["s3_request_s"],
                                               MODEL["s3_bytes_per_s"]),
        "parquet_cost_per_million_usd": len(s3_requests) * get_price * 1e6,
        "getitem_requests": ddb_requests,
        "getitem_bytes": ddb_bytes,
        **{f"getitem_{k}": v for k, v in get_p.items()},
        "getitem_modelled_s": modelled_seconds(ddb_requests, ddb_bytes, MODEL["dynamodb_request_s"],
                                               MODEL["dynamodb_bytes_per_s"]),
        "getitem_rcu_computed": rcu,
        "getitem_cost_per_million_usd": read_cost_per_million(rcu),
        "latency_model": MODEL,
        "s3_backend": "moto",
        "correct": True,
    }
    info["p50_s"], info["p95_s"], info["p99_s"] = parquet_p["p50_s"], parquet_p["p95_s"], parquet_p["p99_s"]
    benchmark.extra_info.update(info)
    return info
