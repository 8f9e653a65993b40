"""What every phase of one target's decision shares: the options, the budget, the bench, the
decision being filled in and the screening results (screened on the first target, confirmed on
every target).  One object instead of eight arguments on every phase function."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from storagebench.datasets import Dataset
from storagebench.decide.bench import Bench
from storagebench.decide.budget import Budget
from storagebench.decide.model import Decision

DEFAULT_SAMPLE_ROWS = 10_000


@dataclass
class DecideOptions:
    dataset: Dataset
    basis_bytes: int
    basis_text: str
    budget_s: float = 300.0
    targets: list[str] = field(default_factory=lambda: ["local"])
    workloads: list[str] | None = None
    formats: list[str] | None = None
    data_size_bytes: float | None = None
    sample_rows: int = DEFAULT_SAMPLE_ROWS
    seed: int = 42
    progress: Callable[[str], None] = lambda msg: None
    budget: Budget | None = None


@dataclass
class TargetRun:
    target: str
    opts: DecideOptions
    budget: Budget
    bench: Bench  # set when the target starts (its server, its directory)
    decision: Decision
    screens: dict[str, Any]  # workload name -> screen.WorkloadScreen (from the first target)
    confirmed: dict[str, Any] = field(default_factory=dict)  # workload -> confirm.Confirmation on the first target
    full_writes: dict[Any, float] = field(default_factory=dict)  # FileConfig -> full-size write seconds, first target

    @property
    def dataset(self) -> Dataset:
        return self.opts.dataset

    @property
    def first(self) -> bool:
        return self.target == self.opts.targets[0]

    def say(self, msg: str) -> None:
        self.opts.progress(f"[{self.target}] {msg}")
