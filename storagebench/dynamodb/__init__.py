"""DynamoDB access patterns, measured: key lookups vs queries vs scans, with capacity and cost.

Modules: ``backends/`` (moto, dynalite, endpoint; a registry), ``client`` (counted retries, clear
errors), ``tables`` (layouts, padding, parallel loading), ``batching`` (UnprocessedItems/Keys),
``capacity`` (item size and RCU/WCU rules), ``patterns/`` (one module per access pattern; a
registry), ``bench`` (one case under pytest-benchmark), ``sweep`` (sizes per profile, percentiles,
log-log slopes), ``files_vs_items`` (Parquet on S3 vs GetItem), ``faults`` (injected throttling
and partial batches), ``pytest_plugin`` (options and fixtures).

extra_info keys added by this suite (``suite == "dynamodb"``):

Every case
    ``operation`` (pattern name, "load" or "files_vs_items"), ``api`` (GetItem, Query, ...),
    ``backend`` ("moto" | "dynalite" | "endpoint" | "aws"), ``endpoint``, ``backend_version``,
    ``backend_caveat`` (text to print next to the numbers; moto's says its Query loops over the
    table and its ConsumedCapacity is a constant), ``reports_capacity`` (bool), ``startup_s``,
    ``dataset`` ("police"), ``table_layout`` ("guid" | "composite"), ``table_items``,
    ``item_bytes`` (mean item size by DynamoDB's rules), ``item_bytes_target`` (0 = natural),
    ``seed``, ``profile``.
Pattern cases
    ``pattern_description``, ``consistency`` ("eventual" | "strong"), ``rounds``, ``p50_s``,
    ``p95_s``, ``p99_s`` (latency percentiles in seconds), ``scanned_count`` (items evaluated),
    ``returned_count``, ``pages``, ``rcu_computed`` (mean read units per operation by our
    rules), ``rcu_reported`` (mean ConsumedCapacity.CapacityUnits the backend reported),
    ``rcu_reported_meaningful`` (False on moto), ``rcu_agreement`` (computed == reported on
    every compared probe; None when nothing reported), ``rcu_probes_compared``,
    ``cost_per_million_usd`` (on-demand, from storagebench/data/prices.json), ``requests_per_op``,
    ``response_bytes_per_op``, ``throttle_retries``, ``unprocessed_resends``, ``correct``,
    ``latency_slope`` (log-log slope of p50 vs table size over the sizes that ran; added when
    the JSON is written; None with a single size).
Load cases
    ``load_s``, ``load_items_per_s``, ``load_writers``, ``load_batches``,
    ``unprocessed_resends``, ``throttle_retries``, ``wcu_computed``, ``wcu_per_item``,
    ``load_cost_usd``, ``cost_per_million_usd`` (per million items written).
Files vs items
    ``parquet_object_bytes``, ``parquet_row_group_rows``, ``parquet_row_groups``,
    ``parquet_compression``, ``parquet_sorted_by``, ``parquet_requests``,
    ``parquet_requests_detail``, ``parquet_bytes``, ``parquet_p50_s``/``p95_s``/``p99_s``,
    ``parquet_modelled_s``, ``parquet_cost_per_million_usd``, ``getitem_requests``,
    ``getitem_bytes``, ``getitem_p50_s``/..., ``getitem_modelled_s``, ``getitem_rcu_computed``,
    ``getitem_cost_per_million_usd``, ``latency_model`` (the labelled model's assumptions),
    ``s3_backend``; ``p50_s``.. are the Parquet lookup's.

The JSON's top-level ``storagebench.dynamodb`` holds ``slopes`` (storagebench.dynamodb.sweep.fit_slopes).
"""
