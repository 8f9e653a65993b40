"""storagebench: measurements for choosing storage formats and access patterns.

The format codecs live in the top-level ``formats`` package; this package holds everything
around them: datasets, profiles, the case matrix, fidelity checks, targets (local disk, S3),
memory measurement, the run environment and the CLI.
"""

__version__ = "0.1.0"
