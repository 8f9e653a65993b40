"""The results contract: pytest-benchmark's own JSON, plus two things the suite adds.

1. Every benchmark's ``extra_info`` holds its dimensions and measured figures.  Keys common to
   all suites:

   ``suite``            "formats" | "s3" | "dynamodb" | ... (which section of the report)
   ``operation``        e.g. "write", "read", "get_item"
   ``dataset``, ``dataset_fingerprint``, ``rows``, ``columns``, ``profile``, ``seed``

   Format benchmarks (``suite == "formats"``, and S3's format cases) add:

   ``target`` ("local" | "s3"), ``format``, ``engine`` (the engine timed), ``writer_engine``,
   ``reader_engine`` (reads), ``compression``, ``row_group_size``, ``read_kind``
   ("full" | "projection" | "predicate"), ``cross_engine`` (bool), ``predicate_mode``
   ("pushdown" | "after-read"), ``rows_returned``, ``bytes_on_disk``, ``arrow_bytes`` (in-memory
   Arrow size of the data written / returned), ``dataset_arrow_bytes``, ``compression_ratio``
   (dataset_arrow_bytes / bytes_on_disk), ``mb_per_s`` (arrow bytes / median seconds / 1e6),
   ``fidelity`` ("lossless" | "lossy-types" | "lossy-values"), ``fidelity_lossy_columns``,
   ``fidelity_issues`` (a list of ``{"column", "kind", "detail"}``; ``kind`` is one of the
   ``ISSUE_*`` names below and alone decides values vs types), ``fidelity_schema_supplied``
   (True only for the labelled reader engines handed the written schema; every other verdict
   describes the file as a reader without the original schema sees it), ``conversions``,
   ``peak_memory_bytes``, ``peak_memory_method``.
   For writes, ``fidelity`` is what the written file gives back to the reader of the writer's
   own library (named in ``fidelity_checked_by``), e.g. pandas' JSON writer read by pandas.

   Other suites document their own keys in their package docstring, next to the code that
   fills them: ``suite == "s3"`` in :mod:`storagebench.s3.target` (request counts by operation,
   bytes in/out, range reads, read amplification, modelled cloud time per labelled profile,
   request cost), ``suite == "dynamodb"`` in :mod:`storagebench.dynamodb` (backend and its
   caveat, latency percentiles, items evaluated vs returned, pages, computed vs reported RCUs,
   cost per million), ``suite == "catalog"`` in :mod:`storagebench.catalog`,
   ``suite == "glacier"`` in :mod:`storagebench.lifecycle`, ``suite == "partitions"`` /
   ``"velocity"`` / ``"volume"`` in :mod:`storagebench.threevs` (partitions, velocity, volume),
   ``suite == "harness"`` in ``benchmarks/test_harness_overhead.py``, ``suite == "query"`` in
   :mod:`storagebench.query`.

2. A top-level ``"storagebench"`` object (written by the pytest plugin's
   ``pytest_benchmark_update_json`` hook) with ``schema_version``, ``profile``, ``seed``,
   ``versions``, ``machine``, ``datasets`` (name -> rows, columns, arrow_bytes, fingerprint,
   origin) and ``outcomes``: every case that did NOT produce a timing (unsupported combination,
   read failure, missing optional dependency) with its reason, so a report never drops them.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

SUITE_FORMATS = "formats"
SUITE_S3 = "s3"
SUITE_DYNAMODB = "dynamodb"
SUITE_CATALOG = "catalog"
SUITE_GLACIER = "glacier"
SUITE_PARTITIONS = "partitions"
SUITE_VELOCITY = "velocity"
SUITE_VOLUME = "volume"
SUITE_QUERY = "query"

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
