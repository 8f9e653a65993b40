"""pytest-benchmark configuration for storagebench: options, parametrisation, fixtures.

The core (formats) plugin is imported by name; the S3 and DynamoDB suites are loaded as plugins
because their hooks share names with the core's (an ``import *`` would shadow them).
"""

from storagebench.pytest_plugin import *  # noqa: F401,F403  (hooks and fixtures by name)

pytest_plugins = [
    "storagebench.s3.pytest_plugin",  # S3 target: options, fixtures, cases
    "storagebench.dynamodb.pytest_plugin",  # DynamoDB suite: options, fixtures, JSON
    "storagebench.threevs.pytest_plugin",  # catalog, glacier, partitions, velocity, volume fixtures
]
