"""``python -m sklearn_la``: run the command of :mod:`sklearn_la._cli`."""

import sys

from ._cli import main

# Guarded so that importing this module (pytest's --doctest-modules collects the
# whole package) does not run the command.
if __name__ == "__main__":
    sys.exit(main())
