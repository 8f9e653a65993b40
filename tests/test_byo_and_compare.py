"""Bring-your-own CSV files read as users' tools read them, unique names, real row counts in titles;
``compare`` refuses runs with nothing in common and warns first when their setups differ."""

from __future__ import annotations

import decimal
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from storagebench.datasets.user_file import DatasetFileError, load_file_dataset, name_files

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storagebench", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_delimiter_is_sniffed_and_recorded(tmp_path, sep):
    path = tmp_path / f"data{len(sep)}-{ord(sep)}.csv"
    path.write_text(sep.join(["id", "name", "price"]) + "\n"
                    + "\n".join(sep.join([str(i), f"n{i}", f"{i}.5"]) for i in range(50)) + "\n")
    ds = load_file_dataset(str(path))
    assert ds.table.column_names == ["id", "name", "price"]
    assert "(sniffed)" in ds.description and "null" in ds.description


def test_empty_csv_fields_are_null_in_every_column(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("id,name,score\n1,a,1.5\n2,,2.5\n3,c,\n4,NA,4.5\n")
    table = load_file_dataset(str(path)).table
    assert table.column("name").to_pylist() == ["a", None, "c", None]
    assert table.column("score").to_pylist() == [1.5, 2.5, None, 4.5]


def test_one_column_csv_whose_header_holds_a_delimiter_is_refused(tmp_path):
    path = tmp_path / "ambiguous.csv"
    # A sniffer cannot settle on ';' (the count differs per line): the file would be one column.
    path.write_text("a;b;c\nfirst line with no separator\nsecond;one\n")
    with pytest.raises(DatasetFileError, match="one column"):
        load_file_dataset(str(path))


def test_avro_user_file_keeps_its_writer_schema_types(tmp_path):
    """The file's own writer schema decides the types (as the Avro benchmark read does), not what
    Python values look like: int stays 32-bit, a map stays a map, an empty map is not a null struct."""
    fastavro = pytest.importorskip("fastavro")
    schema = {"type": "record", "name": "R", "fields": [
        {"name": "n", "type": ["null", "int"]}, {"name": "f", "type": "float"},
        {"name": "m", "type": {"type": "map", "values": "long"}},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}}]}
    path = tmp_path / "events.avro"
    with open(path, "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(schema), [
            {"n": 1, "f": 1.5, "m": {"a": 1}, "amount": decimal.Decimal("1.25")},
            {"n": None, "f": 2.5, "m": {}, "amount": decimal.Decimal("2.50")}])
    table = load_file_dataset(str(path)).table
    assert table.schema.types == [pa.int32(), pa.float32(), pa.map_(pa.string(), pa.int64()), pa.decimal128(9, 2)]
    assert table.column("m").to_pylist() == [[("a", 1)], []]


