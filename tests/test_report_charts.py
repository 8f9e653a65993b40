"""Report speed paths that must not change what the report says: plain-text log tick labels
(no mathtext parse per label) and the case table's strings held as one object block."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from storagebench.report import charts
from storagebench.report.context import python_strings


def _tick_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_log_axes_label_decades_as_plain_text_superscripts():
    svg = charts.lines({"a": [(1e3, 2e-3), (1e5, 4e-1)]}, "t", "items", "seconds")
    texts = _tick_texts(svg)
    assert "mathdefault" not in svg and "$" not in "".join(texts)
    assert "10\u00b3" in texts and "10\u2074" in texts and "10\u207b\u00b9" in texts, texts


def test_plain_log_formatter_gives_matplotlib_labels_without_mathtext():
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogFormatterSciNotation

    fig, ax = plt.subplots()
    plain, ours = LogFormatterSciNotation(10, labelOnlyBase=False), charts.PlainLogFormatter(10, labelOnlyBase=False)
    for f in (plain, ours):
        f.set_axis(ax.xaxis)
    ax.set_xscale("log")
    ax.set_xlim(1e-3, 3e-3)  # less than a decade: matplotlib labels the minor ticks too
    for f in (plain, ours):
        f.set_locs([1e-3, 2e-3, 3e-3])
    assert plain(2e-3) == "$\\mathdefault{2\\times10^{-3}}$" and ours(2e-3) == "2\u00d710\u207b\u00b3"
    assert ours(1e-3) == "10\u207b\u00b3"
    plt.close(fig)


def test_python_strings_keep_values_missing_markers_and_filters():
    frame = pd.DataFrame({"format": pd.array(["csv", None, "parquet"], dtype="str"),
                          "rows": [1, 2, 3], "t": [0.1, np.nan, 0.3]})
    held = python_strings(frame)
    assert held["format"].dtype == object and held["rows"].dtype == frame["rows"].dtype
    assert held["format"].isna().tolist() == [False, True, False]
    assert held[held["format"] == "parquet"]["rows"].tolist() == [3]
    assert held["format"].fillna("local").tolist() == ["csv", "local", "parquet"]
    assert held["format"].str.startswith("p").fillna(False).tolist() == [False, False, True]
