"""Format benchmarks on S3: the local harness with S3 locations, per client, with counted work.

:class:`S3Harness` runs :class:`storagebench.harness.Harness`'s cases (setup outside the
timing, fidelity read before timing, pedantic rounds, the common ``extra_info`` keys) on an
:class:`storagebench.s3.client_target.S3ClientTarget` per client: the target decides where the
bytes live and how they are removed and counted.  The read benchmarks' input objects are written
once by the setup client's target.  After the timed rounds it runs ONE more operation of the
same case (untimed) between two marks of the request counter, and adds to ``extra_info``
(:mod:`storagebench.s3.work`):

``s3_client``, ``s3_client_settings`` (pre_buffer, block size, cache type, multipart sizes),
``s3_endpoint_kind``, ``s3_endpoint`` (scheme://host:port only), ``s3_requests`` (operation ->
count), ``s3_requests_total``, ``s3_bytes_in``, ``s3_bytes_out``, ``s3_get_bytes``,
``s3_full_gets``, ``s3_range_reads``, ``s3_range_read_mean_bytes``, ``s3_bytes_needed``,
``s3_bytes_needed_basis``, ``s3_read_amplification`` (reads: GET body bytes / bytes needed),
``s3_upload_amplification`` (writes: request body bytes / object size), ``s3_cloud_model``
(per named profile: modelled seconds, labelled), ``s3_measured_median_s`` (the mock's wall
time, beside the model), ``s3_request_cost_usd`` and its price-table provenance.

Peak memory of reads (``peak_memory_bytes``, method ``spawned process ...``) is measured in a
process started with spawn, not fork: pyarrow's AWS SDK and s3fs's event loop are not safe to
use in a forked child.  Writes' peak memory is not measured on S3 (None): the write encodes in
memory the same way as locally, where it is measured.

Under ``--s3-latency PROFILE`` every case also records ``s3_latency_profile``, the model's
prediction for that profile (``s3_model_s``) and ``s3_measured_over_model``; every case
records ``s3_request_latency`` (time to first / last byte percentiles by operation and size).
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
from storagebench.s3.counting import RequestRecord, latency_summary
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
        # inherited (forked) memory pass stays off: reads are measured in a spawned process.
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

<<<<<<< HEAD
    def _common_extra(self, client: S3Client) -> dict[str, Any]:
        return {"suite": SUITE_S3, **client.info(), **self.target.describe()}

    # -- counted work --------------------------------------------------------------------------
    def _counted(self, operation: Callable[[], Any], client: S3Client
                 ) -> tuple[list[RequestRecord] | None, float | None]:
        """(requests, loopback wall seconds) of one more (untimed) run of the operation: the
        counts and the cloud model's input.  Injected latency is paused for it, so the model
        always starts from the loopback run a run without ``--s3-latency`` has (and validating it
        is not circular); under injection the timed rounds are not loopback, so the model's
        loopback time comes from these runs (the median of ``COUNTED_RUNS_UNDER_LATENCY``)."""
        counter = self.target.counter
        if counter is None or counter.not_counted_reason(client.name):
            operation()
            return None, None
        injector = self.target.injector
        runs = COUNTED_RUNS_UNDER_LATENCY if injector is not None else 1
        done: list[tuple[float, list[RequestRecord]]] = []
        with injector.paused() if injector is not None else contextlib.nullcontext():
            for _ in range(runs):
                mark = counter.mark()
                started = time.perf_counter()
                operation()
                wall = time.perf_counter() - started
                done.append((wall, counter.since(mark, bucket=self.target.bucket)))
        walls = sorted(d[0] for d in done)
        self._loopback_spread = walls[-1] / walls[0] if walls[0] > 0 else None
        wall, records = sorted(done, key=lambda d: d[0])[len(done) // 2]
        return records, wall

    def _timed_requests(self, operation: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], list[RequestRecord]]:
        """Run a timed case and keep the requests it issued (its fidelity read or read-back and
        its timed rounds, under the run's latency profile): the TTFB/TTLB samples."""
        counter = self.target.counter
        if counter is None or not counter.times_bodies:
            return operation(), []
        mark = counter.mark()
        info = operation()
        records = counter.since(mark, bucket=self.target.bucket)
        self.timed_records += records
        return info, records

    def _work_info(self, records: list[RequestRecord] | None, benchmark: Any, client: S3Client,
                   counted_wall: float | None = None, timed: list[RequestRecord] | None = None) -> dict[str, Any]:
        info: dict[str, Any] = {"s3_measured_median_s": _median(benchmark)}
        if records is None:
            counter = self.target.counter
            info["s3_counted"] = False
            info["s3_not_counted_reason"] = (counter.not_counted_reason(client.name) if counter is not None
                                             else "this endpoint's requests cannot be counted")
            return info
        info.update(summarise(records).as_info())
        # The operation's loopback time: the timed median, unless the timed rounds ran under
        # injected latency (then the paused counted runs').
        loopback = counted_wall if self.target.injector is not None else (info["s3_measured_median_s"] or counted_wall)
        info["s3_loopback_s"] = loopback
        info.update(cloud_model.model_info(records, self.cloud_profiles, loopback_seconds=loopback))
        info.update(cloud_model.request_cost(records, self.target.region))
        info.update(self._model_check(records, info["s3_measured_median_s"], loopback, timed or []))
        return info

    def _model_check(self, records: list[RequestRecord], measured: float | None,
                     loopback: float | None, timed: list[RequestRecord]) -> dict[str, Any]:
        """Under injected latency: the model's seconds for the injected profile beside the measured
        median, and their ratio (the model's validation; 1.0 is a perfect prediction)."""
        injector = self.target.injector
        if injector is None or injector.profile is None:
            return {}
        predicted = cloud_model.model_info(records, [injector.profile], loopback)["s3_cloud_model"][
            injector.profile.name]
        seconds, on_mock = predicted["seconds"], predicted["on_mock_seconds"]
        return {"s3_model_s": seconds, "s3_model_profile": injector.profile.name,
                # max / min wall time of the paused loopback runs the model starts from
                "s3_loopback_spread": self._loopback_spread,
                "s3_measured_over_model": (measured / seconds) if measured and seconds else None,
                # The same model with the mock's own per-request time as a floor: what the
                # injected run can at best show on this mock (moto's range GETs are O(object)).
                "s3_model_on_mock_s": on_mock,
                "s3_measured_over_model_on_mock": (measured / on_mock) if measured and on_mock else None,
                "s3_mock_bound_requests": predicted["mock_bound_requests"],
                **self._observed_first_byte_check(records, measured, loopback, timed)}

    def _observed_first_byte_check(self, records: list[RequestRecord], measured: float | None,
                                   loopback: float | None, timed: list[RequestRecord]) -> dict[str, Any]:
        """An explanation, not a prediction: the same model with the first byte the injected
        requests actually had (their median, from the timed rounds).  On a machine whose cores
        the client, moto and other work share, the server answers later than injected; if this
        brings the model within 25%, that is where the difference came from."""
        injector = self.target.injector
        answered = [r for r in timed if r.status < 400]
        if injector is None or injector.profile is None or not answered:
            return {}
        observed = statistics.median(r.first_byte_s if r.first_byte_s is not None else r.last_byte_s
                                     for r in answered)
        p = injector.profile
        as_seen = cloud_model.CloudProfile(f"{p.name}-observed", f"{p.label}; first byte as observed",
                                           observed, p.bytes_per_s_per_connection)
        seconds = cloud_model.model_info(records, [as_seen], loopback)["s3_cloud_model"][as_seen.name]["seconds"]
        # The timed requests are the fidelity read's and the rounds' (run one after another), so
        # their waves per read say how much the client overlapped under the injected latency.
        reads = self.profile.rounds + 1
        return {"s3_observed_first_byte_s": observed, "s3_model_observed_first_byte_s": seconds,
                "s3_measured_over_model_observed_first_byte": (measured / seconds) if measured and seconds else None,
                "s3_loopback_waves": len(cloud_model.waves(records)),
                "s3_injected_waves_per_read": len(cloud_model.waves(answered)) / reads}

=======
>>>>>>> r11t
    # -- peak memory, in a spawned process ----------------------------------------------------
    def _read_memory(self, case: ReadCase, client: S3Client, key: str, request: ReadRequest) -> dict[str, Any]:
        """Peak memory of one read, measured in a process started with spawn (the forked pass of
        the local harness is unsafe with pyarrow's AWS SDK and s3fs's event loop); the same
        scope as local reads (the profile's memory scope)."""
        if not self.s3_memory or not (self.profile.memory_scope == "all" or case.kind == "full"):
            return {}
        peak, reason = memory.peak_memory_bytes_spawned(
            prepare_s3_read, self.target.connection(), client.name, key, case.format, case.reader, request)
        if peak is None:
            return {"peak_memory_bytes": None, "peak_memory_method": None,
                    "peak_memory_not_measured_reason": reason}
        return {"peak_memory_bytes": peak, "peak_memory_method": memory.SPAWN_METHOD}

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
    """In the spawned memory process: reach the object as ``client`` does and read it once (client,
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
