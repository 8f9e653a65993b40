"""The Glue Data Catalog: register what a run wrote, evolve it, and look it up.

Runs against moto's server (the embedded endpoint) through boto3's ``glue`` client, and works
the same against a real account.  A run gets its own database; every dataset x format file
becomes a table with

* columns mapped from the file's Arrow schema to Hive types (:mod:`formats.hive_types`), as the
  format stores them (:mod:`.formats`: CSV/JSON temporal columns are declared string, Avro's
  small ints are int, a zone goes into the column comment);
* the S3 location (the table's folder), the SerDe and input/output formats the format needs,
  ``classification``, and the row count / byte size measured from the written file.

Three operations are benchmarked (benchmarks/test_catalog.py), counted in Glue requests:
capture (``create_table``), update (schema evolution: ``update_table`` adding a column, checked
first against what old files of the format survive; ``batch_create_partition`` in chunks of
100, Glue's limit) and retrieval (``get_table``; ``get_partitions`` with an ``Expression``,
paginated).

Bad input raises :class:`CatalogError` subclasses naming the database/table/column:
a table for a database that does not exist, a schema change the format cannot evolve, more
partition values than partition keys.

extra_info keys: :class:`storagebench.results.CatalogRecord` (``suite == "catalog"``;
required and optional keys, types, units), checked when the run JSON is written and read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import pyarrow as pa
from botocore.exceptions import ClientError

from formats.base import StorageBenchInputError
from storagebench.catalog.formats import CatalogFormat, catalog_format
from formats.hive_types import column_comment
from storagebench.results import SUITE_CATALOG  # noqa: F401  (re-exported: the benchmarks import it here)

GLUE_BATCH_PARTITION_LIMIT = 100  # BatchCreatePartition accepts at most 100 partitions per call


class CatalogError(StorageBenchInputError):
    """A catalog operation the user asked for cannot be done (message names the entity)."""


class MissingDatabaseError(CatalogError):
    pass


class SchemaEvolutionError(CatalogError):
    pass


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str = ""

    def as_glue(self) -> dict[str, str]:
        out = {"Name": self.name, "Type": self.type}
        if self.comment:
            out["Comment"] = self.comment
        return out


def columns_for(schema: pa.Schema, fmt: CatalogFormat) -> list[Column]:
    """Catalog columns for a file of ``fmt`` holding ``schema`` (names lower-cased: Glue does)."""
    out = []
    for f in schema:
        hive, note = fmt.hive_type(f.type, f.name)
        comment = "; ".join(x for x in (column_comment(f.type), note) if x)
        out.append(Column(f.name.lower(), hive, comment))
    return out


def table_name(dataset: str, fmt: str) -> str:
    """Glue table names: lower case letters, digits and underscores."""
    raw = f"{dataset}_{fmt}".lower()
    return "".join(c if c.isalnum() else "_" for c in raw)


def check_evolution(fmt: CatalogFormat, table: str, old: Sequence[Column], new: Sequence[Column]) -> None:
    """Raise :class:`SchemaEvolutionError` if files written under ``old`` break under ``new``."""
    old_names = [c.name for c in old]
    new_by_name = {c.name: c for c in new}
    if fmt.match_by == "position":
        new_names = [c.name for c in new]
        moved = next((i for i, n in enumerate(old_names) if i >= len(new_names) or new_names[i] != n), None)
        if moved is not None:
            raise SchemaEvolutionError(
                f"table {table!r} ({fmt.name}): column {old_names[moved]!r} would move or disappear "
                f"(position {moved}); {fmt.name} readers match columns by position, so old files' "
                f"values would land in the wrong columns. Only appending columns at the end is safe.")
    for col in old:
        changed = new_by_name.get(col.name)
        if changed is not None and not fmt.widening_ok(col.type, changed.type):
            raise SchemaEvolutionError(
                f"table {table!r} ({fmt.name}): column {col.name!r} cannot change type "
                f"{col.type} -> {changed.type}; old {fmt.name} files store {col.type} and "
                f"{fmt.name} readers do not convert it to {changed.type}. Write a new table or "
                f"rewrite the old files.")


class GlueCatalog:
    """One Glue database (per run) and the tables in it."""

    def __init__(self, glue: Any, database: str):
        self.glue = glue
        self.database = database

    # -- database ------------------------------------------------------------------------------
    def create_database(self, description: str = "storagebench run") -> None:
        self.glue.create_database(DatabaseInput={"Name": self.database, "Description": description})

    def drop_database(self) -> None:
        try:
            self.glue.delete_database(Name=self.database)
        except ClientError:
            pass

    # -- capture -------------------------------------------------------------------------------
    def table_input(self, name: str, fmt_name: str, schema: pa.Schema, location: str,
                    partition_keys: Iterable[tuple[str, str]] = (), rows: int | None = None,
                    size_bytes: int | None = None) -> dict[str, Any]:
        """The TableInput for a file of format ``fmt_name`` holding ``schema`` at ``location``."""
        fmt = catalog_format(fmt_name)
        columns = columns_for(schema, fmt)
        params = {"classification": fmt.classification, "storagebench:format": fmt.name,
                  "queryable": str(fmt.queryable).lower(), **fmt.table_parameters}
        if rows is not None:
            params["recordCount"] = str(rows)
        if size_bytes is not None:
            params["sizeKey"] = str(size_bytes)
        if fmt.note:
            params["storagebench:note"] = fmt.note
        serde_params = fmt.serde_parameters_for(schema)
        descriptor: dict[str, Any] = {
            "Columns": [c.as_glue() for c in columns],
            "Location": location,
            "Compressed": False,
            "Parameters": {"classification": fmt.classification},
        }
        if fmt.input_format:
            descriptor["InputFormat"] = fmt.input_format
        if fmt.output_format:
            descriptor["OutputFormat"] = fmt.output_format
        if fmt.serde:
            descriptor["SerdeInfo"] = {"SerializationLibrary": fmt.serde, "Parameters": serde_params}
        return {
            "Name": name,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": params,
            "StorageDescriptor": descriptor,
            "PartitionKeys": [{"Name": k, "Type": t} for k, t in partition_keys],
        }

    def create_table(self, table_input: dict[str, Any]) -> None:
        try:
            self.glue.create_table(DatabaseName=self.database, TableInput=table_input)
        except ClientError as exc:
            raise self._error(exc, table_input["Name"], "create table") from None

    # -- retrieval -----------------------------------------------------------------------------
    def get_table(self, name: str) -> dict[str, Any]:
        try:
            return self.glue.get_table(DatabaseName=self.database, Name=name)["Table"]
        except ClientError as exc:
            raise self._error(exc, name, "get table") from None

    def columns(self, name: str) -> list[Column]:
        return _columns_of(self.get_table(name))

    def get_partitions(self, name: str, expression: str | None = None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"DatabaseName": self.database, "TableName": name}
        if expression:
            kwargs["Expression"] = expression
        out: list[dict[str, Any]] = []
        try:
            for page in self.glue.get_paginator("get_partitions").paginate(**kwargs):
                out.extend(page["Partitions"])
        except ClientError as exc:
            raise self._error(exc, name, "get partitions") from None
        return out

    # -- update --------------------------------------------------------------------------------
    def evolve(self, name: str, new_columns: Sequence[Column]) -> dict[str, Any]:
        """Replace a table's columns after checking old files of its format survive the change."""
        return self._update_columns(self.get_table(name), new_columns)

    def _update_columns(self, table: dict[str, Any], new_columns: Sequence[Column]) -> dict[str, Any]:
        """update_table with ``new_columns`` on a table already fetched (one GetTable per change)."""
        name = table["Name"]
        fmt = catalog_format(table["Parameters"]["storagebench:format"])
        check_evolution(fmt, name, _columns_of(table), new_columns)
        descriptor = dict(table["StorageDescriptor"])
        descriptor["Columns"] = [c.as_glue() for c in new_columns]
        table_input = {k: table[k] for k in ("Name", "TableType", "Parameters", "PartitionKeys") if k in table}
        table_input["StorageDescriptor"] = descriptor
        try:
            self.glue.update_table(DatabaseName=self.database, TableInput=table_input)
        except ClientError as exc:
            raise self._error(exc, name, "update table") from None
        return table_input

    def add_column(self, name: str, column: Column) -> dict[str, Any]:
        """GetTable, the format's evolution check, UpdateTable: two Glue requests."""
        table = self.get_table(name)
        return self._update_columns(table, [*_columns_of(table), column])

    def add_partitions(self, name: str, values: Sequence[Sequence[str]], location: str) -> int:
        """Register partitions (Hive folder layout under ``location``); returns the call count."""
        keys = [k["Name"] for k in self.get_table(name).get("PartitionKeys", [])]
        inputs = []
        for vals in values:
            if len(vals) != len(keys):
                raise CatalogError(f"table {name!r}: partition values {list(vals)} do not match "
                                   f"the partition keys {keys}")
            folder = "/".join(f"{k}={v}" for k, v in zip(keys, vals))
            inputs.append({"Values": list(vals),
                           "StorageDescriptor": {"Location": f"{location.rstrip('/')}/{folder}/"}})
        calls = 0
        for start in range(0, len(inputs), GLUE_BATCH_PARTITION_LIMIT):
            chunk = inputs[start:start + GLUE_BATCH_PARTITION_LIMIT]
            try:
                resp = self.glue.batch_create_partition(DatabaseName=self.database, TableName=name,
                                                        PartitionInputList=chunk)
            except ClientError as exc:
                raise self._error(exc, name, "add partitions") from None
            calls += 1
            if resp.get("Errors"):
                first = resp["Errors"][0]
                raise CatalogError(f"table {name!r}: {len(resp['Errors'])} partitions rejected, first "
                                   f"{first.get('PartitionValues')}: {first['ErrorDetail'].get('ErrorMessage')}")
        return calls

    # -- errors --------------------------------------------------------------------------------
    def _error(self, exc: ClientError, table: str, action: str) -> CatalogError:
        code = exc.response.get("Error", {}).get("Code", "")
        message = exc.response.get("Error", {}).get("Message", str(exc))
        if code == "EntityNotFoundException" and "database" in message.lower():
            return MissingDatabaseError(
                f"cannot {action} {table!r}: Glue database {self.database!r} does not exist "
                f"(create it first)")
        if code == "EntityNotFoundException":
            return CatalogError(f"cannot {action}: table {table!r} not found in Glue database {self.database!r}")
        if code == "AlreadyExistsException":
            return CatalogError(f"cannot {action}: table {table!r} already exists in Glue database "
                                f"{self.database!r}")
        return CatalogError(f"cannot {action} {table!r} in Glue database {self.database!r}: {code}: {message}")


def _columns_of(table: dict[str, Any]) -> list[Column]:
    return [Column(c["Name"], c["Type"], c.get("Comment", "")) for c in table["StorageDescriptor"]["Columns"]]
