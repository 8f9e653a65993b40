"""The results contract: pytest-benchmark's own JSON, plus two things the suite adds.

1. Every benchmark's ``extra_info`` is one typed record: :data:`RECORDS` maps each ``suite``
   value to its record declaration below (a ``TypedDict``: required keys plain, optional keys
   ``NotRequired``; the unit is in the key's type alias, :data:`Seconds`, :data:`Bytes`,
   :data:`USD` ..., and in the key's suffix: ``_s`` seconds, ``_bytes`` bytes, ``_usd`` dollars).
   One quantity has one name across suites (``s3_bytes_out`` is response bytes wherever S3 is
   counted; every duration is ``*_s``).  :func:`validate_record` checks a record against its
   declaration: an unknown key, a missing required key or a value of the wrong type is a
   :class:`ResultsSchemaError` naming the suite, the case and the key.  It runs when the run
   JSON is written (storagebench.pytest_plugin) and when a report loads it
   (storagebench.report.loading), so a key a suite adds must be declared here first.

2. A top-level ``"storagebench"`` object (written by the pytest plugin's
   ``pytest_benchmark_update_json`` hook) with ``schema_version``, ``profile``, ``seed``,
   ``versions``, ``machine``, ``datasets`` (name -> rows, columns, arrow_bytes, fingerprint,
   origin) and ``outcomes`` (:class:`OutcomeRecord`): every case that did NOT produce a timing
   (unsupported combination, read failure, missing optional dependency) with its reason, so a
   report never drops them.

Schema versions: 1 was the prose contract; 2 is this typed one (renamed keys: ``load_seconds``
-> ``load_s``, ``startup_seconds`` -> ``startup_s``, ``cleanup_seconds`` -> ``cleanup_s``,
``s3_loopback_seconds`` -> ``s3_loopback_s``, ``s3_model*_seconds`` -> ``s3_model*_s``,
``sweep_seconds``/``sweep_iqr_seconds`` -> ``sweep_s``/``sweep_iqr_s``, volume's ``bytes`` ->
``bytes_on_disk``, the 3V suites' ``bytes_received`` -> ``s3_bytes_out``, compaction's
``bytes_in``/``bytes_out`` -> ``input_bytes``/``output_bytes``).  A report refuses a run of
another version with one line saying so.
"""

# No ``from __future__ import annotations`` here: the record declarations are read at run time
# (typing.get_type_hints), and NotRequired must be seen as such by TypedDict.
import functools
import types
import typing
from typing import Annotated, Any, Literal, Mapping, NotRequired, TypedDict

from formats.base import StorageBenchInputError

SCHEMA_VERSION = 2

SUITE_FORMATS = "formats"
SUITE_S3 = "s3"
SUITE_DYNAMODB = "dynamodb"
SUITE_CATALOG = "catalog"
SUITE_GLACIER = "glacier"
SUITE_PARTITIONS = "partitions"
SUITE_VELOCITY = "velocity"
SUITE_VOLUME = "volume"
SUITE_QUERY = "query"
SUITE_HARNESS = "harness"

# Units.  A float key also accepts a JSON integer (1 and 1.0 are the same number in JSON).
Seconds = Annotated[float, "seconds"]
Bytes = Annotated[int, "bytes"]
BytesMean = Annotated[float, "bytes (a mean or a per-round figure)"]
USD = Annotated[float, "US dollars"]
Ratio = Annotated[float, "dimensionless ratio"]
Count = Annotated[int, "count"]
CountMean = Annotated[float, "count (a mean or a per-round figure)"]
RequestsByOp = dict[str, float]  # "s3:GetObject" -> requests (per timed round where stated)
Target = Literal["local", "s3"]
Fidelity = Literal["lossless", "lossy-types", "lossy-values"]


class ResultsSchemaError(StorageBenchInputError):
    """A result record that does not match its suite's declaration (names suite, case and key)."""


# -- building blocks every suite mixes in --------------------------------------------------------
class CommonKeys(TypedDict):
    suite: str  # which record (a key of RECORDS) and which section of the report
    operation: str  # e.g. "write", "read", "get_item_hit", "archive_put"
    dataset: str  # dataset name (generated, or the user's file stem)


class RunKeys(TypedDict):
    profile: str  # quick | standard | full
    seed: int


