"""Numeric command-line values, parsed the argparse way (``type=``) and bounded by this machine.

Every numeric option of ``storagebench run`` and of the pytest plugins (pytest's ``addoption`` is
argparse) uses these parsers, so a bad value stops the command line before anything starts, and
argparse puts the option's own name in front of the message (``argument --rows: must be a whole
number >= 1, got '0'``).  Nothing is silently replaced: ``--rows 0`` is an error, not the
profile's default.

Upper bounds come from the machine's memory, because a size that cannot fit ends in a
MemoryError (or the kernel's OOM killer) minutes into a run instead of one line at the start:

* rows per dataset: a run holds the Arrow table, the engine's own copy (a DataFrame), the
  encoded file and the read-back table at once; ~76 B per row in Arrow for the ``mixed``
  dataset, so ``ROW_BYTES`` = 1,000 bytes per row leaves room for those copies and the wider
  generators;
* DynamoDB items: moto keeps every item as Python objects (a few KiB each), ``ITEM_BYTES`` =
  4,096 bytes per item;
* DynamoDB item size: DynamoDB's own limit, 400 KB.
"""

from __future__ import annotations

import argparse
import math
from functools import lru_cache
from typing import Callable

ROW_BYTES = 1_000
ITEM_BYTES = 4_096
MAX_ITEM_SIZE = 400 * 1024  # DynamoDB's item size limit


@lru_cache(maxsize=1)
def total_memory() -> int:
    import psutil

    return int(psutil.virtual_memory().total)


def max_rows() -> int:
    """The largest --rows this machine can hold (see the module docstring)."""
    return max(1, total_memory() // ROW_BYTES)


def max_items() -> int:
    """The largest DynamoDB table (items) this machine can load into the embedded servers."""
    return max(1, total_memory() // ITEM_BYTES)


def _whole(text: str, lo: int, hi: int, bound: str) -> int:
    """``text`` as an int in [lo, hi]; '1e5' and '100_000' are accepted, 'inf' and '2.5' not."""
    raw = text.strip()
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        try:
            number = float(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not math.isfinite(number) or number != int(number):
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        value = int(number)
    if value < lo:
        raise argparse.ArgumentTypeError(f"must be a whole number >= {lo:,}, got {text!r}")
    if value > hi:
        raise argparse.ArgumentTypeError(f"must be <= {hi:,} ({bound}), got {text!r}")
    return value


def count(lo: int = 1, hi: Callable[[], int] | int | None = None, bound: str = "") -> Callable[[str], int]:
    """A ``type=`` parser for one bounded whole number (``hi`` may be computed when parsing)."""

    def parse(text: str) -> int:
        limit = hi() if callable(hi) else (hi if hi is not None else 2**63 - 1)
        return _whole(str(text), lo, limit, bound)

    parse.__name__ = "whole number"  # what argparse names in its fallback message
    return parse


def count_list(lo: int = 1, hi: Callable[[], int] | int | None = None, bound: str = "") -> Callable[[str], list[int]]:
    """A ``type=`` parser for a comma list of bounded whole numbers ('' is the empty list)."""
    one = count(lo, hi, bound)

    def parse(text: str) -> list[int]:
        if isinstance(text, list):  # argparse passes non-string defaults through unchanged
            return text
        return [one(part) for part in str(text).split(",") if part.strip()]

    parse.__name__ = "comma list of whole numbers"
    return parse


# The parsers every entry point shares.
rows = count(1, max_rows, "rows at ~1,000 bytes each must fit in this machine's memory")
seed = count(0, 2**32 - 1, "numpy's seed range")
positive = count(1)
table_sizes = count_list(1, max_items, "items at ~4,096 bytes each must fit in this machine's memory")
item_sizes = count_list(0, MAX_ITEM_SIZE, "DynamoDB's 400 KB item limit")
