"""Run the sklearn-la benchmarks and collect their results.

Usage (from the repository root; see benchmarks/README.md)::

    python benchmarks/run.py                      # everything -> benchmarks/results/
    python benchmarks/run.py --quick              # smoke run -> a temporary folder
    python benchmarks/run.py losses               # one benchmark (its page + README)
    python benchmarks/run.py losses --default-malloc   # ... with its own flags
    python benchmarks/run.py speed                # a group: speed or experiments
    python benchmarks/run.py tabular --help       # a benchmark's flags
    python benchmarks/run.py --collect-only       # only rebuild results/README.md

Python puts this file's folder first on ``sys.path``, so the packages beside
it (``_common``, ``speed``, ``experiments``) import by name.
"""

import sys

from _common.suite import main

if __name__ == "__main__":
    sys.exit(main())
