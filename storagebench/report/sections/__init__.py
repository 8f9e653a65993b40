"""Report sections, one module each, found by registration.

A section module calls :func:`section` on a ``build(ctx) -> list[Block] | None`` function.  A
section whose results are absent from the run returns ``None`` (or nothing) and is left out of
the report without error, so a new kind of result (a new target, a new access pattern) needs
one new module here and no edit anywhere else: every module in this package is imported.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

from storagebench.report.context import ReportContext
from storagebench.report.model import Block


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int  # position in the report (lower first)
    build: Callable[[ReportContext], list[Block] | None]


_SECTIONS: dict[str, Section] = {}


def section(key: str, title: str, order: int) -> Callable:
    def wrap(build: Callable[[ReportContext], list[Block] | None]) -> Callable:
        if key in _SECTIONS and _SECTIONS[key].build.__module__ != build.__module__:
            raise ValueError(f"report section {key!r} registered twice")
        _SECTIONS[key] = Section(key, title, order, build)
        return build

    return wrap


def all_sections() -> list[Section]:
    for mod in pkgutil.iter_modules(__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
