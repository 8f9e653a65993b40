"""Write and read speed per dataset: median time with IQR and n, CV, throughput, and the speed-up
of projection and predicate reads over a full read of the same file by the same engine.

Throughput is in-memory Arrow megabytes per second (``mb_per_s`` in extra_info): the data the
caller gets, not the bytes on disk, so formats of different sizes compare on equal work."""

from __future__ import annotations

from storagebench.report import fmt
from storagebench.report.context import ReportContext, dataset_groups
from storagebench.report.metrics import config_label, speedup
from storagebench.report.model import Block, Heading, Table, Text
from storagebench.report.sections import section

_TIMING = ["median", "IQR", "n", "CV"]


def timing_cells(r) -> list[str]:
    return [fmt.seconds(r["time_median"]), fmt.seconds(r["time_iqr"]), fmt.count(r["rounds"]), fmt.cv(r["cv"])]


def full_read_for(part, r):
    """The full read of the same file by the same engine (None when not measured)."""
    m = part[(part["operation"] == "read") & (part["read_kind"] == "full") & (part["format"] == r["format"])
             & (part["compression"] == r["compression"]) & (part["writer_engine"] == r["writer_engine"])
             & (part["reader_engine"] == r["reader_engine"])]
    return None if m.empty else m.iloc[0]


@section("speed", "Write and read speed", order=40)
def build(ctx: ReportContext) -> list[Block] | None:
    blocks: list[Block] = []
    for label, part in dataset_groups(ctx.local_formats()):
        blocks.append(Heading(label))
        writes = part[part["operation"] == "write"].sort_values("time_median")
        if not writes.empty:
            rows = [[config_label(r, False), *timing_cells(r), fmt.number(r["mb_per_s"]),
                     fmt.count(r["rows"] / r["time_median"]) if r["time_median"] else "-"]
                    for _, r in writes.iterrows()]
            blocks.append(Table("Write", ["format/compression engine", *_TIMING, "MB/s", "rows/s"], rows,
                                key=f"write:{label}"))
        reads = part[part["operation"] == "read"]
        if reads.empty:
            continue
        reads = reads.assign(_kind=reads["read_kind"].map({"full": 0, "projection": 1, "predicate": 2}))
        rows = []
        for _, r in reads.sort_values(["_kind", "time_median"]).iterrows():
            sp = None
            if r["read_kind"] != "full":
                base = full_read_for(part, r)
                sp = speedup(base, r) if base is not None else None
            rows.append([config_label(r), r["read_kind"], *timing_cells(r), fmt.number(r["mb_per_s"]),
                         fmt.count(r["rows_returned"]),
                         f"{fmt.ratio(sp[0])} ({sp[1]:.2g}\u2013{sp[2]:.2g})" if sp else "-",
                         r.get("predicate_mode") or "-", r["fidelity"]])
        blocks.append(Table("Read", ["format/compression writer>reader", "read", *_TIMING, "MB/s", "rows out",
                                     "speed-up vs full (q range)", "predicate", "fidelity"], rows,
                            ["speed-up vs full: full-read median / this median of the same file and "
                             "engine; the range divides the quartiles (q1/q3 .. q3/q1), so a range "
                             "that contains 1\u00d7 is no measurable speed-up."],
                            key=f"read:{label}"))
    if not blocks:
        return None
    return [Text("Each timing is the median of n timed rounds (pytest-benchmark pedantic mode; "
                 "setup and fresh paths outside the timing). Reads are checked against what was "
                 "written before timing: see Fidelity.")] + blocks
