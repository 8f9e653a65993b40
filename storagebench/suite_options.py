"""The options that choose what the suites measure, defined once.

Both ways of starting a run take them: the pytest plugin adds them to pytest's parser
(:func:`add_to` in ``storagebench.pytest_plugin``), ``storagebench run`` adds the same table to
its own parser and forwards the values it got to the pytest it starts (:func:`forwarded`).  A new
option is one :class:`SuiteOption` here; nothing else lists it.  Values are parsed where they are
given (``type=``, :mod:`storagebench.options`), so a bad one is a usage error naming the option.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storagebench import options


@dataclass(frozen=True)
class SuiteOption:
    flag: str
    help: str
    kwargs: dict[str, Any] = field(default_factory=dict)  # argparse's: default, type, action, metavar
    path: bool = False  # a file or folder: forwarded as an absolute path

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    def arguments(self, value: Any) -> list[str]:
        """The command-line words that give ``value`` to this option again (none for unset)."""
        action = self.kwargs.get("action")
        if action == "store_true":
            return [self.flag] if value else []
        values = value if action == "append" else [value]
        out: list[str] = []
        for v in values:
            if v is None or v == "":
                continue
            out += [self.flag, str(Path(v).expanduser().resolve()) if self.path else str(v)]
        return out


SUITE_OPTIONS: tuple[SuiteOption, ...] = (
    SuiteOption("--profile", "quick | standard | full (default quick)", {"default": "quick"}),
    SuiteOption("--rows", "rows per generated dataset (overrides the profile; bounded by this machine's memory)",
                {"type": options.rows, "default": None}),
    SuiteOption("--formats", "comma list of formats (default: all)", {"default": ""}),
    SuiteOption("--datasets", "comma list of generated datasets (default: all)", {"default": ""}),
    SuiteOption("--dataset", "your own CSV/JSON/Parquet/ORC/Feather/Avro file as a dataset (repeatable)",
                {"action": "append", "default": [], "metavar": "PATH"}, path=True),
    SuiteOption("--compressions", "comma list of compressions (default: the profile's)", {"default": ""}),
    SuiteOption("--seed", "data seed (default 42)", {"type": options.seed, "default": 42}),
    SuiteOption("--no-memory", "skip the peak-memory pass", {"action": "store_true"}),
    SuiteOption("--keep-files", "keep the measured local format files under DIR (new or empty) with DIR/manifest.json",
                {"default": None, "metavar": "DIR"}, path=True),
)


def add_to(add_option: Any) -> None:
    """Add every suite option with ``add_option`` (argparse's ``add_argument`` or pytest's
    ``OptionGroup.addoption``: both take argparse's keywords)."""
    for option in SUITE_OPTIONS:
        add_option(option.flag, help=option.help, **option.kwargs)


def forwarded(namespace: Any) -> list[str]:
    """The suite options parsed into ``namespace`` (argparse), as pytest arguments."""
    return [word for option in SUITE_OPTIONS for word in option.arguments(getattr(namespace, option.dest))]
