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
        base,
        taus=TAUS,
        weight_powers=[0.0, 0.5, 1.0],
        balances="weight",
        cv=cv,
        selection="best",
        scoring="balanced_accuracy",
    ).fit(X, Y)
    grid = GridSearchCV(
        LogitAdjustedClassifier(base),
        {"weight_power": [0.0, 0.5, 1.0], "tau": TAUS},
        cv=cv,
        scoring="balanced_accuracy",
    ).fit(X, Y)
    # GridSearchCV orders its candidates tau-major (sorted parameter names).
    np.testing.assert_allclose(
        fast.cv_results_["mean_test_score"],
        grid.cv_results_["mean_test_score"].reshape(len(TAUS), 3).T.ravel(),
    )
    assert fast.best_tau_ == pytest.approx(grid.best_params_["tau"])
    assert fast.best_weight_power_ == grid.best_params_["weight_power"]
    assert fast.best_score_ == pytest.approx(grid.best_score_)


def test_default_searches_the_family_on_repeated_folds():
    clf = LogitAdjustedClassifierCV(GaussianNB(), random_state=0).fit(X, Y)
    results = clf.cv_results_
    members = set(zip(results["param_weight_power"], results["param_balance"]))
    # w = 0 is the same fit whatever the balance: one member.
    assert members == {(0.0, "weight")} | {
        (w, b) for w in (0.25, 0.5, 0.75, 1.0) for b in ("weight", "resample")
    }
    # 21 taus in [0, 2] plus the consistent 0.25 and 0.75.
    assert len(np.unique(results["param_tau"])) == 23
    assert sum(k.startswith("split") for k in results) == 10
    assert clf.selection == "paired"


@pytest.mark.parametrize("balance", ["weight", "resample"])
def test_predicts_like_the_equivalent_fixed_tau_classifier(balance):
    fast = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000),
        weight_powers=[0.5],
        balances=balance,
        cv=3,
        random_state=0,
    ).fit(X, Y)
    assert (fast.best_balance_, fast.balance_) == (balance, balance)
    fixed = LogitAdjustedClassifier(
        LogisticRegression(max_iter=1000),
        tau=fast.best_tau_,
        weight_power=0.5,
        balance=balance,
        random_state=0,
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
        _CountingClassifier(),
        taus=21,
        weight_powers=[0.0, 0.5],
        balances="weight",
        cv=4,
    ).fit(X, Y)
    assert len(_FIT_SIZES) == 2 * 4 + 1
    assert _FIT_SIZES[-1] == len(Y)


def test_weight_power_grid_is_searched_jointly_with_tau():
    clf = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000), taus=TAUS, weight_powers=[0, 0.5, 1], cv=3
    ).fit(X, Y)
    results = clf.cv_results_
    assert len(results["params"]) == 5 * len(TAUS)
    np.testing.assert_array_equal(np.unique(results["param_weight_power"]), [0, 0.5, 1])
    assert clf.best_weight_power_ in (0.0, 0.5, 1.0)
    assert clf.weight_power_ == clf.best_weight_power_
    best = results["params"][clf.best_index_]
    assert best == {
        "weight_power": clf.best_weight_power_,
        "balance": clf.best_balance_,
        "tau": clf.best_tau_,
    }
    assert sorted(results["rank_test_score"]) == list(range(1, 5 * len(TAUS) + 1))


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
        LogisticRegression(max_iter=1000),
        taus=TAUS,
        weight_powers=[0.0],
        cv=3,
        scoring=scorer,
    ).fit(X, Y)
    assert len(seen) == 3 * len(TAUS)
    # every sample is scored once per tau, out of fold
    assert sum(seen) == len(Y) * len(TAUS)
    assert 0 < clf.best_score_ <= 1


def test_parallel_folds_give_identical_results():
    kwargs = dict(taus=TAUS, weight_powers=[0, 1], cv=3, random_state=0)
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
        ({"balances": ["weight", "bootstrap"]}, "`balances` entries must be in"),
        ({"balances": []}, "`balances` must hold at least one"),
        ({"priors": [0.5, 0.5]}, "`priors` has length 2"),
    ],
)
def test_bad_parameters_raise_naming_the_argument(params, match):
    with pytest.raises(ValueError, match=match):
        LogitAdjustedClassifierCV(GaussianNB(), cv=3, **params).fit(X, Y)


def test_repeated_splitter_scores_every_split():
    from sklearn.model_selection import RepeatedStratifiedKFold

    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    clf = LogitAdjustedClassifierCV(
        GaussianNB(), taus=TAUS, cv=cv, selection="best"
    ).fit(X, Y)
    splits = [k for k in clf.cv_results_ if k.startswith("split")]
    assert len(splits) == 6
    per_split = np.column_stack([clf.cv_results_[k] for k in splits])
    np.testing.assert_allclose(
        per_split.mean(axis=1), clf.cv_results_["mean_test_score"]
    )
    assert clf.best_index_ == np.argmax(clf.cv_results_["mean_test_score"])


def test_keyed_priors_are_aligned_by_label():
    series = pd.Series({2: 0.05, 1: 0.15, 0: 0.8})
    clf = LogitAdjustedClassifierCV(
        GaussianNB(), cv=3, taus=TAUS, priors=series, random_state=0
    )
    by_array = LogitAdjustedClassifierCV(
        GaussianNB(), cv=3, taus=TAUS, priors=[0.8, 0.15, 0.05], random_state=0
    )
    clf.fit(X, Y)
    np.testing.assert_allclose(clf.priors_, [0.8, 0.15, 0.05])
    np.testing.assert_allclose(
        clf.cv_results_["mean_test_score"],
        by_array.fit(X, Y).cv_results_["mean_test_score"],
    )


