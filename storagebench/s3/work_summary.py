"""What a set of counted S3 requests did, in the terms a case reports: requests by operation,
bytes each way, range reads, read amplification (:class:`WorkSummary`), and the requests' time to
first/last byte by operation and size (:func:`latency_summary`).  The requests themselves are
recorded by :mod:`storagebench.s3.counting`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from storagebench.s3.counting import RequestRecord


@dataclass(frozen=True)
class WorkSummary:
    """What a set of requests did, in the terms extra_info reports."""

    requests: dict[str, int]  # operation -> count
    bytes_in: int
    bytes_out: int
    range_reads: int
    range_read_bytes: int
    full_gets: int  # GetObject without a Range header
    errors: int  # responses with status >= 400

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def range_read_mean_bytes(self) -> float | None:
        return self.range_read_bytes / self.range_reads if self.range_reads else None

    @property
    def get_bytes(self) -> int:
        """Body bytes of GetObject responses: what a read fetched from storage."""
        return self.range_read_bytes + self._full_get_bytes

    _full_get_bytes: int = 0

    def as_info(self) -> dict[str, Any]:
        return {
            "s3_requests": dict(sorted(self.requests.items())),
            "s3_requests_total": self.total_requests,
            "s3_bytes_in": self.bytes_in,
            "s3_bytes_out": self.bytes_out,
            "s3_get_bytes": self.get_bytes,
            "s3_full_gets": self.full_gets,
            "s3_range_reads": self.range_reads,
            "s3_range_read_mean_bytes": self.range_read_mean_bytes,
            "s3_error_responses": self.errors,
        }


def summarise(records: Iterable[RequestRecord]) -> WorkSummary:
    requests: dict[str, int] = {}
    bytes_in = bytes_out = range_reads = range_bytes = full_gets = full_bytes = errors = 0
    for r in records:
        requests[r.operation] = requests.get(r.operation, 0) + 1
        bytes_in += r.bytes_in
        bytes_out += r.bytes_out
        errors += r.status >= 400
        if r.operation == "GetObject" and r.status < 400:
            if r.range is not None:
                range_reads += 1
                range_bytes += r.bytes_out
            else:
                full_gets += 1
                full_bytes += r.bytes_out
    return WorkSummary(requests, bytes_in, bytes_out, range_reads, range_bytes, full_gets, errors,
                       _full_get_bytes=full_bytes)


# -- time to first / last byte by object size (MinIO warp's view) ---------------------------------
# Bucket edges in bytes moved by one request (request body + response body): the size of what a
# GET fetched or a PUT/UploadPart sent.  A bucket holds the requests with lower <= size < upper.
SIZE_BUCKETS: tuple[tuple[str, int, float], ...] = (
    ("< 64 KiB", 0, 64 * 1024),
    ("64 KiB - 1 MiB", 64 * 1024, 1024 ** 2),
    ("1 - 8 MiB", 1024 ** 2, 8 * 1024 ** 2),
    ("8 - 64 MiB", 8 * 1024 ** 2, 64 * 1024 ** 2),
    (">= 64 MiB", 64 * 1024 ** 2, float("inf")),
)
PERCENTILES = (50, 90, 99)


def size_bucket(n_bytes: int) -> str:
    for label, lower, upper in SIZE_BUCKETS:
        if lower <= n_bytes < upper:
            return label
    raise ValueError(f"negative size {n_bytes}")


def _percentile(sorted_values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on a sorted list."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def latency_summary(records: Iterable[RequestRecord]) -> list[dict[str, Any]]:
    """Per (operation, size bucket): request count and p50/p90/p99 of time to first byte and to
    last byte, in seconds (server-side view: from the request reaching the counter to the first /
    last body chunk leaving it).  Requests without a response body have no first byte; their
    ``ttfb`` percentiles cover only the ones that had one.  Failed requests (>= 400) are left out."""
    groups: dict[tuple[str, str], list[RequestRecord]] = {}
    for r in records:
        if r.status >= 400:
            continue
        groups.setdefault((r.operation, size_bucket(r.bytes_in + r.bytes_out)), []).append(r)
    order = {label: i for i, (label, _, _) in enumerate(SIZE_BUCKETS)}
    out = []
    for (operation, bucket), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        ttfb = sorted(r.first_byte_s for r in rs if r.first_byte_s is not None)
        ttlb = sorted(r.last_byte_s for r in rs)
        row: dict[str, Any] = {"operation": operation, "size_bucket": bucket, "requests": len(rs),
                               "bytes": sum(r.bytes_in + r.bytes_out for r in rs)}
        for p in PERCENTILES:
            row[f"ttfb_p{p}_s"] = _percentile(ttfb, p) if ttfb else None
            row[f"ttlb_p{p}_s"] = _percentile(ttlb, p)
        out.append(row)
    return out
