"""Layers point one way: a lower layer never imports from a layer above it.

Read from the source with ``ast`` (no import side effects), so a new upward import fails here
with the file and the module it imported.  The layers, lowest first: ``formats`` (codecs, the
registry shape; nothing from ``storagebench``); the library modules that describe data and
services (datasets, results, fidelity, memory, catalog, lifecycle); the suites and what drives
them (threevs, decide, report, commands, the pytest plugins, the benchmark modules).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What sits above the library layer: none of it may be imported from below.
SUITE_LAYER = ("storagebench.threevs", "storagebench.decide", "storagebench.report", "storagebench.commands",
               "storagebench.benchmarks", "storagebench.cli", "storagebench.pytest_plugin")
RULES = {
    "formats": ("storagebench",),
    "storagebench/datasets": SUITE_LAYER,
    "storagebench/results": SUITE_LAYER,
    "storagebench/fidelity": SUITE_LAYER,
    "storagebench/memory": SUITE_LAYER,
    "storagebench/catalog": SUITE_LAYER,
    "storagebench/lifecycle": SUITE_LAYER,
}


def _imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append(node.module)
        elif isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
    return out


@pytest.mark.parametrize("where", sorted(RULES))
def test_no_upward_import(where: str) -> None:
    base = ROOT / where  # a package (folder) or a module (where + ".py")
    files = sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
    upward = [f"{f.relative_to(ROOT)} imports {m}" for f in files for m in _imports(f)
              if any(m == above or m.startswith(above + ".") for above in RULES[where])]
    assert not upward, upward
