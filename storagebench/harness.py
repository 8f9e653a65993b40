"""Shared machinery for format benchmarks on any target (local disk here, S3 in its module).

The harness keeps everything that must stay OUT of the timed code: built datasets, tables
prepared for each format, the engine's input (DataFrame/records), files written once for the
read benchmarks, fresh paths for every write round.  It also runs the untimed fidelity read
before the timed rounds and fills ``extra_info`` with the keys in :mod:`storagebench.results`.

What a reader is handed decides what a fidelity verdict means: readers get only the file (its own
schema, or inference), as a user without the original schema would; the written schema goes only
to engines declared ``reads_written_schema`` (labelled ``-schema``), and their verdicts say so
(``fidelity_schema_supplied``).  With ``keep_dir`` the measured files stay there with a manifest
(:mod:`storagebench.keep`).

Where the files live is a :class:`storagebench.targets.Target` handed in (local disk by
default; S3 through one client in :mod:`storagebench.s3.target`): the harness asks it for fresh
locations, removes files through it and records its ``name`` as the case's ``target``.

A case that cannot run (engine missing, combination unsupported by the library, file another
engine cannot read) is recorded as an *outcome* with its reason and skipped, never crashed
(:mod:`storagebench.outcomes`): interoperability failures are results too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

import formats
from formats.base import Codec, Conversion, Location, ReadRequest
from storagebench import memory
from storagebench.cases import ReadCase, WriteCase
from storagebench.harness_inputs import CaseInputs, WrittenFile
from storagebench.fidelity import Verdict, unreadable, verdict
from storagebench.keep import FileKeeper
from storagebench.outcomes import CaseSkipped, Outcome, OutcomeLog, error_summary
from storagebench.profiles import Profile
from storagebench.results import SUITE_FORMATS, mb_per_s
from storagebench.targets import LocalTarget, Target


@dataclass
class PreparedRead:
    """Everything a read case needs before its timed rounds: the file (written once by the
    harness's own target), what the reader is handed, and how the case's target reaches it."""

    codec: Codec
    written: WrittenFile
    request: ReadRequest
    location: Location


class Harness(CaseInputs, OutcomeLog):
    """Per-session state for format benchmarks on a :class:`~storagebench.targets.Target`.

    ``target`` (local disk in ``work_dir`` by default) is where the read benchmarks' files are
    written and where a case goes when its call names no other target.
    """

    def __init__(self, profile: Profile, dataset_specs: list[str], seed: int,
                 memory_pass: bool = True, work_dir: Path | None = None, keep_dir: Path | None = None,
                 target: Target | None = None, suite: str = SUITE_FORMATS):
        CaseInputs.__init__(self, profile, dataset_specs, seed)
        OutcomeLog.__init__(self)
        self.suite = suite
        self.memory_pass = memory_pass and memory.supported()
        self._local = LocalTarget(work_dir)  # scratch space (and the default target)
        self.work_dir = self._local.dir
        self.default_target: Target = target if target is not None else self._local
        self._files: dict[tuple, WrittenFile | str] = {}
        self.keeper = FileKeeper(Path(keep_dir)) if keep_dir is not None else None

    def close(self) -> None:
        self._local.close()

    # -- skip bookkeeping -----------------------------------------------------------------------
    def skip(self, case: str, reason: str, status: str = "skipped", suite: str | None = None,  # type: ignore[override]
             **dims: Any) -> None:
        OutcomeLog.skip(self, case, reason, suite=suite or self.suite, status=status, **dims)

    def check_engines(self, codec: Codec, case_id: str, *engines: str, **dims: Any) -> None:
        for engine in engines:
            missing = codec.engine(engine).missing_requirement()
            if missing:
                self.skip(case_id, missing, **dims)

    # -- write cases --------------------------------------------------------------------------
    def run_write(self, case: WriteCase, benchmark: Any, target: Target | None = None,
                  case_id: str | None = None, dims: dict[str, Any] | None = None,
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Time ``rounds`` writes of the case to fresh locations of ``target``.  ``case_id`` and
        ``dims`` name the case in outcomes (a suite's own id and dimensions; the case's by default)."""
        target = target if target is not None else self.default_target
        case_id = case_id or case.id
        codec = formats.get_codec(case.format)
        dims = {**self._dims(case, target), **(dims or {})}
        self.check_engines(codec, case_id, case.engine, **dims)
        table, conversions = self.stored(codec, case.engine, case.dataset)
        data = self.writer_input(codec, case.engine, case.dataset)
        options = self.write_options(codec, case.compression)

        written: list[Location] = []

        def setup() -> tuple[tuple, dict]:
            loc = target.location(codec, case.id, case.compression)  # fresh path per round
            written.append(loc)
            return (data, loc, case.engine, options), {}

        try:
            benchmark.pedantic(codec.write, setup=setup, rounds=self.profile.rounds, iterations=1,
                               warmup_rounds=0)
        except Exception as exc:  # an engine that cannot store this data is a result, not a crash
            for loc in written:
                target.discard(loc)
            self.skip(case_id, f"{case.engine} cannot write this data: {error_summary(exc)}", **dims)
        size = written[0].size()
        write_verdict, checked_by = self._write_fidelity(codec, case.engine, written[0], table, conversions)
        if self._adopt_for_keeping(codec, case, target, written[0], table, conversions):
            if checked_by is not None:  # the check read exactly the kept file
                self.keeper.record_read(self._file_key(codec, case.engine, case.compression, case.dataset),
                                        checked_by, write_verdict)
            written = written[1:]  # kept (and read by the read benchmarks), not discarded
        for loc in written:
            target.discard(loc)

        peak = None
        memory_skipped = {} if self.profile.measures_write_memory else {
            "peak_memory_not_measured_reason": f"write memory is not measured in the {self.profile.name} profile"}
        if self.memory_pass and self.profile.measures_write_memory:
            loc = target.location(codec, f"mem-{case.id}", case.compression)
            peak = memory.peak_memory_bytes(codec.write, data, loc, case.engine, options)
            target.discard(loc)

        ds = self.dataset(case.dataset)
        info = {
            **dims,
            "operation": "write",
            "engine": case.engine,
            "writer_engine": case.engine,
            "row_group_size": options.row_group_size,
            "rows_returned": None,
            "bytes_on_disk": size,
            "arrow_bytes": table.nbytes,
            "compression_ratio": (ds.arrow_bytes / size) if size else None,
            "mb_per_s": mb_per_s(table.nbytes, median_seconds(benchmark)),
            **write_verdict.as_info(),
            "fidelity_checked_by": checked_by,
            "conversions": [c.describe() for c in conversions],
            "peak_memory_bytes": peak,
            "peak_memory_method": memory.METHOD if peak is not None else None,
            **memory_skipped,
            **(extra or {}),
        }
        benchmark.extra_info.update(info)
        return info

    def _write_fidelity(self, codec: Codec, writer: str, location: Location, table: pa.Table,
                        conversions: list[Conversion]) -> tuple[Verdict, str | None]:
        """What the written file gives back to the reader of the writer's own library (else
        pyarrow's reader, else the format's first), reading only the file: the write's fidelity
        verdict (untimed).  Readers handed the written schema are never used here."""
        readers = {r.name: r for r in codec.readers() if not r.reads_written_schema}
        reader = readers.get(writer) or readers.get("pyarrow") or next(iter(readers.values()), None)
        if reader is None:
            return verdict(table, table, conversions), None
        try:
            actual = codec.to_arrow(codec.read(location, reader.name, ReadRequest()))
        except Exception as exc:
            return unreadable(f"{reader.name} cannot read it back: {error_summary(exc)}"), reader.name
        return verdict(table, actual, conversions), reader.name

    # -- kept files (--keep-files) --------------------------------------------------------------
    @staticmethod
    def _file_key(codec: Codec, writer: str, compression: str, spec: str) -> tuple[str, str, str, str]:
        return (codec.name, writer, compression, spec)

    def _keep(self, codec: Codec, writer: str, compression: str, spec: str, location: Location,
              conversions: list[Conversion]) -> Location:
        """Move a freshly written local file under the keep directory (no-op without one)."""
        if self.keeper is None or not location.is_local:
            return location
        ds = self.dataset(spec)
        self.keeper.add_dataset(ds.name, ds.table, ds.fingerprint)
        return self.keeper.keep(self._file_key(codec, writer, compression, spec), location, ds.name,
                                conversions)

    def _adopt_for_keeping(self, codec: Codec, case: WriteCase, target: Target, location: Location,
                           table: pa.Table, conversions: list[Conversion]) -> bool:
        """With a keep directory, the first write round's file becomes the file the read
        benchmarks read (same writer, data and options), so what is kept is what was measured."""
        key = self._file_key(codec, case.engine, case.compression, case.dataset)
        if self.keeper is None or target.name != "local" or not location.is_local or key in self._files:
            return False
        kept = self._keep(codec, case.engine, case.compression, case.dataset, location, conversions)
        self._files[key] = WrittenFile(kept, table, conversions, kept.size())
        return True

    # -- read cases ---------------------------------------------------------------------------
    def written_file(self, codec: Codec, writer: str, compression: str, spec: str) -> WrittenFile:
        """The file the read benchmarks read, written once per (format, writer, codec, data) to
        the harness's own target."""
        key = self._file_key(codec, writer, compression, spec)
        cached = self._files.get(key)
        if cached is None:
            table, conversions = self.stored(codec, writer, spec)
            loc = self.default_target.location(
                codec, f"read-{codec.name}-{writer}-{compression}-{self.dataset_key(spec)}", compression)
            try:
                codec.write(self.writer_input(codec, writer, spec), loc, writer,
                            self.write_options(codec, compression))
                loc = self._keep(codec, writer, compression, spec, loc, conversions)
                cached = WrittenFile(loc, table, conversions, loc.size())
            except Exception as exc:
                cached = f"{writer} cannot write this data: {error_summary(exc)}"
            self._files[key] = cached
        if isinstance(cached, str):
            raise CaseSkipped(cached)
        return cached

    def prepare_read(self, case: ReadCase, target: Target | None = None, case_id: str | None = None,
                     dims: dict[str, Any] | None = None,
                     engine_options: dict[str, Any] | None = None) -> PreparedRead:
        """The read case's input (untimed): engines checked, the file written once, the request
        built; a case that cannot run is recorded (under ``case_id`` and ``dims``) and skipped."""
        target = target if target is not None else self.default_target
        case_id = case_id or case.id
        codec = formats.get_codec(case.format)
        dims = {**self._dims(case, target), **(dims or {})}
        self.check_engines(codec, case_id, case.writer, case.reader, **dims)
        try:
            written = self.written_file(codec, case.writer, case.compression, case.dataset)
        except CaseSkipped as exc:
            self.skip(case_id, str(exc), **dims)
        request = self.read_request(case, written, engine_options)
        if request is None:
            self.skip(case_id, f"dataset {case.dataset!r} has no orderable column for a predicate", **dims)
        return PreparedRead(codec, written, request, target.reach(written.location))

    def run_read(self, case: ReadCase, benchmark: Any, target: Target | None = None,
                 case_id: str | None = None, dims: dict[str, Any] | None = None,
                 engine_options: dict[str, Any] | None = None, extra: dict[str, Any] | None = None,
                 prepared: PreparedRead | None = None) -> dict[str, Any]:
        """Check fidelity, then time ``rounds`` reads of the case's file through ``target``
        (``prepared``: the input :meth:`prepare_read` made, when the caller needed it first)."""
        target = target if target is not None else self.default_target
        case_id = case_id or case.id
        dims = {**self._dims(case, target), **(dims or {})}
        if prepared is None:
            prepared = self.prepare_read(case, target, case_id, dims, engine_options)
        codec, written, request, location = prepared.codec, prepared.written, prepared.request, prepared.location

        # Untimed fidelity read (doubles as warm-up): a wrong or failed read is recorded.
        try:
            result = codec.read(location, case.reader, request)
            actual = codec.to_arrow(result)
        except Exception as exc:
            self.skip(case_id, f"{case.reader} cannot read the {case.writer}-written file: {error_summary(exc)}",
                      status="failed", **dims)
        spec = codec.engine(case.reader)
        read_verdict = verdict(self.expected(request, written), actual, written.conversions,
                               schema_supplied=spec.reads_written_schema)
        if self.keeper is not None and case.kind == "full" and target.name == "local":
            self.keeper.record_read(self._file_key(codec, case.writer, case.compression, case.dataset),
                                    case.reader, read_verdict)

        benchmark.pedantic(codec.read, args=(location, case.reader, request),
                           rounds=self.profile.rounds, iterations=1, warmup_rounds=0)

        measure_memory = self.memory_pass and self.profile.measures_read_memory(case.kind)
        peak = memory.peak_memory_bytes(codec.read, location, case.reader, request) if measure_memory else None
        ds = self.dataset(case.dataset)
        info = {
            **dims,
            "operation": "read",
            "engine": case.reader,
            "writer_engine": case.writer,
            "reader_engine": case.reader,
            "read_kind": case.kind,
            "cross_engine": case.cross_engine,
            "predicate_mode": spec.predicate if case.kind == "predicate" else None,
            "projection_pushdown": spec.projection if case.kind == "projection" else None,
            "row_group_size": self.write_options(codec, case.compression).row_group_size,
            "rows_returned": actual.num_rows,
            "bytes_on_disk": written.size,
            "arrow_bytes": actual.nbytes,
            "compression_ratio": (ds.arrow_bytes / written.size) if written.size else None,
            "mb_per_s": mb_per_s(actual.nbytes, median_seconds(benchmark)),
            **read_verdict.as_info(),
            "conversions": [c.describe() for c in written.conversions],
            "peak_memory_bytes": peak,
            "peak_memory_method": memory.METHOD if peak is not None else None,
            **(extra or {}),
        }
        benchmark.extra_info.update(info)
        return info

    def _dims(self, case: WriteCase | ReadCase, target: Target) -> dict[str, Any]:
        ds = self.dataset(case.dataset)
        return {
            "suite": self.suite,
            "target": target.name,
            "format": case.format,
            "compression": case.compression,
            "dataset": ds.name,
            "dataset_fingerprint": ds.fingerprint,
            "dataset_arrow_bytes": ds.arrow_bytes,
            "rows": ds.rows,
            "columns": ds.columns,
            "profile": self.profile.name,
            "seed": self.seed,
        }


def median_seconds(benchmark: Any) -> float | None:
    """The median of a pytest-benchmark fixture's timed rounds (None before it ran)."""
    stats = getattr(benchmark, "stats", None)
    if stats is None:
        return None
    inner = getattr(stats, "stats", stats)
    return getattr(inner, "median", None)


__all__ = ["Harness", "PreparedRead", "WrittenFile", "CaseSkipped", "Outcome", "median_seconds"]
