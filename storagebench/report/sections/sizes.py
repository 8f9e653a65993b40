"""Size on disk per dataset: bytes, bytes per row, ratio to CSV and to the in-memory Arrow size.

Measured from the write cases (``bytes_on_disk`` of the file each writer produced).  The CSV
baseline is the smallest uncompressed CSV of the same dataset, named in the table note."""

from __future__ import annotations

from storagebench.report import charts, fmt
from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.metrics import config_label
from storagebench.report.model import Block, Chart, Heading, Table
from storagebench.report.sections import section


def size_rows(part):
    """One row per (format, compression, writer) with its file size, from the write cases."""
    writes = part[part["operation"] == "write"]
    return writes.drop_duplicates(["format", "compression", "engine", "bytes_on_disk"]).sort_values("bytes_on_disk")


@section("sizes", "Size on disk", order=30)
def build(ctx: ReportContext) -> list[Block] | None:
    blocks: list[Block] = []
    for label, part in dataset_groups(ctx.local_formats()):
        writes = size_rows(part)
        if writes.empty:
            continue
        csv = writes[(writes["format"] == "csv") & (writes["compression"] == "none")]
        base = csv.sort_values("bytes_on_disk").iloc[0] if not csv.empty else None
        rows = []
        for r in writes.itertuples(index=False):
            vs_csv = (base["bytes_on_disk"] / r.bytes_on_disk) if base is not None and r.bytes_on_disk else None
            rows.append([config_label(r._asdict(), with_reader=False), fmt.count(r.bytes_on_disk),
                         fmt.bytes_(r.bytes_on_disk), fmt.number(r.bytes_on_disk / r.rows),
                         fmt.ratio(vs_csv), fmt.ratio(r.compression_ratio)])
        notes = ["CSV \u00d7: how many times smaller than the CSV baseline"
                 + (f" ({config_label(base.to_dict(), False)}, {fmt.count(base['bytes_on_disk'])} bytes)"
                    if base is not None else " (no uncompressed CSV in this run)")
                 + "; memory \u00d7: in-memory Arrow bytes / bytes on disk (above 1 = smaller than memory)."]
        blocks += [Heading(label),
                   Table("", ["format/compression writer", "bytes", "size", "bytes/row", "CSV \u00d7",
                              "memory \u00d7"], rows, notes, key=f"sizes:{label}")]
        blocks.append(Chart(f"Size on disk: {label}", charts.bars(
            [config_label(r._asdict(), False) for r in writes.itertuples(index=False)],
            [float(b) for b in writes["bytes_on_disk"]], f"Bytes on disk, {label}", "bytes (log)", log=True),
            name=f"size-{part['dataset'].iloc[0]}-{int(part['rows'].iloc[0])}"))
    return blocks or None
