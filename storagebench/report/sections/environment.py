"""Environment: where and how each run was measured (profile, seed, commit, machine, library
versions, dataset fingerprints), so a reader can judge whether two numbers are comparable and
reproduce any of them."""

from __future__ import annotations

from storagebench.report import fmt
from storagebench.report.context import ReportContext
from storagebench.report.model import Block, Table
from storagebench.report.sections import section


@section("environment", "Environment", order=10)
def build(ctx: ReportContext) -> list[Block]:
    runs = ctx.runs
    labels = [r.label for r in runs]
    run_rows = []
    for r in runs:
        sb, mach = r.suite, r.suite.get("machine") or {}
        run_rows.append([r.label, sb.get("profile"), fmt.count(sb.get("rows")), sb.get("rounds"),
                         sb.get("seed"), r.commit or "-", r.datetime or "-", mach.get("python"),
                         mach.get("platform"), mach.get("cpu_count"), fmt.bytes_(mach.get("memory_bytes")),
                         len(r.benchmarks), len(r.outcomes)])
    blocks: list[Block] = [Table("Runs", ["run", "profile", "rows", "rounds", "seed", "commit", "when",
                                          "python", "platform", "CPUs", "memory", "timed cases",
                                          "skipped/failed"], run_rows, key="runs")]
    libs = sorted({name for r in runs for name in (r.suite.get("versions") or {})})
    blocks.append(Table("Library versions", ["library", *labels],
                        [[lib, *[(r.suite.get("versions") or {}).get(lib) or "not installed" for r in runs]]
                         for lib in libs], key="versions"))
    ds_rows = []
    for r in runs:
        for name, d in sorted((r.suite.get("datasets") or {}).items()):
            ds_rows.append([r.label, name, d.get("description", ""), fmt.count(d.get("rows")),
                            d.get("columns"), fmt.bytes_(d.get("arrow_bytes")), f"`{d.get('fingerprint')}`",
                            d.get("origin", "")])
    blocks.append(Table("Datasets (fingerprint: sha256 of the Arrow IPC stream, first 16 hex digits)",
                        ["run", "dataset", "what", "rows", "columns", "in memory (Arrow)", "fingerprint",
                         "origin"], ds_rows, key="datasets"))
    return blocks
