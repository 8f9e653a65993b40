"""pytest-benchmark configuration for storagebench: options, parametrisation, fixtures.

Everything lives in :mod:`storagebench.pytest_plugin` (and the S3 / DynamoDB plugins as they
land) so the CLI and these benchmarks share one implementation.
"""

from storagebench.pytest_plugin import *  # noqa: F401,F403  (hooks and fixtures by name)

pytest_plugins = ("storagebench.dynamodb.pytest_plugin",)  # DynamoDB suite: options, fixtures, JSON
