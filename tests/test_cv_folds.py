"""One cross-validation fold: the fold worker and the scores it replays."""

import numpy as np
import pytest
from _core import long_tailed
from sklearn.metrics import get_scorer
from sklearn.naive_bayes import GaussianNB

from sklearn_la import LogitAdjustedClassifier
from sklearn_la._adjust import _winners
from sklearn_la._cv_folds import _fit_fold, _FoldPredictions

X, Y = long_tailed(n_samples=600)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_a_class_of_zero_weight_in_a_training_fold_is_never_predicted_there():
    weights = np.ones(len(Y))
    weights[Y == 2] = 0.0
    weights[np.flatnonzero(Y == 2)[:3]] = 1.0  # the full data keeps class 2
    log_scores, priors, _ = _fit_fold(
        estimator=GaussianNB(),
        X=X,
        y=Y,
        train=np.flatnonzero((Y != 2) | (weights == 0)),
        test=np.arange(20),
        classes=np.array([0, 1, 2]),
        fit_params={},
        weight_key="sample_weight",
        sample_weight=weights,
        prior_weight=weights,
        priors="train",
        weight_power=0.0,
        balance="weight",
        seed=0,
        response_method="predict_proba",
    )
    assert priors[2] == 0
    assert np.all(log_scores[:, 2] == -np.inf)


def _replay(clf, X):
    """A _FoldPredictions of ``clf``'s canonical scores on ``X``."""
    scores = clf._scores(X)[0]
    return _FoldPredictions(
        clf.classes_, clf.class_counts_, scores, _winners(scores, "predict_proba")
    )


@pytest.mark.parametrize("y", [Y, (Y > 0).astype(int)], ids=["multiclass", "binary"])
def test_replayed_scores_give_the_fitted_estimators_outputs(y):
    clf = LogitAdjustedClassifier(GaussianNB()).fit(X, y)
    replay = _replay(clf, X)
    np.testing.assert_array_equal(replay.predict(X), clf.predict(X))
    np.testing.assert_allclose(replay.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_allclose(replay.predict_log_proba(X), clf.predict_log_proba(X))
    np.testing.assert_allclose(replay.decision_function(X), clf.decision_function(X))


@pytest.mark.parametrize("scoring", ["roc_auc", "average_precision", "neg_log_loss"])
def test_a_replayed_impossible_class_still_scores(scoring):
    from sklearn.tree import DecisionTreeClassifier

    y = (Y > 0).astype(int)
    clf = LogitAdjustedClassifier(DecisionTreeClassifier(random_state=0)).fit(X, y)
    replay = _replay(clf, X)
    assert np.isneginf(replay.log_scores).any()
    assert np.isfinite(get_scorer(scoring)(replay, X, y))
    # scoring reads the cached scores, never changes them
    assert np.isneginf(replay.log_scores).any()
