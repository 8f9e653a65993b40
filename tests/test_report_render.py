"""The HTML renderer (Jinja2 template): every text from a run is escaped, our own SVG is not."""

from __future__ import annotations

from html.parser import HTMLParser

from storagebench.report.model import Chart, Heading, SectionOutput, Table, Text
from storagebench.report.render import html_document


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001 - HTMLParser's signature
        self.tags.append(tag)

    def handle_data(self, data):  # noqa: ANN001
        self.data.append(data)


def _sections(user_text: str) -> list[SectionOutput]:
    return [SectionOutput("s", "Speed & size", [
        Heading("Reads of `file.csv`"),
        Text(user_text), Text("a caveat", "note"),
        Table("cases", ["column", "value"], [[user_text, None], ["ok", 1.5]], ["a **note**"], key="k1"),
        Chart("sizes", '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', "sizes"),
    ])]


def test_text_from_a_run_is_escaped_and_chart_svg_is_markup() -> None:
    hostile = "<script>alert(1)</script> col"
    page = html_document("Report <1>", ["from `run.json`"], _sections(hostile))
    parsed = _Collect()
    parsed.feed(page)
    assert "script" not in parsed.tags  # the column name is shown, never executed
    assert any("<script>alert(1)</script> col" in d for d in parsed.data)
    assert "svg" in parsed.tags and "rect" in parsed.tags  # our chart is inline markup
    assert parsed.tags.count("tr") == 3  # header + two rows
    assert '<table data-key="k1">' in page
    assert '<p class="note">a caveat</p>' in page
    assert "<code>file.csv</code>" in page and "<strong>note</strong>" in page
    assert '<a href="#speed-size">Speed &amp; size</a>' in page
    assert "<title>Report &lt;1&gt;</title>" in page
