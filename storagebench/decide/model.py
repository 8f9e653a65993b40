"""The decision: one line per workload (and target), and ``decision.json``.

``decision.json`` holds, under ``"workloads"``, one object per workload with exactly the keys
the issue fixed — ``workload``, ``winner`` (``format/compression/writer>reader``; write-side
workloads have no reader), ``tie_with`` (the finalists still within the interval when the budget
ended, else ``[]``), ``ratio`` (median of the runner-up / median of the winner) and ``ci`` (its
bootstrap 95% interval) — followed by the supporting facts the report shows (target, unit, what
the winner gives up, bytes and $ at the user's data size, rounds, finalists, S3 counts).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Finalist:
    label: str
    rounds: int
    median: float | None
    ratio: float | None = None  # median / winner's median
    ci: list[float] | None = None
    status: str = ""  # "winner", "tie", "beaten", "failed: ..."
    s3: dict[str, Any] | None = None
    page_faults: float | None = None  # median minor page faults of the process per full-size read
    disk_read_kib: float | None = None  # median KiB read from storage (not the page cache) per full-size read
    # Every full-size round (seconds, or bytes for archive) and the sweep it ran in: rounds of
    # two finalists with the same sweep number ran back to back and are compared as a pair.
    rounds_s: list[float] = field(default_factory=list)
    sweeps: list[int] = field(default_factory=list)


@dataclass
class WorkloadDecision:
    workload: str
    title: str
    target: str
    unit: str
    winner: str | None = None
    tie_with: list[str] = field(default_factory=list)
    ratio: float | None = None
    ci: list[float] | None = None
    runner_up: str | None = None
    stopped: str = ""
    gives_up: str = ""
    winner_value: float | None = None
    bytes_full: int | None = None
    bytes_at_size: float | None = None
    usd_month_at_size: float | None = None
    finalists: list[Finalist] = field(default_factory=list)
    screened: int = 0
    screen_failed: dict[str, str] = field(default_factory=dict)
    not_screened: int = 0
    skipped: str | None = None  # why this workload was not decided
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_tie(self) -> bool:
        return bool(self.tie_with)

    def margin_text(self) -> str:
        if self.ratio is None or self.ci is None:
            return "-"
        return f"{self.ratio:.3f}x [{self.ci[0]:.3f}, {self.ci[1]:.3f}]"

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        head = {k: d.pop(k) for k in ("workload", "winner", "tie_with", "ratio", "ci")}
        return {**head, **_finite(d)}


@dataclass
class Decision:
    dataset: dict[str, Any]
    targets: list[str]
    budget_s: float
    elapsed_s: float = 0.0
    phases_s: dict[str, float] = field(default_factory=dict)
    data_size_bytes: float | None = None
    data_size_basis: str = ""
    sample_rows: int = 0
    # "wide" or "narrow": which read-finalist rule screening used (screen_phase.WIDE_READS_MIN_CONFIRM_S)
    read_finalists: str = ""
    method: list[str] = field(default_factory=list)
    workloads: list[WorkloadDecision] = field(default_factory=list)
    screening: list[dict[str, Any]] = field(default_factory=list)  # one row per configuration
    dropped: list[dict[str, str]] = field(default_factory=list)  # lossy / unavailable, with reasons
    environment: dict[str, Any] = field(default_factory=dict)
    # How busy the machine was during the run (environment.RunConditions): other processes' CPU
    # share, the hypervisor's steal share, load average at start and end.
    conditions: dict[str, Any] = field(default_factory=dict)
    excluded: set[str] = field(default_factory=set, repr=False)  # labels dropped on any target

    def as_json(self) -> dict[str, Any]:
        d = _finite(asdict(self))
        d.pop("excluded", None)
        d["workloads"] = [w.as_json() for w in self.workloads]
        return d


    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_json(), indent=2, default=str) + "\n", encoding="utf-8")


def _finite(value: Any) -> Any:
    """JSON has no inf/nan: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
