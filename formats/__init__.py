"""Format codecs and their registry.

Each module in this package (csv, json, parquet, orc, feather, avro) defines ONE codec class
and registers it with :func:`register`.  Everything else in the suite (benchmarks, S3 target,
report, CLI) finds codecs only through this registry, so adding a format means adding one module
here and one line in ``_CODEC_MODULES`` below.

A codec declares what it supports (engines, compressions, projection, predicate push-down, a
row-group knob) so that invalid combinations such as "snappy CSV" are never generated, and the
suite can explain every case it skips.
"""

from __future__ import annotations

from typing import Iterator

from formats.base import (
    Codec,
    Conversion,
    EngineSpec,
    Location,
    RangePredicate,
    ReadRequest,
    UnknownNameError,
    UnsupportedCaseError,
    WriteOptions,
)
from formats.registry import Registry

__all__ = [
    "Codec",
    "Conversion",
    "EngineSpec",
    "Location",
    "RangePredicate",
    "ReadRequest",
    "UnknownNameError",
    "UnsupportedCaseError",
    "WriteOptions",
    "all_codecs",
    "get_codec",
    "register",
    "codec_names",
]

# One entry per format module; import order is the order formats appear in reports.
_CODEC_MODULES = ("csv", "json", "parquet", "orc", "feather", "avro")
# Engines added to several codecs from one module each (formats/engines/), loaded after them.
_ENGINE_MODULES = ("engines.polars", "engines.duckdb")

_REGISTRY: Registry[Codec] = Registry("format", "formats", _CODEC_MODULES + _ENGINE_MODULES)


def register(codec_cls: type[Codec]) -> type[Codec]:
    """Class decorator: instantiate and register a codec under its ``name``."""
    codec = codec_cls()
    _REGISTRY.add(codec.name, codec)
    return codec_cls


def all_codecs() -> Iterator[Codec]:
    return iter(_REGISTRY.values())


def codec_names() -> list[str]:
    return _REGISTRY.names()


def get_codec(name: str) -> Codec:
    """Return the codec called ``name`` or raise an error listing the valid names."""
    return _REGISTRY.get(name.lower())
