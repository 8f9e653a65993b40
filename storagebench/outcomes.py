"""Cases that were not measured: one record type and one way to record them, for every suite.

A case that cannot run (engine missing, combination unsupported, backend unavailable, a file
another engine cannot read) is a result, not a crash: it is recorded as an :class:`Outcome` with
its reason and skipped.  Every suite records through :meth:`OutcomeLog.skip`, which appends the
outcome and raises :class:`CaseSkipped`; the pytest plugin turns that into a pytest skip and
writes every registered log's outcomes into the run JSON's ``storagebench.outcomes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn


@dataclass
class Outcome:
    case: str
    suite: str
    status: str  # "skipped" | "failed"
    reason: str
    dims: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"case": self.case, "suite": self.suite, "status": self.status,
                "reason": self.reason, **self.dims}


class CaseSkipped(Exception):
    """Raised when a case cannot run; the message is the reason (already recorded)."""


class OutcomeLog:
    """The outcomes of one suite's session (the pytest plugin reads ``.outcomes``)."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []

    def skip(self, case: str, reason: str, *, suite: str, status: str = "skipped", **dims: Any) -> NoReturn:
        """Record the case as not measured and stop it (raises :class:`CaseSkipped`)."""
        self.outcomes.append(Outcome(case, suite, status, reason, dims))
        raise CaseSkipped(reason)


def error_summary(exc: BaseException) -> str:
    """One line for a reason: the exception type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    return f"{type(exc).__name__}: {text[:300]}"
