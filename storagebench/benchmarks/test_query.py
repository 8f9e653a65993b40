"""The ``query`` workload: a filter + group-by aggregate per dataset, by every engine on every format.

Method: each dataset is written once per format by the format's reference writer at its default
compression (untimed).  Each query engine (pyarrow.dataset + Acero, pandas, polars lazy scan,
DuckDB SQL with an Arrow result) runs the dataset's query over that file the way its users write
it; the timed region is the whole query (reading the file and aggregating).  Before timing, the
engine's answer is compared with the reference answer (the query over the dataset in memory),
sorted by the group keys, floats within a stated tolerance: a disagreeing answer is a failed
outcome with the difference shown, never a timing.  Queries are registered per dataset in
storagebench/query/queries.py; the cases, the check and the extra_info keys are in
storagebench/query/bench.py.
"""

from __future__ import annotations

import pytest

from storagebench.pytest_plugin import skips_reported, suite_config
from storagebench.query.bench import QueryBench, query_cases

_BENCH_KEY = "_storagebench_query_bench"


def pytest_generate_tests(metafunc):
    if "query_case" in metafunc.fixturenames:
        cfg = suite_config(metafunc.config)
        from storagebench.harness import Harness

        probe = Harness(cfg.profile, cfg.dataset_specs, cfg.seed, memory_pass=False)  # builds datasets only
        try:
            cases = query_cases(probe, cfg.codecs, cfg.dataset_specs, cfg.profile)
        finally:
            probe.close()
        metafunc.parametrize("query_case", cases, ids=[c.id for c in cases])


@pytest.fixture(scope="session")
def query_bench(request, harness):
    bench = getattr(request.config, _BENCH_KEY, None)
    if bench is None:
        bench = QueryBench(harness)
        setattr(request.config, _BENCH_KEY, bench)
    return bench


def test_query(benchmark, query_bench, query_case):
    benchmark.group = f"query-{query_case.query}-{query_case.dataset}"
    with skips_reported():
        query_bench.run(query_case, benchmark)
