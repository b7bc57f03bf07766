"""Tests of sklearn_la.metrics._scorers: the long-tail scorers in model selection."""

import math

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.metrics import (
    balanced_error,
    get_scorer,
    make_group_scorer,
    per_class_recall,
)


class _LookupClassifier(ClassifierMixin, BaseEstimator):
    """Predicts the label stored for each X[:, 0] value; exposes ``class_counts_``."""

    def __init__(self, predictions=None):
        self.predictions = predictions

    def fit(self, X, y):
        self.classes_, self.class_counts_ = np.unique(y, return_counts=True)
        return self

    def predict(self, X):
        return np.asarray(self.predictions)[np.asarray(X)[:, 0].astype(int)]


def _long_tailed_blobs(seed=0):
    rng = np.random.default_rng(seed)
    sizes = [400, 60, 12]
    y = np.repeat([0, 1, 2], sizes)
    centers = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    X = centers[y] + rng.normal(size=(y.size, 2))
    return X, y


def test_group_scorer_reads_class_counts_from_fitted_estimator():
    X = np.arange(4).reshape(-1, 1)
    y = np.array([0, 0, 1, 2])
    model = _LookupClassifier(predictions=[0, 0, 0, 2]).fit(X, y)
    # Training counts: 0 -> 2 (many), 1 -> 1 (medium), 2 -> 1 (medium) with 1/1.
    kwargs = {"many_threshold": 1, "few_threshold": 1}
    assert make_group_scorer("many", **kwargs)(model, X, y) == 1.0
    assert make_group_scorer("medium", **kwargs)(model, X, y) == 0.5
    assert math.isnan(make_group_scorer("few", **kwargs)(model, X, y))


def test_group_scorer_looks_into_the_last_step_of_a_pipeline():
    X, y = _long_tailed_blobs()
    pipe = make_pipeline(
        StandardScaler(), LogitAdjustedClassifier(LogisticRegression())
    )
    pipe.fit(X, y)
    scorer = make_group_scorer("few", many_threshold=100, few_threshold=20)
    expected = per_class_recall(y, pipe.predict(X))[2]
    assert scorer(pipe, X, y) == pytest.approx(expected)


def test_group_scorer_with_fixed_class_counts_needs_no_class_counts_attribute():
    X, y = _long_tailed_blobs()
    model = LogisticRegression().fit(X, y)
    scorer = make_group_scorer("few", class_counts={0: 400, 1: 60, 2: 12})
    assert scorer(model, X, y) == pytest.approx(
        per_class_recall(y, model.predict(X))[2]
    )


def test_group_scorer_without_class_counts_attribute_says_what_to_do():
    X, y = _long_tailed_blobs()
    model = LogisticRegression().fit(X, y)
    with pytest.raises(
        TypeError, match=r"LogisticRegression does not have.*class_counts="
    ):
        make_group_scorer("many")(model, X, y)


def test_group_scorer_refuses_sample_weight_instead_of_ignoring_it():
    X, y = _long_tailed_blobs()
    model = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    scorer = make_group_scorer("few")
    assert repr(scorer) == (
        "make_group_scorer('few', many_threshold=100, few_threshold=20)"
    )
    with pytest.raises(TypeError, match=r"takes no `sample_weight`"):
        scorer(model, X, y, sample_weight=np.ones(y.size))


