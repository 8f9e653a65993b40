"""Fidelity matrix: for each format, writer>reader and column, did the data come back intact?

``ok`` lossless; ``types`` every value kept but the type changed (categorical to string, int32 to
int64, a conversion the format forced before writing); ``VALUES`` values changed, a timezone was
dropped, rows or columns went missing.  Taken from the full reads (every column, every row), with
the reason for each lossy cell listed below the matrix."""

from __future__ import annotations

import json

from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section

_VALUE_MARKERS = ("values differ", "dropped", "missing", "rows read", "unreadable")


def column_verdict(detail: str) -> str:
    """'types' or 'VALUES' for one ``fidelity_details`` entry (``column: what happened``)."""
    return "VALUES" if any(m in detail for m in _VALUE_MARKERS) else "types"


def details_of(value) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value]
    return [str(v) for v in value]


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
            for d in details_of(r["fidelity_details"]):
                col, _, what = d.partition(": ")
                verdict = column_verdict(what)
                if row.get(col) != "VALUES":
                    row[col] = verdict
                reasons.setdefault((key, col, what), set()).add(str(r["compression"]))
            row.setdefault("_verdict", r["fidelity"])
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
                 "and say so.", kind="note")] + blocks
