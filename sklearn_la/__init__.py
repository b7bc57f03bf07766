"""Logit adjustment for long-tail classification.

sklearn-la implements Menon et al., "Long-tail learning via logit adjustment"
(ICLR 2021) for scikit-learn and PyTorch:

- :class:`LogitAdjustedClassifier` adjusts any fitted probabilistic classifier
  post hoc, ``argmax_y log p(y|x) - tau * log(pi_y)``;
- :class:`LogitAdjustedClassifierCV` tunes ``tau`` and the family member by
  cross-validation without refitting the base model per ``tau``, racing the
  members over the folds (about the cost of one cross-validation);
- :class:`BalancedBagging` makes a bag of base models on rebalanced subsets
  a member of the family, as any imbalanced-learn sampler can be;
- :class:`LogitAdjustedNet` (needs the ``torch`` extra) trains a neural net with
  the logit-adjusted loss through skorch.

The torch parts (:mod:`sklearn_la.losses`, :class:`LogitAdjustedNet`) are imported
lazily, so ``import sklearn_la`` works without torch installed.

Package layout, one concept per module (``sklearn_la/``)::

    _validation.py      every input check: targets, labels, sample weights,
                        priors and per-class vectors aligned by label, cost
                        matrices, grids
    _adjust.py          the numpy maths: base log-scores, offsets, the four
                        adjusted outputs, the log-linear intercept shift
    _family.py          the consistent family: every realisation of a member
                        (weights pi^-w, replicated rows, imbalanced-learn
                        samplers, BalancedBagging), and the prior a base was
                        trained under (samplers in its pipeline, balanced
                        ensembles, class_weight)
    _calibration.py     calibration, whole: temperature and bias-corrected
                        temperature scaling, their likelihood, and the
                        held-out scores they are fitted on
    _label_shift.py     EM estimate of a shifted deployment prior
    _cost.py            the expected-cost decision and scorer
    _routing.py         fit's metadata routed once to the base and splitter
    _docstrings.py      parameter text shared by several classes
    _posthoc.py         LogitAdjustedClassifier and the base both post-hoc
                        estimators share: parameters, the end of fit, the
                        prediction methods, routing, tags
    _cv.py              LogitAdjustedClassifierCV and its whole search: the
                        candidates, the worker (one member on one split,
                        every tau scored), the race, cv_results_
    _selection.py       the selection rules (paired, best, one_se,
                        consistent)
    datasets.py         make_long_tailed and the paper's synthetic data
    metrics/            _classification.py (balanced error, per-class and
                        group accuracy), _scorers.py, _cost.py (expected
                        cost), _plot/ (PerClassAccuracyDisplay,
                        TauCurveDisplay); their input checks are in
                        _validation.py
    nn/                 torch, imported only here: functional.py (one function
                        per loss, and the maths the modules share),
                        _losses.py (the loss modules), _net.py
                        (LogitAdjustedNet, skorch hooks only), _callbacks.py,
                        _modules.py (TabularMLP), _checks.py (the torch
                        side's checks)
    losses.py           public re-export of the loss modules
    _cli.py             the command line (``python -m sklearn_la``),
                        _cli_data.py (CSV files), _cli_models.py (the models)

Tests mirror this layout under ``tests/`` (``tests/nn/``, ``tests/metrics/``);
``tests/integration/``, ``tests/benchmarks/`` and ``tests/test_cli.py`` carry
the ``integration``, ``benchmark`` and ``cli`` markers.
"""

from ._cv import LogitAdjustedClassifierCV
from ._family import BalancedBagging
from ._posthoc import LogitAdjustedClassifier

__version__ = "0.1.0"

__all__ = [
    "BalancedBagging",
    "LogitAdjustedClassifier",
    "LogitAdjustedClassifierCV",
    "LogitAdjustedNet",
    "__version__",
]

# Names served by PEP 562 ``__getattr__``, so that torch is only imported on
# use; :mod:`sklearn_la.nn` is the one module that imports torch and skorch.
_LAZY = {"LogitAdjustedNet": ".nn"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        # sklearn_la.nn raises an ImportError that names the extra to install.
        module = importlib.import_module(_LAZY[name], __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
