"""The engines added from formats/engines (polars, DuckDB): registration through the codec hook,
what each declares, thread settings, and the clean-process memory pass they need."""

from __future__ import annotations

import pyarrow as pa
import pytest

import formats
from formats.base import AddedEngine, EngineSpec, Location, ReadRequest, UnsupportedCaseError, WriteOptions
from storagebench import memory

# engine -> format -> (can write, predicate mode) as the issue asks for them.
DECLARED = {
    "polars": {"csv": (True, "after-read"), "json": (True, "after-read"), "parquet": (True, "pushdown"),
               "feather": (True, "after-read"), "avro": (False, "after-read")},
    "duckdb": {"csv": (True, "after-read"), "json": (True, "after-read"), "parquet": (True, "pushdown")},
}


@pytest.mark.parametrize("engine", sorted(DECLARED))
def test_engines_are_declared_on_the_formats_they_support(engine):
    for codec in formats.all_codecs():
        declared = DECLARED[engine].get(codec.name)
        if declared is None:
            assert engine not in codec.engines, codec.name
            continue
        spec = codec.engine(engine)
        assert codec.is_added_engine(engine)
        assert (spec.can_write, spec.predicate) == declared, codec.name
        assert spec.can_read and not spec.fork_safe


def test_added_engine_takes_over_write_read_and_writer_input(tmp_path):
    codec = formats.get_codec("feather")
    calls = []
    impl = AddedEngine(EngineSpec("probe", True, True, ("none",)),
                       write=lambda data, loc, opts: calls.append(("write", data, opts.compression)),
                       read=lambda loc, req: calls.append(("read", loc.path)) or "native",
                       writer_input=lambda table: "prepared")
    codec.add_engine(impl)
    try:
        loc = Location(str(tmp_path / "x.arrow"))
        assert codec.writer_input(pa.table({"a": [1]}), "probe") == "prepared"
        codec.write("prepared", loc, "probe", WriteOptions("none"))
        assert codec.read(loc, "probe", ReadRequest()) == "native"
        assert calls == [("write", "prepared", "none"), ("read", loc.path)]
        with pytest.raises(formats.UnknownNameError, match="zstd"):
            codec.write("prepared", loc, "probe", WriteOptions("zstd"))  # checked like any engine
        with pytest.raises(ValueError, match="twice"):
            codec.add_engine(impl)
        # The codec's own engines are untouched by the hook.
        codec.write(pa.table({"a": [1]}), loc, "pyarrow", WriteOptions("none"))
        assert codec.read(loc, "pyarrow", ReadRequest()).column("a").to_pylist() == [1]
    finally:
        del codec.__dict__["_added_engines"]["probe"]
        codec.engines = {k: v for k, v in codec.engines.items() if k != "probe"}


def test_engine_that_cannot_write_says_so(tmp_path):
    codec = formats.get_codec("avro")
    with pytest.raises(UnsupportedCaseError, match="polars"):
        codec.write(None, Location(str(tmp_path / "x.avro")), "polars", WriteOptions("none"))


def test_threads_are_fixed_to_the_engine_thread_count():
    from formats.engines import ENGINE_THREADS
    from formats.engines import duckdb as duck
    from formats.engines import polars as pol

    assert pol.threads() == ENGINE_THREADS
    assert duck.threads() == ENGINE_THREADS


def test_duckdb_cannot_read_another_clients_file_objects():
    codec = formats.get_codec("parquet")
    with pytest.raises(UnsupportedCaseError, match="S3 client 'duckdb'"):
        codec.read(Location.memory(b"PAR1"), "duckdb", ReadRequest())


@pytest.mark.skipif(not memory.supported(), reason="needs /proc/self/clear_refs and fork")
def test_polars_peak_memory_is_measured_in_a_clean_process(tmp_path, small_datasets):
    """polars' thread pool does not survive fork(): measured from the clean helper, it returns a
    number instead of hanging, and a 10x larger read needs more memory."""
    codec = formats.get_codec("parquet")
    peaks = []
    for rows in (2_000, 200_000):
        loc = Location(str(tmp_path / f"n{rows}.parquet"))
        table = pa.table({"x": pa.array(range(rows), pa.int64()), "y": pa.array([1.5] * rows)})
        codec.write(table, loc, "pyarrow", WriteOptions("none"))
        codec.read(loc, "polars", ReadRequest())  # polars' pool now runs in this process
        peaks.append(memory.peak_memory_bytes(codec.read, loc, "polars", ReadRequest(), timeout_s=120))
    assert all(p is not None for p in peaks), peaks
    assert peaks[1] > peaks[0]


def test_quick_profile_runs_added_engines_on_one_dataset_and_compression():
    from storagebench.cases import read_cases, write_cases
    from storagebench.profiles import get_profile

    codecs = list(formats.all_codecs())
    datasets = ["numeric", "mixed"]
    quick, standard = get_profile("quick"), get_profile("standard")
    added = lambda c: {getattr(c, "engine", None), getattr(c, "reader", None), getattr(c, "writer", None)} \
        & {"polars", "duckdb"}
    q_cases = [c for c in write_cases(codecs, datasets, quick) + read_cases(codecs, datasets, quick) if added(c)]
    assert q_cases and {c.dataset for c in q_cases} == {"mixed"}
    assert {(c.format, c.compression) for c in q_cases} == {
        ("csv", "none"), ("json", "none"), ("parquet", "snappy"), ("feather", "lz4"), ("avro", "none")}
    kinds = {(c.format, c.reader, c.kind) for c in q_cases if hasattr(c, "kind")}
    assert {("parquet", "polars", "predicate"), ("parquet", "duckdb", "predicate"), ("avro", "polars", "full")} <= kinds
    assert any(c.writer == "duckdb" and c.reader == "pyarrow" for c in q_cases if hasattr(c, "kind"))  # cross-engine
    s_cases = [c for c in write_cases(codecs, datasets, standard) if added(c)]
    assert {c.dataset for c in s_cases} == set(datasets) and len({c.compression for c in s_cases}) > 3
    # The other engines keep their quick matrix.
    assert any(c.dataset == "numeric" for c in write_cases(codecs, datasets, quick))


@pytest.mark.parametrize("value,expected", [("3", 3), ("", None), ("0", "error"), ("two", "error")])
def test_engine_threads_setting(monkeypatch, value, expected):
    import os

    from formats.base import StorageBenchInputError
    from formats.engines import _engine_threads

    monkeypatch.setenv("STORAGEBENCH_ENGINE_THREADS", value)
    if expected == "error":
        with pytest.raises(StorageBenchInputError, match="STORAGEBENCH_ENGINE_THREADS"):
            _engine_threads()
    else:
        assert _engine_threads() == (expected or os.cpu_count())
