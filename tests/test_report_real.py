"""A report built from a real small benchmark run: the numbers in its tables and tidy export
agree with the pytest-benchmark JSON they came from."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from storagebench.report import build_report, build_sections
from storagebench.report import fmt
from storagebench.report.loading import load_run
from storagebench.report.metrics import config_label


@pytest.fixture(scope="module")
def report(real_run_json, tmp_path_factory):  # real_run_json: tests/conftest.py
    out = tmp_path_factory.mktemp("report")
    paths = build_report([real_run_json], out)
    raw = json.loads(Path(real_run_json).read_text())
    sections = {s.key: s for s in build_sections([load_run(real_run_json)])}
    return paths, raw, sections


def test_files_written(report):
    paths, raw, _ = report
    assert list(paths) == [paths.markdown, paths.html, paths.parquet, paths.csv]  # `storagebench run` iterates
    for p in paths:
        assert p.exists() and p.stat().st_size > 0
    html = paths.html.read_text()
    assert html.count("<svg") == len(paths.charts) >= 2  # every chart inline in the HTML
    assert "<link" not in html and "<script" not in html  # self-contained: nothing to fetch
    md = paths.markdown.read_text()
    for chart in paths.charts:
        assert f"](charts/{chart.name})" in md and chart.read_text().startswith("<svg")


def test_tidy_table_matches_json(report):
    paths, raw, _ = report
    n_out = len(raw["storagebench"]["outcomes"])
    for frame in (pd.read_parquet(paths.parquet), pd.read_csv(paths.csv)):
        assert len(frame) == len(raw["benchmarks"]) + n_out
        m = frame[frame["status"] == "measured"].set_index("fullname")
        for b in raw["benchmarks"]:
            row = m.loc[b["fullname"]]
            assert row["time_median"] == pytest.approx(b["stats"]["median"])
            assert row["time_iqr"] == pytest.approx(b["stats"]["iqr"])
            assert row["rounds"] == b["stats"]["rounds"]
            assert row["bytes_on_disk"] == b["extra_info"]["bytes_on_disk"]
            assert row["format"] == b["extra_info"]["format"]
            cv = b["stats"]["stddev"] / b["stats"]["mean"]
            assert row["cv"] == pytest.approx(cv) and bool(row["noisy"]) == (cv > 0.10)


def test_size_table_matches_json(report):
    _, raw, sections = report
    table = sections["sizes"].table("sizes:numeric (300 rows)")
    writes = [b["extra_info"] for b in raw["benchmarks"] if b["extra_info"]["operation"] == "write"]
    by_label = {r["format/compression writer"]: r for r in table.records()}
    assert len(by_label) == len(writes)
    csv_base = min(e["bytes_on_disk"] for e in writes if e["format"] == "csv" and e["compression"] == "none")
    for e in writes:
        row = by_label[config_label(e, with_reader=False)]
        assert row["bytes"] == f"{e['bytes_on_disk']:,}"
        assert row["CSV ×"] == fmt.ratio(csv_base / e["bytes_on_disk"])
        assert row["memory ×"] == fmt.ratio(e["dataset_arrow_bytes"] / e["bytes_on_disk"])


def test_speed_tables_match_json(report):
    _, raw, sections = report
    sec = sections["speed"]
    reads = {(r["format/compression writer>reader"], r["read"]): r
             for r in sec.table("read:numeric (300 rows)").records()}
    writes = {r["format/compression engine"]: r for r in sec.table("write:numeric (300 rows)").records()}
    full = {}
    for b in raw["benchmarks"]:
        e, s = b["extra_info"], b["stats"]
        if e["operation"] == "write":
            row = writes[config_label(e, False)]
        else:
            row = reads[(config_label(e), e["read_kind"])]
            assert row["fidelity"] == e["fidelity"]
            if e["read_kind"] == "full":
                full[config_label(e)] = s
        assert row["median"] == fmt.seconds(s["median"]) and row["IQR"] == fmt.seconds(s["iqr"])
        assert row["n"] == str(s["rounds"])
    for b in raw["benchmarks"]:  # speed-up = full median / this median, same file and engine
        e, s = b["extra_info"], b["stats"]
        if e["operation"] == "read" and e["read_kind"] != "full" and config_label(e) in full:
            cell = reads[(config_label(e), e["read_kind"])]["speed-up vs full (q range)"]
            assert cell.startswith(fmt.ratio(full[config_label(e)]["median"] / s["median"]))


def test_archive_recommendation_is_the_smallest_lossless(report):
    _, raw, sections = report
    table = sections["recommendations"].table("recommend:archive")
    full_reads = {}
    for b in raw["benchmarks"]:
        e = b["extra_info"]
        if e["operation"] == "read" and e["read_kind"] == "full":
            full_reads.setdefault((e["format"], e["compression"], e["writer_engine"]), []).append(e["fidelity"])
    # A file counts as readable by its best full read, or (never read in full) by the write's own
    # read-back verdict.
    readable = {k for k, v in full_reads.items() if any(f != "lossy-values" for f in v)}
    readable |= {(e["format"], e["compression"], e["engine"]) for b in raw["benchmarks"]
                 if (e := b["extra_info"])["operation"] == "write" and e["fidelity"] != "lossy-values"
                 and (e["format"], e["compression"], e["engine"]) not in full_reads}
    sizes = [(b["extra_info"]["bytes_on_disk"], f"{k[0]}/{k[1]} {k[2]}") for b in raw["benchmarks"]
             if b["extra_info"]["operation"] == "write"
             and (k := (b["extra_info"]["format"], b["extra_info"]["compression"], b["extra_info"]["engine"])) in readable]
    best = min(sizes)
    row = table.records()[0]
    assert row["winner"].startswith(f"**{best[1]}**") and row["deciding figure"] == f"{best[0]:,} bytes"


def test_absent_suites_have_no_section(report):
    _, _, sections = report
    assert "s3" not in sections and "dynamodb" not in sections and "scaling" not in sections
    assert {"environment", "recommendations", "sizes", "speed", "fidelity", "costs", "noise"} <= set(sections)


def test_environment_lists_fingerprints(report):
    _, raw, sections = report
    ds = sections["environment"].table("datasets").records()
    assert ds[0]["fingerprint"] == f"`{raw['storagebench']['datasets']['numeric']['fingerprint']}`"
    runs = sections["environment"].table("runs").records()[0]
    assert runs["seed"] == raw["storagebench"]["seed"] and runs["commit"].startswith(raw["commit_info"]["id"])
