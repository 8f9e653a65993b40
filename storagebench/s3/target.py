"""Format benchmarks on S3: the local harness with S3 locations, per client, with counted work.

:class:`S3Harness` reuses :class:`storagebench.harness.Harness` (setup outside the timing,
fidelity read before timing, pedantic rounds, the common ``extra_info`` keys) and changes only
where the bytes live: ``new_location`` returns an S3 location for the client under test, and
``discard`` deletes the object.  After the timed rounds it runs ONE more operation of the same
case (untimed) between two marks of the request counter, and adds to ``extra_info``:

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

import contextlib
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pyarrow as pa

import formats
from formats.base import Codec, Location, ReadRequest, UnsupportedCaseError
from storagebench.cases import ReadCase, WriteCase
from storagebench import memory
from storagebench.harness import CaseSkipped, Harness, WrittenFile, _median
from storagebench.profiles import Profile
from storagebench.s3 import cloud_model
from storagebench.s3.clients import SETUP_CLIENT, Boto3Location, S3Client, get_client
from storagebench.s3.counting import RequestRecord, latency_summary, summarise
from storagebench.s3.endpoint import S3Target
from storagebench.s3.errors import S3Error, S3ObjectFormatError, translate
from storagebench.s3.needed import needed_bytes
from storagebench.results import SUITE_S3


# Under injected latency the timed rounds are not loopback: the model's loopback time is the
# median of this many untimed runs with the injection paused.
COUNTED_RUNS_UNDER_LATENCY = 3


@dataclass(frozen=True)
class S3Case:
    """A format case (write or read, from storagebench.cases) through one S3 client."""

    case: WriteCase | ReadCase
    client: str

    @property
    def id(self) -> str:
        return f"{self.case.id}-{self.client}"


def object_key(target: S3Target, location: Location) -> str:
    """The S3 key a location of this target points at."""
    if isinstance(location, Boto3Location):
        return location.key
    bucket, _, key = location.path.partition("/")
    if bucket != target.bucket:
        raise ValueError(f"{location!r} is not in this run's bucket {target.bucket!r}")
    return key


class S3Harness(Harness):
    """The format harness on an opened :class:`S3Target`."""

    def __init__(self, profile: Profile, dataset_specs: list[str], seed: int, target: S3Target,
                 cloud_profiles: list[str] | None = None, work_dir: Path | None = None,
                 memory_pass: bool = False):
        # The inherited (forked) memory pass stays off: reads are measured in a spawned process.
        super().__init__(profile, dataset_specs, seed, memory_pass=False, work_dir=work_dir)
        self.s3_memory = memory_pass and os.path.exists("/proc/self/clear_refs")
        self.target = target
        self.cloud_profiles = cloud_profiles
        self._client: S3Client | None = None
        # Every request of the cases' timed operations (for the run's TTFB/TTLB percentiles).
        self.timed_records: list[RequestRecord] = []
        self._loopback_spread: float | None = None  # of the last case's paused counted runs

    # -- where the bytes live ------------------------------------------------------------------
    def new_location(self, codec: Codec, stem: str, compression: str) -> Location:
        name = codec.file_name(f"{stem}-{next(self._counter)}", compression)
        client = self._client or get_client(SETUP_CLIENT)
        return client.location(self.target, self.target.key(name.replace(">", "-")))

    def discard(self, location: Location) -> None:
        client = self.target.boto3()
        self.target.call(client.delete_object, Bucket=self.target.bucket,
                         Key=object_key(self.target, location))

    @contextlib.contextmanager
    def _as_case(self, case_id: str, client: S3Client) -> Iterator[None]:
        """Run with ``client``; outcomes recorded meanwhile get the S3 case id and client."""
        before = len(self.outcomes)
        self._client = client
        try:
            yield
        finally:
            self._client = None
            for outcome in self.outcomes[before:]:
                outcome.case, outcome.suite = case_id, SUITE_S3
                outcome.dims.update({"suite": SUITE_S3, "target": "s3", "s3_client": client.name})

    def _supported(self, case_id: str, client: S3Client, fmt: str, operation: str, dims: dict) -> None:
        if not client.applies_to(fmt, operation):
            self.skip(case_id, f"S3 client {client.name!r} does not {operation} {fmt}", suite=SUITE_S3,
                      target="s3", s3_client=client.name, format=fmt, **dims)

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
        codec = formats.get_codec(case.format)
        self._supported(s3case.id, client, case.format, "write", {"dataset": case.dataset})
        with self._as_case(s3case.id, client):
            info, timed = self._timed_requests(
                lambda: self.run_write(case, benchmark, target="s3", extra=self._common_extra(client)))
            data = self.writer_input(codec, case.engine, case.dataset)
            options = self.write_options(codec, case.compression)
            loc = self.new_location(codec, f"counted-{case.id}", case.compression)
            records, counted_wall = self._counted(lambda: codec.write(data, loc, case.engine, options), client)
            size = loc.size()
            self.discard(loc)
        work = self._work_info(records, benchmark, client, counted_wall, timed)
        if records is not None:
            work["s3_request_latency"] = latency_summary(timed)
            work["s3_object_bytes"] = size
            work["s3_upload_amplification"] = work["s3_bytes_in"] / size if size else None
        benchmark.extra_info.update(work)
        return {**info, **work}

    def run_s3_read(self, s3case: S3Case, benchmark: Any) -> dict[str, Any]:
        case, client = s3case.case, get_client(s3case.client)
        codec = formats.get_codec(case.format)
        self._supported(s3case.id, client, case.format, "read", {"dataset": case.dataset})

        def location_for(written: WrittenFile) -> Location:
            return client.location(self.target, object_key(self.target, written.location))

        with contextlib.suppress(CaseSkipped):  # the input file is written by the setup client;
            self.written_file(codec, case.writer, case.compression, case.dataset)  # run_read reports failures
        with self._as_case(s3case.id, client):
            info, timed = self._timed_requests(lambda: self.run_read(
                case, benchmark, target="s3", location_for=location_for, engine_options=client.engine_options,
                extra=self._common_extra(client)))
        written = self.written_file(codec, case.writer, case.compression, case.dataset)
        request = self.read_request(case, written, client.engine_options)
        assert request is not None  # run_read skipped otherwise
        location = location_for(written)
        memory_info = self._read_memory(case, client, object_key(self.target, written.location), request)
        records, counted_wall = self._counted(lambda: codec.read(location, case.reader, request), client)
        work = self._work_info(records, benchmark, client, counted_wall, timed)
        needed, basis = needed_bytes(case.format, case.kind, written.location, written.size, request)
        work.update({"s3_object_bytes": written.size, "s3_bytes_needed": needed,
                     "s3_bytes_needed_basis": basis})
        if records is not None:
            work["s3_read_amplification"] = work["s3_get_bytes"] / needed if needed else None
            work["s3_request_latency"] = latency_summary(timed)
        work.update(memory_info)
        benchmark.extra_info.update(work)
        return {**info, **work}


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


# -- reading one object as a user would ---------------------------------------------------------
def codec_for_key(key: str) -> Codec:
    """The codec whose extension the key ends with (``.csv.gz`` counts as CSV)."""
    name = key.rsplit("/", 1)[-1].lower()
    if name.endswith(".gz"):
        name = name[:-3]
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    for codec in formats.all_codecs():
        if codec.extension == ext:
            return codec
    raise UnsupportedCaseError(
        f"cannot tell the format of S3 key {key!r} from its extension; known: "
        + ", ".join(sorted(c.extension for c in formats.all_codecs())))


def read_object(target: S3Target, key: str, client: str = SETUP_CLIENT, engine: str | None = None,
                request: ReadRequest | None = None) -> pa.Table:
    """Read ``s3://<bucket>/<key>`` with the codec its extension names; clear errors when the
    endpoint, bucket or key is wrong, access is denied, or the bytes are not that format."""
    codec = codec_for_key(key)
    reader = engine or codec.readers()[0].name
    location = get_client(client).location(target, key)
    try:
        return codec.to_arrow(codec.read(location, reader, request or ReadRequest()))
    except S3Error:
        raise
    except Exception as exc:
        err = translate(exc, target.endpoint_label, target.bucket, key)
        if err is not None:
            raise err from None
        raise S3ObjectFormatError(
            f"s3://{target.bucket}/{key} is not a readable {codec.name} file (its extension says "
            f"{codec.name}; {reader} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''})"
        ) from None


__all__ = ["S3Harness", "S3Case", "SUITE_S3", "CaseSkipped", "object_key",
           "read_object", "codec_for_key"]
