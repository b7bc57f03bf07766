"""Behaviour of LogitAdjustedClassifierCV (tau tuned on cached out-of-fold scores)."""

import pickle

import numpy as np
import pandas as pd
import pytest
from _core import ReorderedClassifier
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import Bunch

from sklearn_la import (
    BalancedBagging,
    LogitAdjustedClassifier,
    LogitAdjustedClassifierCV,
)
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
        search="exhaustive",
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


def test_default_races_the_family_over_repeated_folds():
    clf = LogitAdjustedClassifierCV(GaussianNB()).fit(X, Y)
    results = clf.cv_results_
    members = set(zip(results["param_weight_power"], results["param_balance"]))
    # w = 0 is the same fit whatever the balance: one member.
    assert members == {(0.0, "weight")} | {
        (w, b) for w in (0.25, 0.5, 0.75, 1.0) for b in ("weight", "resample")
    }
    # 21 taus in [0, 2] plus the consistent 0.25 and 0.75.
    assert len(np.unique(results["param_tau"])) == 23
    assert sum(k.startswith("split") for k in results) == 10
    assert (clf.selection, clf.search, clf.random_state) == ("paired", "race", 0)
    # 9 members on split 0, the best 3 on splits 0-2, the best 2 on 0-4.
    per_member = results["n_splits"][:: len(np.unique(results["param_tau"]))]
    assert sorted(per_member.tolist()) == [1] * 6 + [3] + [5] * 2
    assert clf.n_fits_ == 9 + 3 * 2 + 2 * 2 + 1
    # The splits of the second repeat are never used by the race.
    for k in range(5, 10):
        assert np.all(np.isnan(results[f"split{k}_test_score"]))


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


def test_exhaustive_fits_once_per_fold_and_member_plus_refit():
    _FIT_SIZES.clear()
    clf = LogitAdjustedClassifierCV(
        _CountingClassifier(),
        taus=21,
        weight_powers=[0.0, 0.5],
        balances="weight",
        search="exhaustive",
        cv=4,
    ).fit(X, Y)
    assert len(_FIT_SIZES) == 2 * 4 + 1 == clf.n_fits_
    assert _FIT_SIZES[-1] == len(Y)


@pytest.mark.parametrize(
    "kwargs, n_fits",
    [
        ({}, 20),
        ({"weight_powers": "fast"}, 5 + 2 * 4 + 1),
        ({"weight_powers": [0.0]}, 5 + 1),
        ({"cv": 3}, 9 + 2 * 2 + 1),
        ({"search": "exhaustive"}, 91),
        ({"search": "exhaustive", "refit": False}, 90),
    ],
)
def test_fits_counted_by_the_base_equal_n_fits(kwargs, n_fits):
    _FIT_SIZES.clear()
    clf = LogitAdjustedClassifierCV(_CountingClassifier(), **kwargs).fit(X, Y)
    assert len(_FIT_SIZES) == clf.n_fits_ == n_fits


def test_weight_power_grid_is_searched_jointly_with_tau():
    clf = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000),
        taus=TAUS,
        weight_powers=[0, 0.5, 1],
        search="exhaustive",
        cv=3,
    ).fit(X, Y)
    results = clf.cv_results_
    assert len(results["params"]) == 5 * len(TAUS)
    np.testing.assert_array_equal(np.unique(results["param_weight_power"]), [0, 0.5, 1])
    assert clf.best_weight_power_ in (0.0, 0.5, 1.0)
    assert clf.weight_power_ == clf.best_weight_power_
    best = results["params"][clf.best_index_]
    assert (
        best
        == clf.best_params_
        == {
            "weight_power": clf.best_weight_power_,
            "balance": clf.best_balance_,
            "tau": clf.best_tau_,
        }
    )
    # As GridSearchCV's: the wrapper given them predicts as the refit does
    # (a "weight" member draws nothing at random).
    if clf.best_balance_ == "weight":
        wrapper = LogitAdjustedClassifier(
            LogisticRegression(max_iter=1000), **clf.best_params_
        ).fit(X, Y)
        np.testing.assert_allclose(wrapper.predict_proba(X), clf.predict_proba(X))
    assert sorted(results["rank_test_score"]) == list(range(1, 5 * len(TAUS) + 1))


