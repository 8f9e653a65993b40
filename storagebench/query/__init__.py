"""The ``query`` workload: a filter + group-by aggregate per dataset, run by every query engine
(pyarrow/Acero, pandas, polars, DuckDB) over the dataset written in every format, with every
engine's answer checked against the reference before it is timed.

* :mod:`storagebench.query.spec`     what a query is (conditions, keys, aggregate expressions);
* :mod:`storagebench.query.queries`  the registry: which query runs on which dataset;
* :mod:`storagebench.query.engines`  the registry of engines and how each runs a query;
* :mod:`storagebench.query.answers`  normalising and comparing answers (stated tolerance);
* :mod:`storagebench.query.bench`    the benchmark cases and the timed run.

extra_info keys: :class:`storagebench.results.QueryRecord` (``suite == "query"``; required and
optional keys, types, units), checked when the run JSON is written and read.
"""