class RowKeys(TypedDict):
    rows: Count  # rows in the dataset (volume: at this sweep point)


class ShapeKeys(TypedDict):
    columns: Count
    dataset_fingerprint: str  # content hash of the generated/loaded table
    dataset_arrow_bytes: Bytes  # the whole dataset in Arrow memory


class FormatKeys(TypedDict):
    """One file format case timed by the harness (local formats and S3's format cases)."""

    target: Target
    format: str
    engine: str  # the engine timed
    writer_engine: str  # the engine that wrote the file
    compression: str
    row_group_size: int | None
    rows_returned: Count | None  # reads; None for writes
    bytes_on_disk: Bytes
    arrow_bytes: Bytes  # in-memory Arrow size of the data written / returned
    compression_ratio: Ratio | None  # dataset_arrow_bytes / bytes_on_disk
    mb_per_s: Annotated[float, "MB/s"] | None  # arrow_bytes / median seconds / 1e6
    fidelity: Fidelity
    fidelity_lossy_columns: list[str]
    fidelity_issues: list[dict[str, str]]  # {"column", "kind", "detail"}; kind is an ISSUE_* name
    # True only for the labelled reader engines handed the written schema; every other verdict
    # describes the file as a reader without the original schema sees it.
    fidelity_schema_supplied: bool
    conversions: list[str]  # type changes made before writing, each as a readable line
    peak_memory_bytes: Bytes | None
    peak_memory_method: str | None
    # Writes: fidelity is what the file gives back to the writer's own library, named here.
    fidelity_checked_by: NotRequired[str | None]
    reader_engine: NotRequired[str]  # reads
    read_kind: NotRequired[Literal["full", "projection", "predicate"]]  # reads
    cross_engine: NotRequired[bool]  # reads: reader engine != writer engine
    predicate_mode: NotRequired[Literal["pushdown", "after-read"] | None]  # predicate reads
    projection_pushdown: NotRequired[bool | None]  # projection reads
    peak_memory_not_measured_reason: NotRequired[str]  # S3 reads and (quick) local writes whose memory pass did not (or could not) run


def _all_optional(name: str, *records: type) -> Any:
    """The keys of ``records`` with every one optional (S3 cases that time no file lack them)."""
    hints: dict[str, Any] = {}
    for record in records:
        hints.update(typing.get_type_hints(record, include_extras=True))
    return TypedDict(name, {k: NotRequired[_unwrap_required(t)] for k, t in hints.items()})  # type: ignore[operator]


def _unwrap_required(tp: Any) -> Any:
    return typing.get_args(tp)[0] if typing.get_origin(tp) in (NotRequired, typing.Required) else tp


_OptionalFormatKeys = _all_optional("_OptionalFormatKeys", RunKeys, ShapeKeys, FormatKeys)


# -- one record per suite -----------------------------------------------------------------------
class FormatsRecord(CommonKeys, RunKeys, RowKeys, ShapeKeys, FormatKeys):
    """``suite == "formats"``: local file formats (storagebench.harness)."""

    operation: Literal["write", "read"]  # type: ignore[misc]


