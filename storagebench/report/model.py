"""The report as data: sections made of paragraphs, tables and charts.

Section modules build these blocks; the Markdown and HTML renderers turn them into text.  Keeping
the content separate from the output format is what lets one section module serve both files
and lets tests read the numbers back from the tables instead of parsing rendered text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass
class Text:
    """A paragraph.  Inline markup kept to `code` and **bold**, which both renderers support."""

    text: str
    kind: str = "p"  # "p" | "note" (a caveat, rendered set apart) | "warn"


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key: str = ""  # a stable name tests and the tidy export can refer to

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]


@dataclass
class Chart:
    title: str
    svg: str  # an inline <svg> document made by matplotlib
    name: str  # file stem for the Markdown copy (charts/<name>.svg)
    caption: str = ""


@dataclass
class Heading:
    text: str
    level: int = 3


Block = Union[Text, Table, Chart, Heading]


@dataclass
class SectionOutput:
    key: str
    title: str
    blocks: list[Block]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def table(self, key: str) -> Table:
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(f"section {self.key!r} has no table {key!r}; has {[t.key for t in self.tables()]}")

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]
