"""Engines added to the format codecs from outside them: ONE module per engine.

A format module (``formats/csv.py`` ...) owns its format and the engines that grew up with it
(pyarrow, pandas, fastparquet, fastavro).  Engines that read and write many formats through their
own API (polars, DuckDB) live here instead, one module each: the module declares an
:class:`formats.base.EngineSpec` per format it supports and its write/read functions, and adds
them to the codecs with :func:`add_engine`.  The case matrix, fidelity checks, cross-engine
reads, memory pass and report then treat them exactly like the codecs' own engines.

Threads: every engine here runs with :data:`ENGINE_THREADS` threads (the machine's CPU count,
the same number pyarrow uses by default, unless ``STORAGEBENCH_ENGINE_THREADS`` says otherwise),
fixed before the engine starts and recorded in each run's environment block.
"""

from __future__ import annotations

import os

import formats
from formats.base import AddedEngine, StorageBenchInputError


def _engine_threads() -> int:
    value = os.environ.get("STORAGEBENCH_ENGINE_THREADS", "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise StorageBenchInputError(
                f"STORAGEBENCH_ENGINE_THREADS must be a positive integer, got {value!r}")
        return int(value)
    return os.cpu_count() or 1


ENGINE_THREADS = _engine_threads()


def add_engine(format_name: str, engine: AddedEngine) -> None:
    """Add ``engine`` to the registered codec of ``format_name``."""
    formats.get_codec(format_name).add_engine(engine)


def local_or_url(location: formats.Location) -> str | None:
    """The path or URL an engine that opens files itself can take (None: it must be handed bytes)."""
    if location.object_store is not None:
        return location.object_store.url
    if location.is_local:
        return location.path
    return None
