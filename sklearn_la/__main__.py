"""``python -m sklearn_la``: run the demo of :mod:`sklearn_la._demo`."""

import sys

from ._demo import main

# Guarded so that importing this module (pytest's --doctest-modules collects the
# whole package) does not run the demo.
if __name__ == "__main__":
    sys.exit(main())
