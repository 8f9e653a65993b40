"""pytest-benchmark's ``pedantic`` contract without timing, for tests that drive suite code.

Like ``--benchmark-disable`` but running every round, with ``setup`` called before each round as
pytest-benchmark does, so a test sees exactly the calls a benchmark run makes."""

from __future__ import annotations

from typing import Any, Callable


class FakeBenchmark:
    def __init__(self) -> None:
        self.extra_info: dict[str, Any] = {}
        self.stats = None

    def pedantic(self, target: Callable[..., Any], args: tuple = (), kwargs: dict | None = None,
                 setup: Callable[[], tuple[tuple, dict]] | None = None, rounds: int = 1,
                 iterations: int = 1, warmup_rounds: int = 0) -> Any:
        result = None
        for _ in range(rounds):
            a, k = setup() if setup else (args, kwargs or {})
            result = target(*a, **k)
        return result
