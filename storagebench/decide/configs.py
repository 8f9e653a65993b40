"""The configurations ``decide`` chooses between, generated from the codec registry.

A configuration is format x compression x writer engine x reader engine.  Nothing here names a
format or an engine: every codec in ``formats`` contributes every compression each of its writers
declares, read by each of its readers, so an engine added to a codec (polars, DuckDB) becomes a
candidate with no change here, and an engine whose library is missing is left out with its
install hint (reported, never a crash).

Write-side workloads (archive, append stream) only depend on (format, compression, writer); their
candidates are :class:`FileConfig`; read-side workloads use :class:`Configuration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import formats
from formats.base import Codec


@dataclass(frozen=True, order=True)
class FileConfig:
    """How the file is made: format, compression, writer engine."""

    format: str
    compression: str
    writer: str

    @property
    def label(self) -> str:
        return f"{self.format}/{self.compression}/{self.writer}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Configuration:
    """A file configuration plus the engine that reads it."""

    file: FileConfig
    reader: str

    @property
    def format(self) -> str:
        return self.file.format

    @property
    def label(self) -> str:
        return f"{self.file.label}>{self.reader}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Unavailable:
    what: str
    reason: str


def _codecs(names: Iterable[str] | None) -> list[Codec]:
    return [formats.get_codec(n) for n in names] if names else list(formats.all_codecs())


def file_configs(format_names: Iterable[str] | None = None,
                 compressions: Iterable[str] | None = None) -> tuple[list[FileConfig], list[Unavailable]]:
    """Every (format, compression, writer) the registry declares, minus missing engines."""
    wanted = set(compressions) if compressions else None
    out: list[FileConfig] = []
    missing: list[Unavailable] = []
    for codec in _codecs(format_names):
        for writer in codec.writers():
            reason = writer.missing_requirement()
            if reason:
                missing.append(Unavailable(f"{codec.name} writer {writer.name}", reason))
                continue
            for comp in writer.write_compressions:
                if wanted is None or comp in wanted:
                    out.append(FileConfig(codec.name, comp, writer.name))
    return out, missing


def read_configs(files: Iterable[FileConfig]) -> tuple[list[Configuration], list[Unavailable]]:
    """Every reader engine of each file's format (cross-engine reads included)."""
    out: list[Configuration] = []
    missing: dict[str, Unavailable] = {}
    for fc in files:
        codec = formats.get_codec(fc.format)
        for reader in codec.readers():
            reason = reader.missing_requirement()
            if reason:
                missing[f"{codec.name}/{reader.name}"] = Unavailable(f"{codec.name} reader {reader.name}", reason)
                continue
            out.append(Configuration(fc, reader.name))
    return out, list(missing.values())