class S3Record(CommonKeys, RowKeys, _OptionalFormatKeys):  # type: ignore[misc]
    """``suite == "s3"``: the format cases on S3 (format keys plus requests, bytes, modelled
    cloud time and cost, storagebench.s3.target) and the counting-overhead cases (no file keys)."""

    operation: Literal["write", "read", "counting-overhead"]  # type: ignore[misc]
    target: Literal["s3"]  # type: ignore[misc]
    s3_client: str  # the client library and its settings' name
    s3_object_bytes: Bytes
    # where and how it was measured (storagebench.s3.endpoint)
    s3_client_settings: NotRequired[dict[str, Any]]
    s3_endpoint_kind: NotRequired[str]
    s3_endpoint: NotRequired[str]  # redacted URL or "embedded"
    s3_region: NotRequired[str]
    s3_bucket: NotRequired[str]
    s3_prefix: NotRequired[str]
    s3_counted: NotRequired[bool]
    s3_counted_by: NotRequired[str]
    s3_not_counted_reason: NotRequired[str]
    # requests and bytes of one timed operation, as the server saw them (storagebench.s3.counting)
    s3_requests: NotRequired[dict[str, int]]  # operation -> requests
    s3_requests_total: NotRequired[Count]
    s3_bytes_in: NotRequired[Bytes]  # request bodies received by the server (uploads)
    s3_bytes_out: NotRequired[Bytes]  # response bodies sent by the server (downloads)
    s3_get_bytes: NotRequired[Bytes]
    s3_full_gets: NotRequired[Count]
    s3_range_reads: NotRequired[Count]
    s3_range_read_mean_bytes: NotRequired[BytesMean | None]
    s3_error_responses: NotRequired[Count]
    s3_request_latency: NotRequired[list[dict[str, Any]]]  # per operation x size bucket
    s3_bytes_needed: NotRequired[Bytes]  # reads: what the query needs (storagebench.s3.needed)
    s3_bytes_needed_basis: NotRequired[str]
    s3_read_amplification: NotRequired[Ratio]  # s3_get_bytes / s3_bytes_needed
    s3_upload_amplification: NotRequired[Ratio]  # writes: s3_bytes_in / s3_object_bytes
    # time: measured on loopback, and modelled for labelled cloud profiles (storagebench.s3.cloud_model)
    s3_measured_median_s: NotRequired[Seconds | None]
    s3_loopback_s: NotRequired[Seconds | None]
    s3_cloud_model: NotRequired[dict[str, dict[str, Any]]]  # profile -> {label, seconds, ...}
    s3_request_cost_usd: NotRequired[USD]
    s3_request_cost_per_million_ops_usd: NotRequired[USD]
    s3_price_region: NotRequired[str]
    s3_price_as_of: NotRequired[str]
    # injected latency (storagebench.s3.latency) and the model's check against it
    s3_latency_profile: NotRequired[str]  # "none" unless injected
    s3_latency_label: NotRequired[str]
    s3_latency_first_byte_s: NotRequired[Seconds]
    s3_latency_bytes_per_s_per_connection: NotRequired[Annotated[float, "bytes/s"]]
    s3_model_s: NotRequired[Seconds | None]
    s3_model_profile: NotRequired[str]
    s3_loopback_spread: NotRequired[Ratio | None]
    s3_measured_over_model: NotRequired[Ratio | None]
    s3_model_on_mock_s: NotRequired[Seconds | None]
    s3_measured_over_model_on_mock: NotRequired[Ratio | None]
    s3_mock_bound_requests: NotRequired[Count]
    s3_observed_first_byte_s: NotRequired[Seconds]
    s3_model_observed_first_byte_s: NotRequired[Seconds | None]
    s3_measured_over_model_observed_first_byte: NotRequired[Ratio | None]
    s3_loopback_waves: NotRequired[Count]
    s3_injected_waves_per_read: NotRequired[CountMean]
    # counting-overhead cases: the same reads with the counter on and off, paired
    paired_rounds: NotRequired[Count]
    counting_on_times_s: NotRequired[list[Seconds]]
    counting_off_times_s: NotRequired[list[Seconds]]
    counting_on_median_s: NotRequired[Seconds]
    counting_off_median_s: NotRequired[Seconds]
    counting_median_ratio: NotRequired[Ratio]
    counting_overhead_ratio: NotRequired[Ratio]