def test_avro_union_of_two_types_is_one_line_naming_the_file(tmp_path):
    fastavro = pytest.importorskip("fastavro")
    path = tmp_path / "mixed.avro"
    schema = {"type": "record", "name": "R", "fields": [{"name": "u", "type": ["null", "int", "string"]}]}
    with open(path, "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(schema), [{"u": 1}, {"u": "x"}])
    with pytest.raises(DatasetFileError, match=r"cannot read dataset file .*mixed\.avro as avro: .*union") as err:
        load_file_dataset(str(path))
    assert "\n" not in str(err.value)


def test_unrecognised_file_lists_every_codecs_format_in_registry_order(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DatasetFileError, match=r"unknown magic bytes b'\\x00\\x01\\x02\\x03'; "
                                               r"expected CSV, JSON, Parquet, ORC, Arrow/Feather or Avro\)$"):
        load_file_dataset(str(path))


def test_same_stem_files_get_unique_names(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    csv_path, parquet_path = tmp_path / "a" / "penguins.csv", tmp_path / "a" / "penguins.parquet"
    other = tmp_path / "b" / "penguins.csv"
    csv_path.write_text("x,y\n1,2\n3,4\n")
    other.write_text("x,y\n5,6\n")
    pq.write_table(pa.table({"x": [1, 2, 3]}), parquet_path)
    name_files([str(csv_path), str(parquet_path)])
    assert {load_file_dataset(str(csv_path)).name, load_file_dataset(str(parquet_path)).name} == {
        "file:penguins.csv", "file:penguins.parquet"}
    name_files([str(csv_path), str(other)])
    assert {load_file_dataset(str(csv_path)).name, load_file_dataset(str(other)).name} == {
        "file:a-penguins.csv", "file:b-penguins.csv"}


@pytest.fixture(scope="module")
def two_file_run(tmp_path_factory):
    """A real run of two same-stem user files with their own row counts (not the profile's)."""
    tmp = tmp_path_factory.mktemp("byo")
    (tmp / "penguins.csv").write_text("id;species;mass\n" + "".join(f"{i};s{i % 3};{3000 + i}\n"
                                                                    for i in range(123)))
    pq.write_table(pa.table({"id": list(range(77)), "mass": [float(i) for i in range(77)]}), tmp / "penguins.parquet")
    runs = tmp / "runs"
    proc = _cli("run", "--suites", "local_formats", "--formats", "csv", "--dataset", str(tmp / "penguins.csv"),
                "--dataset", str(tmp / "penguins.parquet"), "--runs-dir", str(runs), "--no-report", "--no-memory")
    return runs, proc


def test_same_stem_files_both_stay_in_the_run(two_file_run):
    runs, proc = two_file_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(next(runs.glob("*.json")).read_text())
    described = data["storagebench"]["datasets"]
    assert described["file:penguins.csv"]["rows"] == 123 and described["file:penguins.parquet"]["rows"] == 77
    assert "delimiter ';'" in described["file:penguins.csv"]["description"]
    assert {b["extra_info"]["dataset"] for b in data["benchmarks"]} == {"file:penguins.csv", "file:penguins.parquet"}


def test_summary_title_shows_the_real_row_counts(two_file_run):
    _, proc = two_file_run
    assert "file:penguins.csv: 123 rows" in proc.stdout and "file:penguins.parquet: 77 rows" in proc.stdout
    assert "5000 rows" not in proc.stdout and "5,000 rows" not in proc.stdout


# -- compare ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_run(tmp_path_factory):
    runs = tmp_path_factory.mktemp("cmp")
    proc = _cli("run", "--suites", "local_formats", "--formats", "csv", "--datasets", "numeric", "--rows", "200",
                "--runs-dir", str(runs), "--no-report", "--no-memory")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return next(runs.glob("*.json"))


def _variant(base: Path, name: str, change) -> Path:
    data = json.loads(base.read_text())
    change(data)
    out = base.with_name(name)
    out.write_text(json.dumps(data))
    return out


def test_compare_refuses_runs_with_no_case_in_common(base_run):
    def rename(data):
        for b in data["benchmarks"]:
            b["fullname"] += "-other"

    other = _variant(base_run, "other.json", rename)
    proc = _cli("compare", str(base_run), str(other))
    assert proc.returncode == 2
    assert "no case in common" in proc.stderr and "Traceback" not in proc.stderr
    assert "within noise" not in proc.stdout


def test_compare_warns_first_when_rows_differ(base_run):
    def smaller(data):
        data["storagebench"]["rows"] = 20
        for d in data["storagebench"]["datasets"].values():
            d["rows"] = 20
        for b in data["benchmarks"]:
            for k in ("min", "max", "mean", "median", "q1", "q3"):
                b["stats"][k] /= 10

    other = _variant(base_run, "smaller.json", smaller)
    proc = _cli("compare", str(base_run), str(other))
    assert proc.returncode == 0, proc.stderr[-2000:]
    first = proc.stdout.strip().splitlines()[0]
    assert first.startswith("WARNING") and "rows numeric 200 vs 20" in first


def test_compare_of_the_same_setup_has_no_warning(base_run):
    same = _variant(base_run, "same.json", lambda data: None)
    proc = _cli("compare", str(base_run), str(same))
    assert proc.returncode == 0 and "WARNING" not in proc.stdout
