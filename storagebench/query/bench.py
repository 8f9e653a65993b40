"""The query benchmark: cases (dataset x query x format x engine) and the timed, checked run.

For each case the file is the dataset written once by the format's reference writer at the
format's default compression (the format harness's cached file, untimed).  Before timing, the
engine runs the query once and its answer is compared with the reference answer (the same query
over the dataset in memory, by pyarrow): every engine on every format must return the same
groups and values (:mod:`storagebench.query.answers`).  A disagreeing answer, or an engine that
cannot run the query on that file, is a *failed outcome* with the difference or the error; only
agreeing answers are timed (pytest-benchmark ``pedantic`` rounds of the engine's whole query:
reading the file and aggregating, the way its users run it).  Peak memory: the same separate
pass as the format benchmarks (a child of the clean forkserver, for every engine).

The quick profile runs the query on its ``narrow_datasets`` (or the run's first dataset), every
format and engine; standard and full run every dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import formats
from formats.base import Codec
from storagebench import memory
from storagebench.cases import dataset_label
from storagebench.harness import CaseSkipped, Harness, median_seconds
from storagebench.outcomes import error_summary
from storagebench.profiles import Profile
from storagebench.query import answers
from storagebench.query.engines import ENGINES, arrow_answer, get_engine
from storagebench.query.queries import queries_for
from storagebench.query.spec import Query
from storagebench.results import SUITE_QUERY



@dataclass(frozen=True)
class QueryCase:
    dataset: str  # dataset spec (generator name or file path)
    query: str  # query name
    format: str
    engine: str

    @property
    def id(self) -> str:
        return f"{self.format}-{self.engine}-{self.query}-{dataset_label(self.dataset)}"


def query_datasets(dataset_specs: list[str], profile: Profile) -> list[str]:
    if profile.narrow_datasets is None:
        return list(dataset_specs)
    chosen = [d for d in dataset_specs if d in profile.narrow_datasets or "/" in d or "." in d]  # + user files
    return chosen or dataset_specs[:1]


def query_cases(harness_like: Any, codecs: list[Codec], dataset_specs: list[str], profile: Profile,
                engines: list[str] | None = None) -> list[QueryCase]:
    """Every (dataset, query, format, engine).  ``harness_like.dataset(spec)`` builds datasets."""
    out = []
    for spec in query_datasets(dataset_specs, profile):
        for q in queries_for(harness_like.dataset(spec)):
            for codec in codecs:
                if not codec.writers():
                    continue
                for engine in engines or list(ENGINES):
                    out.append(QueryCase(spec, q.name, codec.name, engine))
    return out


class QueryBench:
    """Runs query cases on a format :class:`Harness` (its datasets, files and outcomes)."""

    def __init__(self, harness: Harness):
        self.harness = harness
        self._reference: dict[tuple[str, str], tuple[Query, Any]] = {}

    def query(self, case: QueryCase) -> tuple[Query, Any]:
        """The case's query and its reference answer (normalised), computed once."""
        key = (case.dataset, case.query)
        if key not in self._reference:
            ds = self.harness.dataset(case.dataset)
            q = next(q for q in queries_for(ds) if q.name == case.query)
            self._reference[key] = (q, answers.normalise(arrow_answer(ds.table, q), q))
        return self._reference[key]

    def _dims(self, case: QueryCase, codec: Codec, compression: str) -> dict[str, Any]:
        ds = self.harness.dataset(case.dataset)
        q, _ = self.query(case)
        return {"suite": SUITE_QUERY, "target": "local", "format": case.format, "compression": compression,
                "engine": case.engine, "query": q.name, "dataset": ds.name,
                "dataset_fingerprint": ds.fingerprint, "dataset_arrow_bytes": ds.arrow_bytes, "rows": ds.rows,
                "columns": ds.columns, "profile": self.harness.profile.name, "seed": self.harness.seed}

    def run(self, case: QueryCase, benchmark: Any) -> dict[str, Any]:
        h = self.harness
        codec = formats.get_codec(case.format)
        engine = get_engine(case.engine)
        writer = codec.writers()[0]
        compression = codec.default_compression if codec.default_compression in writer.write_compressions \
            else writer.write_compressions[0]
        dims = self._dims(case, codec, compression)
        missing = engine.missing_requirement()
        if missing:
            h.skip(case.id, missing, **dims)
        h.check_engines(codec, case.id, writer.name, **dims)
        q, reference = self.query(case)
        try:
            written = h.written_file(codec, writer.name, compression, case.dataset)
        except CaseSkipped as exc:
            h.skip(case.id, str(exc), **dims)
        location = written.location

        # Untimed check run: an answer that differs from the reference is a failure, not a time.
        try:
            answer = answers.normalise(engine.run(codec, location, q), q)
        except Exception as exc:
            h.skip(case.id, f"{case.engine} cannot run query {q.name!r} on the {case.format} file: {error_summary(exc)}",
                   status="failed", **dims)
        agreement = answers.compare(reference, answer, q)
        if not agreement.agrees:
            h.skip(case.id, f"{case.engine} on {case.format} gave a wrong answer to {q.name!r}: {agreement.detail}",
                   status="failed", **dims)

        benchmark.pedantic(engine.run, args=(codec, location, q), rounds=h.profile.rounds, iterations=1,
                           warmup_rounds=0)
        peak = memory.peak_memory_bytes(engine.run, codec, location, q) if h.memory_pass else None
        info = {
            **dims,
            "operation": "query",
            "writer_engine": writer.name,
            "query_description": q.description,
            "query_sql": q.sql_text(),
            "query_scan": engine.scan_label(case.format),
            "answer_rows": answer.num_rows,
            "answer_digest": answers.digest(answer),
            "answer_agrees": True,
            "answer_tolerance": answers.TOLERANCE_TEXT,
            "bytes_on_disk": written.size,
            "time_median_s": median_seconds(benchmark),
            "peak_memory_bytes": peak,
            "peak_memory_method": memory.METHOD if peak is not None else None,
        }
        benchmark.extra_info.update(info)
        return info
