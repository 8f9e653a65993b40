"""One run's files in the runs directory: a unique id, the JSON while it is written, the log.

Shared by ``storagebench run`` and ``pytest --benchmark`` (the root conftest.py), so both keep a
run the same way:

* the id is ``<UTC time>-<profile>-<random>``: two runs started in the same second still get
  different names, and every file is created exclusively (``O_EXCL``), so no run can take
  another's name even if the random part collided;
* pytest-benchmark writes into ``.<id>.json.partial``; only a run that ended (not interrupted)
  with valid JSON is published as ``<id>.json`` (a hard link, which refuses to replace an
  existing file, then the partial name is removed): an interrupted run never shows up as
  complete and no earlier run is touched;
* the log ``<id>.log`` holds pytest's stdout and stderr with every URL's user info and query
  string removed (:func:`storagebench.urls.redact_text`); a command line pytest rejects leaves
  no log;
* the report of the run goes to ``<results>/reports/<id>/``, so concurrent runs never
  overwrite each other's report.

The runs directory is checked before anything starts: it must be a writable directory with
room for a run (:data:`MIN_FREE_BYTES`); a problem is one line naming ``--runs-dir``.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import TextIO

from formats.base import StorageBenchInputError
from storagebench import urls

# A quick run's JSON and log are a few MB; a full run's JSON tens of MB.  Less free space than
# this fails the run at its end (disk full while pytest-benchmark writes): refuse it at start.
MIN_FREE_BYTES = 64 * 2**20


class RunsDirError(StorageBenchInputError):
    """The runs directory cannot hold a run (missing parent, not a directory, read-only, full)."""


def check_runs_dir(runs_dir: Path, option: str = "--runs-dir") -> None:
    """Create ``runs_dir`` if needed and prove a file can be created there, or raise one clear line."""
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)
        probe = runs_dir / f".write-test-{secrets.token_hex(4)}"
        with open(probe, "x"):
            pass
        probe.unlink()
        free = shutil.disk_usage(runs_dir).free
    except OSError as exc:
        raise RunsDirError(f"{option} {runs_dir}: cannot write there ({_reason(exc)}); choose a writable "
                           "directory") from None
    if free < MIN_FREE_BYTES:
        raise RunsDirError(f"{option} {runs_dir}: only {free / 2**20:.1f} MiB free, a run needs at least "
                           f"{MIN_FREE_BYTES / 2**20:.0f} MiB; free some space or choose another directory")


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class RedactingWriter(io.TextIOBase):
    """A text stream that removes URL secrets (user info, query strings) before writing."""

    def __init__(self, target: TextIO):
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(urls.redact_text(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        super().close()  # flushes through to the target first
        self.target.close()

    @property
    def encoding(self) -> str:  # pytest's terminal writer asks
        return getattr(self.target, "encoding", "utf-8")


class RunFiles:
    """The names and the lifecycle of one run's files (see the module docstring)."""

    def __init__(self, runs_dir: Path, profile: str, option: str = "--runs-dir"):
        self.runs_dir = Path(runs_dir)
        self.option = option
        check_runs_dir(self.runs_dir, option)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        while True:
            self.id = f"{stamp}-{profile}-{secrets.token_hex(3)}"
            self.final = self.runs_dir / f"{self.id}.json"
            self.partial = self.runs_dir / f".{self.id}.json.partial"
            self.log = self.runs_dir / f"{self.id}.log"
            try:
                # The partial file claims the id; the final and log names must be free too.
                with open(self.partial, "x"):
                    pass
            except FileExistsError:
                continue
            if self.final.exists() or self.log.exists():
                self.partial.unlink()
                continue
            break

    @property
    def report_dir(self) -> Path:
        return self.runs_dir.parent / "reports" / self.id

    def open_log(self) -> TextIO:
        """The log, created exclusively, redacting URL secrets."""
        try:
            return RedactingWriter(open(self.log, "x", encoding="utf-8"))  # type: ignore[return-value]
        except OSError as exc:
            raise RunsDirError(f"{self.option} {self.runs_dir}: cannot create the log ({_reason(exc)})") from None

    def drop_log(self) -> None:
        self.log.unlink(missing_ok=True)

    def discard(self) -> None:
        """Forget the run's JSON (interrupted or rejected run)."""
        self.partial.unlink(missing_ok=True)

    def has_results(self) -> bool:
        try:
            return self.partial.stat().st_size > 0
        except FileNotFoundError:
            return False

    def publish(self) -> Path:
        """The complete run under its final name; raises a clear error when it cannot be saved."""
        try:
            text = self.partial.read_text(encoding="utf-8")
            try:
                json.loads(text)
            except ValueError:
                self.discard()
                raise RunsDirError(f"the run's JSON in {self.runs_dir} is incomplete (was the disk full? "
                                   f"see {self.log}); nothing was saved") from None
            clean = urls.redact_text(text)
            if clean != text:  # a secret inside a URL (an error message quoting it): never kept
                self.partial.write_text(clean, encoding="utf-8")
            os.link(self.partial, self.final)  # refuses to replace an existing file
            self.partial.unlink()
        except OSError as exc:
            self.discard()
            if exc.errno == errno.EEXIST:
                raise RunsDirError(f"{self.final} already exists; the new run was not saved over it") from None
            raise RunsDirError(f"{self.option} {self.runs_dir}: cannot save the run ({_reason(exc)})") from None
        return self.final
