"""Charts as inline SVG text (matplotlib, Agg backend): embedded in the HTML, written next to the
Markdown.  Deterministic output (fixed hash salt, no date metadata) so a regenerated example
report only changes when the numbers change."""

from __future__ import annotations

import io
from typing import Iterable, Sequence

import matplotlib

matplotlib.use("Agg")  # no display here or in CI
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import LogFormatterSciNotation  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "storagebench"
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable


def _plain(text: str) -> str:
    r"""A label as literal text: labels hold "$" (costs), and a "$ ... $" pair would be typeset as
    a formula (and parsed by mathtext, ~0.2 s each).  Escaped, not ``text.parse_math = False``,
    which also turned the log axes' tick labels into raw ``$\mathdefault{10^{3}}$`` source."""
    return str(text).replace("$", r"\$")


_SUPERSCRIPT = str.maketrans("0123456789-", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b")


class PlainLogFormatter(LogFormatterSciNotation):
    r"""Log-axis tick labels as plain text ("10⁻³", "2×10³"): the ticks and labels
    matplotlib's own log formatter chooses, without their mathtext source
    (``$\mathdefault{10^{-3}}$``).  Why: each chart's renderers parsed every tick label's
    mathtext anew (pyparsing, ~20 ms a label, twice per chart: layout and drawing), a third of a
    quick report's time."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        label = super().__call__(x, pos)
        if not (label.startswith("$\\mathdefault{") and label.endswith("}$")):
            return label
        body = label[len("$\\mathdefault{"):-2].replace("\\times", "\u00d7")
        mantissa, _, exponent = body.partition("^{")
        return mantissa + exponent.rstrip("}").translate(_SUPERSCRIPT) if exponent else mantissa


def _log(ax: "plt.Axes", which: str) -> None:
    """A log-scaled axis ("x" or "y") with plain-text tick labels (major and minor formatters
    as matplotlib's log scale sets them, through PlainLogFormatter)."""
    getattr(ax, f"set_{which}scale")("log")
    axis = getattr(ax, f"{which}axis")
    axis.set_major_formatter(PlainLogFormatter(10))
    axis.set_minor_formatter(PlainLogFormatter(10, labelOnlyBase=False))


def to_svg(fig: "plt.Figure") -> str:
    """The figure as SVG text, drawn once.  The margins are fitted to the labels beforehand from
    font metrics (``tight_layout``); ``savefig(bbox_inches="tight")`` instead rendered the whole
    SVG twice (once to measure) and was most of a report's chart time."""
    buf = io.StringIO()
    fig.tight_layout(pad=0.4)
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and DOCTYPE for inline use


def _axes(ax: "plt.Axes", title: str, xlabel: str, ylabel: str, loglog: bool) -> None:
    if loglog:
        _log(ax, "x")
        _log(ax, "y")
    ax.set_title(_plain(title), fontsize=10)
    ax.set_xlabel(_plain(xlabel))
    ax.set_ylabel(_plain(ylabel))
    ax.grid(True, which="both", alpha=0.25)


def scatter(points: Sequence[tuple[float, float, str]], title: str, xlabel: str, ylabel: str,
            highlight: Iterable[str] = (), loglog: bool = True) -> str:
    """Labelled points; names in ``highlight`` (e.g. a Pareto front) drawn larger in red (not joined:
    a front over three objectives is not a line in two)."""
    marked = set(highlight)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for x, y, name in points:
        on = name in marked
        ax.scatter([x], [y], s=36 if on else 18, color="C3" if on else "C0", alpha=0.9 if on else 0.5,
                   zorder=3 if on else 2)
        ax.annotate(_plain(name), (x, y), fontsize=6.5, xytext=(3, 3), textcoords="offset points")
    _axes(ax, title, xlabel, ylabel, loglog)
    return to_svg(fig)


def bars(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str,
         errors: Sequence[tuple[float, float]] | None = None, log: bool = False) -> str:
    """Horizontal bars (optionally with asymmetric error bars, e.g. q1..q3)."""
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(labels) + 1.2))
    y = list(range(len(labels)))
    xerr = None
    if errors is not None:
        xerr = [[max(0.0, v - lo) for v, (lo, _) in zip(values, errors)],
                [max(0.0, hi - v) for v, (_, hi) in zip(values, errors)]]
    ax.barh(y, values, xerr=xerr, color="C0", alpha=0.8, error_kw={"lw": 0.8, "capsize": 2})
    ax.set_yticks(y, [_plain(label) for label in labels], fontsize=7)
    ax.invert_yaxis()
    if log:
        _log(ax, "x")
    ax.set_title(_plain(title), fontsize=10)
    ax.set_xlabel(_plain(xlabel))
    ax.grid(True, axis="x", alpha=0.25)
    return to_svg(fig)


def lines(series: dict[str, Sequence[tuple[float, float]]], title: str, xlabel: str, ylabel: str) -> str:
    """Log-log lines, one per series (scaling with volume or table size)."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, pts in series.items():
        pts = sorted(pts)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, lw=1, label=_plain(name))
    _axes(ax, title, xlabel, ylabel, True)
    ax.legend(fontsize=6.5, ncol=2)
    return to_svg(fig)
