"""What every section gets: the loaded runs, the tidy case table and the user's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from storagebench.report.loading import Run
from storagebench.report.tidy import measured


@dataclass(frozen=True)
class ReportOptions:
    """Cost projection inputs (``--data-size``, ``--queries-per-day``, ...).  None: not asked."""

    data_size_bytes: int | None = None
    data_size_basis: str = "arrow"  # what --data-size measures: "arrow" (in memory) or "csv"
    queries_per_day: float | None = None
    region: str = "us-east-1"
    object_size_bytes: int = 128 * 1024 * 1024  # objects the data is split into on S3


def python_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """The same frame with its string columns held as Python ``str`` objects in one consolidated
    ``object`` block (the same values and NaN missing markers; comparisons, ``.str``, ``map``,
    sorting and grouping behave the same).

    Why: sections filter the case table ~1,100 times per report.  Each string column of the
    ``str`` dtype is its own extension block, so a boolean filter of the ~228-column frame was
    ~90 separate ``take`` calls (pyarrow-held: ~30 ms; Python-held ``str`` dtype still ~6 ms);
    held as ``object`` they are one 2-D block and a filter is one ``take`` per dtype."""
    if frame.empty:
        return frame
    convert = {c: object for c, t in frame.dtypes.items() if isinstance(t, pd.StringDtype)}
    # copy(): astype leaves one block per converted column; consolidated, a filter is one take per dtype.
    return frame.astype(convert).copy() if convert else frame


@dataclass
class ReportContext:
    runs: list[Run]
    cases: pd.DataFrame  # every case, measured and not (tidy.cases_frame)
    options: ReportOptions = field(default_factory=ReportOptions)

    def __post_init__(self) -> None:
        self.cases = python_strings(self.cases)

    @cached_property
    def measured(self) -> pd.DataFrame:
        # Filtered once: sections ask for it ~85 times per quick report (rows() calls it each time).
        return measured(self.cases)

    def rows(self, **where: Any) -> pd.DataFrame:
        """Measured cases whose columns equal the given values (absent column: none match).

        Each selection is filtered once and handed out as a shallow copy: sections ask for the
        same ones many times (the costs section's S3 reads once per format and dataset), and
        under pandas' copy-on-write a caller that adds a column changes only its own copy."""
        key = tuple(where.items())
        try:
            found = self._rows_cache.get(key)
        except TypeError:  # an unhashable value: filter without the cache
            return self._filter(where)
        if found is None:
            found = self._rows_cache[key] = self._filter(where)
        return found.copy(deep=False)

    @cached_property
    def _rows_cache(self) -> dict[tuple, pd.DataFrame]:
        return {}

    def _filter(self, where: dict[str, Any]) -> pd.DataFrame:
        frame = self.measured
        for key, value in where.items():
            if key not in frame.columns:
                return frame.iloc[0:0]
            frame = frame[frame[key] == value]
        return frame

    def local_formats(self) -> pd.DataFrame:
        """Format cases on local disk (S3's format cases are the S3 section's)."""
        frame = self.rows(suite="formats")
        if "target" in frame.columns:
            frame = frame[frame["target"].fillna("local") == "local"]
        return frame


def dataset_groups(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Split cases by dataset and size: ``numeric (2,000 rows)``; one group per pair."""
    if frame.empty or "dataset" not in frame.columns:
        return []
    out = []
    keys = frame[["dataset", "rows"]].drop_duplicates().sort_values(["dataset", "rows"])
    for ds, rows in keys.itertuples(index=False):
        part = frame[(frame["dataset"] == ds) & (frame["rows"] == rows)]
        out.append((f"{ds} ({int(rows):,} rows)", part))
    return out
