"""CLI subcommands, one module each (see storagebench/cli.py)."""
