"""Pytest collection of docs/: only the ``*.rst`` pages' doctests.

pyproject's ``--doctest-modules`` would import ``conf.py`` (which mirrors the
benchmark results into this folder) and the gallery scripts (which train
models and draw figures); ``tests/integration/test_docs_build.py`` runs those
through a real Sphinx build instead. Build outputs hold copies of the
examples and generated pages that must not be collected either.
"""

# conftest.py itself: as a doctest module it would be imported under the same
# name as the conftest.py files of tests/ subfolders.
collect_ignore = ["conf.py", "conftest.py", "_sphinxext"]
collect_ignore_glob = [
    "examples/*",
    "_build/*",
    "auto_examples/*",
    "generated/*",
    "benchmark_results/*",
    "_templates/*",
    "sg_execution_times.rst",
]