def test_group_scorer_counts_class_missing_from_training_fold_as_few_shot():
    X = np.arange(4).reshape(-1, 1)
    model = _LookupClassifier(predictions=[0, 0, 1, 1]).fit(X[:3], [0, 0, 1])
    # Class 2 is only in the evaluation data: zero training samples, few-shot.
    y_eval = np.array([0, 0, 1, 2])
    kwargs = {"many_threshold": 1, "few_threshold": 1}
    assert make_group_scorer("few", **kwargs)(model, X, y_eval) == 0.0
    assert make_group_scorer("many", **kwargs)(model, X, y_eval) == 1.0


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"group": "tail"}, ValueError, r"'group' parameter .* Got 'tail'"),
        ({"group": 1}, TypeError, r"'group' parameter of make_group_scorer"),
        ({"group": "few", "few_threshold": 200}, ValueError, "must not exceed"),
        ({"group": "few", "many_threshold": -1}, ValueError, "'many_threshold'"),
        ({"group": "few", "class_counts": [-1, 2]}, ValueError, "non-negative"),
        ({"group": "few", "class_counts": {0: np.nan}}, ValueError, "finite"),
        ({"group": "few", "class_counts": "ab"}, TypeError, "'class_counts'"),
    ],
)
def test_make_group_scorer_validates_arguments_up_front(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_group_scorer(**kwargs)


def test_group_scorers_select_tau_in_multimetric_grid_search():
    X, y = _long_tailed_blobs()
    scoring = {
        "few": make_group_scorer("few"),
        "many": make_group_scorer("many"),
        "balanced_error": get_scorer("balanced_error"),
    }
    search = GridSearchCV(
        LogitAdjustedClassifier(LogisticRegression()),
        {"tau": [0.0, 1.0]},
        scoring=scoring,
        refit="few",
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    results = search.cv_results_
    assert search.best_params_ == {"tau": 1.0}
    # Adjustment trades head accuracy for tail accuracy.
    assert results["mean_test_few"][1] > results["mean_test_few"][0]
    assert results["mean_test_many"][1] <= results["mean_test_many"][0]
    assert np.all(results["mean_test_balanced_error"] <= 0)


def test_group_scorers_accept_grid_search_with_sample_weight():
    X, y = _long_tailed_blobs()
    search = GridSearchCV(
        LogitAdjustedClassifier(LogisticRegression()),
        {"tau": [0.0, 1.0]},
        scoring={"few": make_group_scorer("few"), "acc": "accuracy"},
        refit="few",
        cv=3,
    )
    with pytest.warns(UserWarning, match="does not support sample_weight"):
        search.fit(X, y, sample_weight=np.ones(y.size))
    assert np.all(np.isfinite(search.cv_results_["mean_test_few"]))


def test_get_scorer_returns_long_tail_scorers_with_the_right_sign():
    X, y = _long_tailed_blobs()
    model = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    y_pred = model.predict(X)
    recall = per_class_recall(y, y_pred)
    assert get_scorer("balanced_error")(model, X, y) == pytest.approx(
        -balanced_error(y, y_pred)
    )
    assert get_scorer("worst_class_accuracy")(model, X, y) == pytest.approx(
        recall.min()
    )
    assert get_scorer("many_shot_accuracy")(model, X, y) == pytest.approx(recall[0])
    assert get_scorer("medium_shot_accuracy")(model, X, y) == pytest.approx(recall[1])
    assert get_scorer("few_shot_accuracy")(model, X, y) == pytest.approx(recall[2])


def test_get_scorer_falls_back_to_sklearn_and_names_valid_choices():
    X, y = [[0], [0], [0], [1]], [0, 0, 0, 1]
    model = DummyClassifier().fit(X, y)
    assert get_scorer("accuracy")(model, X, y) == pytest.approx(0.75)
    assert get_scorer("balanced_accuracy")(model, X, y) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="'few_shot_accuracy'.*get_scorer_names"):
        get_scorer("fewshot")


def test_get_scorer_works_in_cross_validate_by_instance():
    X, y = _long_tailed_blobs()
    scores = cross_validate(
        LogitAdjustedClassifier(LogisticRegression()),
        X,
        y,
        cv=3,
        scoring={
            name: get_scorer(name) for name in ["balanced_error", "few_shot_accuracy"]
        },
    )
    assert np.all(
        (-1 <= scores["test_balanced_error"]) & (scores["test_balanced_error"] <= 0)
    )
    assert np.all(
        (0 <= scores["test_few_shot_accuracy"])
        & (scores["test_few_shot_accuracy"] <= 1)
    )


def _weights(y, seed=0):
    return np.random.default_rng(seed).uniform(0.5, 2.0, y.size)


def test_group_scorer_is_a_plain_callable_scorer():
    scorer = make_group_scorer("few")
    # No private scikit-learn base class: what scikit-learn documents for
    # `scoring` is a callable ``scorer(estimator, X, y)``.
    assert all(
        cls.__module__.startswith(("sklearn_la", "builtins"))
        for cls in type(scorer).__mro__
    )


def test_group_scorers_in_cross_validate_with_several_scorers_and_sample_weight():
    X, y = _long_tailed_blobs()
    model = LogitAdjustedClassifier(LogisticRegression())
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scoring = {
        "few": make_group_scorer("few"),
        "many": make_group_scorer("many"),
        "balanced_error": get_scorer("balanced_error"),
        "accuracy": "accuracy",
    }
    scores = cross_validate(
        model, X, y, cv=cv, scoring=scoring, params={"sample_weight": _weights(y)}
    )
    for k, (train, test) in enumerate(cv.split(X, y)):
        fitted = LogitAdjustedClassifier(LogisticRegression()).fit(
            X[train], y[train], sample_weight=_weights(y)[train]
        )
        recall = per_class_recall(y[test], fitted.predict(X[test]))
        assert scores["test_few"][k] == pytest.approx(recall[2])
        assert scores["test_many"][k] == pytest.approx(recall[0])


def test_group_scorer_with_metadata_routing_gets_no_sample_weight():
    X, y = _long_tailed_blobs()
    with config_context(enable_metadata_routing=True):
        model = LogitAdjustedClassifier(
            LogisticRegression().set_fit_request(sample_weight=True)
        ).set_fit_request(sample_weight=True)
        scoring = {
            "few": make_group_scorer("few"),
            "accuracy": make_scorer(accuracy_score).set_score_request(
                sample_weight=True
            ),
        }
        search = GridSearchCV(
            model, {"tau": [0.0, 1.0]}, scoring=scoring, refit="few", cv=3
        ).fit(X, y, sample_weight=_weights(y))
    assert search.best_params_ == {"tau": 1.0}
    assert np.all(np.isfinite(search.cv_results_["mean_test_few"]))


@pytest.mark.parametrize(
    "scoring",
    [make_group_scorer("few"), "few_shot_accuracy"],
    ids=["instance", "name"],
)
def test_group_scorer_selects_tau_in_logit_adjusted_classifier_cv(scoring):
    X, y = _long_tailed_blobs()
    search = LogitAdjustedClassifierCV(
        LogisticRegression(), taus=[0.0, 1.0], scoring=scoring, cv=3
    ).fit(X, y, sample_weight=_weights(y))
    # The stand-in estimator of each fold exposes that fold's class_counts_.
    results = search.cv_results_["mean_test_score"]
    assert results[1] > results[0]
    assert search.best_tau_ == 1.0
