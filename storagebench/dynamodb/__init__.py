"""DynamoDB access patterns, measured: key lookups vs queries vs scans, with capacity and cost.

Modules: ``backends/`` (moto, dynalite, endpoint; a registry), ``client`` (counted retries, clear
errors), ``tables`` (layouts, padding, parallel loading), ``batching`` (UnprocessedItems/Keys),
``capacity`` (item size and RCU/WCU rules), ``patterns/`` (one module per access pattern; a
registry), ``bench`` (one case under pytest-benchmark), ``sweep`` (sizes per profile, percentiles,
log-log slopes), ``files_vs_items`` (Parquet on S3 vs GetItem), ``faults`` (injected throttling
and partial batches), ``pytest_plugin`` (options and fixtures).

extra_info keys: :class:`storagebench.results.DynamoDBRecord` (``suite == "dynamodb"``; every
case, pattern cases, load cases, files vs items: required and optional keys, types, units),
checked when the run JSON is written and read.  Latencies are ``p50_s``/``p95_s``/``p99_s``;
``latency_slope`` (log-log slope of p50_s vs table size) is added when the JSON is written and
shown in the report's DynamoDB section.

The JSON's top-level ``storagebench.dynamodb`` holds ``slopes`` (storagebench.dynamodb.sweep.fit_slopes).
"""
