"""Run profiles: how big and how many times.

``quick`` is the all-suites smoke run: every format and suite, but only two generated datasets
(the local matrix took 85 s for 424 cases over six; the fixed per-call costs of the slow engines
dominate, not the row count: 3k rows took 82 s, so fewer datasets is what shortens it);
``standard`` and ``full`` trade time for volume, every dataset, compression and repeat count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from formats.base import UnknownNameError


@dataclass(frozen=True)
class Profile:
    name: str
    rows: int  # rows per generated dataset (wide builds rows // 10)
    rounds: int  # timed rounds per case (pytest-benchmark pedantic rounds)
    all_compressions: bool  # False: each codec's quick_compressions only
    row_group_rows: int | None  # rows per Parquet row group / ORC stripe / Arrow batch; None: rows // 10
    harness_rows: int  # rows of the harness-overhead Parquet file
    description: str
    # Which cases get the (forked, ~0.1 s each) peak-memory pass: "all", or "write+full"
    # (writes and full reads only) to keep the quick profile near a minute.
    memory_scope: str = "all"
    # Generated datasets run when none is named (None: every registered generator).
    datasets: tuple[str, ...] | None = None

    def row_groups(self) -> int:
        return self.row_group_rows if self.row_group_rows else max(1, self.rows // 10)

    def with_rows(self, rows: int) -> "Profile":
        return replace(self, rows=rows, row_group_rows=None, harness_rows=min(self.harness_rows, rows))


PROFILES: dict[str, Profile] = {
    # quick is the all-suites smoke run (target <= 120 s end to end on 2 cores): two datasets
    # that exercise different code paths (mixed types; nested columns and the conversions they
    # force); `wide` (201 columns: JSON/Avro took 15-17 s a case there) runs from standard up.
    # The decision on real data at real size is `storagebench decide`.
    "quick": Profile("quick", 5_000, 3, False, None, 200_000,
                     "5k rows, 3 rounds, 1-2 compressions per format, datasets mixed and nested, "
                     "memory of writes and full reads", memory_scope="write+full",
                     datasets=("mixed", "nested")),
    "standard": Profile("standard", 200_000, 5, True, None, 1_000_000,
                        "200k rows, 5 rounds, every compression"),
    "full": Profile("full", 1_000_000, 7, True, None, 1_000_000,
                    "1M rows, 7 rounds, every compression"),
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
