"""The default callbacks of :class:`~sklearn_la.nn.LogitAdjustedNet`.

The net's predictions are labels, its validation split holds their indices:
``valid_acc`` and ``valid_bacc`` (balanced, over the classes the split holds)
compare indices.
"""

import numpy as np
from skorch.callbacks import EpochScoring
from skorch.utils import to_numpy


def _encoded(net, X, y):
    """The split's class indices and the net's predicted ones."""
    return np.asarray(to_numpy(y), dtype=np.int64), net.predict_proba(X).argmax(axis=1)


def _valid_accuracy(net, X, y):
    y, pred = _encoded(net, X, y)
    return float(np.mean(pred == y))


def _valid_balanced_accuracy(net, X, y):
    y, pred = _encoded(net, X, y)
    totals = np.bincount(y)
    hits = np.bincount(y, weights=pred == y, minlength=len(totals))
    return float(np.mean(hits[totals > 0] / totals[totals > 0]))


def _default_callbacks(skorch_callbacks):
    """skorch's, with ``valid_acc`` on indices and ``valid_bacc`` added."""
    callbacks = dict(skorch_callbacks)
    print_log = callbacks.pop("print_log")  # last, to print the others
    scores = {"valid_acc": _valid_accuracy, "valid_bacc": _valid_balanced_accuracy}
    for name, score in scores.items():
        callbacks[name] = EpochScoring(score, name=name, lower_is_better=False)
    return [*callbacks.items(), ("print_log", print_log)]
