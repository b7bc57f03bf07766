"""The consistent family: class-balancing weights pi_y ** -w (weight_power)."""

import numpy as np
import pytest
from _core import RecordingClassifier, long_tailed
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier

from sklearn_la import LogitAdjustedClassifier
from sklearn_la._family import _balancing_weights

X_LT, Y_LT = long_tailed()


def test_balancing_weights_keep_the_total_and_follow_the_priors():
    y = np.array([0, 0, 0, 1])
    priors = np.array([0.75, 0.25])
    weights = _balancing_weights(y, priors, 1.0, None)
    np.testing.assert_allclose(weights.sum(), 4.0)
    np.testing.assert_allclose(weights[3] / weights[0], 3.0)
    sw = np.array([1.0, 2.0, 1.0, 4.0])
    weighted = _balancing_weights(y, priors, 0.5, sw)
    np.testing.assert_allclose(weighted.sum(), sw.sum())
    np.testing.assert_allclose(weighted[3] / weighted[0], 4 * 3**0.5)


def test_balancing_weights_of_a_zero_prior_class_stay_finite():
    weights = _balancing_weights(
        np.array([0, 0, 1]), np.array([1.0, 0.0]), 1.0, np.array([1.0, 1.0, 0.0])
    )
    np.testing.assert_allclose(weights, [1.0, 1.0, 0.0])


def test_weight_power_one_tau_zero_equals_balanced_class_weight():
    clf = LogitAdjustedClassifier(
        LogisticRegression(max_iter=2000), weight_power=1.0, tau=0.0
    ).fit(X_LT, Y_LT)
    balanced = LogisticRegression(max_iter=2000, class_weight="balanced").fit(
        X_LT, Y_LT
    )
    np.testing.assert_allclose(
        clf.estimator_.coef_, balanced.coef_, rtol=1e-6, atol=1e-8
    )
    np.testing.assert_array_equal(clf.predict(X_LT), balanced.predict(X_LT))


def test_weight_power_sets_the_consistent_default_tau():
    for w in [0.0, 0.25, 1.0]:
        clf = LogitAdjustedClassifier(GaussianNB(), weight_power=w).fit(X_LT, Y_LT)
        assert clf.tau_ == pytest.approx(1.0 - w)
    explicit = LogitAdjustedClassifier(GaussianNB(), weight_power=0.5, tau=1.0)
    assert explicit.fit(X_LT, Y_LT).tau_ == 1.0


def test_weight_power_zero_is_plain_post_hoc_adjustment():
    plain = LogitAdjustedClassifier(LogisticRegression(max_iter=1000), tau=1.0)
    family = LogitAdjustedClassifier(
        LogisticRegression(max_iter=1000), weight_power=0.0
    )
    np.testing.assert_array_equal(
        plain.fit(X_LT, Y_LT).predict_proba(X_LT),
        family.fit(X_LT, Y_LT).predict_proba(X_LT),
    )


def test_weight_power_multiplies_user_sample_weight():
    sw = np.linspace(0.5, 2, len(Y_LT))
    clf = LogitAdjustedClassifier(RecordingClassifier(), weight_power=0.5)
    clf.fit(X_LT, Y_LT, sample_weight=sw)
    priors = np.bincount(Y_LT, weights=sw) / sw.sum()
    expected = sw * priors[Y_LT] ** -0.5
    np.testing.assert_allclose(
        clf.estimator_.sample_weight_, expected * sw.sum() / expected.sum()
    )


def test_weight_power_needs_sample_weight_support():
    with pytest.raises(TypeError, match="does not accept sample_weight"):
        LogitAdjustedClassifier(KNeighborsClassifier(), weight_power=0.5).fit(
            X_LT, Y_LT
        )


def test_weight_power_with_frozen_estimator_is_refused():
    base = GaussianNB().fit(X_LT, Y_LT)
    with pytest.raises(ValueError, match="FrozenEstimator"):
        LogitAdjustedClassifier(FrozenEstimator(base), weight_power=0.5).fit(X_LT, Y_LT)
