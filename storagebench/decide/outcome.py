"""From a confirmation to the decision line of one workload on one target.

Fills a :class:`~storagebench.decide.model.WorkloadDecision`: winner, tie (label order), ratio
and interval against the runner-up, what the winner gives up (its fidelity verdict), bytes and
S3 Standard $/month at the user's data size, and every finalist's rounds, median, ratio and
status; on S3, each read finalist's read counted once more at the server (untimed): requests,
bytes fetched, amplification, modelled in-region time and $ per million reads.  Called again
after a later confirmation pass: every field is recomputed from the confirmation's rounds.
"""

from __future__ import annotations

import math
from typing import Any

from storagebench import costs
from storagebench.datasets import Dataset
from storagebench.decide import confirm as confirming
from storagebench.decide.bench import Bench
from storagebench.decide.configs import Configuration, FileConfig
from storagebench.decide.context import TargetRun
from storagebench.decide.model import Finalist, WorkloadDecision
from storagebench.decide.screen import CandidateFailed
from storagebench.decide.screen_phase import gist
from storagebench.decide.stats import median
from storagebench.decide.workloads import Workload
from storagebench.results import FIDELITY_LOSSLESS

OBJECT_BYTES = 128 * 2**20  # object size assumed for the $ projection (per-object minimums)


def finalist_rows(conf: confirming.Confirmation) -> list[Finalist]:
    """Every finalist: winner, then by median; never-measured ones say so; failed ones last."""
    win = conf.winner
    out: list[Finalist] = []
    for c, values in conf.samples.items():
        if not values:
            out.append(Finalist(str(c), 0, None, status="tie: the budget ended before its first full-size round"))
            continue
        f = Finalist(str(c), len(values), median(values), rounds_s=list(values), sweeps=list(conf.sweeps.get(c, [])))
        if c == win:
            f.status, f.ratio, f.ci = "winner", 1.0, [1.0, 1.0]
        else:
            iv = conf.intervals.get(c)
            if iv is not None:
                f.ratio, f.ci = iv.ratio, [iv.lo, iv.hi]
            f.status = (_beaten_text(conf, c) if c in conf.beaten else
                        "tie (within the equivalence margin)" if c in conf.equivalent else "tie (open)")
        out.append(f)
    out.sort(key=lambda f: (f.status != "winner", f.median if f.median is not None else float("inf"), f.label))
    return out + [Finalist(str(c), 0, None, status=f"failed: {r}") for c, r in conf.failed.items()]


def _beaten_text(conf: confirming.Confirmation, c: object) -> str:
    """Why a finalist is beaten: the 2x rule (its interval may be wide: few rounds) or an interval,
    against the winner or against the leader of that moment."""
    by = conf.beaten_by.get(c)
    if by is None:
        return "beaten"
    who, iv, rule = by
    name = "the winner" if who == conf.winner else str(who)
    if rule == "2x":
        return f"beaten: every round over {confirming.GROSS:g}x the round of {name} in the same sweep"
    return "beaten" if who == conf.winner else f"beaten by {name} ({iv.lo:.3f}-{iv.hi:.3f})"


def fill(run: TargetRun, wd: WorkloadDecision, conf: confirming.Confirmation, w: Workload) -> None:
    bench, decision, opts = run.bench, run.decision, run.opts
    wd.stopped = conf.stopped
    counted = {f.label: f.s3 for f in wd.finalists if f.s3}  # from an earlier pass: not read again
    wd.finalists = []
    if conf.winner is None:
        wd.skipped = (f"every finalist failed on {run.target}" if conf.failed and not conf.open
                      else "no finalist could be measured at full size within the budget")
        wd.finalists = [Finalist(str(c), 0, None, status=f"failed: {r}") for c, r in conf.failed.items()]
        return
    wd.skipped = None
    win = conf.winner
    wd.winner, wd.tie_with = str(win), [str(c) for c in conf.tie_with]
    wd.runner_up = str(conf.runner_up) if conf.runner_up is not None else None
    if conf.interval is not None:
        wd.ratio, wd.ci = conf.interval.ratio, [conf.interval.lo, conf.interval.hi]
    wd.winner_value = median(conf.samples[win])
    verdict = bench.file_verdict(win) if isinstance(win, FileConfig) else bench.verdict(win)
    wd.gives_up = "nothing (lossless)" if verdict.status == FIDELITY_LOSSLESS else f"{verdict.status}: {gist(verdict)}"
    fc = win if isinstance(win, FileConfig) else win.file
    try:
        wd.bytes_full = bench.written(fc, "full").size
    except CandidateFailed:
        wd.bytes_full = None
    if wd.bytes_full and decision.data_size_bytes:
        wd.bytes_at_size = decision.data_size_bytes * wd.bytes_full / max(1, opts.basis_bytes)
        objects = max(1, math.ceil(wd.bytes_at_size / OBJECT_BYTES))
        wd.usd_month_at_size = costs.s3_storage_month(wd.bytes_at_size, objects, "STANDARD").usd_month
    wd.finalists = finalist_rows(conf)
    by_label = {str(c): c for c in conf.samples}
    for f in wd.finalists:
        counts = bench.read_counts.get((w.name, by_label.get(f.label), "full"))
        if counts:
            f.page_faults = median([faults for faults, _ in counts])
            f.disk_read_kib = median([blocks for _, blocks in counts]) / 2  # 512-byte blocks
    if run.target == "s3" and w.side == "read":
        for f in wd.finalists:
            f.s3 = counted.get(f.label)
            if f.rounds and f.s3 is None and f.label in by_label:
                f.s3 = s3_counts(bench, by_label[f.label], w, run.dataset)


def s3_counts(bench: Bench, cfg: Configuration, w: Workload, ds: Dataset) -> dict[str, Any] | None:
    """One more read of a finalist, counted at the server (untimed): requests, bytes, amplification, $."""
    from storagebench.s3 import cloud_model
    from storagebench.s3.work_summary import summarise

    try:
        written = bench.written(cfg.file, "full")
        records = bench.target.counted(lambda: w.measure(bench, cfg, "full", ds))
    except CandidateFailed:
        return None
    if records is None:
        return None
    s = summarise(records)
    model = cloud_model.model_info(records, ["in-region"])["s3_cloud_model"]["in-region"]
    return {"requests": s.total_requests, "get_bytes": s.get_bytes, "object_bytes": written.size,
            "amplification_vs_object": s.get_bytes / written.size if written.size else None,
            "modelled_in_region_s": model["seconds"], "model_label": model["label"],
            "usd_per_million_reads": cloud_model.request_cost(records)["s3_request_cost_per_million_ops_usd"]}
