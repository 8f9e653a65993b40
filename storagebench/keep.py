"""``--keep-files DIR``: keep exactly the files that were measured, with a manifest.

A user should be able to open the measured files in any other tool.  With the option, every file
the local formats suite reads or checks stays under DIR, and ``DIR/manifest.json`` describes them::

    {"datasets": {NAME: {"reference": "datasets/NAME.arrow", "rows": N, "fingerprint": "..."}},
     "files": [{"path": "files/...", "dataset": NAME, "format": "csv", "writer_engine": "pyarrow",
                "compression": "none", "bytes": N, "conversions": [...],
                "reads": {READER_ENGINE: {"fidelity": "lossless|lossy-types|lossy-values",
                                          "lossy_columns": ["col", ...]}}}]}

``reference`` is the dataset exactly as generated or loaded, before any format's conversion, as
an Arrow IPC file.  Paths are relative to DIR.  One file is kept per (dataset, format, writer,
compression): the one the read benchmarks read (a write benchmark's rounds write the same data
with the same options; the first round's file is kept when no read file exists yet, and the
reads then read that very file).  ``reads`` holds the full-read verdict of every reader engine
that read it.  The manifest is rewritten atomically after every change, so an interrupted run
still leaves a manifest that matches the files present.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa

from formats.base import Conversion, Location
from storagebench.fidelity import Verdict

MANIFEST = "manifest.json"


class KeepDirError(ValueError):
    """A --keep-files directory that cannot be used (the message names it and why)."""


def check_keep_dir(path: str | Path) -> Path:
    """Validate DIR before anything runs: it must be a new or empty directory (never overwrite
    an earlier run's files)."""
    d = Path(path).expanduser()
    if d.exists() and not d.is_dir():
        raise KeepDirError(f"--keep-files {path}: exists and is not a directory")
    if d.is_dir() and any(d.iterdir()):
        raise KeepDirError(f"--keep-files {path}: directory is not empty (files of an earlier run "
                           f"would be mixed with or overwritten by this one); choose a new or empty directory")
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KeepDirError(f"--keep-files {path}: cannot create the directory ({exc.strerror})") from None
    return d.resolve()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


class FileKeeper:
    """Moves measured files under DIR and maintains ``DIR/manifest.json``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.datasets: dict[str, dict[str, Any]] = {}
        self.files: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    def has(self, key: tuple[str, str, str, str]) -> bool:
        return key in self.files

    def add_dataset(self, name: str, table: pa.Table, fingerprint: str) -> None:
        """Write the reference Arrow IPC file for a dataset (once)."""
        if name in self.datasets:
            return
        rel = Path("datasets") / f"{_safe(name)}.arrow"
        (self.root / rel.parent).mkdir(parents=True, exist_ok=True)
        with pa.OSFile(str(self.root / rel), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        self.datasets[name] = {"reference": rel.as_posix(), "rows": table.num_rows, "fingerprint": fingerprint}
        self._save()

    def keep(self, key: tuple[str, str, str, str], location: Location, dataset: str,
             conversions: list[Conversion]) -> Location:
        """Move a local file under DIR, record it, and return its new location."""
        fmt, writer, compression, _ = key
        suffix = Path(location.path).name.split(".", 1)[1]  # "csv.gz", "parquet"
        rel = Path("files") / _safe(dataset) / fmt / f"{_safe(writer)}-{_safe(compression)}.{suffix}"
        dest = self.root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(location.path, dest)
        self.files[key] = {
            "path": rel.as_posix(), "dataset": dataset, "format": fmt, "writer_engine": writer,
            "compression": compression, "bytes": dest.stat().st_size,
            "conversions": [c.describe() for c in conversions], "reads": {},
        }
        self._save()
        return Location(str(dest))

    def record_read(self, key: tuple[str, str, str, str], reader: str, verdict: Verdict) -> None:
        entry = self.files.get(key)
        if entry is None:
            return
        entry["reads"][reader] = {"fidelity": verdict.status, "lossy_columns": verdict.lossy_columns}
        self._save()

    def manifest(self) -> dict[str, Any]:
        files = sorted(self.files.values(), key=lambda f: f["path"])
        return {"datasets": dict(sorted(self.datasets.items())), "files": files}

    def _save(self) -> None:
        tmp = self.root / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(self.manifest(), indent=2, sort_keys=False) + "\n")
        os.replace(tmp, self.root / MANIFEST)
