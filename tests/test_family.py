"""The consistent family: class balancing pi_y ** -w by weights or resampling."""

import warnings

import numpy as np
import pytest
from _core import RecordingClassifier, long_tailed
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la._family import (
    _balancing_weights,
    _resample_indices,
    _resampled_counts,
)

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


# -- the family by resampling (balance="resample") ---------------------------


class _RowSpy(ClassifierMixin, BaseEstimator):
    """GaussianNB without sample_weight that records every training set."""

    fits = []

    def fit(self, X, y):
        type(self).fits.append((np.asarray(X).copy(), np.asarray(y).copy()))
        self.model_ = GaussianNB().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def _resampled(weight_power, random_state=0, **kwargs):
    _RowSpy.fits = []
    clf = LogitAdjustedClassifier(
        _RowSpy(),
        weight_power=weight_power,
        balance="resample",
        random_state=random_state,
        **kwargs,
    )
    clf.fit(X_LT, Y_LT)
    return clf, _RowSpy.fits[-1]


@pytest.mark.parametrize("weight_power", [0.25, 0.5, 1.0])
def test_resampled_counts_follow_n_y_times_pi_y_to_minus_w(weight_power):
    _, (_, y_fit) = _resampled(weight_power)
    n = np.bincount(Y_LT)
    pi = n / n.sum()
    expected = np.rint(n * (pi.max() / pi) ** weight_power).astype(int)
    np.testing.assert_array_equal(np.bincount(y_fit), expected)
    # The resampled frequencies are pi ** (1 - w) up to rounding: tau = 1 - w.
    np.testing.assert_allclose(
        np.bincount(y_fit) / len(y_fit),
        pi ** (1 - weight_power) / np.sum(pi ** (1 - weight_power)),
        atol=2 / len(y_fit),
    )


def test_resampled_counts_round_to_nearest_and_never_drop_rows():
    counts = np.array([100, 10, 3, 0])
    priors = np.array([100, 10, 3, 0]) / 113
    np.testing.assert_array_equal(
        _resampled_counts(counts, priors, 0.5), [100, 32, 17, 0]
    )
    # User priors that make a small class the "head" still never drop rows.
    np.testing.assert_array_equal(
        _resampled_counts(counts, np.array([0.1, 0.8, 0.1, 0.0]), 1.0),
        [800, 10, 24, 0],
    )


def test_resampling_keeps_every_row_and_is_deterministic():
    _, (X_a, y_a) = _resampled(0.5, random_state=3)
    _, (X_b, _) = _resampled(0.5, random_state=3)
    _, (X_c, _) = _resampled(0.5, random_state=4)
    np.testing.assert_array_equal(X_a, X_b)
    assert not np.array_equal(X_a, X_c)
    np.testing.assert_array_equal(X_a[: len(Y_LT)], X_LT)
    np.testing.assert_array_equal(y_a[: len(Y_LT)], Y_LT)


@pytest.mark.parametrize("labels", ["int", "str"])
def test_resampling_at_w_one_is_random_over_sampler(labels):
    imblearn = pytest.importorskip("imblearn.over_sampling")
    y = Y_LT if labels == "int" else np.array(["head", "mid", "tail"])[Y_LT]
    _RowSpy.fits = []
    LogitAdjustedClassifier(
        _RowSpy(), weight_power=1.0, balance="resample", random_state=7
    ).fit(X_LT, y)
    X_fit, y_fit = _RowSpy.fits[-1]
    X_ros, y_ros = imblearn.RandomOverSampler(random_state=7).fit_resample(X_LT, y)
    np.testing.assert_array_equal(X_fit, X_ros)
    np.testing.assert_array_equal(y_fit, y_ros)


def test_resample_works_without_sample_weight_support_and_tau_is_consistent():
    clf, _ = _resampled(0.75)
    assert clf.tau_ == pytest.approx(0.25)
    assert clf.balance_ == "resample"
    with pytest.raises(TypeError, match="does not accept sample_weight"):
        LogitAdjustedClassifier(_RowSpy(), weight_power=0.75).fit(X_LT, Y_LT)


def test_resampled_rows_carry_their_sample_weight():
    sw = np.linspace(0.5, 2, len(Y_LT))
    clf = LogitAdjustedClassifier(
        RecordingClassifier(), weight_power=1.0, balance="resample", random_state=0
    )
    clf.fit(X_LT, Y_LT, sample_weight=sw)
    rows = _resample_indices(Y_LT, clf.priors_, 1.0, np.random.RandomState(0))
    np.testing.assert_array_equal(clf.estimator_.sample_weight_, sw[rows])
    # The priors (and so the counts) are the weighted ones.
    np.testing.assert_allclose(clf.priors_, np.bincount(Y_LT, weights=sw) / sw.sum())


def test_resampling_in_a_pipeline_and_with_pandas():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(X_LT, columns=[f"f{i}" for i in range(X_LT.shape[1])])
    clf = LogitAdjustedClassifier(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        weight_power=0.5,
        balance="resample",
        random_state=0,
    ).fit(X, pd.Series(Y_LT))
    assert clf.predict(X).shape == (len(Y_LT),)
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns)


