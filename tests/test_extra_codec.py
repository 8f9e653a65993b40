"""Adding a format is one codec plus its registry line: a codec defined HERE, registered from here,
appears in the case matrices of the local formats, S3, catalog and volume suites, with no other
file edited.

The codec (tab-separated text through pyarrow) is registered by this module acting as a pytest
plugin (``-p test_extra_codec``) in a separate pytest that collects the benchmark modules, so the
rest of this session's registry never sees it.  Its hooks run only as a plugin: pytest never
calls hook functions defined in a collected test module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import formats
from formats.base import Codec, EngineSpec, Location, ReadRequest, WriteOptions
from formats.catalog_facts import TEXT_INPUT_FORMAT, TEXT_OUTPUT_FORMAT, TEXT_WIDENINGS, CatalogFormat

ROOT = Path(__file__).resolve().parents[1]
SUITES = ("local_formats", "s3_formats", "catalog", "volume")


class TsvCodec(Codec):
    """Tab-separated text written and read by pyarrow (a real, small codec)."""

    name = "tsv"
    extension = "tsv"
    description = "tab-separated text (registered by tests/test_extra_codec.py)"
    engines = {"pyarrow": EngineSpec("pyarrow", can_write=True, can_read=True, write_compressions=("none",))}
    # How Glue describes its files: the same OpenCSVSerde as CSV, with a tab separator.
    catalog = CatalogFormat(
        "tsv", "csv", "org.apache.hadoop.hive.serde2.OpenCSVSerde", TEXT_INPUT_FORMAT, TEXT_OUTPUT_FORMAT,
        match_by="position", widenings=TEXT_WIDENINGS,
        serde_parameters={"separatorChar": "\t", "quoteChar": '"', "escapeChar": "\\"},
        table_parameters={"skip.header.line.count": "1"},
        declared_type=formats.get_codec("csv").catalog.declared_type,
    )

    def prepare(self, table: pa.Table) -> tuple[pa.Table, list[formats.Conversion]]:
        # Text holds no nested values: the same JSON-text conversion the CSV codec records.
        return formats.get_codec("csv").prepare(table)

    def write(self, data: Any, location: Location, engine: str, options: WriteOptions) -> None:
        self.check_write_case(engine, options.compression)
        with location.open_output() as sink:
            pacsv.write_csv(data, sink, pacsv.WriteOptions(delimiter="\t"))

    def read(self, location: Location, engine: str, request: ReadRequest) -> Any:
        convert = pacsv.ConvertOptions(include_columns=list(request.columns) if request.columns else None)
        table = pacsv.read_csv(location.open_input(), parse_options=pacsv.ParseOptions(delimiter="\t"),
                               convert_options=convert)
        return request.predicate.apply_arrow(table) if request.predicate else table


@pytest.hookimpl(tryfirst=True)  # before the suites' plugins choose their codecs at configure time
def pytest_configure(config: pytest.Config) -> None:
    formats.codec_names()  # the built-in codecs first, so the new one comes last, as a new module would
    formats.register(TsvCodec)


def test_the_codec_round_trips() -> None:
    """The extra codec is a working codec, not a name: what it writes, it reads back."""
    codec = TsvCodec()
    table = pa.table({"id": [1, 2, 3], "name": ["a", "b", None]})
    location = Location.memory()
    codec.write(table, location, "pyarrow", WriteOptions())
    back = codec.to_arrow(codec.read(Location.memory(location.getvalue()), "pyarrow", ReadRequest(columns=("id",))))
    assert back.column("id").to_pylist() == [1, 2, 3] and back.column_names == ["id"]
    # Its catalog facts come from the codec alone: a timestamp is declared string, as for CSV.
    assert codec.catalog.hive_type(pa.timestamp("us", tz="UTC"), "ts")[0] == "string"
    assert codec.catalog.serde_parameters_for(table.schema)["separatorChar"] == "\t"


@pytest.fixture(scope="module")
def collected() -> str:
    paths = [f"benchmarks/test_{suite}.py" for suite in SUITES]
    env_path = str(Path(__file__).resolve().parent)
    proc = subprocess.run([sys.executable, "-m", "pytest", *paths, "--collect-only", "-q", "-p", "no:cacheprovider",
                           "-p", "test_extra_codec", "--rows", "200", "--profile", "quick"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PYTHONPATH": env_path})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.parametrize("suite,expected", [
    ("local_formats", ["test_write[tsv-pyarrow-none-", "test_read[tsv-pyarrow-none-full-"]),
    ("s3_formats", ["[tsv-"]),
    ("catalog", ["test_catalog_create_table[tsv]", "test_catalog_add_column[tsv]", "test_catalog_get_table[tsv]"]),
    ("volume", ["test_volume[write-tsv-", "test_volume[read-tsv-"]),
])
def test_the_codec_is_in_every_suites_matrix(collected: str, suite: str, expected: list[str]) -> None:
    ids = [line for line in collected.splitlines() if line.startswith(f"benchmarks/test_{suite}.py::")]
    assert ids, f"nothing collected from {suite}"
    for fragment in expected:
        assert any(fragment in line for line in ids), (fragment, [i for i in ids if "tsv" in i][:5])
