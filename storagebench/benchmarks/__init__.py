"""The benchmark suites, one pytest module per suite (``test_<suite>.py``), shipped with the package.

They live inside the package so that ``pip install .`` (not editable) followed by
``storagebench run`` works from any folder: :mod:`storagebench.commands.run` runs pytest on this
folder with :data:`RUN_CONFIG` (the package's own pytest settings, never the configuration of
whatever project the user stands in) and loads :data:`PLUGINS` with ``-p``.

In a checkout, ``benchmarks/`` at the repository root is a symbolic link to this folder, so
``pytest benchmarks/``, ``pytest --benchmark`` and the node ids (``benchmarks/test_x.py::...``)
stay what they were; the root ``conftest.py`` loads the same :data:`PLUGINS`.
"""

from __future__ import annotations

from pathlib import Path

#: The pytest plugins every suite needs: options, fixtures, case parametrisation, JSON additions.
#: One list for both ways of starting pytest (the checkout's conftest.py and ``storagebench run``).
PLUGINS: tuple[str, ...] = (
    "storagebench.pytest_plugin",  # formats suite: --profile, --rows, --formats, ... and the JSON
    "storagebench.s3.pytest_plugin",  # S3 target: options, fixtures, cases
    "storagebench.dynamodb.pytest_plugin",  # DynamoDB suite: options, fixtures, JSON
    "storagebench.threevs.pytest_plugin",  # catalog, glacier, partitions, velocity, volume fixtures
)

#: This folder (the suites' modules), wherever the package is installed.
SUITES_DIR = Path(__file__).resolve().parent

#: pytest's configuration for ``storagebench run`` (given with ``-c``; its folder is the rootdir).
RUN_CONFIG = SUITES_DIR / "run.ini"


def suite_names() -> list[str]:
    """``local_formats``, ``s3_formats``, ... : one per ``test_<suite>.py`` in this folder."""
    return sorted(p.stem[len("test_"):] for p in SUITES_DIR.glob("test_*.py"))


def suite_path(name: str) -> Path:
    return SUITES_DIR / f"test_{name}.py"
