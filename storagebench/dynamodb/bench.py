"""Running one DynamoDB case under pytest-benchmark and filling its ``extra_info``.

Order of work for a pattern case (see storagebench.dynamodb.patterns for the pattern contract):

1. the table is loaded (untimed; cached for the session) and the pattern checked for fit;
2. probes are drawn with an RNG seeded from the run seed and the case name;
3. the first probe runs untimed: its answer is checked against the items written (a wrong
   answer is a failed case, not a timing), and its read units are computed by our rules and
   compared with the backend's ConsumedCapacity;
4. the timed rounds run one probe each (``benchmark.pedantic`` with a setup that hands the next
   probe, so drawing keys is not timed); every answer keeps its counts;
5. percentiles come from pytest-benchmark's raw round times (or our own clock with
   ``--benchmark-disable``).
"""

from __future__ import annotations

import itertools
import random
import time
import zlib
from dataclasses import dataclass
from typing import Any

from storagebench.dynamodb.capacity import read_cost_per_million, write_cost_per_million
from storagebench.dynamodb.patterns import Answer, Pattern, Probe
from storagebench.dynamodb.session import DynamoSession
from storagebench.dynamodb.sweep import percentiles
from storagebench.dynamodb.tables import LoadedTable, TableSpec
from storagebench.results import SUITE_DYNAMODB

SUITE = SUITE_DYNAMODB  # the name in the results contract (storagebench/results.py)


class CaseSkip(Exception):
    """A case that cannot run (reason in the message; recorded as an outcome)."""


@dataclass(frozen=True)
class DynamoCase:
    backend: str
    pattern: str
    spec: TableSpec

    @property
    def id(self) -> str:
        return f"{self.backend}-{self.pattern}-{self.spec.items}-{self.spec.item_bytes or 'natural'}"


def table_info(session: DynamoSession, backend: str, table: LoadedTable) -> dict[str, Any]:
    running = session.backend(backend)
    return {
        "suite": SUITE,
        **running.describe(),
        "dataset": "police",
        "table_layout": table.spec.layout,
        "table_items": table.spec.items,
        "item_bytes_target": table.spec.item_bytes,
        "item_bytes": table.mean_item_bytes,  # mean by DynamoDB's rules (capacity.item_size)
        "seed": table.spec.seed,
    }


def run_load(benchmark: Any, session: DynamoSession, backend: str, spec: TableSpec,
             profile: str) -> dict[str, Any]:
    """Time creating and loading the table for ``spec`` (it then serves the pattern cases)."""
    session.backend(backend)  # skip/raise before timing
    loaded: list[LoadedTable] = []
    benchmark.pedantic(lambda: loaded.append(session.table(backend, spec, reload=bool(loaded))),
                       rounds=1, iterations=1, warmup_rounds=0)
    table = loaded[-1]
    assert table.load is not None
    info = {**table_info(session, backend, table), "operation": "load", "profile": profile,
            **table.load.as_info(),
            "wcu_per_item": table.load.wcu_computed / max(1, table.load.items),
            "load_cost_usd": write_cost_per_million(table.load.wcu_computed) / 1e6,
            "cost_per_million_usd": write_cost_per_million(table.load.wcu_computed / max(1, table.load.items))}
    benchmark.extra_info.update(info)
    return info


def run_pattern(benchmark: Any, session: DynamoSession, case: DynamoCase, pattern: Pattern, rounds: int,
                profile: str, seed: int) -> dict[str, Any]:
    client = session.client(case.backend)
    table = session.table(case.backend, case.spec)
    reason = pattern.applicable(table)
    if reason:
        raise CaseSkip(reason)
    rounds = min(rounds, pattern.max_rounds or rounds)
    rng = random.Random(zlib.crc32(f"{seed}-{case.id}".encode()))
    probes = pattern.probes(table, rng, rounds + 1)

    # Untimed first probe: correctness, capacity by our rules vs the backend's, warm-up.
    first = probes[0]
    answer = pattern.execute(client, table, first)
    problem = pattern.check(table, first, answer)
    if problem:
        raise AssertionError(f"{case.id}: wrong answer: {problem}")
    computed = [pattern.rcu(client, table, first, answer)]
    reported = [answer.rcu_reported]

    answers: list[Answer] = []
    own_times: list[float] = []
    timed_probes = itertools.cycle(probes[1:])  # cycle: --benchmark-cprofile calls setup again
    before = client.counters.snapshot()

    def setup() -> tuple[tuple, dict]:
        return (next(timed_probes),), {}

    def one_round(probe: Probe) -> Answer:
        started = time.perf_counter()
        result = pattern.execute(client, table, probe)
        own_times.append(time.perf_counter() - started)
        answers.append(result)
        return result

    benchmark.pedantic(one_round, setup=setup, rounds=rounds, iterations=1, warmup_rounds=0)
    after = client.counters.snapshot()
    ran = probes[1:1 + len(answers)]
    if not pattern.audits_rcu:  # cheap: every timed round's capacity is computed and compared
        for probe, result in zip(ran, answers):
            computed.append(pattern.rcu(client, table, probe, result))
            reported.append(result.rcu_reported)

    samples = round_times(benchmark) or own_times
    comparable = [(c, r) for c, r in zip(computed, reported) if r is not None]
    running = session.backend(case.backend)
    rcu_mean = sum(computed) / len(computed)
    calls = max(1, len(answers))
    info = {
        **table_info(session, case.backend, table),
        "operation": pattern.name,
        "api": pattern.operation,
        "pattern_description": pattern.description,
        "consistency": pattern.consistency,
        "profile": profile,
        "rounds": len(samples),
        **percentiles(samples),
        "scanned_count": answer.scanned_count,
        "returned_count": answer.returned_count,
        "pages": len(answer.pages) or 1,
        "rcu_computed": rcu_mean,
        "rcu_reported": (sum(r for _, r in comparable) / len(comparable)) if comparable else None,
        "rcu_reported_meaningful": running.reports_capacity,
        "rcu_agreement": (all(abs(c - r) < 1e-9 for c, r in comparable) if comparable else None),
        "rcu_probes_compared": len(comparable),
        "cost_per_million_usd": read_cost_per_million(rcu_mean),
        "requests_per_op": (after["requests"] - before["requests"]) / calls,
        "response_bytes_per_op": (after["response_bytes"] - before["response_bytes"]) / calls,
        "throttle_retries": after["throttle_retries"] - before["throttle_retries"],
        "unprocessed_resends": sum(a.resends for a in answers),
        "correct": True,
    }
    benchmark.extra_info.update(info)
    return info


def round_times(benchmark: Any) -> list[float]:
    stats = getattr(benchmark, "stats", None)
    inner = getattr(stats, "stats", None)
    data = getattr(inner, "data", None)
    return [float(x) for x in data] if data else []
