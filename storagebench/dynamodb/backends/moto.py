"""moto's server as a DynamoDB backend (storagebench.moto_server.EmbeddedMoto on 127.0.0.1).

Zero setup, but not a model of DynamoDB's performance: moto answers Query and Scan by looping
over every item of the table in Python and reports a constant ConsumedCapacity (GetItem 0.5,
Query/Scan 1.0 per page, BatchGetItem one unit per key), TRAPS.md.  Its results carry that caveat.
"""

from __future__ import annotations

import time
from importlib import metadata

from storagebench.dynamodb.backends import BackendOptions, RunningBackend, backend
from storagebench.moto_server import DEFAULT_REGION, DUMMY_CREDENTIALS, EmbeddedMoto

CAVEAT = ("moto: Query and Scan loop over the whole table in Python and ConsumedCapacity is a "
          "constant (GetItem 0.5, Query/Scan 1.0 per page, BatchGetItem 1 per key), so moto "
          "latencies and rcu_reported say nothing about DynamoDB; compare counts and rcu_computed")


@backend("moto", "moto's server in-process on 127.0.0.1 (zero setup; not DynamoDB's performance)")
def start(options: BackendOptions) -> RunningBackend:
    started = time.perf_counter()
    server = EmbeddedMoto().start()
    return RunningBackend(
        name="moto", endpoint_url=server.endpoint_url, region=DEFAULT_REGION,
        credentials=dict(DUMMY_CREDENTIALS), reports_capacity=False, caveat=CAVEAT,
        version=metadata.version("moto"), startup_seconds=time.perf_counter() - started,
        _stop=server.stop)
