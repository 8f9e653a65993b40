"""Format benchmarks on S3: the local harness with S3 locations, per client, with counted work.

:class:`S3Harness` runs :class:`storagebench.harness.Harness`'s cases (setup outside the
timing, fidelity read before timing, pedantic rounds, the common ``extra_info`` keys) on an
:class:`storagebench.s3.client_target.S3ClientTarget` per client: the target decides where the
bytes live and how they are removed and counted.  The read benchmarks' input objects are written
once by the setup client's target.  After the timed rounds it runs ONE more operation of the
same case (untimed) between two marks of the request counter, and adds to ``extra_info``
(:mod:`storagebench.s3.work`) the keys :class:`storagebench.results.S3Record` declares (client
and endpoint, requests and bytes as the server saw them, read/upload amplification, modelled
cloud time per labelled profile beside the loopback median, request cost and its price-table
provenance; required and optional keys, types, units).

Peak memory of reads (``peak_memory_bytes``) is measured in a child of
:mod:`storagebench.memory`'s clean forkserver that builds its own S3 client from the target's
connection (pyarrow's AWS SDK and s3fs's event loop are not safe to use in a fork of this
process).  Writes' peak memory is not measured on S3 (None): the write encodes in
memory the same way as locally, where it is measured.  A profile whose S3 scope has
``read_memory`` off (quick) records the reason instead of a read's peak.

Under ``--s3-latency PROFILE`` every case also records the injected profile and the model's
check against the measurement (``s3_model_s``, ``s3_measured_over_model``); every case records
``s3_request_latency`` (time to first / last byte percentiles by operation and size).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import formats
from formats.base import ReadRequest
from storagebench import memory
from storagebench.cases import ReadCase, WriteCase
from storagebench.harness import CaseSkipped, Harness, median_seconds
from storagebench.profiles import Profile
from storagebench.results import SUITE_S3
from storagebench.s3.client_target import COUNTED_RUNS_UNDER_LATENCY, S3ClientTarget, object_key
from storagebench.s3.clients import SETUP_CLIENT, S3Client, get_client
from storagebench.s3.counting import RequestRecord
from storagebench.s3.work_summary import latency_summary
from storagebench.s3.endpoint import S3Target
from storagebench.s3.needed import needed_bytes
from storagebench.s3.objects import codec_for_key, read_object
from storagebench.s3.work import work_info


@dataclass(frozen=True)
class S3Case:
    """A format case (write or read, from storagebench.cases) through one S3 client."""

    case: WriteCase | ReadCase
    client: str

    @property
    def id(self) -> str:
        return f"{self.case.id}-{self.client}"


class S3Harness(Harness):
    """The format harness on an opened :class:`S3Target`, one client target per client."""

    def __init__(self, profile: Profile, dataset_specs: list[str], seed: int, target: S3Target,
                 cloud_profiles: list[str] | None = None, work_dir: Path | None = None,
                 memory_pass: bool = False):
        self._names = itertools.count()  # one key sequence for every client's target
        self._targets: dict[str, S3ClientTarget] = {}
        self.target = target
        # The read benchmarks' input objects are written by the setup client (untimed).  The
        # harness's own memory pass stays off: reads are measured with their own S3 client in a
        # clean child (_read_memory).
        super().__init__(profile, dataset_specs, seed, memory_pass=False, work_dir=work_dir,
                         target=self.client_target(get_client(SETUP_CLIENT)), suite=SUITE_S3)
        self.s3_memory = memory_pass and os.path.exists("/proc/self/clear_refs")
        self.cloud_profiles = cloud_profiles
        # Every request of the cases' timed operations (for the run's TTFB/TTLB percentiles).
        self.timed_records: list[RequestRecord] = []

    def client_target(self, client: S3Client) -> S3ClientTarget:
        """The run's bucket reached through ``client`` (one per client, so its filesystem is reused)."""
        if client.name not in self._targets:
            self._targets[client.name] = S3ClientTarget(self.target, client, self._names)
        return self._targets[client.name]

    def _supported(self, case_id: str, client: S3Client, fmt: str, operation: str, dims: dict) -> None:
        if not client.applies_to(fmt, operation):
            self.skip(case_id, f"S3 client {client.name!r} does not {operation} {fmt}",
                      target="s3", s3_client=client.name, format=fmt, **dims)

    # -- peak memory, in a child of the clean forkserver --------------------------------------
    def _read_memory(self, case: ReadCase, client: S3Client, key: str, request: ReadRequest) -> dict[str, Any]:
        """Peak memory of one read, measured in a child of :mod:`storagebench.memory`'s clean
        forkserver (never a fork of this process: pyarrow's AWS SDK and s3fs's event loop are
        not fork-safe); the S3 client is built in the child from the connection; the same scope
        as local reads (the profile's memory scope)."""
        if not self.s3_memory or not self.profile.measures_read_memory(case.kind):
            return {}
        if not self.profile.s3.read_memory:
            return {"peak_memory_not_measured_reason": f"not measured in the {self.profile.name} profile "
                                                       "(its S3 scope: the same decoding is measured locally)"}
        peak, reason = memory.measure(
            prepare_s3_read, self.target.connection(), client.name, key, case.format, case.reader, request)
        if peak is None:
            return {"peak_memory_bytes": None, "peak_memory_method": None,
                    "peak_memory_not_measured_reason": reason}
        return {"peak_memory_bytes": peak, "peak_memory_method": memory.METHOD}

    # -- the two S3 benchmarks ------------------------------------------------------------------
    def run_s3_write(self, s3case: S3Case, benchmark: Any) -> dict[str, Any]:
        case, client = s3case.case, get_client(s3case.client)
        target = self.client_target(client)
        codec = formats.get_codec(case.format)
        self._supported(s3case.id, client, case.format, "write", {"dataset": case.dataset})
        with target.watching() as timed:
            info = self.run_write(case, benchmark, target, case_id=s3case.id, dims={"s3_client": client.name},
                                  extra=self._common_extra(target))
        self.timed_records += timed
        data = self.writer_input(codec, case.engine, case.dataset)
        options = self.write_options(codec, case.compression)
        loc = target.location(codec, f"counted-{case.id}", case.compression)
        counted = target.counted_runs(lambda: codec.write(data, loc, case.engine, options))
        size = loc.size()
        target.discard(loc)
        work = work_info(target, counted, median_seconds(benchmark), self.cloud_profiles, self.profile.rounds, timed)
        if counted is not None:
            work["s3_request_latency"] = latency_summary(timed)
            work["s3_object_bytes"] = size
            work["s3_upload_amplification"] = work["s3_bytes_in"] / size if size else None
        benchmark.extra_info.update(work)
        return {**info, **work}

    def run_s3_read(self, s3case: S3Case, benchmark: Any) -> dict[str, Any]:
        case, client = s3case.case, get_client(s3case.client)
        target = self.client_target(client)
        self._supported(s3case.id, client, case.format, "read", {"dataset": case.dataset})
        dims = {"s3_client": client.name}
        # The input object is written (by the setup client) before the timed requests are watched.
        prepared = self.prepare_read(case, target, s3case.id, dims, client.engine_options)
        with target.watching() as timed:
            info = self.run_read(case, benchmark, target, case_id=s3case.id, dims=dims,
                                 extra=self._common_extra(target), prepared=prepared)
        self.timed_records += timed
        codec, written, request, location = prepared.codec, prepared.written, prepared.request, prepared.location
        memory_info = self._read_memory(case, client, object_key(self.target, written.location), request)
        counted = target.counted_runs(lambda: codec.read(location, case.reader, request))
        work = work_info(target, counted, median_seconds(benchmark), self.cloud_profiles, self.profile.rounds, timed)
        needed, basis = needed_bytes(case.format, case.kind, written.location, written.size, request)
        work.update({"s3_object_bytes": written.size, "s3_bytes_needed": needed,
                     "s3_bytes_needed_basis": basis})
        if counted is not None:
            work["s3_read_amplification"] = work["s3_get_bytes"] / needed if needed else None
            work["s3_request_latency"] = latency_summary(timed)
        work.update(memory_info)
        benchmark.extra_info.update(work)
        return {**info, **work}

    def _common_extra(self, target: S3ClientTarget) -> dict[str, Any]:
        return {"suite": SUITE_S3, **target.client.info(), **target.endpoint.describe()}


def prepare_s3_read(connection: dict[str, Any], client: str, key: str, format_name: str, reader: str,
                    request: ReadRequest) -> Callable[[], Any]:
    """In the memory-measuring child: reach the object as ``client`` does and read it once (client,
    connection, thread-pool and codec set-up are one-time costs, not the read's, as in the warm
    parent the local harness forks from), then return the read to measure."""
    target = S3Target.attach(connection)
    location = get_client(client).location(target, key)
    codec = formats.get_codec(format_name)
    # The warm-up's result stays alive while the read is measured: otherwise the measured read
    # lands in the pages the warm-up freed (mimalloc keeps them) and reads as ~0 bytes.
    warm = codec.read(location, reader, request)
    return lambda: (warm, codec.read(location, reader, request))


__all__ = ["S3Harness", "S3Case", "SUITE_S3", "CaseSkipped", "COUNTED_RUNS_UNDER_LATENCY", "object_key",
           "read_object", "codec_for_key"]
