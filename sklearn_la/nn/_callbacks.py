"""The default callbacks of :class:`~sklearn_la.nn.LogitAdjustedNet`.

skorch's classifier scores ``valid_acc`` with scikit-learn's accuracy on the
net's predictions; the net's validation split holds encoded labels while its
``predict`` returns the original ones, so the scores here compare in encoded
space. ``valid_bacc`` adds the balanced accuracy, the metric of long-tail
learning, and :class:`_SetCriterionEpoch` drives epoch-aware criteria.
"""

import numpy as np
from skorch.callbacks import (
    Callback,
    EpochScoring,
    EpochTimer,
    PassthroughScoring,
    PrintLog,
)
from skorch.utils import to_numpy


def _encoded_predictions(net, X, y):
    # `y` comes from the validation dataset, so it holds the encoded labels.
    y = np.asarray(to_numpy(y), dtype=np.int64)
    return y, net.predict_proba(X).argmax(axis=1)


def _valid_accuracy(net, X, y):
    y, pred = _encoded_predictions(net, X, y)
    return float(np.mean(pred == y))


def _valid_balanced_accuracy(net, X, y):
    # Mean recall over the classes present in the validation split: a rare
    # class may be missing from a small split, and then has no recall.
    y, pred = _encoded_predictions(net, X, y)
    n_classes = len(net.classes_)
    hits = np.bincount(y, weights=(pred == y), minlength=n_classes)
    totals = np.bincount(y, minlength=n_classes)
    present = totals > 0
    return float(np.mean(hits[present] / totals[present]))


class _SetCriterionEpoch(Callback):
    """Tell an epoch-aware criterion (one with ``set_epoch``) which epoch starts.

    This drives the deferred re-weighting of :class:`~sklearn_la.nn.LDAMLoss`;
    criteria without ``set_epoch`` are left alone.
    """

    def on_epoch_begin(self, net, **kwargs):
        set_epoch = getattr(net.criterion_, "set_epoch", None)
        if set_epoch is not None:
            # The net records the new epoch before callbacks run: 0-based index.
            set_epoch(len(net.history) - 1)


def _default_callbacks():
    return [
        ("epoch_timer", EpochTimer()),
        ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
        ("valid_loss", PassthroughScoring(name="valid_loss")),
        (
            "valid_acc",
            EpochScoring(_valid_accuracy, name="valid_acc", lower_is_better=False),
        ),
        (
            "valid_bacc",
            EpochScoring(
                _valid_balanced_accuracy, name="valid_bacc", lower_is_better=False
            ),
        ),
        ("criterion_epoch", _SetCriterionEpoch()),
        ("print_log", PrintLog()),
    ]