class DynamoDBRecord(CommonKeys, RunKeys):
    """``suite == "dynamodb"``: access patterns, table loads and files-vs-items
    (storagebench.dynamodb); ``operation`` is the pattern name, "load" or "files_vs_items"."""

    backend: str  # "moto" | "dynalite" | "endpoint" | "aws"
    endpoint: str  # redacted
    backend_version: str | None
    backend_caveat: str  # printed next to the numbers
    reports_capacity: bool
    startup_s: Seconds
    table_layout: str  # "guid" | "composite"
    table_items: Count
    item_bytes: BytesMean  # mean item size by DynamoDB's rules
    item_bytes_target: Bytes  # 0 = natural size
    # log-log slope of p50_s vs table_items over the sizes that ran (added when the JSON is
    # written; None with one size): 0 = flat, 1 = linear in table size
    latency_slope: Ratio | None
    # pattern cases
    api: NotRequired[str]  # GetItem, Query, Scan, BatchGetItem
    pattern_description: NotRequired[str]
    consistency: NotRequired[Literal["eventual", "strong"]]
    rounds: NotRequired[Count]
    p50_s: NotRequired[Seconds]  # latency percentiles (files_vs_items: the Parquet lookup's)
    p95_s: NotRequired[Seconds]
    p99_s: NotRequired[Seconds]
    scanned_count: NotRequired[Count]  # items evaluated
    returned_count: NotRequired[Count]
    pages: NotRequired[Count]
    rcu_computed: NotRequired[CountMean]  # read units per operation by the documented rules
    rcu_reported: NotRequired[CountMean | None]  # ConsumedCapacity the backend reported
    rcu_reported_meaningful: NotRequired[bool]
    rcu_agreement: NotRequired[bool | None]
    rcu_probes_compared: NotRequired[Count]
    cost_per_million_usd: NotRequired[USD]
    requests_per_op: NotRequired[CountMean]
    response_bytes_per_op: NotRequired[BytesMean]
    throttle_retries: NotRequired[Count]
    unprocessed_resends: NotRequired[Count]
    correct: NotRequired[bool]
    # load cases
    load_s: NotRequired[Seconds]
    load_items_per_s: NotRequired[Annotated[float, "items/s"]]
    load_writers: NotRequired[Count]
    load_batches: NotRequired[Count]
    wcu_computed: NotRequired[Count]
    wcu_per_item: NotRequired[CountMean]
    load_cost_usd: NotRequired[USD]
    # files vs items: one Parquet object on S3 vs GetItem per key
    parquet_object_bytes: NotRequired[Bytes]
    parquet_row_group_rows: NotRequired[Count]
    parquet_row_groups: NotRequired[Count]
    parquet_compression: NotRequired[str]
    parquet_sorted_by: NotRequired[str]
    parquet_requests: NotRequired[Count]
    parquet_requests_detail: NotRequired[list[str]]
    parquet_bytes: NotRequired[Bytes]
    parquet_p50_s: NotRequired[Seconds]
    parquet_p95_s: NotRequired[Seconds]
    parquet_p99_s: NotRequired[Seconds]
    parquet_modelled_s: NotRequired[Seconds]
    parquet_cost_per_million_usd: NotRequired[USD]
    getitem_requests: NotRequired[Count]
    getitem_bytes: NotRequired[Bytes]
    getitem_p50_s: NotRequired[Seconds]
    getitem_p95_s: NotRequired[Seconds]
    getitem_p99_s: NotRequired[Seconds]
    getitem_modelled_s: NotRequired[Seconds]
    getitem_rcu_computed: NotRequired[CountMean]
    getitem_cost_per_million_usd: NotRequired[USD]
    latency_model: NotRequired[dict[str, Any]]  # the labelled model's assumed figures
    s3_backend: NotRequired[str]


class CatalogRecord(CommonKeys, RunKeys, RowKeys):
    """``suite == "catalog"``: Glue Data Catalog operations (storagebench.catalog)."""

    operation: Literal["create_table", "add_column", "batch_create_partition",  # type: ignore[misc]
                       "get_table", "get_partitions"]
    columns: Count
    format: str
    table: str
    queryable: bool  # Athena can read the format
    serde: str | None
    glue_requests: CountMean  # per timed call
    glue_request_cost_usd: USD  # per timed call, before the free tier
    declared_string_columns: list[str]  # declared string by the format's rules
    bytes_on_disk: NotRequired[Bytes]
    match_by: NotRequired[str]
    partitions: NotRequired[Count]  # added / in the table
    partitions_returned: NotRequired[Count]
    expression: NotRequired[str]


class GlacierRecord(CommonKeys, RunKeys, RowKeys):
    """``suite == "glacier"``: archive and restore on moto (storagebench.lifecycle)."""

    operation: Literal["archive_put", "restore_flow"]  # type: ignore[misc]
    format: str
    storage_class: str
    object_bytes: Bytes
    state: str  # the state after the operation
    requests: CountMean  # per timed round
    requests_by_op: RequestsByOp
    restore_cost_usd: USD | dict[str, USD]  # restore_flow: its tier; archive_put: tier -> $
    price_as_of: str
    # archive_put: per storage class (class -> figure)
    monthly_cost_usd: NotRequired[dict[str, USD]]
    minimum_commitment_usd: NotRequired[dict[str, USD]]  # owed for the minimum duration
    billable_bytes: NotRequired[dict[str, Bytes]]  # incl. per-object overhead / minimum size
    cheapest_class: NotRequired[str]
    request_cost_usd: NotRequired[USD]
    # restore_flow
    tier: NotRequired[str]
    polls: NotRequired[Count]  # head_object polls until restored
    states: NotRequired[list[str]]  # the states seen, in order
    restore_hours_min: NotRequired[Annotated[float, "hours"]]  # the price table's, not moto's
    restore_hours_max: NotRequired[Annotated[float, "hours"]]


