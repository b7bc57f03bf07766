"""The vectorised balanced accuracy over taus equals scikit-learn's scorer."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import get_scorer

from sklearn_la._cv_folds import _score_taus
from sklearn_la._tau_scores import _balanced_accuracy_over_taus

TAUS = np.round(np.linspace(0, 2, 201), 12)


def _fold(seed, n_test, n_classes, labels):
    """Integer log-scores (many exact ties), a -inf column, a missing class."""
    rng = np.random.default_rng(seed)
    log_scores = rng.integers(-3, 1, size=(n_test, n_classes)).astype(float)
    log_scores[:, 1] = -np.inf  # a class absent from the training fold
    priors = rng.dirichlet(np.ones(n_classes))
    priors[1] = 0.0
    priors /= priors.sum()
    # Leave the last class out of y_test: predicted but never true.
    y_test = labels[rng.integers(0, n_classes - 1, size=n_test)]
    counts = rng.integers(1, 50, size=n_classes)
    return log_scores, priors, counts, y_test


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(
    "labels",
    [np.arange(7), np.array([5, 0, 3, 6, 1, 4, 2]), np.array(list("gcadbfe"))],
    ids=["sorted", "unsorted-int", "unsorted-str"],
)
@pytest.mark.parametrize("target", ["uniform", "train", "array"])
def test_vectorised_balanced_accuracy_equals_the_general_path(seed, labels, target):
    log_scores, priors, counts, y_test = _fold(seed, 60, len(labels), labels)
    if target == "array":
        target = np.random.default_rng(seed).dirichlet(np.ones(len(labels)))
    common = dict(
        log_scores=log_scores,
        priors=priors,
        counts=counts,
        taus=TAUS,
        y_test=y_test,
        classes=labels,
        target=target,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fast path is warning-free
        fast = _score_taus(scorer="balanced_accuracy", **common)
    general = _score_taus(scorer=get_scorer("balanced_accuracy"), **common)
    np.testing.assert_array_equal(fast, general)


def test_ties_go_to_the_first_class_among_the_maxima():
    log_scores = np.zeros((4, 3))
    offsets = np.zeros((1, 3))
    y_true = np.array([0, 1, 2, 0])
    # Every row predicts class 0: recall 1 for class 0, 0 for the others.
    score = _balanced_accuracy_over_taus(log_scores, offsets, y_true, np.arange(3))
    assert score.tolist() == [1 / 3]


def test_large_folds_are_scored_in_chunks_with_the_same_result(monkeypatch):
    from sklearn_la import _tau_scores

    log_scores, priors, counts, y_test = _fold(0, 300, 7, np.arange(7))
    offsets = -TAUS[:, None] * np.log(np.where(priors > 0, priors, 1.0))
    y_true = y_test.astype(np.int64)
    whole = _balanced_accuracy_over_taus(log_scores, offsets, y_true, np.arange(7))
    monkeypatch.setattr(_tau_scores, "_CHUNK_ELEMENTS", 1)
    chunked = _balanced_accuracy_over_taus(log_scores, offsets, y_true, np.arange(7))
    np.testing.assert_array_equal(whole, chunked)
