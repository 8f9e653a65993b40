"""The suite's input errors: every bad name, unsupported case or unreadable user file is one of
these, so a command line can print one line naming the thing that is wrong."""

from __future__ import annotations

from typing import Iterable


class StorageBenchInputError(ValueError):
    """Base class for every user-facing input error (clear message, no deep traceback)."""


class UnknownNameError(StorageBenchInputError):
    """An unknown format/engine/compression/dataset name; the message lists the valid ones."""

    def __init__(self, kind: str, name: str, valid: Iterable[str]):
        self.kind, self.name, self.valid = kind, name, sorted(valid)
        super().__init__(f"unknown {kind} {name!r}; valid {kind}s: {', '.join(self.valid) or '(none)'}")


class UnsupportedCaseError(StorageBenchInputError):
    """A combination the codec/engine cannot do (the reason becomes a skip message)."""


class UserFileError(StorageBenchInputError):
    """A user's data file a codec refuses to load (the message names the file and what is wrong)."""
