"""TPC-H tables (``tpch-lineitem``, ``tpch-orders``) from ``tpchgen-cli``, at a chosen scale factor.

Why TPC-H: a decision taken at 5,000 generated rows is dominated by fixed per-call costs; the
TPC-H tables are a public, reproducible, realistically shaped workload (decimals, dates, low-
and high-cardinality strings) at any size, and Q1/Q6 give a query workload with known answers.

How: the ``tpchgen-cli`` wheel (PyPI) ships its Rust binary, found next to ``sys.executable``
or on PATH; it writes Parquet, which is read once and normalised (``string_view`` columns become
``string``, which every codec in formats/ can write; the per-field ids it adds are dropped).
The result is cached under ``$STORAGEBENCH_CACHE`` (default ``~/.cache/storagebench``) by
table, scale factor and tpchgen-cli version, with a sidecar holding its row count and
fingerprint: a cached file whose fingerprint no longer matches is regenerated, never trusted.

These datasets are not in the generator registry on purpose: ``storagebench run`` uses every
registered generator by default, and TPC-H's size is set by a scale factor, not a row count.
``storagebench decide`` resolves them by name through :func:`resolve_named`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from formats.base import StorageBenchInputError
from storagebench.datasets import Dataset


class TpchError(StorageBenchInputError):
    """tpchgen-cli missing or failing, or an invalid scale factor."""


@dataclass(frozen=True)
class TpchTable:
    name: str  # dataset name, e.g. "tpch-lineitem"
    table: str  # TPC-H table name for tpchgen-cli
    rows_per_sf: int  # rows at scale factor 1 (approximate for lineitem)
    projection: tuple[str, str]
    predicate_column: str  # the ~10% range-filter workload takes the middle tenth of this column
    key: tuple[str, ...]  # primary key (point lookups)
    description: str


TABLES: dict[str, TpchTable] = {
    "tpch-lineitem": TpchTable(
        "tpch-lineitem", "lineitem", 6_001_215, ("l_extendedprice", "l_discount"), "l_shipdate",
        ("l_orderkey", "l_linenumber"), "TPC-H lineitem: 16 columns, decimals, dates, comments"),
    "tpch-orders": TpchTable(
        "tpch-orders", "orders", 1_500_000, ("o_totalprice", "o_orderdate"), "o_orderdate",
        ("o_orderkey",), "TPC-H orders: 9 columns, one row per order"),
}
DEFAULT_SCALE = 0.1


def names() -> list[str]:
    return list(TABLES)


def find_binary() -> str:
    """tpchgen-cli from the same environment as this Python (its wheel's script), else PATH."""
    beside = Path(sys.executable).parent / "tpchgen-cli"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("tpchgen-cli")
    if found:
        return found
    raise TpchError("tpchgen-cli not found next to this Python or on PATH: pip install tpchgen-cli")


def tool_version(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise TpchError(f"tpchgen-cli --version failed: {out.stderr.strip() or out.returncode}")
    return out.stdout.strip().split()[-1]


def cache_dir() -> Path:
    return Path(os.environ.get("STORAGEBENCH_CACHE", Path.home() / ".cache" / "storagebench"))


def _normalise(table: pa.Table) -> pa.Table:
    """string_view -> string (every codec writes it), no per-field ids: what users hold in Arrow."""
    fields = []
    for f in table.schema:
        t = pa.string() if pa.types.is_string_view(f.type) else f.type
        fields.append(pa.field(f.name, t, f.nullable))
    return table.cast(pa.schema(fields)).replace_schema_metadata(None)


def _fingerprint(table: pa.Table) -> str:
    return Dataset("x", table, (), None, "", "").fingerprint


def load(name: str, scale: float = DEFAULT_SCALE) -> Dataset:
    """The TPC-H table ``name`` at ``scale`` (generated once, then read from the cache)."""
    spec = TABLES.get(name)
    if spec is None:
        raise TpchError(f"unknown TPC-H dataset {name!r}; valid: {', '.join(TABLES)}")
    if not (0 < scale <= 1000):
        raise TpchError(f"TPC-H scale factor must be in (0, 1000], got {scale}")
    binary = find_binary()
    version = tool_version(binary)
    folder = cache_dir() / "tpch" / f"tpchgen-{version}" / f"sf{scale:g}"
    path, meta_path = folder / f"{spec.table}.parquet", folder / f"{spec.table}.json"
    table = None
    if path.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        table = pq.read_table(path)
        if _fingerprint(table) != meta.get("fingerprint"):
            table = None  # a damaged or edited cache file: regenerate
    if table is None:
        table = _generate(binary, spec, scale, folder, path)
        meta_path.write_text(json.dumps({"table": spec.table, "scale": scale, "tpchgen_cli": version,
                                         "rows": table.num_rows, "fingerprint": _fingerprint(table)}))
    from storagebench.datasets.user_file import middle_tenth_of

    predicate = middle_tenth_of(table.select([spec.predicate_column]))
    return Dataset(name, table, spec.projection, predicate, f"{spec.description}, SF {scale:g}",
                   f"tpchgen-cli {version} -s {scale:g} --tables={spec.table}")


def _generate(binary: str, spec: TpchTable, scale: float, folder: Path, path: Path) -> pa.Table:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        cmd = [binary, "parquet", "-s", f"{scale:g}", f"--tables={spec.table}", "-o", tmp]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            last = (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1]
            raise TpchError(f"tpchgen-cli failed for {spec.table} at SF {scale:g}: {last}")
        table = _normalise(pq.read_table(Path(tmp) / f"{spec.table}.parquet"))
    pq.write_table(table, path, compression="zstd")
    return pq.read_table(path)


def resolve_named(spec: str, scale: float = DEFAULT_SCALE) -> Dataset | None:
    """The TPC-H dataset for a name like ``tpch-lineitem``, or None when ``spec`` is not one."""
    return load(spec, scale) if spec in TABLES else None


