"""Parallel Scan: the same find-one filter split into segments read by concurrent threads.

Segments divide the table's hash space (``Segment`` / ``TotalSegments``); each thread pages its
segment to the end.  Total work and capacity are the serial scan's, latency divides by the
parallelism the backend can serve (one Node process for dynalite, a Python server for moto).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from storagebench.dynamodb.client import DynamoClient
from storagebench.dynamodb.patterns import Answer, Probe, audit_scan_rcu, paginate, register
from storagebench.dynamodb.patterns.scan_filter import ScanFilter
from storagebench.dynamodb.tables import LoadedTable

DEFAULT_SEGMENTS = 4


class ParallelScan(ScanFilter):
    def __init__(self, name: str, segments: int):
        self.name, self.segments = name, segments
        self.description = f"Scan with the guid filter in {segments} segments on {segments} threads"

    def execute(self, client: DynamoClient, table: LoadedTable, probe: Probe) -> Answer:
        base = self.request(table, probe)
        with ThreadPoolExecutor(max_workers=self.segments, thread_name_prefix="ddb-scan") as pool:
            parts = list(pool.map(
                lambda s: paginate(client, "Scan", dict(base, Segment=s, TotalSegments=self.segments), s),
                range(self.segments)))
        merged = Answer()
        for part in parts:
            merged.items.extend(part.items)
            merged.pages.extend(part.pages)
        return merged

    def rcu(self, client: DynamoClient, table: LoadedTable, probe: Probe, answer: Answer) -> float:
        base = self.request(table, probe)
        total = 0.0
        for segment in range(self.segments):
            pages = Answer(pages=[p for p in answer.pages if p.segment == segment])
            total += audit_scan_rcu(client, table, dict(base, Segment=segment, TotalSegments=self.segments),
                                    pages, self.consistent)
        return total


register(ParallelScan(f"parallel_scan_{DEFAULT_SEGMENTS}", DEFAULT_SEGMENTS))
