"""What a fidelity check reports: one :class:`ColumnIssue` per change a read made, and the
:class:`Verdict` they add up to (its status decided by :func:`storagebench.results.fidelity_status`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from storagebench.results import ISSUE_UNREADABLE, fidelity_status


@dataclass(frozen=True)
class ColumnIssue:
    """One thing a read changed: ``kind`` is one of the ``ISSUE_*`` names in results.py."""

    column: str
    kind: str
    detail: str

    def describe(self) -> str:
        return f"{self.column}: {self.detail}"

    def as_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Verdict:
    issues: list[ColumnIssue] = field(default_factory=list)
    # True when the reader was handed the written schema (a labelled engine option, not what a
    # user without the original schema sees): the verdict then describes that read, not the file.
    schema_supplied: bool = False

    @property
    def status(self) -> str:
        """"lossless", "lossy-types" (every value kept, a type changed) or "lossy-values"."""
        return fidelity_status([i.kind for i in self.issues])

    @property
    def lossy_columns(self) -> list[str]:
        return sorted({i.column for i in self.issues})

    def as_info(self) -> dict[str, Any]:
        """The ``extra_info`` keys (storagebench/results.py): structured, no prose to parse."""
        return {
            "fidelity": self.status,
            "fidelity_lossy_columns": self.lossy_columns,
            "fidelity_issues": [i.as_json() for i in self.issues],
            "fidelity_schema_supplied": self.schema_supplied,
        }


def unreadable(reason: str) -> Verdict:
    return Verdict([ColumnIssue("*", ISSUE_UNREADABLE, reason)])
