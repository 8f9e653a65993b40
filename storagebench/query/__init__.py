"""The ``query`` workload: a filter + group-by aggregate per dataset, run by every query engine
(pyarrow/Acero, pandas, polars, DuckDB) over the dataset written in every format, with every
engine's answer checked against the reference before it is timed.

* :mod:`storagebench.query.spec`     what a query is (conditions, keys, aggregate expressions);
* :mod:`storagebench.query.queries`  the registry: which query runs on which dataset;
* :mod:`storagebench.query.engines`  the registry of engines and how each runs a query;
* :mod:`storagebench.query.answers`  normalising and comparing answers (stated tolerance);
* :mod:`storagebench.query.bench`    the benchmark cases and the timed run.

Results (``suite == "query"``) carry, besides the format keys (``format``, ``compression``,
``dataset``, ``rows`` ...): ``operation`` "query", ``engine``, ``query`` (name),
``query_description``, ``query_sql`` (readable form), ``query_scan`` (how the engine read the
format), ``answer_rows``, ``answer_digest`` (same digest = same answer), ``answer_agrees``
(always True for a timing: a disagreeing answer is a failed outcome with the difference, never a
timing), ``answer_tolerance``, ``writer_engine``, ``bytes_on_disk``.
"""
