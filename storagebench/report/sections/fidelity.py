"""Fidelity matrix: for each format, writer>reader and column, did the data come back intact?

``ok`` lossless; ``types`` every value kept but the type changed (categorical to string, int32 to
int64, a time-zone name replaced by UTC, a conversion the format forced before writing);
``VALUES`` values changed, a time zone was dropped, rows or columns went missing.  Taken from the
full reads (every column, every row), with the reason for each lossy cell listed below the
matrix.  Each cell comes from the structured issues the harness records (``fidelity_issues``:
``{column, kind, detail}``); whether an issue costs values or types is decided by its kind
(:func:`storagebench.results.issue_loses_values`), never by the wording of its detail.  Reads by
an engine handed the written schema are labelled "(schema supplied)": they describe that read,
not what the file holds."""

from __future__ import annotations

import json
from typing import Any

from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section
from storagebench.results import issue_loses_values


def column_verdict(kind: str) -> str:
    """'types' or 'VALUES' for one issue kind."""
    return "VALUES" if issue_loses_values(kind) else "types"


def _json_list(value: Any) -> list[Any]:
    """A list stored in the tidy table (a list, or its JSON text), else []."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def details_of(value: Any) -> list[str]:
    """A list of names or texts stored in the tidy table, as strings."""
    return [str(v) for v in _json_list(value)]


def issues_of(value: Any) -> list[dict[str, str]]:
    """The structured ``fidelity_issues`` of one case."""
    return [i for i in _json_list(value) if isinstance(i, dict) and {"column", "kind", "detail"} <= i.keys()]


@section("fidelity", "Fidelity", order=50)
def build(ctx: ReportContext) -> list[Block] | None:
    blocks: list[Block] = []
    for label, part in dataset_groups(ctx.local_formats()):
        reads = part[(part["operation"] == "read") & (part["read_kind"] == "full")]
        if reads.empty:
            continue
        # Compression never changed fidelity in our runs, but it is kept apart when it does.
        cells: dict[str, dict[str, str]] = {}
        reasons: dict[tuple[str, str, str], set[str]] = {}
        for _, r in reads.iterrows():
            via = r["writer_engine"] if r["writer_engine"] == r["reader_engine"] else \
                f"{r['writer_engine']}>{r['reader_engine']}"
            key = f"{r['format']} {via}"
            row = cells.setdefault(key, {})
            for issue in issues_of(r.get("fidelity_issues")):
                col = issue["column"]
                if row.get(col) != "VALUES":
                    row[col] = column_verdict(issue["kind"])
                reasons.setdefault((key, col, issue["detail"]), set()).add(str(r["compression"]))
            schema_note = " (schema supplied)" if r.get("fidelity_schema_supplied") is True else ""
            row.setdefault("_verdict", f"{r['fidelity']}{schema_note}")
        columns = sorted({c for row in cells.values() for c in row if c != "_verdict"})
        matrix = [[k, cells[k]["_verdict"], *[cells[k].get(c, "ok") for c in columns]] for k in sorted(cells)]
        blocks += [Heading(label),
                   Table("", ["format writer>reader", "verdict", *columns], matrix,
                         ["Columns not shown came back lossless from every format and engine."]
                         if columns else ["Every column came back lossless from every format and engine."],
                         key=f"fidelity:{label}")]
        if reasons:
            blocks.append(Table("Why", ["format writer>reader", "column", "what happened", "compressions"],
                                [[k, c, w, ", ".join(sorted(comps))] for (k, c, w), comps in sorted(reasons.items())],
                                key=f"fidelity-why:{label}"))
    if not blocks:
        return None
    return [Text("A lossy-values result is never a silent winner: the recommendations exclude it "
                 "and say so. Every verdict describes the file as a reader without the original "
                 "schema sees it, except reads marked \"(schema supplied)\".", kind="note")] + blocks
