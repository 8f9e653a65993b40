"""Modelled cloud time and request cost from counted S3 work.

A loopback mock answers in microseconds, so its wall time rewards fewer requests far less than
the cloud does (TRAPS.md).  This module turns the requests and bytes the counter recorded into
a time under named, labelled profiles (storagebench/data/cloud_profiles.json), e.g.
``in-region``: 20 ms to first byte, 90 MB/s per connection.  The model is reported beside the
measured mock time, never in place of it, and every figure carries its profile's label.

The model, per request: ``first_byte_s + (bytes_in + bytes_out) / bytes_per_s_per_connection``.
Concurrency is taken from what the client actually did on the mock: a request issued before any
response of the current *wave* had begun to arrive cannot depend on those responses, so it
joins the wave (concurrent, on its own connection); a wave costs its slowest request and waves
run one after another.  ``serial_seconds`` (every request back to back) is the upper bound.

The client's own work (decoding, Python, pyarrow's threads) costs the same in the cloud as on
loopback, so the prediction adds it: ``client_compute_seconds`` = the loopback wall time of the
operation minus the time it waited on the mock's waves (the same wave structure, with the
mock's request times).  ``seconds`` = network (the waves under the profile) + client compute.

Validated against injected latency (``--s3-latency``, :mod:`storagebench.s3.latency`): the
first model (network only, waves from overlapping server-side intervals) predicted half the
measured time for full 10 MB Parquet reads (the decode was missing) and a fifth of it for
pyarrow without pre_buffer (on loopback a finished response is closed a few ms after the client
has sent its next request, so sequential reads looked concurrent); both are fixed here.

Request cost comes from the one price table (:mod:`storagebench.prices`): GET/HEAD at the GET
price, PUT/POST/LIST/COPY at the PUT price, DELETE free (S3 STANDARD).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from formats.base import UnknownNameError
from storagebench import prices
from storagebench.s3.counting import RequestRecord


@dataclass(frozen=True)
class CloudProfile:
    name: str
    label: str
    first_byte_s: float
    bytes_per_s_per_connection: float

    def request_seconds(self, r: RequestRecord) -> float:
        return self.first_byte_s + (r.bytes_in + r.bytes_out) / self.bytes_per_s_per_connection


@lru_cache(maxsize=1)
def profiles() -> dict[str, CloudProfile]:
    raw = json.loads(resources.files("storagebench").joinpath("data/cloud_profiles.json").read_text())
    return {name: CloudProfile(name, p["label"], float(p["first_byte_s"]),
                               float(p["bytes_per_s_per_connection"]))
            for name, p in raw["profiles"].items()}


def get_profile(name: str) -> CloudProfile:
    try:
        return profiles()[name]
    except KeyError:
        raise UnknownNameError("cloud profile", name, profiles()) from None


def _response_began(r: RequestRecord) -> float:
    """When the response began to leave the server (its first body byte; else its end)."""
    return r.started + (r.first_byte_s if r.first_byte_s is not None else r.last_byte_s)


def waves(records: Iterable[RequestRecord]) -> list[list[RequestRecord]]:
    """Group requests that were in flight together: each joins the current wave if it reached the
    server before any response of the wave had begun (so it cannot have waited for one)."""
    out: list[list[RequestRecord]] = []
    wave_open_until = float("-inf")
    for r in sorted(records, key=lambda r: r.started):
        if out and r.started < wave_open_until:
            out[-1].append(r)
            wave_open_until = min(wave_open_until, _response_began(r))
        else:
            out.append([r])
            wave_open_until = _response_began(r)
    return out


def model_seconds(records: list[RequestRecord], profile: CloudProfile) -> tuple[float, float]:
    """(network seconds with the observed concurrency, network seconds if every request were serial)."""
    overlapped = sum(max(profile.request_seconds(r) for r in wave) for wave in waves(records))
    serial = sum(profile.request_seconds(r) for r in records)
    return overlapped, serial


def waited_seconds(records: list[RequestRecord]) -> float:
    """Time the operation waited on the mock: each wave's slowest request, as measured."""
    return sum(max(r.last_byte_s for r in wave) for wave in waves(records))


