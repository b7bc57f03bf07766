"""What every benchmark shares: one runner, one renderer, the suite around them.

- ``runner``: the :class:`~_common.runner.Benchmark` declaration, the common
  flags (``--quick``, ``--tiny``, ``--seeds``, ``--device``, ``--out``,
  ``--no-write``) and :func:`~_common.runner.run`, which times a benchmark,
  prints its page and writes it;
- ``render``: markdown tables and ``mean ± std`` cells, the page (title, the
  command that reproduces it, body) and the writing of result files and
  figures;
- ``machine``: machine, version and load lines for the pages and the README;
- ``timing``: paired timings and peak memory, for the speed benchmarks;
- ``suite``: the registry of benchmarks and ``benchmarks/run.py``'s main;
- ``collect``: ``results/README.md``, collected from the result files.

Imported as the top-level package ``_common``: ``python benchmarks/run.py``
puts ``benchmarks/`` first on ``sys.path``, and the tests name it in pytest's
``pythonpath`` option.
"""
