"""Run profiles: how big and how many times.

``quick`` is the all-suites smoke run: every format and suite, but only two generated datasets
(the local matrix took 85 s for 424 cases over six; the fixed per-call costs of the slow engines
dominate, not the row count: 3k rows took 82 s, so fewer datasets is what shortens it);
``standard`` and ``full`` trade time for volume, every dataset, compression and repeat count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from formats.base import UnknownNameError


# Per-suite parts of a profile.  Each suite reads its own record; no code anywhere compares a
# profile's name (a new profile is one entry in PROFILES, with every suite's numbers in view).


@dataclass(frozen=True)
class DynamoDBSizes:
    """The DynamoDB size sweep (storagebench/dynamodb/sweep.py explains the slopes it feeds)."""

    sizes: dict[str, tuple[int, ...]] = field(hash=False)  # table items per backend ("moto", "dynalite", "endpoint")
    item_bytes: tuple[int, ...]  # item size targets (0: the natural ~180 B item)
    rounds: int  # latency samples per case

    def sizes_for(self, backend: str) -> tuple[int, ...]:
        return self.sizes.get(backend, self.sizes["dynalite"])


@dataclass(frozen=True)
class LifecycleSizes:
    """The three-Vs suites (volume, velocity, partitions) and their S3 limits."""

    volume_sweep: tuple[int, ...]  # rows per volume sweep point
    volume_memory: bool  # peak memory at the sweep points (meaningless at a few MB: fixed costs)
    s3_max_partitions: int  # partition layouts with more objects are skipped on the emulated S3
    velocity_batch_rows: int  # rows per micro-batch
    velocity_max_appends: int  # appends (scaled down with --rows)
    heavy_rounds: int | None  # rounds of operations writing hundreds of objects (None: the profile's)


@dataclass(frozen=True)
class S3Scope:
    """Which S3 cases run when the command line names none.  ``None`` everywhere: the whole
    selection (every selected format, dataset, reader, read kind and compression)."""

    # Formats left out (name -> why) when none is named; every other selected format runs, so a
    # format registered later is on S3 without an edit.
    left_out: dict[str, str] | None = field(default=None, hash=False)
    datasets: tuple[str, ...] | None = None
    readers: dict[str, tuple[str, ...]] | None = field(default=None, hash=False)  # per format; formats not named: default_readers
    default_readers: tuple[str, ...] | None = None
    reader_clients: dict[str, tuple[str, ...]] | None = field(default=None, hash=False)  # a reader only through these clients
    # Clients a format's reads go through, per format (a None value: every client); formats not
    # named: default_read_clients (None: every client).
    read_clients: dict[str, tuple[str, ...] | None] | None = field(default=None, hash=False)
    default_read_clients: tuple[str, ...] | None = None
    kinds: dict[str, tuple[str, ...]] | None = field(default=None, hash=False)  # per format; formats not named: default_kinds
    default_kinds: tuple[str, ...] | None = None
    one_compression: bool = False  # each format's default compression only
    # Paired rounds of the counting-overhead benchmark (the median of per-pair ratios is stable
    # on a shared machine where a 15-round median of each side alone swung by +-30%).
    overhead_rounds: int = 31
    # Peak memory of S3 reads (each in a clean child that builds its own S3 client and reads the
    # object twice: ~1 s per full read here, most of an S3 full read case).  Off in quick: the
    # report shows peak memory of local reads only, where the same decoding is measured.
    read_memory: bool = True

    def keeps_read(self, fmt: str, reader: str, kind: str) -> bool:
        readers = (self.readers or {}).get(fmt, self.default_readers)
        kinds = (self.kinds or {}).get(fmt, self.default_kinds)
        return (readers is None or reader in readers) and (kinds is None or kind in kinds)

    def clients_for(self, reader: str) -> tuple[str, ...] | None:
        return (self.reader_clients or {}).get(reader)

    def keeps_read_client(self, fmt: str, client: str) -> bool:
        scope = self.read_clients or {}
        clients = scope[fmt] if fmt in scope else self.default_read_clients
        return clients is None or client in clients


@dataclass(frozen=True)
class Profile:
    name: str
    rows: int  # rows per generated dataset (wide builds rows // 10)
    rounds: int  # timed rounds per case (pytest-benchmark pedantic rounds)
    all_compressions: bool  # False: each codec's quick_compressions only
    row_group_rows: int | None  # rows per Parquet row group / ORC stripe / Arrow batch; None: rows // 10
    harness_rows: int  # rows of the harness-overhead Parquet file
    description: str
    dynamodb: DynamoDBSizes
    lifecycle: LifecycleSizes
    s3: S3Scope = S3Scope()
    # Which cases get the (forked, ~0.1 s each) peak-memory pass: "all", "write+full" (writes and
    # full reads only) or "full" (full reads only: a write's child is handed the writer's input
    # pickled, 0.6-0.9 s per nested-data write, and at 5,000 rows the peak says little).
    memory_scope: str = "all"
    # Generated datasets run when none is named (None: every registered generator).
    datasets: tuple[str, ...] | None = None
    # Datasets of the reduced scopes (the added engines polars/DuckDB, the query suite) when no
    # dataset is named; None: every selected dataset.
    narrow_datasets: tuple[str, ...] | None = None
    # Cross-engine reads (files of the writers other than a format's reference writer): False,
    # every reader reads each of them in full; True, only the format's reference reader (its
    # first) does, a "star" around the reference writer's file, which every reader still reads.
    # The whole writer x reader fidelity product is checked by the test suite (tests/), so the
    # smoke run needs only that each writer's file is readable.
    cross_engine_star: bool = False
    # Read kinds per dataset (label -> kinds) for the reference writer's file; datasets not named
    # run every kind.  quick: nested runs full and projection reads (projecting struct/list
    # columns is its own path: fastparquet cannot project a pyarrow-written struct, an interop
    # failure the smoke run should show); its predicate reads (19 cases, 3.3 s) filter on a
    # scalar column, the path the mixed dataset already takes.
    dataset_read_kinds: dict[str, tuple[str, ...]] | None = field(default=None, hash=False)

    def read_kinds(self, dataset_label: str, kinds: tuple[str, ...]) -> tuple[str, ...]:
        only = (self.dataset_read_kinds or {}).get(dataset_label)
        return kinds if only is None else tuple(k for k in kinds if k in only)

    @property
    def measures_write_memory(self) -> bool:
        return self.memory_scope in ("all", "write+full")

    def measures_read_memory(self, kind: str) -> bool:
        return self.memory_scope == "all" or kind == "full"

    def row_groups(self) -> int:
        return self.row_group_rows if self.row_group_rows else max(1, self.rows // 10)

    def with_rows(self, rows: int) -> "Profile":
        return replace(self, rows=rows, row_group_rows=None, harness_rows=min(self.harness_rows, rows))


PROFILES: dict[str, Profile] = {
    # quick is the all-suites smoke run (target <= 120 s end to end on 2 cores): two datasets
    # that exercise different code paths (mixed types; nested columns and the conversions they
    # force); `wide` (201 columns: JSON/Avro took 15-17 s a case there) runs from standard up.
    # The decision on real data at real size is `storagebench decide`.
    "quick": Profile(
        # 2 timed rounds: at 5,000 rows a case is mostly fixed work around its rounds, but the
        # third round still cost ~10 s over ~350 cases; the decision is `decide`'s, not quick's.
        "quick", 5_000, 2, False, None, 200_000,
        "5k rows, 2 rounds, one compression per format, datasets mixed and nested, "
        "memory of local full reads",
        # moto loads ~1.6-3.5k items/s and its Query loops over the table (TRAPS.md): 1e3 there.
        # dynalite 1e3 only: its 3e3 tables cost ~6 s of the smoke run (loads 3.9 s, patterns,
        # files vs items); the report's latency-vs-size slopes and chart need two sizes and come
        # from standard up (tests/ cover them).  7 latency samples (15 took 29 s of the smoke
        # run with moto's Scan/BatchGet cases at 2-3 s each); the report labels percentiles with n.
        dynamodb=DynamoDBSizes({"moto": (1_000,), "dynalite": (1_000,), "endpoint": (1_000, 3_000)},
                               item_bytes=(0,), rounds=7),
        # Partitions on the emulated S3 cost ~13 ms per object request here: a few dozen objects.
        # Volume 1e3 -> 1e4: the 3e4 point cost ~25 s of the smoke run (Avro's Python records:
        # write 9 s, read 8 s); the sweep's scaling is measured from standard up.
        lifecycle=LifecycleSizes(volume_sweep=(1_000, 3_000, 10_000), volume_memory=False,
                                 s3_max_partitions=20, velocity_batch_rows=100, velocity_max_appends=50,
                                 heavy_rounds=1),
        # The project's promise is CSV, JSON, Parquet and ORC on S3 (Feather rides along as the
        # Arrow reference): every format but Avro, on `mixed`; pandas only through s3fs, the path
        # ``pd.read_parquet("s3://...")`` takes; polars and DuckDB reach S3 through their own
        # clients (storagebench.s3.clients.serves).  Parquet keeps every read kind through boto3,
        # pyarrow and s3fs (its range reads are where the clients differ most; the buffering
        # variants pyarrow-nobuffer and s3fs-tuned, 11 s of the smoke run, from standard up); the others are read in full through
        # pyarrow's and s3fs's filesystems only (~1 s per S3 read case: 32 -> 8 cases), so every
        # format still goes through both filesystem layers; boto3 and s3fs-tuned on them run
        # from standard up.
        s3=S3Scope(left_out={"avro": "the streaming/row-store reference: measured on local disk in quick"},
                   datasets=("mixed",),
                   readers={"parquet": ("pyarrow", "pandas", "polars", "duckdb")}, default_readers=("pyarrow",),
                   reader_clients={"pandas": ("s3fs", "s3fs-tuned")},
                   read_clients={"parquet": ("boto3", "pyarrow", "s3fs")}, default_read_clients=("pyarrow", "s3fs"),
                   kinds={"parquet": ("full", "projection", "predicate")}, default_kinds=("full",),
                   # 11 pairs: the smoke run shows the counter's cost (31 pairs took ~17 s).
                   one_compression=True, overhead_rounds=11, read_memory=False),
        memory_scope="full", datasets=("mixed", "nested"), narrow_datasets=("mixed",),
        cross_engine_star=True, dataset_read_kinds={"nested": ("full", "projection")}),
    "standard": Profile(
        "standard", 200_000, 5, True, None, 1_000_000, "200k rows, 5 rounds, every compression",
        dynamodb=DynamoDBSizes({"moto": (1_000, 10_000), "dynalite": (1_000, 10_000, 100_000),
                                "endpoint": (1_000, 10_000, 100_000)}, item_bytes=(0, 2_000), rounds=50),
        lifecycle=LifecycleSizes(volume_sweep=(10_000, 100_000, 1_000_000), volume_memory=True,
                                 s3_max_partitions=500, velocity_batch_rows=100, velocity_max_appends=1_000,
                                 heavy_rounds=None)),
    "full": Profile(
        "full", 1_000_000, 7, True, None, 1_000_000, "1M rows, 7 rounds, every compression",
        dynamodb=DynamoDBSizes({"moto": (1_000, 10_000, 100_000), "dynalite": (1_000, 10_000, 100_000, 1_000_000),
                                "endpoint": (1_000, 10_000, 100_000)}, item_bytes=(0, 2_000, 10_000), rounds=100),
        lifecycle=LifecycleSizes(volume_sweep=(100_000, 1_000_000, 10_000_000), volume_memory=True,
                                 s3_max_partitions=100_000, velocity_batch_rows=1_000, velocity_max_appends=1_000,
                                 heavy_rounds=None)),
}


def get_profile(name: str, rows: int | None = None) -> Profile:
    try:
        profile = PROFILES[name]
    except KeyError:
        raise UnknownNameError("profile", name, PROFILES) from None
    if rows is not None:
        if rows < 1:
            raise ValueError(f"--rows must be >= 1, got {rows}")
        profile = profile.with_rows(rows)
    return profile
