"""pytest-benchmark configuration for storagebench lives in the repository's root conftest.py.

The suites' plugins (storagebench.pytest_plugin, storagebench.s3.pytest_plugin,
storagebench.dynamodb.pytest_plugin, storagebench.threevs.pytest_plugin) are loaded there, so
their options are known however pytest is started (``pytest --benchmark`` from the root,
``pytest benchmarks/``, ``storagebench run``).  Loading them here as well would register every
hook twice.
"""