class _RequestKeys(TypedDict):
    """Requests per timed round counted on the endpoint (None locally)."""

    requests: CountMean | None
    requests_by_op: RequestsByOp | None
    request_cost_usd: USD | None


class PartitionsRecord(CommonKeys, RunKeys, RowKeys, _RequestKeys):
    """``suite == "partitions"``: Hive-style layouts (storagebench.threevs.partitions)."""

    operation: Literal["write", "query", "full_scan"]  # type: ignore[misc]
    target: Target
    scheme: str
    partition_keys: list[str]
    layout: Literal["partitioned", "unpartitioned"]
    partitions: Count  # folders written
    files: Count  # files in the layout
    bytes_total: Bytes
    mean_file_bytes: NotRequired[BytesMean]
    files_read: NotRequired[Count]
    bytes_read: NotRequired[BytesMean | None]  # local: sizes of the files read; s3: response bytes
    s3_bytes_out: NotRequired[BytesMean]  # writes on s3: response bytes per round
    discovery_requests: NotRequired[Count | None]  # listing to open the dataset on S3
    rows_returned: NotRequired[Count]
    query: NotRequired[str]


class VelocityRecord(CommonKeys, RunKeys, RowKeys, _RequestKeys):
    """``suite == "velocity"``: micro-batch streams and compaction (storagebench.threevs.velocity)."""

    operation: Literal["write_stream", "write_batch", "read_small_objects",  # type: ignore[misc]
                       "read_compacted", "compaction"]
    target: Target
    appends: Count
    batch_rows: Count
    objects: Count  # objects written / read
    bytes_total: Bytes
    cost_per_million_rows_usd: USD | None
    s3_bytes_out: NotRequired[BytesMean]  # s3: response bytes per round
    rows_returned: NotRequired[Count]
    # compaction
    files_in: NotRequired[Count]
    input_bytes: NotRequired[Bytes]
    output_bytes: NotRequired[Bytes]
    cleanup_s: NotRequired[Seconds]  # median verify + delete per compaction, after the timer
    cleanup_requests: NotRequired[CountMean]
    cleanup_requests_by_op: NotRequired[RequestsByOp]
    cleanup_request_cost_usd: NotRequired[USD]


class VolumeRecord(CommonKeys, RunKeys, RowKeys):
    """``suite == "volume"``: one sweep point; the largest adds the fit (storagebench.threevs.volume)."""

    operation: Literal["write", "read"]  # type: ignore[misc]
    format: str
    engine: str
    compression: str
    sweep_rows: list[Count]
    sweep_index: Count
    bytes_on_disk: Bytes  # file size at this point
    bytes_per_row: Annotated[float, "bytes/row"]
    batch_rows: Count
    arrow_bytes: Bytes  # all rows of this point, in Arrow
    batch_arrow_bytes: Bytes
    # the largest point: the fit over the points measured (None where a point was not measured)
    sweep_s: NotRequired[list[Seconds | None]]  # medians, in sweep_rows order
    sweep_iqr_s: NotRequired[list[Seconds | None]]
    sweep_n: NotRequired[list[Count | None]]
    sweep_bytes: NotRequired[list[Bytes]]
    time_exponent: NotRequired[Ratio | None]
    time_fit_r2: NotRequired[Ratio | None]
    size_exponent: NotRequired[Ratio | None]
    size_fit_r2: NotRequired[Ratio | None]
    peak_memory_bytes: NotRequired[Bytes | None]
    peak_memory_method: NotRequired[str | None]
    peak_rss_ratio: NotRequired[Ratio | None]  # peak / arrow_bytes
    peak_per_batch_ratio: NotRequired[Ratio | None]
    memory_bounded: NotRequired[bool | None]  # writes: peak <= 3 x arrow_bytes


