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


@dataclass
class ReportContext:
    runs: list[Run]
    cases: pd.DataFrame  # every case, measured and not (tidy.cases_frame)
    options: ReportOptions = field(default_factory=ReportOptions)

    @cached_property
    def measured(self) -> pd.DataFrame:
        # Filtered once: sections ask for it ~85 times per quick report (rows() calls it each time).
        return measured(self.cases)

    def rows(self, **where: Any) -> pd.DataFrame:
        """Measured cases whose columns equal the given values (absent column: none match)."""
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
