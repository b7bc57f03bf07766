"""Behaviour of LogitAdjustedClassifierCV (tau tuned on cached out-of-fold scores)."""

import pickle

import numpy as np
import pandas as pd
import pytest
from _core import ReorderedClassifier
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.metrics import make_group_scorer

X, Y = make_classification(
    n_samples=900,
    n_classes=3,
    n_informative=4,
    weights=[0.8, 0.15, 0.05],
    class_sep=0.8,
    flip_y=0,
    random_state=0,
)
TAUS = np.linspace(0, 2, 9)


@pytest.mark.parametrize(
    "base",
    [
        LogisticRegression(max_iter=1000),
        DecisionTreeClassifier(max_depth=4, random_state=0),
    ],
    ids=["logistic", "tree"],
)
def test_same_scores_and_best_tau_as_grid_search(base):
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    fast = LogitAdjustedClassifierCV(
        base, taus=TAUS, cv=cv, selection="best", scoring="balanced_accuracy"
    ).fit(X, Y)
    grid = GridSearchCV(
        LogitAdjustedClassifier(base), {"tau": TAUS}, cv=cv, scoring="balanced_accuracy"
    ).fit(X, Y)
    np.testing.assert_allclose(
        fast.cv_results_["mean_test_score"], grid.cv_results_["mean_test_score"]
    )
    assert fast.best_tau_ == pytest.approx(grid.best_params_["tau"])
    assert fast.best_score_ == pytest.approx(grid.best_score_)


def test_predicts_like_the_equivalent_fixed_tau_classifier():
    fast = LogitAdjustedClassifierCV(LogisticRegression(max_iter=1000), cv=3).fit(X, Y)
    fixed = LogitAdjustedClassifier(
        LogisticRegression(max_iter=1000), tau=fast.best_tau_
    ).fit(X, Y)
    np.testing.assert_allclose(fast.predict_proba(X), fixed.predict_proba(X))
    np.testing.assert_array_equal(fast.predict(X), fixed.predict(X))
    assert fast.tau_ == fast.best_tau_


_FIT_SIZES = []


class _CountingClassifier(ClassifierMixin, BaseEstimator):
    """GaussianNB recording the size of every fit in a module-level list."""

    def fit(self, X, y, sample_weight=None):
        _FIT_SIZES.append(len(y))
        self.model_ = GaussianNB().fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_base_is_fitted_once_per_fold_and_weight_power_plus_refit():
    _FIT_SIZES.clear()
    LogitAdjustedClassifierCV(
        _CountingClassifier(), taus=21, weight_powers=[0.0, 0.5], cv=4
    ).fit(X, Y)
    assert len(_FIT_SIZES) == 2 * 4 + 1
    assert _FIT_SIZES[-1] == len(Y)


def test_weight_power_grid_is_searched_jointly_with_tau():
    clf = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000), taus=TAUS, weight_powers=[0, 0.5, 1], cv=3
    ).fit(X, Y)
    results = clf.cv_results_
    assert len(results["params"]) == 3 * len(TAUS)
    np.testing.assert_array_equal(np.unique(results["param_weight_power"]), [0, 0.5, 1])
    assert clf.best_weight_power_ in (0.0, 0.5, 1.0)
    assert clf.weight_power_ == clf.best_weight_power_
    best = results["params"][clf.best_index_]
    assert best == {"weight_power": clf.best_weight_power_, "tau": clf.best_tau_}
    assert sorted(results["rank_test_score"]) == list(range(1, 3 * len(TAUS) + 1))


def test_rare_class_fewer_members_than_folds_does_not_crash():
    y = Y.copy()
    y[np.flatnonzero(y == 2)[2:]] = 1  # class 2 keeps two members
    with pytest.warns(UserWarning, match="least populated class"):
        clf = LogitAdjustedClassifierCV(LogisticRegression(max_iter=1000), cv=5)
        clf.fit(X, y)
    assert np.all(np.isfinite(clf.cv_results_["mean_test_score"]))
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (len(y), 3)


