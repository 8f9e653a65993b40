"""Markdown and HTML renderers over the report model.

Markdown: GitHub-flavoured tables; charts are written as SVG files in ``charts/`` beside the
report and linked relatively (GitHub does not render inline SVG or data: URIs in Markdown).
HTML: one self-contained file rendered by Jinja2 (``templates/report.html.j2``), styles inline and every chart embedded as an inline ``<svg>``
element, so it opens offline with nothing else next to it.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

import jinja2
import markupsafe

from storagebench.report.model import Chart, Heading, SectionOutput, Table, Text

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")


def anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _md_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", "<br>")


def markdown(title: str, preamble: list[str], sections: list[SectionOutput]) -> str:
    out = [f"# {title}", ""]
    out += [p + "\n" for p in preamble]
    out.append("**Contents:** " + " · ".join(f"[{s.title}](#{anchor(s.title)})" for s in sections))
    out.append("")
    for sec in sections:
        out += [f"## {sec.title}", ""]
        for block in sec.blocks:
            if isinstance(block, Heading):
                out += ["#" * block.level + " " + block.text, ""]
            elif isinstance(block, Text):
                prefix = "> " if block.kind in ("note", "warn") else ""
                mark = "\u26a0 " if block.kind == "warn" else ""
                out += [prefix + mark + block.text, ""]
            elif isinstance(block, Table):
                if block.title:
                    out += [f"**{block.title}**", ""]
                if not block.rows:
                    out += ["_(no rows)_", ""]
                else:
                    out.append("| " + " | ".join(_md_cell(c) for c in block.columns) + " |")
                    out.append("|" + "|".join("---" for _ in block.columns) + "|")
                    for row in block.rows:
                        out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
                    out.append("")
                for note in block.notes:
                    out += [f"_{note}_", ""]
            elif isinstance(block, Chart):
                out += [f"![{block.title}](charts/{block.name}.svg)", ""]
                if block.caption:
                    out += [f"_{block.caption}_", ""]
    return "\n".join(out).rstrip() + "\n"


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = _CODE.sub(r"<code>\1</code>", text)
    return _BOLD.sub(r"<strong>\1</strong>", text)


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:78rem;padding:0 1rem;color:#1b1f23;line-height:1.45}
h1{font-size:1.7rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.82rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}tr:nth-child(even) td{background:#fbfcfd}
.note{border-left:4px solid #8c959f;background:#f6f8fa;padding:.4rem .8rem}
.warn{border-left:4px solid #d4a72c;background:#fff8c5;padding:.4rem .8rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.8rem;color:#57606a}
.tnote{font-size:.8rem;color:#57606a;font-style:italic}nav{font-size:.9rem}code{background:#f6f8fa;padding:0 .2rem}
"""


@functools.cache
def _environment() -> jinja2.Environment:
    """The HTML template environment: autoescaping on, so every text the report carries (file
    names, column names, user data in examples) is escaped unless marked as our own markup."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storagebench.report", "templates"),
        autoescape=True, trim_blocks=False, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["inline"] = lambda text: markupsafe.Markup(_inline(str(text)))
    env.filters["anchor"] = anchor
    env.tests.update(heading=lambda b: isinstance(b, Heading), text=lambda b: isinstance(b, Text),
                     table=lambda b: isinstance(b, Table), chart=lambda b: isinstance(b, Chart))
    return env


def html_document(title: str, preamble: list[str], sections: list[SectionOutput]) -> str:
    """One self-contained HTML file from the report model (template: templates/report.html.j2)."""
    return _environment().get_template("report.html.j2").render(
        title=title, css=markupsafe.Markup(_CSS), preamble=preamble, sections=sections)
