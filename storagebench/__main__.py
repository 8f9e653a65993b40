"""``python -m storagebench ...`` is the same as the ``storagebench`` console script."""

import sys

from storagebench.cli import main

sys.exit(main())