def test_scores_of_folds_without_a_class_use_minus_inf_for_it():
    # A single-member class is absent from all but one training fold; those
    # folds' models must never predict it, whatever tau.
    y = Y.copy()
    y[np.flatnonzero(y == 2)[1:]] = 1
    clf = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000), cv=3, taus=[0.0, 5.0]
    )
    with pytest.warns(UserWarning, match="least populated class"):
        clf.fit(X, y)
    assert np.all(np.isfinite(clf.cv_results_["mean_test_score"]))


@pytest.mark.parametrize(
    "scoring",
    [
        "balanced_accuracy",
        "worst_class_accuracy",
        "neg_log_loss",
        make_group_scorer("few", many_threshold=300, few_threshold=50),
    ],
)
def test_scoring_names_from_sklearn_and_long_tail_metrics(scoring):
    clf = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000), taus=TAUS, cv=3, scoring=scoring
    ).fit(X, Y)
    assert np.isfinite(clf.best_score_)


def test_scoring_undefined_for_every_candidate_is_refused():
    # No class has fewer than 20 training samples, so few-shot accuracy is nan.
    clf = LogitAdjustedClassifierCV(GaussianNB(), cv=3, scoring="few_shot_accuracy")
    with pytest.raises(ValueError, match="NaN for every candidate"):
        clf.fit(X, Y)


def test_callable_scoring_sees_fold_predictions():
    seen = []

    def scorer(estimator, X_val, y_val):
        y_pred = estimator.predict(X_val)
        seen.append(len(y_val))
        return balanced_accuracy_score(y_val, y_pred)

    clf = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000), taus=TAUS, cv=3, scoring=scorer
    ).fit(X, Y)
    assert len(seen) == 3 * len(TAUS)
    # every sample is scored once per tau, out of fold
    assert sum(seen) == len(Y) * len(TAUS)
    assert 0 < clf.best_score_ <= 1


def test_parallel_folds_give_identical_results():
    kwargs = dict(taus=TAUS, weight_powers=[0, 1], cv=3)
    serial = LogitAdjustedClassifierCV(LogisticRegression(max_iter=1000), **kwargs)
    parallel = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000), n_jobs=2, **kwargs
    )
    np.testing.assert_allclose(
        serial.fit(X, Y).cv_results_["mean_test_score"],
        parallel.fit(X, Y).cv_results_["mean_test_score"],
    )


def test_refit_false_keeps_results_but_cannot_predict():
    clf = LogitAdjustedClassifierCV(GaussianNB(), cv=3, refit=False).fit(X, Y)
    assert "mean_test_score" in clf.cv_results_
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_frozen_base_is_scored_on_the_given_data_without_refit():
    base = GaussianNB().fit(X[:450], Y[:450])
    theta = base.theta_.copy()
    clf = LogitAdjustedClassifierCV(FrozenEstimator(base), taus=TAUS).fit(
        X[450:], Y[450:]
    )
    assert clf.estimator_.estimator is base
    np.testing.assert_array_equal(base.theta_, theta)
    manual = [
        balanced_accuracy_score(
            Y[450:],
            LogitAdjustedClassifier(FrozenEstimator(base), tau=t)
            .fit(X[450:], Y[450:])
            .predict(X[450:]),
        )
        for t in TAUS
    ]
    np.testing.assert_allclose(clf.cv_results_["mean_test_score"], manual)


def test_pipeline_pickle_and_clone():
    pipe = make_pipeline(
        StandardScaler(), LogitAdjustedClassifierCV(GaussianNB(), cv=3)
    )
    pipe.fit(X, Y)
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict(X), pipe.predict(X))
    assert clone(pipe[-1]).get_params()["cv"] == 3


def test_string_labels():
    labels = np.array(["head", "mid", "tail"])[Y]
    clf = LogitAdjustedClassifierCV(GaussianNB(), cv=3).fit(X, labels)
    assert set(np.unique(clf.predict(X))) <= {"head", "mid", "tail"}


@pytest.mark.parametrize(
    "params, match",
    [
        ({"taus": [0.0, np.nan]}, "`taus` must be finite"),
        ({"taus": []}, "`taus` must be a non-empty 1-D"),
        ({"taus": 0}, "'taus' parameter"),
        (
            {"weight_powers": [0.0, 2.0]},
            r"`weight_powers` entries must lie in \[0, 1\]",
        ),
        ({"target_priors": "estimate"}, "target_priors='estimate' is not supported"),
        ({"selection": "median"}, "'selection' parameter"),
        ({"priors": [0.5, 0.5]}, "`priors` has length 2"),
    ],
)
def test_bad_parameters_raise_naming_the_argument(params, match):
    with pytest.raises(ValueError, match=match):
        LogitAdjustedClassifierCV(GaussianNB(), cv=3, **params).fit(X, Y)


