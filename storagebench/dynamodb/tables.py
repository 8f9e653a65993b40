"""The benchmark tables: police records in DynamoDB, created, loaded in parallel and removed.

Two layouts of the same records (storagebench.datasets.police.police_records):

* ``guid``       hash key ``guid``: the lesson's "get one record in the PD table by guid";
* ``composite``  hash ``PoliceDepartmentName`` + range ``UpdateTime``, with the global secondary
                 index ``by-incident`` (``IncidentType`` + ``UpdateTime``, all attributes
                 projected): queries by department and time window, and by incident type.

Item size is a parameter: ``item_bytes`` > 0 pads each item with a ``Padding`` string so that
its size by DynamoDB's rules (storagebench.dynamodb.capacity.item_size) is exactly that.

Loading is setup, not a timed pattern, but it is measured: ``batch_write_item`` in 25s from
``writers`` threads, UnprocessedItems resent with backoff (counted), time and items/s recorded.
Tables are on-demand (PAY_PER_REQUEST), named ``sb-<run id>-<layout>-<items>-<bytes>`` so runs
never collide, and only tables this run created are deleted.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from boto3.dynamodb.types import TypeSerializer

from formats.base import UnknownNameError
from storagebench.datasets.police import police_records
from storagebench.dynamodb.batching import MAX_BATCH_WRITE, batch_write, check_item_size
from storagebench.dynamodb.capacity import MAX_ITEM_BYTES, item_size, write_wcu
from storagebench.dynamodb.client import DynamoClient
from storagebench.dynamodb.errors import DynamoDBError, ItemTooLargeError

PAD_ATTRIBUTE = "Padding"
GSI_NAME = "by-incident"


@dataclass(frozen=True)
class Layout:
    name: str
    key_names: tuple[str, ...]  # (hash,) or (hash, range)
    description: str
    gsi: tuple[str, str] | None = None  # (hash, range) of the GSI, all attributes projected

    def create_params(self, table: str) -> dict[str, Any]:
        names = list(self.key_names) + [n for n in (self.gsi or ()) if n not in self.key_names]
        params: dict[str, Any] = {
            "TableName": table,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"} for n in names],
            "KeySchema": [{"AttributeName": n, "KeyType": kt}
                          for n, kt in zip(self.key_names, ("HASH", "RANGE"))],
        }
        if self.gsi:
            params["GlobalSecondaryIndexes"] = [{
                "IndexName": GSI_NAME,
                "KeySchema": [{"AttributeName": self.gsi[0], "KeyType": "HASH"},
                              {"AttributeName": self.gsi[1], "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }]
        return params


LAYOUTS: dict[str, Layout] = {
    "guid": Layout("guid", ("guid",), "hash key guid"),
    "composite": Layout("composite", ("PoliceDepartmentName", "UpdateTime"),
                        "hash PoliceDepartmentName + range UpdateTime, GSI IncidentType + UpdateTime",
                        gsi=("IncidentType", "UpdateTime")),
}


def get_layout(name: str) -> Layout:
    if name not in LAYOUTS:
        raise UnknownNameError("table layout", name, LAYOUTS)
    return LAYOUTS[name]


@dataclass(frozen=True)
class TableSpec:
    layout: str
    items: int
    item_bytes: int = 0  # 0: the records' natural size
    seed: int = 42

    @property
    def label(self) -> str:
        return f"{self.layout}-{self.items}-{self.item_bytes or 'natural'}"


_SERIALIZER = TypeSerializer()


def to_typed(record: dict[str, Any]) -> dict[str, Any]:
    """A plain record as a low-level typed item (what the wire and item_size use)."""
    return {k: _SERIALIZER.serialize(v) for k, v in record.items() if v is not None}


def pad_item(item: dict[str, Any], item_bytes: int, table: str = "?") -> dict[str, Any]:
    """Pad ``item`` with a string attribute so item_size(item) == item_bytes exactly."""
    if item_bytes > MAX_ITEM_BYTES:
        raise ItemTooLargeError(f"item_bytes {item_bytes} for table {table!r} is over DynamoDB's "
                                f"{MAX_ITEM_BYTES}-byte (400 KB) item limit")
    base = item_size(item) + len(PAD_ATTRIBUTE)
    if item_bytes < base + 1:
        raise DynamoDBError(f"item_bytes {item_bytes} is smaller than the record itself ({base + 1} bytes "
                            f"with the padding attribute); use 0 for the natural size")
    return {**item, PAD_ATTRIBUTE: {"S": "x" * (item_bytes - base)}}


def build_items(spec: TableSpec) -> list[dict[str, Any]]:
    items = [to_typed(r) for r in police_records(spec.items, spec.seed)]
    if spec.item_bytes:
        items = [pad_item(i, spec.item_bytes, spec.label) for i in items]
    return items


@dataclass
class LoadStats:
    items: int
    seconds: float
    writers: int
    batches: int
    unprocessed_resends: int
    throttle_retries: int
    wcu_computed: int

    @property
    def items_per_s(self) -> float:
        return self.items / self.seconds if self.seconds else float("inf")

    def as_info(self) -> dict[str, Any]:
        return {"load_s": self.seconds, "load_items_per_s": self.items_per_s, "load_writers": self.writers,
                "load_batches": self.batches, "unprocessed_resends": self.unprocessed_resends,
                "throttle_retries": self.throttle_retries, "wcu_computed": self.wcu_computed}


@dataclass
class LoadedTable:
    """A table this run created and loaded, with the exact items it holds (for checks and RCUs)."""

    name: str
    spec: TableSpec
    layout: Layout
    items: dict[tuple, dict[str, Any]]  # primary key tuple -> typed item
    sizes: dict[tuple, int] = field(default_factory=dict)
    load: LoadStats | None = None

    def key_of(self, item: dict[str, Any], names: Sequence[str] | None = None) -> tuple:
        return tuple(next(iter(item[n].values())) for n in (names or self.layout.key_names))

    def key_dict(self, key: tuple) -> dict[str, Any]:
        return {n: {"S": v} for n, v in zip(self.layout.key_names, key)}

    def size_of(self, item_or_key: dict[str, Any] | tuple) -> int:
        key = item_or_key if isinstance(item_or_key, tuple) else self.key_of(item_or_key)
        return self.sizes[key]

    def keys(self) -> list[tuple]:
        return list(self.items)

    @property
    def mean_item_bytes(self) -> float:
        return sum(self.sizes.values()) / len(self.sizes) if self.sizes else 0.0


def unique_table_name(spec: TableSpec, run_id: str) -> str:
    # Table names: 3-255 chars of [a-zA-Z0-9_.-]; dynalite needs >= 3 (TRAPS.md).
    return f"sb-{run_id}-{spec.layout}-{spec.items}-{spec.item_bytes or 'n'}"


def new_run_id() -> str:
    return uuid.uuid4().hex[:8]


def create_table(client: DynamoClient, name: str, layout: Layout, timeout: float = 300.0) -> None:
    client.call("CreateTable", **layout.create_params(name))
    deadline = time.monotonic() + timeout
    while True:  # moto and dynalite (createTableMs 0) are ACTIVE at once; AWS takes seconds
        table = client.call("DescribeTable", TableName=name)["Table"]
        indexes = table.get("GlobalSecondaryIndexes") or []
        if table["TableStatus"] == "ACTIVE" and all(i.get("IndexStatus", "ACTIVE") == "ACTIVE" for i in indexes):
            return
        if time.monotonic() > deadline:
            raise DynamoDBError(f"table {name!r} at {client.endpoint_label} not ACTIVE after {timeout:.0f} s")
        time.sleep(0.5)


def delete_table(client: DynamoClient, name: str) -> None:
    client.call("DeleteTable", TableName=name)


def _chunks(items: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_items(client: DynamoClient, table: str, items: Sequence[dict[str, Any]], writers: int = 4,
               key_names: Sequence[str] = ()) -> LoadStats:
    """Write ``items`` with ``writers`` threads of 25-item BatchWriteItem calls (timed here)."""
    wcu = sum(write_wcu(check_item_size(table, i, key_names)) for i in items)  # limits checked first
    throttles_before = client.counters.throttle_retries
    batches = list(_chunks(items, MAX_BATCH_WRITE))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, writers), thread_name_prefix="ddb-writer") as pool:
        resends = sum(pool.map(lambda chunk: batch_write(client, table, chunk), batches))
    seconds = time.perf_counter() - started
    return LoadStats(len(items), seconds, writers, len(batches), resends,
                     client.counters.throttle_retries - throttles_before, wcu)


def create_and_load(client: DynamoClient, spec: TableSpec, run_id: str, writers: int = 4,
                    created: list[str] | None = None) -> LoadedTable:
    """Create the table for ``spec`` (recorded in ``created`` as soon as it exists) and load it."""
    layout = get_layout(spec.layout)
    items = build_items(spec)
    name = unique_table_name(spec, run_id)
    create_table(client, name, layout)
    if created is not None:
        created.append(name)
    table = LoadedTable(name, spec, layout, {})
    for item in items:
        key = table.key_of(item)
        table.items[key] = item
        table.sizes[key] = item_size(item)
    if len(table.items) != len(items):
        raise DynamoDBError(f"table {name!r}: {len(items) - len(table.items)} records share a primary key "
                            f"{layout.key_names}; loading would silently overwrite them")
    table.load = load_items(client, name, items, writers, layout.key_names)
    return table
