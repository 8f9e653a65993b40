"""Adding a format is one codec plus its registry line: a codec defined HERE, registered from here,
appears in the case matrices of the local formats, S3, catalog and volume suites, with no other
file edited.

The codec (tab-separated text through pyarrow) is registered by this module acting as a pytest
plugin (``-p test_extra_codec``) in a separate pytest that collects the benchmark modules, so the
rest of this session's registry never sees it.  Its hooks run only as a plugin: pytest never
calls hook functions defined in a collected test module.
"""

from __future__ import annotations

import json
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

    # A user's own file: ".tab" (".tsv" is already the CSV codec's claim, which sniffs the tab
    # delimiter, and one suffix names one codec), told from CSV by a tab and no comma in its
    # header line.  Asked after the binary codecs and before CSV, the catch-all text format.
    file_extensions = (".tab",)
    title = "TSV"

    def looks_like(self, head: bytes) -> bool:
        header = head.split(b"\n", 1)[0]
        return b"\t" in header and b"," not in header

    def load_user_file(self, path: Path) -> tuple[pa.Table, str]:
        return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter="\t")), ", tab-separated"

    def file_schema(self, location: Location) -> list[str]:
        with location.open_input() as f:  # the header line's names: the file holds no types
            return pacsv.open_csv(f, parse_options=pacsv.ParseOptions(delimiter="\t")).schema.names

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


# Run in a fresh interpreter whose registry holds the extra codec (the session's registry must not).
_LOAD_USER_FILES = """
import json, sys
import formats, test_extra_codec
from formats.base import Location
from storagebench.catalog.file_schema import file_columns
from storagebench.datasets.user_file import DatasetFileError, load_file_dataset

formats.codec_names()
formats.register(test_extra_codec.TsvCodec)
good, mislabelled = sys.argv[1:]
ds = load_file_dataset(good)
try:
    load_file_dataset(mislabelled)
    refused = ""
except DatasetFileError as exc:
    refused = str(exc)
print(json.dumps({"columns": ds.table.column_names, "ids": ds.table.column("id").to_pylist(),
                  "description": ds.description, "refused": refused,
                  "file_columns": file_columns("tsv", Location(good))}))
"""


def test_the_codec_loads_a_users_file_by_its_extension_and_contents(tmp_path: Path) -> None:
    """The user-file loader and the catalog's file-schema check find the extra codec through the
    registry: its suffix, its contents test, its reader and its header reader, no other file edited."""
    good, mislabelled = tmp_path / "scores.tab", tmp_path / "commas.tab"
    good.write_text("id\tName\n1\ta\n2\tb\n")
    mislabelled.write_text("id,name\n1,a\n")
    proc = subprocess.run([sys.executable, "-c", _LOAD_USER_FILES, str(good), str(mislabelled)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout)
    assert got["columns"] == ["id", "Name"] and got["ids"] == [1, 2]
    assert got["description"] == "user file (tsv, tab-separated)"
    assert "extension says tsv but the contents are csv" in got["refused"]
    assert got["file_columns"] == [["id", None], ["name", None]]
