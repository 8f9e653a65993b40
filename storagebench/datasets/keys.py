"""A dataset's primary key, for the point-lookup workload (a DynamoDB table's key, a file sorted by
it): TPC-H tables have their own; other data is searched for a unique column or pair."""

from __future__ import annotations

import itertools

import pyarrow as pa
import pyarrow.compute as pc

from storagebench.datasets import Dataset


def find_key(dataset: Dataset) -> tuple[str, ...] | None:
    """The dataset's primary key: TPC-H's own, else the first unique integer/string column among
    the first four, else the first unique pair of them."""
    from storagebench.datasets import tpch

    if dataset.name in tpch.TABLES:
        return tpch.TABLES[dataset.name].key
    table = dataset.table
    keyable = [f.name for f in list(table.schema)[:4]
               if pa.types.is_integer(f.type) or pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    for name in keyable:
        col = table.column(name)
        if col.null_count == 0 and pc.count_distinct(col).as_py() == table.num_rows:
            return (name,)
    for a, b in itertools.combinations(keyable, 2):
        if table.column(a).null_count or table.column(b).null_count:
            continue
        if table.group_by([a, b]).aggregate([]).num_rows == table.num_rows:
            return (a, b)
    return None