def test_base_with_unsorted_classes_is_tuned_like_the_sorted_one():
    kwargs = dict(cv=3, taus=TAUS, random_state=0)
    sorted_clf = LogitAdjustedClassifierCV(GaussianNB(), **kwargs).fit(X, Y)
    unsorted = LogitAdjustedClassifierCV(ReorderedClassifier(), **kwargs)
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
        ReorderedClassifier(),
        cv=3,
        taus=TAUS,
        random_state=0,
        **{name: [0.7, 0.2, 0.1]},
    )
    with pytest.raises(ValueError, match=f"`{name}` is an array"):
        clf.fit(X, Y)
    keyed = clone(clf).set_params(**{name: {0: 0.7, 1: 0.2, 2: 0.1}}).fit(X, Y)
    sorted_clf = LogitAdjustedClassifierCV(
        GaussianNB(), cv=3, taus=TAUS, random_state=0, **{name: [0.7, 0.2, 0.1]}
    ).fit(X, Y)
    np.testing.assert_array_equal(keyed.predict(X), sorted_clf.predict(X))


def test_estimate_target_priors_works_on_the_fitted_cv_estimator():
    clf = LogitAdjustedClassifierCV(LogisticRegression(max_iter=1000), cv=3)
    clf.fit(X, Y)
    shifted = X[Y == 2]
    q = clf.estimate_target_priors(shifted)
    np.testing.assert_allclose(q.sum(), 1.0)
    assert q[2] > 0.5 > clf.priors_[2]


def test_each_fold_is_scored_before_the_next_is_fitted():
    # Streamed folds: a fold's out-of-fold scores are scored and dropped
    # before the next fit, so they never pile up over folds and weight powers.
    events = []

    class Recording(LogisticRegression):
        def predict_proba(self, X):
            events.append("fold")
            return super().predict_proba(X)

    def scorer(estimator, X, y):
        events.append("score")
        return 0.0

    LogitAdjustedClassifierCV(
        Recording(max_iter=1000),
        taus=[1.0],
        weight_powers=[0, 1],
        balances="weight",
        cv=3,
        scoring=scorer,
        refit=False,
    ).fit(X, Y)
    assert events == ["fold", "score"] * 6


def test_balanced_accuracy_by_name_equals_the_sklearn_scorer_object():
    from sklearn.metrics import get_scorer

    kwargs = dict(
        taus=np.linspace(0, 2, 41), weight_powers=[0, 0.5], cv=3, random_state=0
    )
    by_name = LogitAdjustedClassifierCV(GaussianNB(), **kwargs).fit(X, Y)
    by_object = LogitAdjustedClassifierCV(
        GaussianNB(), scoring=get_scorer("balanced_accuracy"), **kwargs
    ).fit(X, Y)
    for key in ("split0_test_score", "mean_test_score", "rank_test_score"):
        np.testing.assert_array_equal(
            by_name.cv_results_[key], by_object.cv_results_[key]
        )


def test_verbose_prints_each_fold_as_it_returns_and_the_choice(capsys):
    LogitAdjustedClassifierCV(GaussianNB(), taus=TAUS, cv=3).fit(X, Y)
    assert capsys.readouterr().out == ""
    clf = LogitAdjustedClassifierCV(
        GaussianNB(),
        taus=TAUS,
        weight_powers=[0, 0.5],
        balances="weight",
        cv=3,
        verbose=1,
    ).fit(X, Y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 * 3 + 1
    assert lines[0].startswith("[CV 1/3] weight_power=0, balance=weight; fit ")
    assert f"scored {len(TAUS)} taus" in lines[0]
    assert lines[3].startswith("[CV 1/3] weight_power=0.5, balance=weight; fit ")
    assert lines[-1] == (
        f"[LogitAdjustedClassifierCV] chose weight_power={clf.best_weight_power_:g}, "
        f"balance=weight, tau={clf.best_tau_:g} "
        f"(mean balanced_accuracy {clf.best_score_:.4f})"
    )


def test_fold_with_every_class_returns_the_base_scores_without_a_copy():
    from sklearn_la._cv_folds import _fit_fold

    class Recording(GaussianNB):
        def predict_log_proba(self, X):
            self.returned_ = super().predict_log_proba(X)
            return self.returned_

    train, test = np.arange(600), np.arange(600, 900)
    base = Recording()
    common = dict(
        estimator=base,
        X=X,
        y=Y,
        train=train,
        test=test,
        classes=np.unique(Y),
        fit_params={},
        weight_key=None,
        sample_weight=None,
        prior_weight=None,
        priors="train",
        weight_power=0.0,
        balance="weight",
        seed=0,
        response_method="predict_log_proba",
    )
    log_scores, _, _ = _fit_fold(**common)
    assert log_scores is base.returned_


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


@pytest.mark.parametrize("calibration", ["temperature", "bcts"])
def test_calibration_follows_a_base_with_unsorted_classes(calibration):
    # The map is fitted on sorted-label columns; the refitted base's own
    # column order must receive the right class's bias and prior.
    kwargs = dict(cv=3, taus=TAUS, weight_powers=[0.0], random_state=0)
    plain = LogitAdjustedClassifierCV(GaussianNB(), calibration=calibration, **kwargs)
    rotated = LogitAdjustedClassifierCV(
        ReorderedClassifier(), calibration=calibration, **kwargs
    )
    plain.fit(X, Y)
    rotated.fit(X, Y)
    order = rotated.estimator_.order_
    np.testing.assert_array_equal(rotated.predict(X), plain.predict(X))
    np.testing.assert_allclose(
        rotated.predict_proba(X), plain.predict_proba(X)[:, order], rtol=1e-9
    )
    np.testing.assert_allclose(
        rotated.estimate_target_priors(X),
        plain.estimate_target_priors(X)[order],
        rtol=1e-6,
    )
