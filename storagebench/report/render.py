"""Markdown and HTML renderers over the report model.

Markdown: GitHub-flavoured tables; charts are written as SVG files in ``charts/`` beside the
report and linked relatively (GitHub does not render inline SVG or data: URIs in Markdown).
HTML: one self-contained file, styles inline and every chart embedded as an inline ``<svg>``
element, so it opens offline with nothing else next to it.
"""

from __future__ import annotations

import html
import re
from typing import Any

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


def html_document(title: str, preamble: list[str], sections: list[SectionOutput]) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{html.escape(title)}</title>", f"<style>{_CSS}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>"]
    parts += [f"<p>{_inline(p)}</p>" for p in preamble]
    parts.append("<nav><strong>Contents:</strong> " + " · ".join(
        f'<a href="#{anchor(s.title)}">{html.escape(s.title)}</a>' for s in sections) + "</nav>")
    for sec in sections:
        parts.append(f'<section id="{anchor(sec.title)}"><h2>{html.escape(sec.title)}</h2>')
        for block in sec.blocks:
            if isinstance(block, Heading):
                parts.append(f"<h{block.level}>{_inline(block.text)}</h{block.level}>")
            elif isinstance(block, Text):
                cls = {"note": ' class="note"', "warn": ' class="warn"'}.get(block.kind, "")
                parts.append(f"<p{cls}>{_inline(block.text)}</p>")
            elif isinstance(block, Table):
                if block.title:
                    parts.append(f"<p><strong>{_inline(block.title)}</strong></p>")
                parts.append(f'<table data-key="{html.escape(block.key)}"><thead><tr>'
                             + "".join(f"<th>{_inline(str(c))}</th>" for c in block.columns)
                             + "</tr></thead><tbody>")
                for row in block.rows:
                    parts.append("<tr>" + "".join(
                        f"<td>{_inline('' if c is None else str(c))}</td>" for c in row) + "</tr>")
                parts.append("</tbody></table>")
                parts += [f'<p class="tnote">{_inline(n)}</p>' for n in block.notes]
            elif isinstance(block, Chart):
                cap = f"<figcaption>{_inline(block.caption)}</figcaption>" if block.caption else ""
                parts.append(f'<figure data-chart="{html.escape(block.name)}">{block.svg}{cap}</figure>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
