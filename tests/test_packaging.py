"""``pip install .`` (not editable), then ``storagebench run`` from a folder that is not a checkout.

The package is built into a wheel the way pip builds it for a user (``pip wheel --no-deps``, with
build isolation: setuptools and wheel come from the package index, as on a user's machine) from
a copy of the sources, so the checkout gains no ``build/`` or ``*.egg-info``.  The wheel is
installed into a brand-new venv that sees the already installed dependencies
(``--system-site-packages``; installing pyarrow, pandas, polars ... again would take minutes and
prove nothing about our packaging) but not the checkout: the venv's own site-packages come first,
and the test checks that ``storagebench`` and ``formats`` are imported from there.

The run then proves what only the wheel can: the benchmark modules, their pytest configuration
and the report template are shipped; the runs folder is ``./results/runs`` of the current folder;
a ``pytest.ini`` in that folder (here one that would break any run) is not read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a wheel is built from (everything else in the checkout is tests, docs and results).
SOURCES = ("pyproject.toml", "README.md", "storagebench", "formats")

pytestmark = pytest.mark.slow


def _clean_env() -> dict[str, str]:
    """No PYTHONPATH: the checkout must not leak into the installed package's runs."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding only our wheel (dependencies from the system site-packages); its bin/."""
    base = tmp_path_factory.mktemp("packaging")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(src), "-w", str(base / "dist")],
                           capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    if built.returncode != 0 and ("NewConnectionError" in built.stderr or "No matching distribution" in built.stderr):
        pytest.skip("building the wheel needs setuptools and wheel from the package index, which is unreachable")
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((base / "dist").glob("storagebench-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                           "--no-index", str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin"


def test_the_installed_package_is_the_one_imported(installed: Path, tmp_path: Path) -> None:
    code = "import formats, storagebench, storagebench.benchmarks as b; print(storagebench.__file__, formats.__file__, b.RUN_CONFIG.is_file())"
    proc = subprocess.run([str(installed / "python"), "-c", code], cwd=tmp_path, env=_clean_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    package, fmts, config_shipped = proc.stdout.split()
    venv = str(installed.parent)
    assert package.startswith(venv) and fmts.startswith(venv), (package, fmts)
    assert config_shipped == "True"


def test_run_from_any_folder_keeps_the_run_there(installed: Path, tmp_path: Path) -> None:
    here = tmp_path / "somewhere"
    here.mkdir()
    # A configuration the user's own project might hold: pytest would read it if the run used
    # the current folder's settings, and this one makes any such run fail.
    (here / "pytest.ini").write_text("[pytest]\naddopts = --not-a-storagebench-option\n")
    proc = subprocess.run([str(installed / "storagebench"), "run", "--suites", "local_formats", "--rows", "200",
                           "--formats", "csv", "--datasets", "numeric", "--no-memory"],
                          cwd=here, env=_clean_env(), capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    runs = list((here / "results" / "runs").glob("*.json"))
    assert len(runs) == 1, list(here.rglob("*"))
    data = json.loads(runs[0].read_text())
    assert {b["extra_info"]["format"] for b in data["benchmarks"]} == {"csv"}
    assert data["storagebench"]["rows"] == 200
    log = runs[0].with_suffix(".log").read_text()
    rootdir = next(line for line in log.splitlines() if line.startswith("rootdir:"))
    assert str(installed.parent) in rootdir and str(ROOT) not in log, rootdir
    reports = list((here / "results" / "reports").glob("*/report.html"))
    assert len(reports) == 1  # the Jinja2 template is package data
