"""No hooks here: the suites' plugins (:data:`storagebench.benchmarks.PLUGINS`) are loaded by the
checkout's root conftest.py (``pytest --benchmark``, ``pytest benchmarks/``) and with ``-p`` by
``storagebench run``, so their options are known however pytest is started.  Declaring
``pytest_plugins`` here would fail for ``pytest --benchmark`` (pytest refuses it in a conftest it
finds during collection) and register every hook twice otherwise.
"""