def test_resample_with_frozen_estimator_is_refused():
    base = GaussianNB().fit(X_LT, Y_LT)
    with pytest.raises(ValueError, match="FrozenEstimator"):
        LogitAdjustedClassifier(
            FrozenEstimator(base), weight_power=1.0, balance="resample"
        ).fit(X_LT, Y_LT)
    with pytest.raises(ValueError, match="FrozenEstimator"):
        LogitAdjustedClassifierCV(
            FrozenEstimator(base), weight_powers=[0, 1], balances="resample"
        ).fit(X_LT, Y_LT)


def test_cv_resamples_only_the_training_rows_of_each_fold():
    _RowSpy.fits = []
    scored = []

    def scorer(estimator, X_val, y_val):
        scored.append(len(y_val))
        return float(np.mean(estimator.predict(X_val) == y_val))

    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    LogitAdjustedClassifierCV(
        _RowSpy(),
        weight_powers=[1.0],
        balances="resample",
        taus=[0.0, 1.0],
        cv=cv,
        scoring=scorer,
        random_state=0,
    ).fit(X_LT, Y_LT)
    folds = _RowSpy.fits[:-1]
    assert len(folds) == 3
    for (train, test), (X_fit, y_fit) in zip(cv.split(X_LT, Y_LT), folds):
        # Every class oversampled to the fold's head count, from train rows only.
        head = np.bincount(Y_LT[train]).max()
        np.testing.assert_array_equal(np.bincount(y_fit), [head] * 3)
        train_rows = {row.tobytes() for row in X_LT[train]}
        assert all(row.tobytes() in train_rows for row in X_fit)
    # Validation rows are scored as they are: each sample exactly once per tau.
    assert sum(scored) == 2 * len(Y_LT)
    # The refit resamples all the data, as LogitAdjustedClassifier would.
    fixed = _resampled(1.0, random_state=0)[1]
    np.testing.assert_array_equal(_RowSpy.fits[-1][0], fixed[0])


def test_cv_resampling_is_deterministic_and_serial_equals_parallel():
    kwargs = dict(weight_powers="fast", cv=3, random_state=0)
    a = LogitAdjustedClassifierCV(GaussianNB(), **kwargs).fit(X_LT, Y_LT)
    b = LogitAdjustedClassifierCV(GaussianNB(), n_jobs=2, **kwargs).fit(X_LT, Y_LT)
    np.testing.assert_array_equal(
        a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"]
    )
    assert set(a.cv_results_["param_balance"]) == {"weight", "resample"}


def test_frozen_base_with_default_candidates_tunes_tau_only():
    base = GaussianNB().fit(X_LT, Y_LT)
    clf = LogitAdjustedClassifierCV(FrozenEstimator(base)).fit(X_LT, Y_LT)
    assert set(clf.cv_results_["param_weight_power"]) == {0.0}


def test_cv_default_with_a_base_without_sample_weight_searches_resampling_only():
    clf = LogitAdjustedClassifierCV(
        KNeighborsClassifier(), weight_powers="fast", cv=3, random_state=0
    ).fit(X_LT, Y_LT)
    members = set(
        zip(clf.cv_results_["param_weight_power"], clf.cv_results_["param_balance"])
    )
    # balances="auto" is ("resample",) for this base; w = 0 is one fit.
    assert members == {(0.0, "resample"), (0.5, "resample"), (1.0, "resample")}
    with pytest.raises(TypeError, match="does not accept sample_weight"):
        LogitAdjustedClassifierCV(
            KNeighborsClassifier(), weight_powers=[0, 1], balances="weight", cv=3
        ).fit(X_LT, Y_LT)


@pytest.mark.parametrize("weight_power", [0.0, 0.5, 1.0])
def test_a_class_of_zero_total_weight_keeps_prior_zero_at_every_weight_power(
    weight_power,
):
    X, y = make_classification(
        n_samples=300, n_classes=3, n_informative=4, weights=[0.7, 0.2, 0.1],
        random_state=0,
    )  # fmt: skip
    weights = np.where(y == 2, 0.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning from log(0)
        clf = LogitAdjustedClassifier(
            LogisticRegression(), priors="train", weight_power=weight_power
        ).fit(X, y, sample_weight=weights)
    assert clf.priors_[2] == 0 and clf.effective_priors_[2] == 0
    assert np.isclose(clf.effective_priors_.sum(), 1.0)
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all() and not (clf.predict(X) == 2).any()


@pytest.mark.parametrize("in_search", [False, True])
def test_a_model_given_to_balanced_bagging_is_refused_before_any_fit(in_search):
    # As imbalanced-learn's BalancedBaggingClassifier(estimator) would take
    # it; here the first parameter is n_estimators.
    from sklearn_la import BalancedBagging

    fits = []

    class Counted(GaussianNB):
        def fit(self, X, y, sample_weight=None):
            fits.append(1)
            return super().fit(X, y, sample_weight=sample_weight)

    bag = BalancedBagging(LogisticRegression())
    if in_search:
        estimator = LogitAdjustedClassifierCV(Counted(), balances=["weight", bag])
    else:
        estimator = LogitAdjustedClassifier(Counted(), weight_power=1, balance=bag)
    with pytest.raises(TypeError, match=r"got the model LogisticRegression\(\) as"):
        estimator.fit(X_LT, Y_LT)
    assert not fits