@pytest.mark.filterwarnings("error")
def test_rare_class_fewer_members_than_folds_does_not_crash_nor_warn():
    # Handled on purpose, so scikit-learn's "least populated class" warning
    # is not passed on.
    y = Y.copy()
    y[np.flatnonzero(y == 2)[2:]] = 1  # class 2 keeps two members
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


@pytest.mark.parametrize(
    "method",
    ["predict", "predict_proba", "decision_function", "estimate_target_priors"],
)
def test_refit_false_keeps_results_and_says_why_it_cannot_predict(method):
    clf = LogitAdjustedClassifierCV(GaussianNB(), cv=3, refit=False).fit(X, Y)
    assert "mean_test_score" in clf.cv_results_
    with pytest.raises(NotFittedError, match="fitted with refit=False"):
        getattr(clf, method)(X)
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        getattr(LogitAdjustedClassifierCV(GaussianNB()), method)(X)


def test_refit_time_is_recorded_as_in_grid_search_only_when_refitting():
    refitted = LogitAdjustedClassifierCV(GaussianNB(), cv=3, taus=TAUS).fit(X, Y)
    assert isinstance(refitted.refit_time_, float) and refitted.refit_time_ > 0
    not_refitted = LogitAdjustedClassifierCV(GaussianNB(), cv=3, refit=False)
    assert not hasattr(not_refitted.fit(X, Y), "refit_time_")


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
        ({"target_priors": "estimate"}, "'target_priors' parameter"),
        ({"search": "halving"}, "'search' parameter"),
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
        GaussianNB(), taus=TAUS, cv=cv, selection="best", search="exhaustive"
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
        search="exhaustive",
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


# -- the race ------------------------------------------------------------------


