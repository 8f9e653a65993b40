"""Timed rounds whose request counts cover the timed calls and nothing else.

Every catalog, Glacier, partitions, velocity and volume benchmark runs its operation through
:func:`run_rounds`: pytest-benchmark's ``pedantic`` calls ``setup -> operation -> teardown`` once
per round and times only the operation.  Request counting follows the same boundary: a mark is
taken at the END of each setup and the requests since it are collected at the START of the
teardown, so the counts hold exactly the timed calls' requests.  A setup's uploads or
``create_table`` calls, a verification read or a cleanup delete in the teardown are neither timed
nor counted, and no estimate of them is ever subtracted (an estimate is wrong as soon as a retry,
a multipart upload or a listing page changes the number).

What the operation returns can be checked in the teardown (``check``: the verification of the
very result that was timed, after the timer stopped, with no second run), and either kept
(pedantic returns the last round's result) or, with ``discard_result=True``, dropped in the
teardown: a full read of 10 million rows materialises the whole table, and holding round k's
result while round k+1 builds its own would double the process's peak memory; freeing it in the
teardown keeps deallocation outside the timer too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from storagebench.threevs.s3target import RequestCounts, S3Target

Setup = Callable[[], tuple[tuple, dict]]


@dataclass
class Rounds:
    """What :func:`run_rounds` observed: the result, timed calls made, and their requests."""

    result: Any
    calls: int
    counts: RequestCounts | None  # None when nothing was counted (local disk)
    teardown_seconds: list[float] = field(default_factory=list)

    def per_call(self) -> dict[str, Any]:
        """Request figures per timed call (None values when nothing was counted)."""
        if self.counts is None:
            return {"requests": None, "requests_by_op": None, "request_cost_usd": None}
        return self.counts.per_round(max(1, self.calls))


def run_rounds(benchmark: Any, operation: Callable[..., Any], *, rounds: int,
               setup: Setup | None = None, args: tuple = (), target: S3Target | None = None,
               teardown: Callable[..., None] | None = None, check: Callable[[Any], None] | None = None,
               discard_result: bool = False) -> Rounds:
    """``benchmark.pedantic(operation, ...)`` with counting limited to the timed calls.

    ``setup`` returns ``(args, kwargs)`` for one round (fresh names, uploads, ...); without it
    every round gets ``args``.  ``target``: the S3 endpoint whose requests are counted (None:
    nothing to count).  ``teardown(*args, **kwargs)`` runs after each timed call, after its
    requests were collected (verification, cleanup); its wall time is recorded apart in
    ``teardown_seconds`` (one entry per call).  ``check(result)`` runs in every teardown, first.
    """
    counter = target.counter if target is not None else None
    counts = RequestCounts() if counter is not None else None
    state: dict[str, Any] = {"mark": None, "args": None, "calls": 0, "box": None}
    teardown_seconds: list[float] = []

    def counted_setup() -> tuple[tuple, dict]:
        call_args, call_kwargs = setup() if setup is not None else (args, {})
        state["args"] = (call_args, call_kwargs)
        if counter is not None:
            state["mark"] = counter.mark()  # after the setup's own requests have settled
        return call_args, call_kwargs

    def counted_teardown(*call_args: Any, **call_kwargs: Any) -> None:
        if counter is not None and state["mark"] is not None:
            counts.add_records(counter.since(state["mark"]))
        state["mark"], state["args"] = None, None
        state["calls"] += 1
        if check is not None:
            check(state["box"])
        state["box"] = None  # a discarded result is freed here, outside the timer
        if teardown is not None:
            started = time.perf_counter()
            teardown(*call_args, **call_kwargs)
            teardown_seconds.append(time.perf_counter() - started)

    timed = operation
    if check is not None or discard_result:
        def timed(*call_args: Any, **call_kwargs: Any) -> Any:
            state["box"] = result = operation(*call_args, **call_kwargs)
            return None if discard_result else result

    result = benchmark.pedantic(timed, setup=counted_setup, teardown=counted_teardown, rounds=rounds,
                                iterations=1, warmup_rounds=0)
    if state["args"] is not None:
        # --benchmark-disable: pedantic runs setup and the operation once but no teardown.
        call_args, call_kwargs = state["args"]
        counted_teardown(*call_args, **call_kwargs)
    return Rounds(None if discard_result else result, state["calls"], counts, teardown_seconds)
