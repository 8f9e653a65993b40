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
    cases = read_cases([formats.get_codec("parquet")], ["mixed"], get_profile("quick"))
    pairs = {(c.writer, c.reader) for c in cases}
    assert {("pyarrow", "fastparquet"), ("fastparquet", "pyarrow"), ("fastparquet", "pandas")} <= pairs
    assert {c.kind for c in cases} == {"full", "projection", "predicate"}


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
