"""The decision report: runs in, ``report.md`` + ``report.html`` + the tidy case table out.

``build_report(run_paths, out_dir)`` is the one entry point (``storagebench report`` and the end
of ``storagebench run`` both call it).  Content comes from the section modules in
:mod:`storagebench.report.sections`, each rendering only when its kind of result is present.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from formats.base import StorageBenchInputError
from storagebench.report.context import ReportContext, ReportOptions
from storagebench.report.loading import DEFAULT_RUNS_DIR, ReportInputError, Run, load_runs
from storagebench.report.model import Chart, SectionOutput
from storagebench.report.render import html_document, markdown
from storagebench.report.sections import all_sections
from storagebench.report.tidy import cases_frame, write_tables

__all__ = ["ReportPaths", "ReportOptions", "ReportInputError", "build_report", "build_sections",
           "load_runs"]

TITLE = "storagebench decision report"


@dataclass(frozen=True)
class ReportPaths:
    markdown: Path
    html: Path
    parquet: Path
    csv: Path
    charts: tuple[Path, ...]

    def all(self) -> list[Path]:
        return [self.markdown, self.html, self.parquet, self.csv, *self.charts]

    def __iter__(self) -> Iterator[Path]:  # `for p in build_report(...)`: the files written
        return iter([self.markdown, self.html, self.parquet, self.csv])


def build_sections(runs: list[Run], options: ReportOptions | None = None) -> list[SectionOutput]:
    """Every section that has something to say about these runs, in report order."""
    ctx = ReportContext(runs, cases_frame(runs), options or ReportOptions())
    out = []
    for sec in all_sections():
        blocks = sec.build(ctx)
        if blocks:
            out.append(SectionOutput(sec.key, sec.title, list(blocks)))
    return out


def _preamble(runs: list[Run]) -> list[str]:
    names = ", ".join(f"`{r.path.name}`" for r in runs)
    lines = [f"Built from {len(runs)} run file(s): {names}. Times are medians with their "
             "interquartile range (IQR) and number of rounds n; a coefficient of variation "
             "(CV = stddev / mean) above 10% is flagged \u26a0 and such figures decide nothing alone."]
    for run in runs:
        lines += [f"\u26a0 {w}" for w in run.warnings]
    return lines


def build_report(run_paths: Sequence[str | Path] | None, out_dir: str | Path = "results",
                 options: ReportOptions | None = None,
                 runs_dir: str | Path = DEFAULT_RUNS_DIR) -> ReportPaths:
    """Load the runs (newest under ``runs_dir`` when none given) and write every report file."""
    runs = load_runs(list(run_paths or []), Path(runs_dir))
    sections = build_sections(runs, options)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageBenchInputError(f"report directory {str(out)!r} cannot be created: {exc}") from None
    charts_dir = out / "charts"
    if charts_dir.is_dir():  # charts of an earlier report: stale names must not linger
        for old in charts_dir.glob("*.svg"):
            old.unlink()
    chart_paths = []
    for sec in sections:
        for chart in sec.charts():
            charts_dir.mkdir(exist_ok=True)
            path = charts_dir / f"{chart.name}.svg"
            path.write_text(chart.svg, encoding="utf-8")
            chart_paths.append(path)
    if charts_dir.is_dir() and not any(charts_dir.iterdir()):
        shutil.rmtree(charts_dir)
    preamble = _preamble(runs)
    md = out / "report.md"
    md.write_text(markdown(TITLE, preamble, sections), encoding="utf-8")
    page = out / "report.html"
    page.write_text(html_document(TITLE, preamble, sections), encoding="utf-8")
    parquet, csv = write_tables(cases_frame(runs), out)
    return ReportPaths(md, page, parquet, csv, tuple(chart_paths))


def chart_names(sections: list[SectionOutput]) -> list[str]:
    return [b.name for s in sections for b in s.blocks if isinstance(b, Chart)]