def test_repeated_splitter_scores_every_split():
    from sklearn.model_selection import RepeatedStratifiedKFold

    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    clf = LogitAdjustedClassifierCV(GaussianNB(), taus=TAUS, cv=cv).fit(X, Y)
    splits = [k for k in clf.cv_results_ if k.startswith("split")]
    assert len(splits) == 6
    per_split = np.column_stack([clf.cv_results_[k] for k in splits])
    np.testing.assert_allclose(
        per_split.mean(axis=1), clf.cv_results_["mean_test_score"]
    )
    assert clf.best_index_ == np.argmax(clf.cv_results_["mean_test_score"])


def test_keyed_priors_are_aligned_by_label():
    series = pd.Series({2: 0.05, 1: 0.15, 0: 0.8})
    clf = LogitAdjustedClassifierCV(GaussianNB(), cv=3, taus=TAUS, priors=series)
    by_array = LogitAdjustedClassifierCV(
        GaussianNB(), cv=3, taus=TAUS, priors=[0.8, 0.15, 0.05]
    )
    clf.fit(X, Y)
    np.testing.assert_allclose(clf.priors_, [0.8, 0.15, 0.05])
    np.testing.assert_allclose(
        clf.cv_results_["mean_test_score"],
        by_array.fit(X, Y).cv_results_["mean_test_score"],
    )


def test_base_with_unsorted_classes_is_tuned_like_the_sorted_one():
    sorted_clf = LogitAdjustedClassifierCV(GaussianNB(), cv=3, taus=TAUS).fit(X, Y)
    unsorted = LogitAdjustedClassifierCV(ReorderedClassifier(), cv=3, taus=TAUS)
    unsorted.fit(X, Y)
    np.testing.assert_allclose(
        unsorted.cv_results_["mean_test_score"],
        sorted_clf.cv_results_["mean_test_score"],
    )
    np.testing.assert_array_equal(unsorted.classes_, [2, 0, 1])
    np.testing.assert_array_equal(unsorted.predict(X), sorted_clf.predict(X))


@pytest.mark.parametrize("name", ["priors", "target_priors"])
def test_an_array_prior_is_refused_for_a_base_with_unsorted_classes(name):
    clf = LogitAdjustedClassifierCV(
        ReorderedClassifier(), cv=3, taus=TAUS, **{name: [0.7, 0.2, 0.1]}
    )
    with pytest.raises(ValueError, match=f"`{name}` is an array"):
        clf.fit(X, Y)
    keyed = clone(clf).set_params(**{name: {0: 0.7, 1: 0.2, 2: 0.1}}).fit(X, Y)
    sorted_clf = LogitAdjustedClassifierCV(
        GaussianNB(), cv=3, taus=TAUS, **{name: [0.7, 0.2, 0.1]}
    ).fit(X, Y)
    np.testing.assert_array_equal(keyed.predict(X), sorted_clf.predict(X))


def test_estimate_target_priors_works_on_the_fitted_cv_estimator():
    clf = LogitAdjustedClassifierCV(LogisticRegression(max_iter=1000), cv=3)
    clf.fit(X, Y)
    shifted = X[Y == 2]
    q = clf.estimate_target_priors(shifted)
    np.testing.assert_allclose(q.sum(), 1.0)
    assert q[2] > 0.5 > clf.priors_[2]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"taus": True}, "'taus' parameter"),
        ({"taus": [0.0, True]}, "`taus` must be an array-like of numbers"),
        ({"weight_powers": [False, 1.0]}, "`weight_powers` must be an array-like"),
    ],
)
def test_a_bool_in_a_grid_is_refused_not_read_as_a_number(params, match):
    with pytest.raises(TypeError, match=match):
        LogitAdjustedClassifierCV(GaussianNB(), cv=3, **params).fit(X, Y)
