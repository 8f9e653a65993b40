"""Glue Data Catalog: type mapping, round trips for every dataset x format, evolution, errors."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import formats
from storagebench.catalog import (
    CatalogError,
    Column,
    GlueCatalog,
    MissingDatabaseError,
    SchemaEvolutionError,
    check_evolution,
)
from storagebench.catalog.capture import capture
from storagebench.catalog.file_schema import file_columns
from storagebench.catalog.formats import catalog_format, catalog_format_names
from formats.hive_types import arrow_to_hive, parse_hive
from storagebench.datasets import build_dataset, generator_names
from storagebench.threevs.pytest_plugin import embedded_s3  # noqa: F401  (fixture)

ROWS = 300


@pytest.mark.parametrize("arrow_type, hive", [
    (pa.int8(), "tinyint"), (pa.int16(), "smallint"), (pa.int32(), "int"), (pa.int64(), "bigint"),
    (pa.uint64(), "decimal(20,0)"), (pa.float32(), "float"), (pa.float64(), "double"),
    (pa.bool_(), "boolean"), (pa.string(), "string"), (pa.large_string(), "string"),
    (pa.binary(), "binary"), (pa.date32(), "date"), (pa.timestamp("us", tz="Europe/Berlin"), "timestamp"),
    (pa.decimal128(12, 2), "decimal(12,2)"), (pa.dictionary(pa.int8(), pa.string()), "string"),
    (pa.list_(pa.int64()), "array<bigint>"), (pa.map_(pa.string(), pa.float64()), "map<string,double>"),
    (pa.struct([("id", pa.int64()), ("tags", pa.list_(pa.string()))]), "struct<id:bigint,tags:array<string>>"),
])
def test_arrow_to_hive_and_back(arrow_type, hive):
    assert arrow_to_hive(arrow_type, "c") == hive
    assert arrow_to_hive(parse_hive(hive), "c") == hive  # the string parses back to the same type


def test_unmappable_type_names_the_column():
    with pytest.raises(formats.UnsupportedCaseError, match="'too_wide'"):
        arrow_to_hive(pa.decimal256(60, 2), "too_wide")


@pytest.fixture(scope="module")
def catalog(embedded_s3):
    cat = GlueCatalog(embedded_s3.client("glue"), "test_catalog_db")
    cat.create_database()
    embedded_s3.create_bucket("test-catalog")
    return cat


@pytest.mark.parametrize("dataset", generator_names())
@pytest.mark.parametrize("fmt", catalog_format_names())
def test_catalog_schema_matches_the_file(embedded_s3, catalog, dataset, fmt):
    codec = formats.get_codec(fmt)
    if codec.writers()[0].missing_requirement():
        pytest.skip(codec.writers()[0].missing_requirement())
    captured = capture(embedded_s3.arrow_fs(), catalog, "test-catalog", "t", build_dataset(dataset, ROWS, 3), codec)
    catalog.create_table(captured.table_input)

    stored = catalog.get_table(captured.table)
    columns = [(c.name, c.type) for c in catalog.columns(captured.table)]
    in_file = file_columns(fmt, captured.location)
    # Names and order match the file for every format; types wherever the file has them.
    assert [n for n, _ in columns] == [n for n, _ in in_file]
    for (name, declared), (_, actual) in zip(columns, in_file):
        parse_hive(declared)  # every declared type is well-formed
        if actual is not None:
            assert declared == actual, f"{fmt}/{dataset} column {name}: catalog {declared}, file {actual}"
    assert stored["StorageDescriptor"]["Location"] == captured.folder_uri
    assert stored["Parameters"]["recordCount"] == str(ROWS if dataset != "wide" else captured.rows)
    assert stored["Parameters"]["sizeKey"] == str(captured.size)

    if fmt == "parquet":
        # Independent of the mapping code: the parsed Hive types equal the file's Arrow types
        # once Hive's own losses (zone, categorical, unit) are applied.
        for f, (_, declared) in zip(captured.schema, columns):
            assert parse_hive(declared) == _hive_view(f.type), f.name
    if fmt == "csv":
        # The declared types parse the file's text: the catalog really describes it.
        types = {n: parse_hive(t) for n, t in columns}
        with captured.location.open_input() as f:
            table = pacsv.read_csv(f, convert_options=pacsv.ConvertOptions(column_types=types))
        assert table.num_rows == captured.rows


def _hive_view(t: pa.DataType) -> pa.DataType:
    if pa.types.is_dictionary(t):
        return _hive_view(t.value_type)
    if pa.types.is_timestamp(t):
        return pa.timestamp("us")
    if pa.types.is_large_string(t):
        return pa.string()
    if pa.types.is_list(t):
        return pa.list_(_hive_view(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _hive_view(f.type)) for f in t])
    return t


@pytest.mark.parametrize("fmt", catalog_format_names())
def test_storage_descriptor_per_format(embedded_s3, catalog, fmt):
    schema = pa.schema([("id", pa.int64()), ("at", pa.timestamp("us", tz="UTC"))])
    table_input = catalog.table_input(f"sd_{fmt}", fmt, schema, "s3://test-catalog/sd/")
    descriptor = table_input["StorageDescriptor"]
    spec = catalog_format(fmt)
    if spec.queryable:
        assert descriptor["SerdeInfo"]["SerializationLibrary"] == spec.serde
        assert descriptor["InputFormat"] and descriptor["OutputFormat"]
    else:  # Arrow IPC: no SerDe exists; registered for discovery only, and says so
        assert "SerdeInfo" not in descriptor and table_input["Parameters"]["queryable"] == "false"
    if fmt in ("csv", "json"):  # ISO text timestamps are declared string, with the reason
        at = descriptor["Columns"][1]
        assert at["Type"] == "string" and "declared string" in at["Comment"]
    else:
        assert descriptor["Columns"][1]["Type"] == "timestamp"
    assert table_input["Parameters"]["classification"] == spec.classification


def test_missing_database_is_named(embedded_s3):
    missing = GlueCatalog(embedded_s3.client("glue"), "no_such_database")
    table_input = missing.table_input("t", "parquet", pa.schema([("a", pa.int64())]), "s3://x/t/")
    with pytest.raises(MissingDatabaseError, match="'no_such_database' does not exist"):
        missing.create_table(table_input)


def _table(catalog, name: str, fmt: str) -> None:
    schema = pa.schema([("id", pa.int64()), ("country", pa.string()), ("qty", pa.int32())])
    catalog.create_table(catalog.table_input(name, fmt, schema, f"s3://test-catalog/{name}/"))


@pytest.mark.parametrize("fmt", catalog_format_names())
def test_add_column_evolves_every_format(catalog, fmt):
    _table(catalog, f"evolve_{fmt}", fmt)
    catalog.add_column(f"evolve_{fmt}", Column("ingest_batch", "bigint"))
    assert [c.name for c in catalog.columns(f"evolve_{fmt}")] == ["id", "country", "qty", "ingest_batch"]


def test_add_column_is_one_get_and_one_update(embedded_s3, catalog):
    _table(catalog, "evolve_count", "parquet")
    with embedded_s3.counting() as counts:
        catalog.add_column("evolve_count", Column("ingest_batch", "bigint"))
    assert counts.glue_requests == 2  # GetTable, UpdateTable: the table is fetched once
    assert [c.name for c in catalog.columns("evolve_count")][-1] == "ingest_batch"


def test_csv_reorder_is_refused_with_the_reason(catalog):
    _table(catalog, "csv_reorder", "csv")
    cols = catalog.columns("csv_reorder")
    with pytest.raises(SchemaEvolutionError, match="by position"):
        catalog.evolve("csv_reorder", [cols[1], cols[0], cols[2]])
    assert [c.name for c in catalog.columns("csv_reorder")] == ["id", "country", "qty"]  # unchanged


def test_type_changes_follow_each_format(catalog):
    _table(catalog, "csv_types", "csv")
    cols = catalog.columns("csv_types")
    with pytest.raises(SchemaEvolutionError, match="'country' cannot change type string -> int"):
        catalog.evolve("csv_types", [cols[0], Column("country", "int"), cols[2]])
    catalog.evolve("csv_types", [cols[0], cols[1], Column("qty", "string")])  # text reads as string
    parquet = catalog_format("parquet")
    check_evolution(parquet, "p", [Column("a", "int")], [Column("a", "bigint")])  # promotion
    check_evolution(parquet, "p", [Column("a", "int"), Column("b", "string")],
                    [Column("b", "string"), Column("a", "int")])  # by name: reorder is fine
    with pytest.raises(SchemaEvolutionError, match="bigint -> string"):
        check_evolution(parquet, "p", [Column("a", "bigint")], [Column("a", "string")])
    with pytest.raises(SchemaEvolutionError, match="by position"):
        check_evolution(catalog_format("orc"), "o", [Column("a", "int"), Column("b", "int")],
                        [Column("b", "int"), Column("a", "int")])


def test_partitions_round_trip_with_expression(catalog):
    schema = pa.schema([("id", pa.int64())])
    table_input = catalog.table_input("parts", "parquet", schema, "s3://test-catalog/parts/",
                                      partition_keys=[("ship_day", "string")])
    catalog.create_table(table_input)
    days = [f"2026-02-{d:02d}" for d in range(1, 29)]
    many = [f"2026-{m:02d}-{d:02d}" for m in range(1, 8) for d in range(1, 29)]  # 196 > one batch
    calls = catalog.add_partitions("parts", [[d] for d in many], "s3://test-catalog/parts")
    assert calls == 2  # chunks of 100
    assert len(catalog.get_partitions("parts")) == len(many)
    one = catalog.get_partitions("parts", "ship_day = '2026-03-05'")
    assert [p["Values"] for p in one] == [["2026-03-05"]]
    assert one[0]["StorageDescriptor"]["Location"] == "s3://test-catalog/parts/ship_day=2026-03-05/"
    week = catalog.get_partitions("parts", "ship_day >= '2026-02-01' AND ship_day <= '2026-02-07'")
    assert sorted(p["Values"][0] for p in week) == days[:7]
    with pytest.raises(CatalogError, match="do not match the partition keys"):
        catalog.add_partitions("parts", [["2026-01-01", "extra"]], "s3://test-catalog/parts")
