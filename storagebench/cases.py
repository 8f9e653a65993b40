"""The case matrix: every valid (format, engine, compression, dataset, operation).

Generated from the codec registry's declared capabilities, so an invalid combination (snappy
CSV, a writer that cannot write) is never produced.  Target-agnostic: the local and S3
benchmarks both parametrise from here.

Read cases: the full/projection/predicate workloads read the file written by the format's
reference writer (its first writer engine) with every reader engine; files written by the other
writers are read in full by every reader too (cross-engine interoperability).  A profile may
narrow both (storagebench/profiles.py: ``cross_engine_star``, ``dataset_read_kinds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import formats
from formats.base import Codec, UnknownNameError
from storagebench.profiles import Profile

READ_KINDS = ("full", "projection", "predicate")

# A profile with ``narrow_datasets`` (quick) runs the engines added from formats/engines (polars,
# DuckDB) on those datasets and one compression per format (its default when the profile runs
# it): their whole matrix is ~470 more cases, and the quick run has a budget of about two
# minutes (standard and full run all of it).


def dataset_label(spec: str) -> str:
    """A dataset spec as it appears in case ids and file names: a generator's name, or a user
    file's stem (never its path, whose slashes would make ids unusable as file names)."""
    if "/" in spec or "." in spec:
        from storagebench.datasets.user_file import file_label

        return file_label(spec)  # unique among the run's files (two penguins.* files differ)
    return spec


@dataclass(frozen=True)
class WriteCase:
    format: str
    engine: str
    compression: str
    dataset: str

    @property
    def id(self) -> str:
        return f"{self.format}-{self.engine}-{self.compression}-{dataset_label(self.dataset)}"


@dataclass(frozen=True)
class ReadCase:
    format: str
    writer: str
    reader: str
    compression: str
    kind: str
    dataset: str

    @property
    def id(self) -> str:
        via = self.reader if self.reader == self.writer else f"{self.writer}>{self.reader}"
        return f"{self.format}-{via}-{self.compression}-{self.kind}-{dataset_label(self.dataset)}"

    @property
    def cross_engine(self) -> bool:
        return self.writer != self.reader and not _same_library(self.writer, self.reader)


def _same_library(writer: str, reader: str) -> bool:
    # pandas' pyarrow-backed readers read pyarrow files through pyarrow itself.
    return reader.startswith(writer) or writer.startswith(reader)


def select_codecs(names: Iterable[str] | None) -> list[Codec]:
    if not names:
        return list(formats.all_codecs())
    return [formats.get_codec(n) for n in names]


def check_compressions(codecs: Iterable[Codec], names: Iterable[str] | None) -> None:
    """Every requested compression must belong to at least one selected codec (else the error
    lists the valid ones); a codec that has none of them simply gets no cases."""
    codecs = list(codecs)
    valid = {c for codec in codecs for c in codec.compressions()}
    for name in names or ():
        if name not in valid:
            kind = f"{codecs[0].name} compression" if len(codecs) == 1 else "compression"
            raise UnknownNameError(kind, name, valid)


def compressions_for(codec: Codec, engine_compressions: tuple[str, ...], profile: Profile,
                     only: Iterable[str] | None = None) -> list[str]:
    """The compressions one engine runs: ``only`` (checked against this codec) or the profile's."""
    check_compressions([codec], only)
    return _chosen(codec, engine_compressions, profile, only)


def _chosen(codec: Codec, engine_compressions: tuple[str, ...], profile: Profile,
            only: Iterable[str] | None) -> list[str]:
    if only:
        wanted = set(only)
        return [c for c in engine_compressions if c in wanted]
    if not profile.all_compressions:
        return [c for c in engine_compressions if c in codec.quick_compressions]
    return list(engine_compressions)


def _quick_scope(datasets: list[str], profile: Profile) -> Callable[[Codec, str, str, str], bool]:
    """In the quick profile: is (codec, engine, compression, dataset) inside the added engines'
    reduced scope?  Always True for the other engines and the other profiles."""
    if profile.narrow_datasets is None:
        return lambda codec, engine, comp, ds: True
    chosen = [d for d in datasets if dataset_label(d) in profile.narrow_datasets] or datasets[:1]

    def keep(codec: Codec, engine: str, comp: str, ds: str) -> bool:
        if not codec.is_added_engine(engine):
            return True
        quick = codec.quick_compressions
        return ds in chosen and comp == (codec.default_compression if codec.default_compression in quick else quick[0])

    return keep


def write_cases(codecs: list[Codec], datasets: list[str], profile: Profile,
                compressions: Iterable[str] | None = None) -> list[WriteCase]:
    check_compressions(codecs, compressions)
    keep = _quick_scope(datasets, profile)
    out = []
    for ds in datasets:
        for codec in codecs:
            for engine in codec.writers():
                for comp in _chosen(codec, engine.write_compressions, profile, compressions):
                    if keep(codec, engine.name, comp, ds):
                        out.append(WriteCase(codec.name, engine.name, comp, ds))
    return out


def read_cases(codecs: list[Codec], datasets: list[str], profile: Profile,
               compressions: Iterable[str] | None = None) -> list[ReadCase]:
    check_compressions(codecs, compressions)
    keep = _quick_scope(datasets, profile)
    out = []
    for ds in datasets:
        for codec in codecs:
            writers = codec.writers()
            if not writers:
                continue
            reference = writers[0]
            for comp in _chosen(codec, reference.write_compressions, profile, compressions):
                for reader in codec.readers():
                    if not keep(codec, reader.name, comp, ds):
                        continue
                    for kind in profile.read_kinds(dataset_label(ds), READ_KINDS):
                        out.append(ReadCase(codec.name, reference.name, reader.name, comp, kind, ds))
            # Cross-engine: other writers' files, read in full by every reader (or, in a profile
            # with cross_engine_star, by the reference reader only), default compression.
            cross_readers = codec.readers()[:1] if profile.cross_engine_star else codec.readers()
            for writer in writers[1:]:
                comps = _chosen(codec, writer.write_compressions, profile, compressions)
                comp = codec.default_compression if codec.default_compression in comps else (comps or [None])[0]
                if comp is None:
                    continue
                for reader in cross_readers:
                    if keep(codec, writer.name, comp, ds) and keep(codec, reader.name, comp, ds):
                        out.append(ReadCase(codec.name, writer.name, reader.name, comp, "full", ds))
    return out
