"""One target's measuring bench: files written once per size, timed reads and writes, verdicts.

Everything that is not the operation stays outside the timed region: preparing the table for a
format (its recorded conversions), building the engine's input (a DataFrame for pandas writers),
the fresh location of every write round, converting a result for the fidelity check, deleting.
A read round times ``codec.read`` (plus the query's own aggregation for the query workload);
a write round times ``codec.write``.

Two sizes: ``sample`` (evenly spaced rows of the data, for screening) and ``full``.  The
fidelity verdict of a configuration is taken on the sample, reading the file without the
written schema (a reader of the file, not of our table, TRAPS.md), through
:func:`storagebench.fidelity.compare`.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa

import formats
from formats.base import Conversion, Location, ReadRequest, WriteOptions
from storagebench import allocators
from storagebench.decide.configs import Configuration, FileConfig
from storagebench.decide.screen import CandidateFailed
from storagebench.fidelity import ColumnIssue, Verdict, compare

SIZES = ("sample", "full")


@dataclass
class Written:
    location: Location
    table: pa.Table  # exactly what was written (after the format's conversions)
    conversions: list[Conversion]
    size: int
    write_seconds: float


def sample_rows(table: pa.Table, rows: int) -> pa.Table:
    """``rows`` evenly spaced rows (keeps sort order and spread; deterministic)."""
    if table.num_rows <= rows:
        return table
    idx = np.linspace(0, table.num_rows - 1, rows).astype(np.int64)
    return table.take(pa.array(idx)).combine_chunks()


def row_group_rows(rows: int) -> int:
    """Rows per Parquet row group / ORC stripe: about a tenth of the file, at least 1,000, as the
    suite's profiles do (one group per file would make a filter prune nothing, TRAPS.md)."""
    return max(1_000, rows // 10)


def io_counters() -> tuple[int, int]:
    """(minor page faults, 512-byte blocks read from storage) of this process so far, every
    thread (engines read on pools).  A read served by the page cache adds no blocks."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_minflt, usage.ru_inblock


def short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160] if text else ''}"


class Bench:
    def __init__(self, target: Any, table: pa.Table, sample_size: int):
        self.target = target
        self.tables = {"full": table, "sample": sample_rows(table, sample_size)}
        self._prepared: dict[tuple[str, str], tuple[pa.Table, list[Conversion]]] = {}
        self._inputs: dict[tuple[str, str, str], Any] = {}
        self._files: dict[tuple[FileConfig, str], Written | str] = {}
        self._verdicts: dict[Any, Verdict] = {}
        # Seconds of the fidelity read (a full read of the sample) per read configuration, and of
        # the writer probe's small write per file configuration: screening orders candidates by
        # them and full-export takes the fidelity read as its first round.
        self.sample_read_seconds: dict[Configuration, float] = {}
        self.probe_write: dict[FileConfig, tuple[int, float]] = {}
        # Minor page faults and blocks read from storage during each read, per (workload,
        # configuration, size): a read that gets fresh pages from the kernel on every call is
        # several times slower than one the allocator serves from memory it kept (measured: an
        # uncompressed Feather read of 96 MB, 20 ms without faults, 90 ms with 24,318), and one
        # whose file left the page cache waits for the disk, so the report shows both.
        self.read_counts: dict[tuple[str, Configuration, str], list[tuple[int, int]]] = {}

    # -- untimed preparation -------------------------------------------------------------------
    def prepared(self, fmt: str, size: str) -> tuple[pa.Table, list[Conversion]]:
        key = (fmt, size)
        if key not in self._prepared:
            self._prepared[key] = formats.get_codec(fmt).prepare(self.tables[size])
        return self._prepared[key]

    def writer_input(self, fc: FileConfig, size: str, table: pa.Table | None = None) -> Any:
        codec = formats.get_codec(fc.format)
        if table is not None:
            return codec.writer_input(codec.prepare(table)[0], fc.writer)
        key = (fc.format, fc.writer, size)
        if key not in self._inputs:
            self._inputs[key] = codec.writer_input(self.prepared(fc.format, size)[0], fc.writer)
        return self._inputs[key]

    def options(self, fc: FileConfig, rows: int) -> WriteOptions:
        codec = formats.get_codec(fc.format)
        return WriteOptions(fc.compression, row_group_rows(rows) if codec.has_row_groups else None)

    def release(self, size: str) -> None:
        """Drop cached engine inputs of one size (a DataFrame of the full data is large)."""
        for key in [k for k in self._inputs if k[2] == size]:
            del self._inputs[key]

    # -- timed operations ----------------------------------------------------------------------
    def time_write(self, fc: FileConfig, size: str, keep: bool = False,
                   table: pa.Table | None = None, stem: str = "w") -> tuple[float, Location]:
        """Seconds of one ``codec.write`` to a fresh location (deleted unless ``keep``)."""
        codec = formats.get_codec(fc.format)
        data = self.writer_input(fc, size, table)
        rows = table.num_rows if table is not None else self.tables[size].num_rows
        options = self.options(fc, rows)
        location = self.target.location(codec, f"{stem}-{fc.format}-{fc.writer}", fc.compression)
        try:
            started = time.perf_counter()
            codec.write(data, location, fc.writer, options)
            seconds = time.perf_counter() - started
        except Exception as exc:  # an engine that cannot store this data is a result
            self.target.discard(location)
            raise CandidateFailed(f"{fc.writer} cannot write this data: {short(exc)}") from None
        if not keep:
            self.target.discard(location)
        return seconds, location

    def has_written(self, fc: FileConfig, size: str) -> bool:
        return isinstance(self._files.get((fc, size)), Written)

    def written(self, fc: FileConfig, size: str) -> Written:
        """The file of this configuration at this size (written once, kept for the reads)."""
        key = (fc, size)
        if key not in self._files:
            if size == "full" and fc.writer != "pyarrow":
                # A writer outside pyarrow's pool (fastavro and the JSON writer build Python
                # objects, pandas and DuckDB use their own allocators) adds its peak to the memory
                # the pool holds: hand that back first (measured: 2.53 million KiB peak RSS with a
                # full-size JSON write beside held pools).  A pyarrow writer reuses the pool, and
                # handing it back before every write made the next pyarrow read of every finalist
                # fault again (a 13-20 ms Feather read took 73-120 ms in two rounds and lost full
                # export to polars by the 2x rule).
                allocators.release_held()
            try:
                seconds, location = self.time_write(fc, size, keep=True, stem=size)
                table, conversions = self.prepared(fc.format, size)
                self._files[key] = Written(location, table, conversions, location.size(), seconds)
            except CandidateFailed as exc:
                self._files[key] = str(exc)
        found = self._files[key]
        if isinstance(found, str):
            raise CandidateFailed(found)
        return found

    def full_write_seconds(self) -> dict[FileConfig, float]:
        """Seconds of each full-size file's write (the estimate of the same write elsewhere)."""
        return {fc: w.write_seconds for (fc, size), w in self._files.items() if size == "full" and isinstance(w, Written)}

    def time_read(self, workload: str, cfg: Configuration, size: str, request: ReadRequest,
                  post: Callable[[pa.Table], pa.Table] | None = None) -> tuple[float, Any]:
        """Seconds of one read (and ``post`` on its Arrow result); the result for checks.  The
        process's (minor page faults, blocks read from storage) during the read go to
        ``read_counts`` under ``workload``."""
        codec = formats.get_codec(cfg.format)
        fresh = size == "full" and not self.has_written(cfg.file, size)
        written = self.written(cfg.file, size)
        if fresh:
            # The write may have handed pyarrow's memory back (allocators.release_held) and left
            # the writer's buffers behind: one untimed read first, so that the first timed round
            # meets the same held memory as every later one (measured: a first round right after
            # its write took 61-89 ms for a 13-20 ms Feather read, and a decision after two sweeps
            # reported their mean).  A failure here is the timed read's to report.
            try:
                codec.read(written.location, cfg.reader, request)
            except Exception:
                pass
        try:
            before = io_counters()  # outside the timed region: one getrusage call each
            started = time.perf_counter()
            result = codec.read(written.location, cfg.reader, request)
            if post is not None:
                result = post(codec.to_arrow(result))
            seconds = time.perf_counter() - started
            after = io_counters()
        except Exception as exc:
            raise CandidateFailed(f"{cfg.reader} cannot do this read: {short(exc)}") from None
        self.read_counts.setdefault((workload, cfg, size), []).append((after[0] - before[0], after[1] - before[1]))
        return seconds, result

    # -- fidelity --------------------------------------------------------------------------------
    def verdict(self, cfg: Configuration) -> Verdict:
        """What ``cfg.reader`` gets back from the sample file, without the written schema."""
        if cfg not in self._verdicts:
            codec = formats.get_codec(cfg.format)
            try:
                written = self.written(cfg.file, "sample")
                started = time.perf_counter()
                result = codec.read(written.location, cfg.reader, ReadRequest())
                self.sample_read_seconds[cfg] = time.perf_counter() - started
                self._verdicts[cfg] = compare(written.table, codec.to_arrow(result), written.conversions)
            except CandidateFailed as exc:
                self._verdicts[cfg] = Verdict([ColumnIssue("*", "unreadable", str(exc))])
            except Exception as exc:
                self._verdicts[cfg] = Verdict([ColumnIssue("*", "unreadable", f"{cfg.reader}: {short(exc)}")])
        return self._verdicts[cfg]

    def file_verdict(self, fc: FileConfig) -> Verdict:
        """The file's verdict: as the writer's own library reads it, else pyarrow, else the first
        reader (the same choice the suite's write benchmarks make)."""
        codec = formats.get_codec(fc.format)
        readers = [r.name for r in codec.readers()]
        for choice in (fc.writer, "pyarrow", readers[0] if readers else None):
            if choice in readers:
                return self.verdict(Configuration(fc, choice))
        return Verdict([ColumnIssue("*", "unreadable", f"no reader for {fc.format}")])

    def close(self) -> None:
        self._inputs.clear()
        self._files.clear()
        self.target.close()


# A margin on the fitted full-size write (estimates decide what fits in the time left).
WRITE_ESTIMATE_MARGIN = 1.5


def linear_write_estimate(bench: Bench, fc: FileConfig, scale: float) -> float:
    """Seconds of the full-size write, the sample write scaled by rows.  It scales the sample's
    fixed cost too, so it errs high where that cost is large; unlike :func:`write_estimate` it does
    not depend on the probe write."""
    return bench.written(fc, "sample").write_seconds * scale


def write_estimate(bench: Bench, fc: FileConfig, scale: float) -> float:
    """Seconds of the full-size write.  Scaling the sample write by rows also scales its fixed
    cost (under load the sample write of a gzip CSV projected 30 s and kept archive finalists from
    being written at all); with the probe's 1,000-row write as a second point the fixed cost is
    taken once: ``t_sample + slope x (rows - sample rows)``, with ``WRITE_ESTIMATE_MARGIN``, never
    below the sample write nor above the linear projection."""
    sample = bench.written(fc, "sample")
    n_sample = bench.tables["sample"].num_rows
    linear = linear_write_estimate(bench, fc, scale)
    probe = bench.probe_write.get(fc)
    if probe is None or n_sample <= probe[0]:
        return linear
    n_probe, t_probe = probe
    slope = max(0.0, (sample.write_seconds - t_probe) / (n_sample - n_probe))
    fitted = sample.write_seconds + slope * (scale * n_sample - n_sample)
    return min(linear, max(sample.write_seconds, fitted * WRITE_ESTIMATE_MARGIN))
