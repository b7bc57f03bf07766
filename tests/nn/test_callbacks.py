"""The net's default callbacks (nn._callbacks)."""

from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("skorch")

from sklearn_la.nn._callbacks import (  # noqa: E402
    _default_callbacks,
    _SetCriterionEpoch,
    _valid_accuracy,
    _valid_balanced_accuracy,
)


class _FixedNet:
    """A net stand-in predicting ``proba`` and knowing ``n_classes`` labels."""

    def __init__(self, proba, n_classes):
        self.proba = np.asarray(proba)
        self.classes_ = np.array(["a", "b", "c"][:n_classes])

    def predict_proba(self, X):
        return self.proba


def test_scores_compare_encoded_labels_and_skip_absent_classes():
    # encoded truth 0, 0, 1, 1; class 2 absent from the split
    net = _FixedNet(np.eye(3)[[0, 1, 1, 1]], n_classes=3)
    y = np.array([0, 0, 1, 1])
    assert _valid_accuracy(net, None, y) == 0.75
    # recall 0.5 for class 0, 1.0 for class 1; class 2 has no recall
    assert _valid_balanced_accuracy(net, None, y) == 0.75


def test_set_criterion_epoch_passes_the_zero_based_epoch():
    seen = []
    net = SimpleNamespace(criterion_=SimpleNamespace(set_epoch=seen.append))
    for epoch in range(3):
        net.history = [None] * (epoch + 1)  # the net records the epoch first
        _SetCriterionEpoch().on_epoch_begin(net)
    assert seen == [0, 1, 2]
    # a criterion without set_epoch is left alone
    _SetCriterionEpoch().on_epoch_begin(SimpleNamespace(criterion_=object()))


def test_default_callbacks_score_balanced_accuracy_and_drive_the_criterion():
    names = [name for name, _ in _default_callbacks()]
    assert {"valid_acc", "valid_bacc", "criterion_epoch"} <= set(names)
    assert names[-1] == "print_log"
