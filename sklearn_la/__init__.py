"""Logit adjustment for long-tail classification.

sklearn-la implements Menon et al., "Long-tail learning via logit adjustment"
(ICLR 2021) for scikit-learn and PyTorch:

- :class:`LogitAdjustedClassifier` adjusts any fitted probabilistic classifier
  post hoc, ``argmax_y log p(y|x) - tau * log(pi_y)``;
- :class:`LogitAdjustedClassifierCV` tunes ``tau`` by cross-validation without
  refitting the base model per value;
- :class:`LogitAdjustedNet` (needs the ``torch`` extra) trains a neural net with
  the logit-adjusted loss through skorch.

The torch parts (:mod:`sklearn_la.losses`, :class:`LogitAdjustedNet`) are imported
lazily, so ``import sklearn_la`` works without torch installed.

Package layout, one concept per module::

    _validation.py   targets, label encoding, sample weights, per-class vectors
                     aligned by label, class priors: the only copies
    _adjust.py       the numpy maths: base log-scores, offsets, adjusted
                     outputs, the log-linear intercept shift, response methods
    _label_shift.py  EM estimate of a shifted deployment prior
    _calibration.py  temperature and bias-corrected temperature scaling of
                     log-scores, fitted by likelihood
    _calibrated.py   which held-out scores the estimators calibrate on
                     (out-of-fold per candidate; a frozen base's fit data)
    _cost.py         cost matrices: the check, the expected-cost decision,
                     the binary threshold, the deployment-prior cost scorer
    _family.py       the consistent family: class-balancing weights pi^-w
    _routing.py      fit's metadata routed once to the base model and splitter
    _docstrings.py   parameter text shared by both post-hoc estimators
    _base.py         the post-hoc meta-estimator base: fitted state,
                     prediction methods, routing, tags
    _posthoc.py      LogitAdjustedClassifier
    _cv.py           LogitAdjustedClassifierCV
    _cv_folds.py     one CV fold: the fold worker, scoring every tau on cached
                     out-of-fold scores through a stand-in estimator
    _selection.py    choosing the (weight_power, tau) candidate, cv_results_
    metrics/         _classification.py (balanced error, per-class and group
                     accuracy), _scorers.py (scorers), _cost.py (expected
                     cost and its scorer), _plot.py (displays)
    datasets.py      make_long_tailed and the paper's synthetic data
    nn/              torch: functional.py (loss maths), the loss modules,
                     _net.py (LogitAdjustedNet), _callbacks.py, _modules.py
                     (TabularMLP)
    losses.py        public re-export of the loss modules
    _cli.py          the command line, ``python -m sklearn_la``
"""

from ._cv import LogitAdjustedClassifierCV
from ._posthoc import LogitAdjustedClassifier

__version__ = "0.1.0"

__all__ = [
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

        try:
            module = importlib.import_module(_LAZY[name], __name__)
        except ImportError as exc:
            raise ImportError(
                f"sklearn_la.{name} needs torch and skorch, which are not "
                f"installed ({exc}). Install them with: pip install 'sklearn-la[torch]'"
            ) from exc
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