@pytest.mark.parametrize(
    "n_members, n_splits, search, rungs",
    [
        (9, 10, "race", [(9, 1), (3, 3), (2, 5)]),
        (9, 5, "race", [(9, 1), (3, 3), (2, 5)]),
        (9, 3, "race", [(9, 1), (2, 3)]),
        (5, 10, "race", [(5, 1), (2, 5)]),
        (7, 10, "race", [(7, 1), (3, 3), (2, 5)]),
        (19, 10, "race", [(19, 1), (7, 3), (2, 5)]),
        (2, 10, "race", [(2, 5)]),
        (1, 10, "race", [(1, 5)]),
        (9, 1, "race", [(9, 1)]),
        (9, 10, "exhaustive", [(9, 10)]),
    ],
)
def test_race_schedule(n_members, n_splits, search, rungs):
    from sklearn_la._cv import _Progress, _rungs

    assert _rungs(n_members, n_splits, search) == rungs
    if search == "race" and n_members > 2 and n_splits >= 5:
        third = -(-n_members // 3)
        extra = 2 * third + 4 if third > 2 else 8
        members = [(w / n_members, "weight") for w in range(n_members)]
        progress = _Progress(rungs, members, verbose=0, refit=True, n_jobs=None)
        assert progress.planned == n_members + extra + 1


def _per_split(clf):
    results = clf.cv_results_
    n = sum(k.startswith("split") for k in results)
    return np.column_stack([results[f"split{k}_test_score"] for k in range(n)])


@pytest.mark.parametrize("calibration", [None, "temperature"])
def test_race_scores_each_member_and_split_as_the_exhaustive_search(calibration):
    # Same splits, same resampling seed per split: a (member, split) pair the
    # race ran scores what the exhaustive search scores there (calibrated
    # finalists aside: their maps see five splits, not ten).
    kwargs = dict(cv=5, random_state=3, calibration=calibration)
    race = LogitAdjustedClassifierCV(GaussianNB(), **kwargs).fit(X, Y)
    full = LogitAdjustedClassifierCV(GaussianNB(), search="exhaustive", **kwargs)
    full.fit(X, Y)
    ran = ~np.isnan(_per_split(race))
    assert ran.any(axis=1).all() and not ran.all()
    finalists = race.cv_results_["iter"] == race.cv_results_["iter"].max()
    if calibration is None:
        np.testing.assert_array_equal(_per_split(race)[ran], _per_split(full)[ran])
    else:
        # Members dropped before the last rung were ranked uncalibrated.
        plain = LogitAdjustedClassifierCV(
            GaussianNB(), search="exhaustive", cv=5, random_state=3
        ).fit(X, Y)
        early = ran & ~finalists[:, None]
        assert early.any()
        np.testing.assert_array_equal(_per_split(race)[early], _per_split(plain)[early])


def test_race_keeps_the_best_members_and_the_rule_picks_among_the_finalists():
    from sklearn_la._selection import _select_candidate

    clf = LogitAdjustedClassifierCV(LogisticRegression(max_iter=1000)).fit(X, Y)
    results = clf.cv_results_
    n_taus = len(np.unique(results["param_tau"]))
    per_split = _per_split(clf)
    rungs = results["iter"][::n_taus]
    # Each rung keeps the members whose own pick scored best on the splits
    # run so far.
    for rung, n_done in ((1, 1), (2, 3)):
        picks = []
        for m in range(len(rungs)):
            rows = slice(m * n_taus, (m + 1) * n_taus)
            if rungs[m] < rung - 1:
                picks.append(-np.inf)
                continue
            block = per_split[rows, :n_done]
            j = _select_candidate(
                block, results["param_tau"][rows], results["param_weight_power"][rows],
                "paired",
            )  # fmt: skip
            picks.append(block[j].mean())
        kept = np.flatnonzero(rungs >= rung)
        assert np.min(np.array(picks)[kept]) >= np.max(np.delete(np.array(picks), kept))
    finalists = np.flatnonzero(results["iter"] == 2)
    chosen = _select_candidate(
        per_split[finalists][:, :5],
        results["param_tau"][finalists],
        results["param_weight_power"][finalists],
        "paired",
    )
    assert clf.best_index_ == finalists[chosen]
    np.testing.assert_allclose(clf.best_score_, per_split[clf.best_index_, :5].mean())


def test_cv_results_mark_what_each_candidate_ran():
    clf = LogitAdjustedClassifierCV(GaussianNB(), cv=5).fit(X, Y)
    results = clf.cv_results_
    per_split = _per_split(clf)
    np.testing.assert_array_equal(
        results["n_splits"], np.sum(~np.isnan(per_split), axis=1)
    )
    np.testing.assert_allclose(
        results["mean_test_score"], np.nanmean(per_split, axis=1)
    )
    # Candidates of a later rung rank before those dropped earlier.
    order = np.argsort(results["rank_test_score"], kind="stable")
    assert np.all(np.diff(results["iter"][order]) <= 0)
    assert np.all(results["mean_fit_time"] > 0)
    assert set(results) >= {"std_fit_time", "mean_score_time", "std_score_time"}


def test_the_same_answer_twice_by_default():
    # The folds and the resampling draws are seeded by default; the base
    # model has its own seed.
    first = LogitAdjustedClassifierCV(
        RandomForestClassifier(n_estimators=5, random_state=0)
    )
    second = clone(first)
    first.fit(X, Y)
    second.fit(X, Y)
    for name in ("best_index_", "best_tau_", "best_weight_power_", "best_balance_"):
        assert getattr(first, name) == getattr(second, name)
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


def test_verbose_shows_the_plan_the_progress_the_drops_and_the_choice(capsys):
    LogitAdjustedClassifierCV(GaussianNB(), taus=TAUS, cv=3).fit(X, Y)
    assert capsys.readouterr().out == ""
    clf = LogitAdjustedClassifierCV(GaussianNB(), taus=TAUS, verbose=1).fit(X, Y)
    lines = capsys.readouterr().out.splitlines()
    tag = "[LogitAdjustedClassifierCV] "
    assert lines[0] == (
        tag + "9 member(s): all 9 on 1 split(s), the best 3 on 3 split(s), the best "
        "2 on 5 split(s); 20 fits of the base planned, the refit included"
    )
    progress = [line for line in lines if " fits: " in line]
    assert [line.split(" fits: ")[0] for line in progress] == [
        f"{tag}{k}/20" for k in range(1, 20)
    ]
    assert all(line.endswith(" s left") for line in progress)
    drops = [line for line in lines if "dropped" in line]
    assert [line.split(",")[0] for line in drops] == [
        tag + "after 1 split(s)",
        tag + "after 3 split(s)",
    ]
    assert lines[-1].startswith(
        f"{tag}chose weight_power={clf.best_weight_power_:g}, "
        f"balance={clf.best_balance_}, tau={clf.best_tau_:g} (mean balanced_accuracy "
    )
    assert lines[-1].endswith("; refitting")


def test_verbose_says_when_nothing_is_refitted(capsys):
    frozen = FrozenEstimator(GaussianNB().fit(X, Y))
    clf = LogitAdjustedClassifierCV(frozen, taus=TAUS, verbose=1).fit(X, Y)
    lines = capsys.readouterr().out.splitlines()
    assert clf.n_fits_ == 0
    assert lines[0].endswith("; a frozen base: scored, never fitted")
    assert not any(" fits: " in line for line in lines)
    assert lines[-1].endswith("; no refit: the base is frozen")
    LogitAdjustedClassifierCV(GaussianNB(), taus=TAUS, refit=False, verbose=1).fit(X, Y)
    assert capsys.readouterr().out.splitlines()[-1].endswith("; no refit (refit=False)")


def test_verbose_counts_fits_of_the_base_as_n_fits_does(capsys):
    # A bag member's fit is n_estimators fits of the base: the progress
    # counts them, and its plan is an upper bound tightened at each rung.
    bag = BalancedBagging(n_estimators=3)
    clf = LogitAdjustedClassifierCV(
        GaussianNB(), balances=["weight", bag], taus=TAUS, cv=5, verbose=1
    ).fit(X, Y)
    lines = capsys.readouterr().out.splitlines()
    assert "; at most " in lines[0] and lines[0].endswith(
        " fits of the base planned, the refit included"
    )
    plan = int(lines[0].split("; at most ")[1].split()[0])
    # Costs 1, 3 (bag) at w > 0: 17 on the first split, the 3 costliest on
    # two more, the 2 costliest on two more, a bag's refit.
    assert plan == 17 + 9 * 2 + 6 * 2 + 3
    steps = [line for line in lines if " fits: " in line]
    counts = [
        tuple(map(int, line.split("] ")[1].split(" fits: ")[0].split("/")))
        for line in steps
    ]
    done = [0] + [k for k, _ in counts]
    for line, before, after in zip(steps, done, done[1:]):
        assert after - before == (3 if "BalancedBagging" in line else 1), line
    plans = [plan] + [n for _, n in counts]
    assert all(later <= earlier for earlier, later in zip(plans, plans[1:]))
    refit = 3 if isinstance(clf.best_balance_, BalancedBagging) else 1
    assert clf.n_fits_ == done[-1] + refit <= plans[-1]


# -- parameters that would edit the grid silently ----------------------------


class _NoWeights(ClassifierMixin, BaseEstimator):
    """A classifier whose fit takes no sample_weight."""

    def fit(self, X, y):
        self.model_ = GaussianNB().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_auto_balances_resample_only_for_a_base_without_weights():
    clf = LogitAdjustedClassifierCV(_NoWeights(), cv=3).fit(X, Y)
    assert set(clf.cv_results_["param_balance"]) == {"resample"}
    assert len(set(clf.cv_results_["param_weight_power"])) == 5
    with pytest.raises(TypeError, match="does not accept sample_weight"):
        LogitAdjustedClassifierCV(_NoWeights(), balances="weight", cv=3).fit(X, Y)
    with pytest.raises(TypeError, match="does not accept sample_weight"):
        LogitAdjustedClassifierCV(
            _NoWeights(), balances=("weight", "resample"), cv=3
        ).fit(X, Y)


def test_auto_weight_powers_is_tau_only_for_a_frozen_base():
    frozen = FrozenEstimator(GaussianNB().fit(X, Y))
    clf = LogitAdjustedClassifierCV(frozen).fit(X, Y)
    assert set(clf.cv_results_["param_weight_power"]) == {0.0}
    assert clf.n_fits_ == 0
    with pytest.raises(ValueError, match="FrozenEstimator"):
        LogitAdjustedClassifierCV(frozen, weight_powers="family").fit(X, Y)


# -- what the CV must survive (issue: no silent wrong answer) ------------------


def test_binary_problem_with_one_minority_row_is_tuned():
    # The fold that tests the minority row trains on one class: it predicts
    # that class, without a fit that LogisticRegression would refuse.
    y = np.zeros(60, dtype=int)
    y[7] = 1
    X_small = np.random.default_rng(0).standard_normal((60, 2))
    _FIT_SIZES.clear()
    clf = LogitAdjustedClassifierCV(_CountingClassifier(), cv=5).fit(X_small, y)
    assert clf.n_fits_ == len(_FIT_SIZES)
    clf = LogitAdjustedClassifierCV(LogisticRegression(), cv=5).fit(X_small, y)
    assert set(clf.predict(X_small)) <= {0, 1}
    assert np.isfinite(clf.best_score_)


@pytest.mark.parametrize("routing", [False, True])
def test_groups_reach_the_splitter_with_or_without_routing(routing):
    from sklearn import config_context
    from sklearn.model_selection import GroupKFold

    groups = np.arange(len(Y)) % 6
    with config_context(enable_metadata_routing=routing):
        clf = LogitAdjustedClassifierCV(
            GaussianNB(), cv=GroupKFold(3), weight_powers=[0.0], refit=False
        )
        if routing:
            clf.estimator.set_fit_request(sample_weight=False)
        clf.fit(X, Y, groups=groups)
    assert clf.cv_results_["n_splits"][0] == 3


@pytest.mark.parametrize(
    "returned", [np.array([0.5, 0.5]), "0.5", [0.5], 1 + 2j, True, None]
)
def test_a_scorer_that_returns_no_single_number_is_refused_by_name(returned):
    def scorer(estimator, X, y):
        return returned

    clf = LogitAdjustedClassifierCV(GaussianNB(), cv=3, scoring=scorer)
    with pytest.raises(TypeError, match="`scoring` must return a single real number"):
        clf.fit(X, Y)


def test_equal_scores_share_the_lowest_rank():
    # Each member's taus above ~1.5 predict alike on this data: equal means
    # must rank alike, as in GridSearchCV (rankdata method="min").
    clf = LogitAdjustedClassifierCV(
        GaussianNB(), taus=np.linspace(0, 20, 41), search="exhaustive", cv=3
    ).fit(X, Y)
    results = clf.cv_results_
    for rung in np.unique(results["iter"]):
        same = results["iter"] == rung
        means = results["mean_test_score"][same]
        ranks = results["rank_test_score"][same]
        for value in np.unique(means):
            assert len(set(ranks[means == value])) == 1
    assert len(np.unique(results["mean_test_score"])) < len(results["params"])


# -- the worker and scoring every tau -----------------------------------------


def _worker(**overrides):
    from sklearn_la._cv import _fit_and_score

    routing = Bunch(fit_params={}, weight_key=None, sample_weight=None,
                    prior_weight=None)  # fmt: skip
    kwargs = dict(
        estimator=GaussianNB(),
        X=X,
        y=Y,
        train=np.arange(600),
        test=np.arange(600, 900),
        classes=np.unique(Y),
        member=(0.0, "weight"),
        priors=None,
        routing=routing,
        seed=0,
        response_method="predict_log_proba",
        taus=TAUS,
        target="uniform",
        cost_matrix=None,
        scorer="balanced_accuracy",
        keep_log_scores=True,
    )
    kwargs.update(overrides)
    return _fit_and_score(7, **kwargs)


def test_worker_returns_its_job_the_base_scores_without_a_copy_and_every_tau():
    class Recording(GaussianNB):
        def predict_log_proba(self, X):
            self.returned_ = super().predict_log_proba(X)
            return self.returned_

    base = Recording()
    job, fold = _worker(estimator=base)
    assert job == 7 and fold.fitted
    assert fold.log_scores is base.returned_
    manual = [
        balanced_accuracy_score(
            Y[600:], np.argmax(base.returned_ - t * np.log(fold.priors), axis=1)
        )
        for t in TAUS
    ]
    np.testing.assert_allclose(fold.scores, manual)
    _, dropped = _worker(estimator=GaussianNB(), keep_log_scores=False)
    assert dropped.log_scores is None
    np.testing.assert_array_equal(dropped.scores, fold.scores)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_a_class_of_zero_weight_in_a_training_split_is_never_predicted_there():
    weights = np.ones(len(Y))
    weights[Y == 2] = 0.0
    weights[np.flatnonzero(Y == 2)[:3]] = 1.0  # the full data keeps class 2
    routing = Bunch(fit_params={}, weight_key="sample_weight",
                    sample_weight=weights, prior_weight=weights)  # fmt: skip
    _, fold = _worker(
        routing=routing,
        train=np.flatnonzero((Y != 2) | (weights == 0)),
        test=np.arange(20),
        response_method="predict_proba",
    )
    assert fold.priors[2] == 0
    assert np.all(fold.log_scores[:, 2] == -np.inf)


def _replay(clf, X):
    """A _FoldPredictions of ``clf``'s canonical scores on ``X``."""
    from sklearn_la._adjust import _winners
    from sklearn_la._cv import _FoldPredictions

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
    from sklearn.metrics import get_scorer

    y = (Y > 0).astype(int)
    clf = LogitAdjustedClassifier(DecisionTreeClassifier(random_state=0)).fit(X, y)
    replay = _replay(clf, X)
    assert np.isneginf(replay.log_scores).any()
    assert np.isfinite(get_scorer(scoring)(replay, X, y))
    # scoring reads the cached scores, never changes them
    assert np.isneginf(replay.log_scores).any()


# Steps of 0.05 over [0, 2]: tau = 0 (where the integer scores tie exactly),
# 1 and 2 included; the general path calls the scorer once per tau.
GRID = np.round(np.linspace(0, 2, 41), 12)


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


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    "labels",
    [
        np.arange(7),
        np.array([5, 0, 3, 6, 1, 4, 2]),
        np.array(list("gcadbfe")),
        # Enough classes for numpy's blocked summation: a row of a 2-D
        # array and the same row as a 1-D array can then sum differently.
        np.random.default_rng(0).permutation(29),
    ],
    ids=["sorted", "unsorted-int", "unsorted-str", "many-classes"],
)
@pytest.mark.parametrize("target", ["uniform", "train", "array"])
def test_vectorised_balanced_accuracy_equals_the_general_path(seed, labels, target):
    import warnings

    from sklearn.metrics import get_scorer

    from sklearn_la._cv import _score_taus

    log_scores, priors, counts, y_test = _fold(seed, 60, len(labels), labels)
    if target == "array":
        target = np.random.default_rng(seed).dirichlet(np.ones(len(labels)))
    common = dict(
        log_scores=log_scores,
        priors=priors,
        counts=counts,
        taus=GRID,
        y_test=y_test,
        classes=labels,
        target=target,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fast path is warning-free
        fast = _score_taus(scorer="balanced_accuracy", **common)
    general = _score_taus(scorer=get_scorer("balanced_accuracy"), **common)
    np.testing.assert_array_equal(fast, general)


@pytest.mark.parametrize("scoring", [None, "balanced_accuracy"])
def test_an_out_of_fold_row_left_with_no_class_is_refused_on_every_scoring_path(
    scoring,
):
    # A tree gives a row to class 2 alone and target_priors rules class 2
    # out: the vectorised balanced accuracy used to predict class 0 there.
    X, y = make_classification(
        n_samples=300, n_classes=3, n_informative=4, weights=[0.8, 0.15, 0.05],
        random_state=0,
    )  # fmt: skip
    search = LogitAdjustedClassifierCV(
        DecisionTreeClassifier(random_state=0),
        target_priors=[0.5, 0.5, 0.0],
        scoring=scoring,
    )
    with pytest.raises(ValueError, match="out-of-fold scores is ruled out.*`target_"):
        search.fit(X, y)


def test_a_probability_metric_missing_a_class_in_a_test_fold_names_scoring():
    # Class 2 has 4 rows for 5 folds: one test fold lacks it. Log loss needs
    # every label then; the refusal says so, and the advice works.
    from sklearn.metrics import log_loss, make_scorer

    X, y = make_classification(
        n_samples=300, n_classes=3, n_informative=4, weights=[0.8, 0.15, 0.05],
        random_state=0,
    )  # fmt: skip
    y = np.where(y == 2, 1, y)
    y[:4] = 2
    search = LogitAdjustedClassifierCV(LogisticRegression(), scoring="neg_log_loss")
    with pytest.raises(
        ValueError, match=r"`scoring` .*log_loss.* lack the class\(es\) \[2\]"
    ):
        search.fit(X, y)
    labelled = make_scorer(
        log_loss, response_method="predict_proba", greater_is_better=False,
        labels=[0, 1, 2],
    )  # fmt: skip
    search.set_params(scoring=labelled).fit(X, y)
    assert np.isfinite(search.best_score_)


def test_consistent_selection_refuses_a_grid_without_every_consistent_tau():
    # It used to fall back to the plain best (tau = 0.2 at w = 0.5) silently.
    search = LogitAdjustedClassifierCV(
        LogisticRegression(), taus=[0.2, 0.3, 2.0], weight_powers=[0, 0.5],
        selection="consistent", cv=2,
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"`taus` lacks \[0.5, 1.0\]"):
        search.fit(X, Y)
    search.set_params(taus=[0.2, 0.5, 1.0]).fit(X, Y)
    assert search.best_tau_ == 1 - search.best_weight_power_


def test_vectorised_ties_go_to_the_first_class_among_the_maxima():
    from sklearn_la._cv import _balanced_accuracy_over_taus

    log_scores = np.zeros((4, 3))
    offsets = np.zeros((1, 3))
    y_true = np.array([0, 1, 2, 0])
    # Every row predicts class 0: recall 1 for class 0, 0 for the others.
    score = _balanced_accuracy_over_taus(log_scores, offsets, y_true, np.arange(3))
    assert score.tolist() == [1 / 3]


def test_large_splits_are_scored_in_chunks_with_the_same_result(monkeypatch):
    from sklearn_la import _cv

    log_scores, priors, counts, y_test = _fold(0, 300, 7, np.arange(7))
    offsets = -GRID[:, None] * np.log(np.where(priors > 0, priors, 1.0))
    y_true = y_test.astype(np.int64)
    whole = _cv._balanced_accuracy_over_taus(log_scores, offsets, y_true, np.arange(7))
    monkeypatch.setattr(_cv, "_CHUNK_ELEMENTS", 1)
    chunked = _cv._balanced_accuracy_over_taus(
        log_scores, offsets, y_true, np.arange(7)
    )
    np.testing.assert_array_equal(whole, chunked)


def test_members_are_listed_by_weight_power_whatever_the_order_of_balances():
    # Ties keep the member listed first: a lower w, so a pair entry listed
    # before "weight" must not put its w = 1 member ahead of every other.
    from sklearn_la._cv import _candidate_grid

    bag = BalancedBagging(n_estimators=3)
    _, members = _candidate_grid(
        taus=5, weight_powers=(1.0, 0.0, 0.5), balances=[(bag, [1.0]), "weight"]
    )
    assert members == [(0.0, "weight"), (0.5, "weight"), (1.0, bag), (1.0, "weight")]


def test_default_scoring_follows_a_target_prior_other_than_uniform():
    # Balanced accuracy would tune tau back to the balanced decision and undo
    # target_priors="train": the default scores the error at that prior,
    # here minus the error rate.
    kwargs = dict(weight_powers=[0.0], taus=TAUS, cv=3, target_priors="train")
    default = LogitAdjustedClassifierCV(GaussianNB(), **kwargs).fit(X, Y)
    accuracy = LogitAdjustedClassifierCV(GaussianNB(), scoring="accuracy", **kwargs)
    accuracy.fit(X, Y)
    np.testing.assert_allclose(
        default.cv_results_["mean_test_score"],
        accuracy.cv_results_["mean_test_score"] - 1.0,
    )
    assert default.best_tau_ == accuracy.best_tau_
    uniform = LogitAdjustedClassifierCV(
        GaussianNB(), **{**kwargs, "target_priors": "uniform"}
    )
    balanced = LogitAdjustedClassifierCV(
        GaussianNB(),
        scoring="balanced_accuracy",
        **{**kwargs, "target_priors": "uniform"},
    )
    np.testing.assert_array_equal(
        uniform.fit(X, Y).cv_results_["mean_test_score"],
        balanced.fit(X, Y).cv_results_["mean_test_score"],
    )


def test_boolean_mask_splits_are_the_same_as_their_indices():
    mask = np.zeros(len(Y), dtype=bool)
    mask[::3] = True
    kwargs = dict(weight_powers=[0.0, 1.0], taus=TAUS)
    masks = LogitAdjustedClassifierCV(GaussianNB(), cv=[(~mask, mask)], **kwargs)
    indices = LogitAdjustedClassifierCV(
        GaussianNB(), cv=[(np.flatnonzero(~mask), np.flatnonzero(mask))], **kwargs
    )
    np.testing.assert_array_equal(
        masks.fit(X, Y).cv_results_["mean_test_score"],
        indices.fit(X, Y).cv_results_["mean_test_score"],
    )


@pytest.mark.parametrize(
    "cv, rows, match",
    [
        ([], 40, r"cv=\[\] gave no \(train, test\) split"),
        (None, 6, r"cv=None cannot split these 6 rows: .*Pass a smaller cv"),
        (10, 6, r"cv=10 cannot split these 6 rows: .*Pass a smaller cv"),
        (
            [(np.array([], dtype=int), np.arange(40))],
            40,
            r"gave split 0 an empty training set; expected row indices of X in "
            r"\[0, 40\)",
        ),
        (
            [(np.arange(30), np.array([31, 40]))],
            40,
            r"gave split 0 test rows \[31, 40\]; expected integer indices",
        ),
    ],
)
def test_a_cv_that_cannot_split_is_refused_by_name(cv, rows, match):
    X_few, y_few = X[:rows], np.resize([0, 1], rows)
    with pytest.raises(ValueError, match=match):
        LogitAdjustedClassifierCV(GaussianNB(), cv=cv).fit(X_few, y_few)


@pytest.mark.parametrize("container", [np.array, pd.Series])
def test_balances_as_an_array_of_names_is_the_list_of_them(container):
    kwargs = dict(weight_powers=[0.0, 1.0], taus=TAUS, cv=3)
    listed = LogitAdjustedClassifierCV(
        GaussianNB(), balances=["weight", "resample"], **kwargs
    ).fit(X, Y)
    array = LogitAdjustedClassifierCV(
        GaussianNB(), balances=container(["weight", "resample"]), **kwargs
    ).fit(X, Y)
    np.testing.assert_array_equal(
        array.cv_results_["mean_test_score"], listed.cv_results_["mean_test_score"]
    )
    assert list(array.cv_results_["param_balance"]) == list(
        listed.cv_results_["param_balance"]
    )


def test_n_jobs_zero_is_refused_and_n_fits_is_a_python_int():
    with pytest.raises(ValueError, match="'n_jobs' parameter.*Got 0 instead"):
        LogitAdjustedClassifierCV(GaussianNB(), n_jobs=0).fit(X, Y)
    # A training fold of a single class (sorted labels, unshuffled folds) is
    # not fitted: the count stays a plain int all the same.
    order = np.argsort(Y, kind="stable")
    search = LogitAdjustedClassifierCV(GaussianNB(), cv=KFold(3), weight_powers=[0])
    search.fit(X[order], Y[order])
    assert type(search.n_fits_) is int


def test_a_group_splitter_without_groups_is_not_told_to_pass_an_int():
    from sklearn.model_selection import GroupKFold

    with pytest.raises(ValueError, match=r"cv=GroupKFold\(.*\) cannot split") as info:
        LogitAdjustedClassifierCV(GaussianNB(), cv=GroupKFold(3)).fit(X, Y)
    assert "smaller cv" not in str(info.value)


def test_an_explicit_uniform_target_prior_is_scored_as_the_default():
    uniform = np.full(len(np.unique(Y)), 1 / len(np.unique(Y)))
    kwargs = dict(weight_powers=[0.0], taus=TAUS, cv=3)
    default = LogitAdjustedClassifierCV(GaussianNB(), **kwargs).fit(X, Y)
    explicit = LogitAdjustedClassifierCV(GaussianNB(), target_priors=uniform, **kwargs)
    np.testing.assert_allclose(
        explicit.fit(X, Y).cv_results_["mean_test_score"],
        default.cv_results_["mean_test_score"],
    )
    assert explicit.scoring_name_ == default.scoring_name_ == "balanced_accuracy"
    train = LogitAdjustedClassifierCV(GaussianNB(), target_priors="train", **kwargs)
    assert train.fit(X, Y).scoring_name_ == "score (negated error at target_priors)"