def client_compute_seconds(records: list[RequestRecord], loopback_seconds: float | None) -> float | None:
    """The operation's own work: its loopback wall time minus its waits on the mock (>= 0)."""
    if loopback_seconds is None:
        return None
    return max(0.0, loopback_seconds - waited_seconds(records))


def _mock_time_to_first_byte(r: RequestRecord) -> float:
    return r.first_byte_s if r.first_byte_s is not None else r.last_byte_s


def on_mock_seconds(records: list[RequestRecord], profile: CloudProfile) -> float:
    """The model's network seconds for THIS mock with the profile injected: a request cannot
    answer before the mock has produced its response, so each costs max(the mock's own time to
    first byte, as counted on loopback; the profile's first byte) + its bytes at the profile's
    rate.  moto reads the whole object for every range GET (TRAPS.md), so on large objects its
    own time exceeds a 20 ms first byte; this is the figure injected measurements are checked
    against, while ``network_seconds`` is the cloud's."""
    rate = profile.bytes_per_s_per_connection
    return sum(max(max(_mock_time_to_first_byte(r), profile.first_byte_s) + (r.bytes_in + r.bytes_out) / rate
                   for r in wave) for wave in waves(records))


def mock_bound_requests(records: list[RequestRecord], profile: CloudProfile) -> int:
    """Requests whose own loopback time to first byte exceeded the profile's first byte."""
    return sum(_mock_time_to_first_byte(r) > profile.first_byte_s for r in records)


def model_info(records: list[RequestRecord], names: Iterable[str | CloudProfile] | None = None,
               loopback_seconds: float | None = None) -> dict[str, Any]:
    """``{"s3_cloud_model": {profile: {label, seconds, network_seconds, ...}}}`` for extra_info.

    ``loopback_seconds``: the operation's wall time on the mock without injected latency (the
    run whose requests ``records`` are); without it the prediction is the network part alone."""
    chosen = [n if isinstance(n, CloudProfile) else get_profile(n) for n in names] if names \
        else list(profiles().values())
    compute = client_compute_seconds(records, loopback_seconds)
    out = {}
    for p in chosen:
        network, serial = model_seconds(records, p)
        out[p.name] = {"label": p.label, "seconds": network + (compute or 0.0), "network_seconds": network,
                       "on_mock_seconds": on_mock_seconds(records, p) + (compute or 0.0),
                       "mock_bound_requests": mock_bound_requests(records, p),
                       "client_compute_seconds": compute, "serial_seconds": serial + (compute or 0.0),
                       "first_byte_s": p.first_byte_s,
                       "bytes_per_s_per_connection": p.bytes_per_s_per_connection,
                       "concurrent_waves": len(waves(records))}
    return {"s3_cloud_model": out}


# Operation -> price-table field.  GET-class requests (GET, HEAD, and the other reads) and
# PUT-class requests (PUT, COPY, POST, LIST) as S3's pricing page groups them.
_GET_CLASS = {"GetObject", "HeadObject", "HeadBucket", "GetBucketLocation"}
_FREE = {"DeleteObject", "DeleteObjects", "DeleteBucket", "AbortMultipartUpload"}


def request_cost(records: Iterable[RequestRecord], region: str = "us-east-1",
                 storage_class: str = "STANDARD") -> dict[str, Any]:
    s3 = prices.region_prices(region)["s3"]
    cls = s3["storage_classes"][storage_class]
    total = 0.0
    for r in records:
        if r.operation in _FREE:
            continue
        if r.operation in _GET_CLASS:
            total += cls["get_per_1000"] / 1000
        elif r.operation.startswith("List"):
            total += s3["list_per_1000"] / 1000
        else:
            total += cls["put_per_1000"] / 1000
    return {"s3_request_cost_usd": total,
            "s3_request_cost_per_million_ops_usd": total * 1_000_000,
            "s3_price_region": region, "s3_price_as_of": prices.provenance()["as_of"]}
