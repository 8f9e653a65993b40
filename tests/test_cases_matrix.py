"""The case matrix never generates an invalid combination and covers every codec."""

from __future__ import annotations

import formats
from storagebench.cases import read_cases, select_codecs, write_cases
from storagebench.datasets import generator_names
from storagebench.profiles import get_profile


def test_every_case_is_valid_for_its_engine():
    codecs = select_codecs(None)
    for profile in ("quick", "full"):
        p = get_profile(profile)
        for case in write_cases(codecs, ["numeric"], p):
            spec = formats.get_codec(case.format).engine(case.engine)
            assert spec.can_write and case.compression in spec.write_compressions, case
        for case in read_cases(codecs, ["numeric"], p):
            codec = formats.get_codec(case.format)
            assert codec.engine(case.reader).can_read and codec.engine(case.writer).can_write, case
            assert case.compression in codec.engine(case.writer).write_compressions, case


def test_no_snappy_csv_and_every_format_present():
    cases = write_cases(select_codecs(None), generator_names(), get_profile("full"))
    assert not [c for c in cases if c.format in ("csv", "json") and c.compression == "snappy"]
    assert {c.format for c in cases} == set(formats.codec_names())


def test_cross_engine_reads_are_generated_for_parquet():
    cases = read_cases([formats.get_codec("parquet")], ["mixed"], get_profile("standard"))
    pairs = {(c.writer, c.reader) for c in cases}
    assert {("pyarrow", "fastparquet"), ("fastparquet", "pyarrow"), ("fastparquet", "pandas")} <= pairs
    assert {c.kind for c in cases} == {"full", "projection", "predicate"}
    quick = {(c.writer, c.reader) for c in read_cases([formats.get_codec("parquet")], ["mixed"], get_profile("quick"))}
    assert ("fastparquet", "pyarrow") in quick and ("fastparquet", "pandas") not in quick  # the star
    assert ("pyarrow", "fastparquet") in quick and ("pyarrow", "pandas") in quick


def _reads(cases, codec, dataset):
    return [c for c in cases if c.format == codec.name and c.dataset == dataset]


def test_quick_reads_a_star_and_keeps_every_format_writer_and_reader():
    """quick: every reader reads the reference writer's file (every kind on mixed, full and
    projection on nested) and every other writer's file is read in full by the reference reader
    only."""
    codecs, quick = select_codecs(None), get_profile("quick")
    datasets = list(quick.datasets)
    reads, writes = read_cases(codecs, datasets, quick), write_cases(codecs, datasets, quick)
    assert {c.format for c in writes} == {c.format for c in reads} == set(formats.codec_names())
    for codec in codecs:
        writers, readers = [w.name for w in codec.writers()], [r.name for r in codec.readers()]
        mine = _reads(reads, codec, "mixed")  # the added engines' scope (narrow_datasets)
        assert {c.reader for c in mine if c.writer == writers[0] and c.kind == "full"} == set(readers), codec.name
        assert {c.kind for c in mine if c.writer == writers[0]} == {"full", "projection", "predicate"}
        assert {(c.writer, c.reader) for c in mine if c.writer != writers[0]} == \
            {(w, readers[0]) for w in writers[1:]}, codec.name
        assert {c.engine for c in writes if c.format == codec.name and c.dataset == "mixed"} == set(writers)
        nested = _reads(reads, codec, "nested")
        assert nested and {c.kind for c in nested} == {"full", "projection"}, codec.name
        assert all(c.reader == readers[0] for c in nested if c.writer != writers[0]), codec.name


def test_standard_keeps_every_writer_x_reader_and_every_kind():
    codecs, standard = select_codecs(None), get_profile("standard")
    assert not standard.cross_engine_star and standard.dataset_read_kinds is None
    reads = read_cases(codecs, ["mixed", "nested"], standard)
    for codec in codecs:
        writers, readers = [w.name for w in codec.writers()], [r.name for r in codec.readers()]
        for ds in ("mixed", "nested"):
            mine = _reads(reads, codec, ds)
            assert {(c.writer, c.reader) for c in mine if c.kind == "full"} == \
                {(w, r) for w in writers for r in readers}, (codec.name, ds)
            assert {c.kind for c in mine} == {"full", "projection", "predicate"}, (codec.name, ds)


def test_quick_s3_scope_keeps_parquets_clients_but_the_buffering_variants():
    from storagebench.profiles import S3Scope

    quick, standard = get_profile("quick").s3, get_profile("standard").s3
    assert standard == S3Scope() and standard.keeps_read_client("csv", "boto3")
    assert standard.keeps_read_client("parquet", "s3fs-tuned") and standard.keeps_read_client("parquet", "pyarrow-nobuffer")
    assert all(quick.keeps_read_client("parquet", c) for c in ("boto3", "pyarrow", "s3fs"))
    assert not quick.keeps_read_client("parquet", "s3fs-tuned") and not quick.keeps_read_client("parquet", "pyarrow-nobuffer")
    assert quick.keeps_read_client("csv", "pyarrow") and quick.keeps_read_client("orc", "s3fs")
    assert not quick.keeps_read_client("json", "boto3") and not quick.keeps_read_client("feather", "s3fs-tuned")
    assert quick.keeps_read("parquet", "pyarrow", "predicate") and not quick.keeps_read("csv", "pyarrow", "projection")


def test_quick_collects_every_suite_and_every_format():
    """The smoke run still runs every suite module and every format (local, and S3 but the
    formats its scope leaves out with a reason)."""
    import subprocess
    import sys
    from pathlib import Path

    from storagebench.benchmarks import suite_names

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "pytest", "benchmarks/", "--profile", "quick", "--collect-only",
                           "-q", "-p", "no:cacheprovider"], cwd=root, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]
    ids = [line for line in proc.stdout.splitlines() if "::" in line]
    for suite in suite_names():
        assert any(i.startswith(f"benchmarks/test_{suite}.py::") for i in ids), suite
    left_out = set(get_profile("quick").s3.left_out or {})
    for fmt in formats.codec_names():
        assert any(f"test_read[{fmt}-" in i for i in ids) and any(f"test_write[{fmt}-" in i for i in ids), fmt
        if fmt not in left_out:
            assert any(f"test_s3_read[{fmt}-" in i for i in ids) and any(f"test_s3_write[{fmt}-" in i for i in ids), fmt


def test_compressions_filter_applies_per_codec_and_unknown_ones_fail():
    import pytest

    from formats.base import UnknownNameError

    codecs = select_codecs(None)
    cases = write_cases(codecs, ["numeric"], get_profile("quick"), ["none", "zstd"])
    assert {c.compression for c in cases} == {"none", "zstd"}
    assert {c.format for c in cases if c.compression == "zstd"} == {"parquet", "orc", "feather"}
    assert {"csv", "json", "avro"} <= {c.format for c in cases if c.compression == "none"}
    with pytest.raises(UnknownNameError, match="unknown compression 'snapy'"):
        read_cases(codecs, ["numeric"], get_profile("quick"), ["snapy"])


def test_quick_measures_full_read_memory_only_standard_everything():
    quick, standard = get_profile("quick"), get_profile("standard")
    assert not quick.measures_write_memory and quick.measures_read_memory("full")
    assert not quick.measures_read_memory("projection")
    assert standard.measures_write_memory and standard.measures_read_memory("predicate")