class QueryRecord(CommonKeys, RunKeys, RowKeys, ShapeKeys):
    """``suite == "query"``: one engine's query over one format (storagebench.query)."""

    operation: Literal["query"]  # type: ignore[misc]
    target: Target
    format: str
    compression: str
    writer_engine: str
    bytes_on_disk: Bytes
    engine: str
    query: str
    query_description: str
    query_sql: str
    query_scan: str  # how the engine read the format
    answer_rows: Count
    answer_digest: str  # same digest = same answer
    answer_agrees: bool  # always True for a timing (a disagreement is a failed outcome)
    answer_tolerance: str
    time_median_s: Seconds
    peak_memory_bytes: Bytes | None
    peak_memory_method: str | None


class HarnessRecord(CommonKeys, RunKeys, RowKeys):
    """``suite == "harness"``: the harness's own overhead (benchmarks/test_harness_overhead.py)."""

    operation: Literal["overhead"]  # type: ignore[misc]
    interleaved_rounds: Count
    bare_median_s: Seconds
    suite_median_s: Seconds
    overhead_ratio: Ratio


RECORDS: dict[str, type] = {
    SUITE_FORMATS: FormatsRecord, SUITE_S3: S3Record, SUITE_DYNAMODB: DynamoDBRecord,
    SUITE_CATALOG: CatalogRecord, SUITE_GLACIER: GlacierRecord, SUITE_PARTITIONS: PartitionsRecord,
    SUITE_VELOCITY: VelocityRecord, SUITE_VOLUME: VolumeRecord, SUITE_QUERY: QueryRecord,
    SUITE_HARNESS: HarnessRecord,
}


class OutcomeRecord(TypedDict):
    """One case without a timing (``storagebench.outcomes[*]``); its dimensions follow."""

    case: str
    suite: str
    status: Literal["skipped", "failed"]
    reason: str


# -- validation ---------------------------------------------------------------------------------
def _type_name(tp: Any) -> str:
    if typing.get_origin(tp) is Annotated:
        return _type_name(typing.get_args(tp)[0])
    if tp is type(None):
        return "None"
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in typing.get_args(tp))
    if typing.get_origin(tp) is Literal:
        return " | ".join(repr(a) for a in typing.get_args(tp))
    return getattr(tp, "__name__", None) if not typing.get_args(tp) else str(tp).replace("typing.", "")


