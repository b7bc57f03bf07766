"""Deployment-prior estimation (target_priors="estimate", Saerens et al. 2002)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from sklearn_la import LogitAdjustedClassifier
from sklearn_la._label_shift import _em_target_priors

MEANS = np.array([[0.0, 0.0], [2.5, 0.0], [0.0, 2.5]])


def _sample(class_sizes, seed):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(class_sizes)), class_sizes)
    X = MEANS[y] + rng.standard_normal((len(y), 2))
    return X, y


@pytest.mark.parametrize("target", [[0.1, 0.3, 0.6], [0.6, 0.3, 0.1], [1 / 3] * 3])
def test_em_estimate_approaches_the_true_shifted_prior(target):
    X_train, y_train = _sample([2000, 600, 200], seed=0)
    sizes = (np.asarray(target) * 6000).astype(int)
    X_test, _ = _sample(sizes, seed=1)
    clf = LogitAdjustedClassifier(LogisticRegression(), target_priors="estimate")
    clf.fit(X_train, y_train)
    estimate = clf.estimate_target_priors(X_test)
    np.testing.assert_allclose(estimate.sum(), 1.0)
    truth = sizes / sizes.sum()
    np.testing.assert_allclose(estimate, truth, atol=0.03)
    # EM moved away from its starting point, the training prior.
    assert np.abs(estimate - truth).max() < np.abs(clf.priors_ - truth).max() / 2


def test_estimated_prior_improves_accuracy_under_shift():
    X_train, y_train = _sample([2000, 600, 200], seed=0)
    X_test, y_test = _sample([100, 600, 2000], seed=2)
    shifted = LogitAdjustedClassifier(LogisticRegression(), target_priors="estimate")
    unaware = LogitAdjustedClassifier(LogisticRegression(), tau=0.0)
    acc_shifted = np.mean(shifted.fit(X_train, y_train).predict(X_test) == y_test)
    acc_unaware = np.mean(unaware.fit(X_train, y_train).predict(X_test) == y_test)
    assert acc_shifted > acc_unaware + 0.02


def test_no_shift_keeps_the_training_prior():
    posteriors = np.array([[0.7, 0.3], [0.2, 0.8], [0.9, 0.1], [0.5, 0.5]])
    pi = posteriors.mean(axis=0)
    np.testing.assert_allclose(_em_target_priors(np.log(posteriors), pi), pi, atol=1e-6)


def test_single_row_is_refused_clearly():
    X_train, y_train = _sample([200, 60, 20], seed=0)
    clf = LogitAdjustedClassifier(LogisticRegression(), target_priors="estimate")
    clf.fit(X_train, y_train)
    with pytest.raises(ValueError, match="needs at least 2 rows"):
        clf.predict(X_train[:1])
    assert clf.predict(X_train[:2]).shape == (2,)


def test_em_that_does_not_converge_warns():
    from sklearn.exceptions import ConvergenceWarning

    posteriors = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    with pytest.warns(ConvergenceWarning, match="did not converge in 2"):
        q = _em_target_priors(np.log(posteriors), np.array([0.5, 0.5]), max_iter=2)
    np.testing.assert_allclose(q.sum(), 1.0)
