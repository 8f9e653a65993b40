"""The target contract: a target written for a test (files counted in its own directory) is
used by the unchanged harness for writes, reads and skips; the suite's targets implement it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from fake_benchmark import FakeBenchmark
from formats.base import Codec, Location
from storagebench.cases import ReadCase, WriteCase
from storagebench.dynamodb.session import DynamoSession
from storagebench.harness import Harness
from storagebench.outcomes import CaseSkipped
from storagebench.profiles import get_profile
from storagebench.targets import LocalTarget, Target


class CountingTarget:
    """Files in one directory, every location handed out and every removal counted."""

    name = "counting-disk"

    def __init__(self, root: Path):
        self.root = root
        self.handed: list[str] = []
        self.discarded: list[str] = []
        self.counted_calls = 0

    def location(self, codec: Codec, stem: str, compression: str) -> Location:
        path = self.root / codec.file_name(f"{stem}-{len(self.handed)}", compression)
        self.handed.append(str(path))
        return Location(str(path))

    def reach(self, location: Location) -> Location:
        return location

    def discard(self, location: Location) -> None:
        self.discarded.append(location.path)
        Path(location.path).unlink()

    def counted(self, operation: Callable[[], Any]) -> list[Any] | None:
        self.counted_calls += 1
        operation()
        return None

    def describe(self) -> dict[str, Any]:
        return {"target": self.name}

    def files(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir())


@pytest.fixture
def harness_on(tmp_path):
    target = CountingTarget(tmp_path / "files")
    target.root.mkdir()
    h = Harness(get_profile("quick", rows=300), ["mixed"], 42, memory_pass=False,
                work_dir=tmp_path / "scratch", target=target)
    yield h, target
    h.close()


def test_the_suites_targets_implement_the_contract(tmp_path):
    from storagebench.s3.client_target import S3ClientTarget

    assert isinstance(CountingTarget(tmp_path), Target)
    assert isinstance(LocalTarget(tmp_path), Target)
    for method in ("location", "reach", "discard", "counted", "describe"):
        assert callable(getattr(S3ClientTarget, method))


def test_writes_go_to_the_given_target_and_every_round_is_removed(harness_on):
    h, target = harness_on
    b = FakeBenchmark()
    info = h.run_write(WriteCase("parquet", "pyarrow", "snappy", "mixed"), b)
    rounds = h.profile.rounds
    assert info["target"] == "counting-disk" and b.extra_info["target"] == "counting-disk"
    assert len(target.handed) == rounds and sorted(target.discarded) == sorted(target.handed)
    assert target.files() == []  # nothing left behind
    assert info["bytes_on_disk"] > 0 and info["fidelity"] == "lossless"


def test_reads_read_the_file_the_target_holds(harness_on):
    h, target = harness_on
    info = h.run_read(ReadCase("parquet", "pyarrow", "pyarrow", "snappy", "full", "mixed"), FakeBenchmark())
    # The read benchmarks' input file was written once, through the target, and stays there.
    assert len(target.handed) == 1 and target.discarded == []
    assert target.files() == [Path(target.handed[0]).name]
    assert info["target"] == "counting-disk" and info["rows_returned"] == 300
    h.run_read(ReadCase("parquet", "pyarrow", "pyarrow", "snappy", "projection", "mixed"), FakeBenchmark())
    assert len(target.handed) == 1  # the same file for the next workload


def test_a_skip_on_the_target_is_one_outcome_under_the_given_case_id(harness_on):
    h, _ = harness_on
    with pytest.raises(CaseSkipped, match="not installed"):
        h.check_engines(_missing_engine_codec(), "my-case", "pyarrow", target="counting-disk")
    (outcome,) = h.outcomes
    assert outcome.as_json()["case"] == "my-case" and outcome.as_json()["target"] == "counting-disk"
    assert outcome.suite == "formats" and outcome.status == "skipped"  # the harness's suite by default


def _missing_engine_codec() -> Any:
    class Engine:
        def missing_requirement(self) -> str:
            return "pyarrow is not installed"

    class Codec:
        def engine(self, name: str) -> Engine:
            return Engine()

    return Codec()


def test_dynamodb_skips_take_the_same_path():
    session = DynamoSession()
    with pytest.raises(CaseSkipped, match="no Node.js"):
        session.skip("dynalite-load-1k", "no Node.js", backend="dynalite")
    assert session.outcomes[0].as_json() == {"case": "dynalite-load-1k", "suite": "dynamodb",
                                             "status": "skipped", "reason": "no Node.js",
                                             "backend": "dynalite"}
    session.close()
