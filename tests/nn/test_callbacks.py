"""The net's default callbacks (sklearn_la.nn._callbacks)."""

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("skorch")

from skorch import NeuralNetClassifier  # noqa: E402

from sklearn_la.nn._callbacks import (  # noqa: E402
    _default_callbacks,
    _valid_accuracy,
    _valid_balanced_accuracy,
)


class _FixedNet:
    """A net stand-in predicting ``proba``."""

    def __init__(self, proba):
        self.proba = np.asarray(proba)

    def predict_proba(self, X):
        return self.proba


def test_scores_compare_encoded_labels_and_skip_absent_classes():
    # encoded truth 0, 0, 1, 1; class 2 absent from the split
    net = _FixedNet(np.eye(3)[[0, 1, 1, 1]])
    y = np.array([0, 0, 1, 1])
    assert _valid_accuracy(net, None, y) == 0.75
    # recall 0.5 for class 0, 1.0 for class 1; class 2 has no recall
    assert _valid_balanced_accuracy(net, None, y) == 0.75


def test_default_callbacks_are_skorchs_with_balanced_accuracy_and_print_log_last():
    skorch_callbacks = NeuralNetClassifier(None)._default_callbacks
    callbacks = dict(_default_callbacks(skorch_callbacks))
    assert list(callbacks)[-1] == "print_log"
    assert {"epoch_timer", "train_loss", "valid_loss", "valid_bacc"} <= set(callbacks)
    assert callbacks["valid_acc"].scoring is _valid_accuracy
