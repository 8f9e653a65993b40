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
   ``fidelity_details``, ``conversions``, ``peak_memory_bytes``, ``peak_memory_method``.
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


def fidelity_status(issue_kinds: list[str]) -> str:
    """Collapse per-column issue kinds into one verdict: values beat types beat nothing."""
    if not issue_kinds:
        return FIDELITY_LOSSLESS
    if any(kind in ("values", "rows", "missing", "timezone", "unreadable") for kind in issue_kinds):
        return FIDELITY_LOSSY_VALUES
    return FIDELITY_LOSSY_TYPES


def mb_per_s(arrow_bytes: int, median_seconds: float | None) -> float | None:
    if not median_seconds:
        return None
    return arrow_bytes / median_seconds / 1e6
