"""Time-budget accounting: how much of the user's budget is left, and may a step still start?

Every phase draws from one clock.  A step is allowed only when its predicted duration (the
slowest round seen so far for that configuration, or a caller's estimate) fits in what is left,
so a run ends within its budget instead of overrunning it by one long round.  The clock is
injectable so the screening/confirming logic can be tested with synthetic timings.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable

from formats.base import StorageBenchInputError

_UNITS = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


def parse_duration(text: str) -> float:
    """``5m`` / ``90s`` / ``1.5h`` / ``300`` -> seconds."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*", str(text))
    if not m or m.group(2).lower() not in _UNITS:
        raise StorageBenchInputError(f"cannot read budget {text!r}: use e.g. 5m, 90s or 1h")
    seconds = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if seconds <= 0:
        raise StorageBenchInputError(f"budget {text!r} must be greater than zero")
    return seconds


@dataclass
class Budget:
    seconds: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=0.0)
    spent_by_phase: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining(self) -> float:
        return self.seconds - self.elapsed()

    def allows(self, predicted_seconds: float, reserve: float = 0.0) -> bool:
        """True when a step predicted to take ``predicted_seconds`` still fits, keeping ``reserve``."""
        return predicted_seconds <= self.remaining() - reserve

    def deadline_for(self, share: float) -> float:
        """An absolute clock value ``share`` of the remaining budget from now (a phase's slice)."""
        return self.clock() + max(0.0, self.remaining()) * share

    def charge(self, phase: str, seconds: float) -> None:
        self.spent_by_phase[phase] = self.spent_by_phase.get(phase, 0.0) + seconds