def _matches(value: Any, tp: Any) -> bool:
    """Whether a JSON value fits a declared type (bool is not a number; an int is a float)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Annotated:
        return _matches(value, args[0])
    if tp is Any:
        return True
    if tp is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, a) for a in args)
    if origin is Literal:
        return value in args
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is str:
        return isinstance(value, str)
    if origin is list:
        return isinstance(value, list) and all(_matches(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) and _matches(v, args[1])
                                               for k, v in value.items())
    raise TypeError(f"results schema: no check for declared type {tp!r}")


@functools.cache
def _declaration(record: type) -> tuple[dict[str, Any], frozenset[str]]:
    hints = {k: _unwrap_required(t) for k, t in typing.get_type_hints(record, include_extras=True).items()}
    return hints, frozenset(record.__required_keys__)  # type: ignore[attr-defined]


def record_problem(info: Any, record: type) -> str | None:
    """What is wrong with ``info`` against ``record`` (the first problem), or None."""
    if not isinstance(info, Mapping):
        return f"is a {type(info).__name__}, not an object"
    hints, required = _declaration(record)
    unknown = sorted(k for k in info if k not in hints)
    if unknown:
        return (f"unknown key {unknown[0]!r} (not declared in storagebench/results.py "
                f"{record.__name__})")
    missing = sorted(required - set(info))
    if missing:
        return f"missing required key {missing[0]!r}"
    for key, value in info.items():
        if not _matches(value, hints[key]):
            return (f"key {key!r} is {type(value).__name__} {_short(value)}, expected "
                    f"{_type_name(hints[key])}")
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validate_record(info: Any, case: str) -> None:
    """Raise :class:`ResultsSchemaError` naming suite, case and key when ``info`` (one
    benchmark's extra_info) does not match its suite's record."""
    suite = info.get("suite") if isinstance(info, Mapping) else None
    if suite is None:
        raise ResultsSchemaError(f"case {case!r}: extra_info lacks 'suite' "
                                 "(another schema? see storagebench/results.py)")
    record = RECORDS.get(suite) if isinstance(suite, str) else None
    if record is None:
        raise ResultsSchemaError(f"case {case!r}: unknown suite {suite!r} (known: {', '.join(sorted(RECORDS))})")
    problem = record_problem(info, record)
    if problem:
        raise ResultsSchemaError(f"suite {suite!r}, case {case!r}: {problem}")


def validate_outcome(outcome: Any, index: int) -> None:
    """Raise :class:`ResultsSchemaError` when an outcome lacks its case/suite/status/reason."""
    case = outcome.get("case", f"#{index}") if isinstance(outcome, Mapping) else f"#{index}"
    hints, required = _declaration(OutcomeRecord)
    if not isinstance(outcome, Mapping):
        raise ResultsSchemaError(f"outcome #{index} is a {type(outcome).__name__}, not an object")
    for key in sorted(required):
        if key not in outcome:
            raise ResultsSchemaError(f"outcome {case!r}: missing required key {key!r}")
        if not _matches(outcome[key], hints[key]):
            raise ResultsSchemaError(f"outcome {case!r}: key {key!r} is {_short(outcome[key])}, "
                                     f"expected {_type_name(hints[key])}")


def validate_benchmarks(benchmarks: list[Any], outcomes: list[Any]) -> None:
    """Every record and outcome of a run, in order; the first problem is raised."""
    for i, bench in enumerate(benchmarks):
        case = (bench.get("fullname") or bench.get("name") or f"#{i}") if isinstance(bench, Mapping) else f"#{i}"
        info = bench.get("extra_info") if isinstance(bench, Mapping) else None
        validate_record(info if info is not None else {}, case)
    for i, outcome in enumerate(outcomes):
        validate_outcome(outcome, i)


FIDELITY_LOSSLESS = "lossless"
FIDELITY_LOSSY_TYPES = "lossy-types"
FIDELITY_LOSSY_VALUES = "lossy-values"


# Fidelity issue kinds (``fidelity_issues[*]["kind"]``) and what each one costs.
ISSUE_TYPE = "type"            # every value kept, the type changed (incl. a zone name -> UTC)
ISSUE_CONVERTED = "converted"  # the suite or the writer changed the type before writing
ISSUE_EXTRA = "extra"          # a column read that was not written
ISSUE_VALUES = "values"        # values changed
ISSUE_TIMEZONE = "timezone"    # the zone was dropped: naive timestamps, instants ambiguous
ISSUE_ROWS = "rows"            # a different number of rows came back
ISSUE_MISSING = "missing"      # a written column did not come back
ISSUE_UNREADABLE = "unreadable"  # the reader could not read the file at all

ISSUE_COSTS = {
    ISSUE_TYPE: FIDELITY_LOSSY_TYPES, ISSUE_CONVERTED: FIDELITY_LOSSY_TYPES,
    ISSUE_EXTRA: FIDELITY_LOSSY_TYPES, ISSUE_VALUES: FIDELITY_LOSSY_VALUES,
    ISSUE_TIMEZONE: FIDELITY_LOSSY_VALUES, ISSUE_ROWS: FIDELITY_LOSSY_VALUES,
    ISSUE_MISSING: FIDELITY_LOSSY_VALUES, ISSUE_UNREADABLE: FIDELITY_LOSSY_VALUES,
}


def issue_loses_values(kind: str) -> bool:
    """True when an issue of this kind means values were lost (unknown kinds count as lost)."""
    return ISSUE_COSTS.get(kind, FIDELITY_LOSSY_VALUES) == FIDELITY_LOSSY_VALUES


def fidelity_status(issue_kinds: list[str]) -> str:
    """Collapse per-column issue kinds into one verdict: values beat types beat nothing."""
    if not issue_kinds:
        return FIDELITY_LOSSLESS
    if any(issue_loses_values(kind) for kind in issue_kinds):
        return FIDELITY_LOSSY_VALUES
    return FIDELITY_LOSSY_TYPES


def issues_text(issues: list[dict[str, str]] | None) -> str:
    """Structured fidelity issues as one readable line (for the rendered report and the CSV)."""
    return "; ".join(f"{i['column']} [{i['kind']}]: {i['detail']}" for i in issues or [])


def mb_per_s(arrow_bytes: int, median_seconds: float | None) -> float | None:
    if not median_seconds:
        return None
    return arrow_bytes / median_seconds / 1e6
