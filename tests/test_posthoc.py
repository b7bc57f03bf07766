"""Behaviour of LogitAdjustedClassifier (post-hoc logit adjustment)."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from _core import (
    BrokenProbaClassifier,
    ContrarianClassifier,
    ReorderedClassifier,
    long_tailed,
)
from scipy.special import logsumexp, softmax
from scipy.stats import norm
from sklearn.base import clone
from sklearn.datasets import make_blobs, make_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_predict,
    cross_val_score,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from sklearn_la import LogitAdjustedClassifier

X_ALL, Y_ALL = long_tailed(n_samples=3000)
X_LT, Y_LT = X_ALL[:1500], Y_ALL[:1500]
X_TEST, Y_TEST = X_ALL[1500:], Y_ALL[1500:]

BASES = [
    LogisticRegression(max_iter=1000),
    RandomForestClassifier(n_estimators=30, random_state=0),
    GaussianNB(),
    KNeighborsClassifier(n_neighbors=4),
]


@pytest.mark.parametrize("base", BASES, ids=lambda b: type(b).__name__)
def test_tau_zero_reproduces_base_model(base):
    fitted = clone(base).fit(X_LT, Y_LT)
    clf = LogitAdjustedClassifier(base, tau=0.0).fit(X_LT, Y_LT)
    np.testing.assert_array_equal(clf.predict(X_LT), fitted.predict(X_LT))
    np.testing.assert_array_equal(clf.predict_proba(X_LT), fitted.predict_proba(X_LT))


@pytest.mark.parametrize("base", BASES[:2], ids=lambda b: type(b).__name__)
def test_train_target_prior_with_tau_one_reproduces_base_model(base):
    fitted = clone(base).fit(X_LT, Y_LT)
    clf = LogitAdjustedClassifier(base, tau=1.0, target_priors="train")
    clf.fit(X_LT, Y_LT)
    np.testing.assert_array_equal(clf.predict(X_LT), fitted.predict(X_LT))


@pytest.mark.parametrize("base", BASES[:3], ids=lambda b: type(b).__name__)
@pytest.mark.parametrize("tau", [0.5, 1.0, 2.0])
def test_predictions_follow_the_adjusted_argmax(base, tau):
    clf = LogitAdjustedClassifier(base, tau=tau).fit(X_LT, Y_LT)
    proba = clf.estimator_.predict_proba(X_LT)
    counts = np.bincount(Y_LT)
    with np.errstate(divide="ignore"):
        expected_scores = np.log(proba) - tau * np.log(counts / counts.sum())
    np.testing.assert_allclose(clf.priors_, counts / counts.sum())
    np.testing.assert_array_equal(
        clf.predict(X_LT), clf.classes_[np.argmax(expected_scores, axis=1)]
    )
    np.testing.assert_allclose(
        clf.predict_proba(X_LT), softmax(expected_scores, axis=1), atol=1e-10
    )


def test_adjustment_improves_balanced_accuracy_over_base():
    X_test, y_test = X_TEST, Y_TEST
    base = LogisticRegression(max_iter=1000).fit(X_LT, Y_LT)
    clf = LogitAdjustedClassifier(LogisticRegression(max_iter=1000)).fit(X_LT, Y_LT)
    assert balanced_accuracy_score(y_test, clf.predict(X_test)) > (
        balanced_accuracy_score(y_test, base.predict(X_test)) + 0.02
    )


@pytest.mark.parametrize("base", BASES[:3], ids=lambda b: type(b).__name__)
def test_prediction_methods_agree(base):
    clf = LogitAdjustedClassifier(base, tau=1.5).fit(X_LT, Y_LT)
    proba = clf.predict_proba(X_LT)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X_LT)), proba, atol=1e-12)
    np.testing.assert_allclose(
        softmax(clf.decision_function(X_LT), axis=1), proba, atol=1e-10
    )
    np.testing.assert_array_equal(
        clf.classes_[np.argmax(clf.decision_function(X_LT), axis=1)],
        clf.predict(X_LT),
    )


@pytest.mark.parametrize(
    "base",
    [RandomForestClassifier(10, random_state=0), DummyClassifier(strategy="prior")],
    ids=["forest", "dummy-prior"],
)
def test_predict_is_the_argmax_of_every_output_when_scores_tie(base):
    # With priors 0.1/0.9, vote fractions 0.1/0.9 divided by the priors tie
    # exactly; every method must break the tie the same way (regression:
    # 133 of 3000 rows disagreed between predict and predict_proba).
    X, y = make_classification(3000, weights=[0.1, 0.9], flip_y=0, random_state=0)
    clf = LogitAdjustedClassifier(base).fit(X, y)
    predicted = clf.predict(X)
    for output in (clf.predict_proba(X), clf.predict_log_proba(X)):
        np.testing.assert_array_equal(
            clf.classes_[np.argmax(output, axis=1)], predicted
        )
    decision = clf.decision_function(X)
    np.testing.assert_array_equal(clf.classes_[(decision > 0).astype(int)], predicted)
    if isinstance(base, DummyClassifier):
        # Every class ties: the first class in classes_ order wins.
        assert np.all(predicted == clf.classes_[0])


def test_null_adjustment_predicts_the_argmax_not_the_base_predict():
    # tau=0: the probabilities are the base's, and predict is their argmax
    # even when the base's own predict disagrees with them.
    clf = LogitAdjustedClassifier(ContrarianClassifier(), tau=0.0).fit(X_LT, Y_LT)
    proba = clf.estimator_.predict_proba(X_LT)
    np.testing.assert_array_equal(clf.predict_proba(X_LT), proba)
    np.testing.assert_array_equal(
        clf.predict(X_LT), clf.classes_[np.argmax(proba, axis=1)]
    )
    assert np.any(clf.predict(X_LT) != clf.estimator_.predict(X_LT))


def test_binary_decision_function_is_one_dimensional_and_matches_predict():
    X, y = long_tailed(weights=(0.9, 0.1))
    clf = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    decision = clf.decision_function(X)
    assert decision.shape == (X.shape[0],)
    np.testing.assert_array_equal(
        clf.classes_[(decision > 0).astype(int)], clf.predict(X)
    )


@pytest.mark.parametrize("weights", [(0.9, 0.1), (0.8, 0.15, 0.05)])
@pytest.mark.parametrize("in_pipeline", [False, True])
def test_log_linear_shortcut_matches_probability_route(weights, in_pipeline):
    # Logistic regression is adjusted through its intercept; the result must
    # equal the adjusted softmax computed from its probabilities.
    X, y = long_tailed(weights=weights)
    base = LogisticRegression(max_iter=1000)
    if in_pipeline:
        base = make_pipeline(StandardScaler(), base)
    clf = LogitAdjustedClassifier(base, tau=1.3).fit(X, y)
    intercept = _final(clf.estimator_).intercept_.copy()
    log_proba = np.log(clf.estimator_.predict_proba(X))
    expected = log_proba - 1.3 * np.log(clf.priors_) + np.log(clf.target_priors_)
    np.testing.assert_allclose(
        clf.predict_proba(X), softmax(expected, axis=1), atol=1e-10
    )
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[expected.argmax(axis=1)])
    np.testing.assert_allclose(
        clf.predict_log_proba(X), expected - logsumexp(expected, axis=1, keepdims=True)
    )
    if len(weights) == 2:
        np.testing.assert_allclose(
            clf.decision_function(X), expected[:, 1] - expected[:, 0], atol=1e-8
        )
    # The fitted base model itself is untouched.
    np.testing.assert_array_equal(_final(clf.estimator_).intercept_, intercept)
    np.testing.assert_allclose(clf.estimator_.predict_proba(X), np.exp(log_proba))


def _final(estimator):
    return estimator[-1] if hasattr(estimator, "steps") else estimator


def test_zero_base_probability_stays_zero_and_finite():
    # Fully grown trees output probabilities of exactly 0 and 1.
    clf = LogitAdjustedClassifier(DecisionTreeClassifier(random_state=0), tau=3.0)
    clf.fit(X_LT, Y_LT)
    base_proba = clf.estimator_.predict_proba(X_LT)
    assert (base_proba == 0).any()
    with np.errstate(all="raise"):
        proba = clf.predict_proba(X_LT)
    assert np.all(np.isfinite(proba))
    np.testing.assert_array_equal(proba[base_proba == 0], 0.0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all(clf.predict_log_proba(X_LT)[base_proba == 0] == -np.inf)


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function"]
)
def test_a_row_left_with_no_class_names_its_index_and_the_zero_target_prior(method):
    # A tree gives one class probability 1; target_priors rules class 0 out.
    # The error names the row in the batch (not within the rows the fast path
    # recomputed) and the zero prior, not a broken base.
    clf = LogitAdjustedClassifier(
        DecisionTreeClassifier(random_state=0), target_priors=[0.0, 1.0, 1.0]
    ).fit(X_LT, Y_LT)
    base_proba = clf.estimator_.predict_proba(X_LT)
    rows = np.flatnonzero(base_proba[:, 0] == 1)
    batch = np.concatenate([np.flatnonzero(base_proba[:, 0] == 0)[:3], rows[:1]])
    with pytest.raises(ValueError, match="the first at index 3, every class") as err:
        getattr(clf, method)(X_LT[batch])
    assert "`target_priors` above 0" in str(err.value)
    # Without a ruled-out class the base is blamed, as before.
    plain = LogitAdjustedClassifier(DecisionTreeClassifier(random_state=0))
    plain.fit(X_LT, Y_LT)
    getattr(plain, method)(X_LT[batch])


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function"]
)
def test_an_all_zero_base_row_is_blamed_on_the_base_even_with_a_zero_target_prior(
    method,
):
    # Giving class 0 a target prior above 0 would change nothing for a row
    # the base gives nothing: the refusal must not advise it.
    clf = LogitAdjustedClassifier(
        BrokenProbaClassifier(0.0), target_priors=[0.0, 1.0, 1.0]
    ).fit(X_LT, Y_LT)
    with pytest.raises(ValueError, match="returned a row where every class has pro"):
        getattr(clf, method)(X_LT[:5])


@pytest.mark.parametrize("tau", [1.0, 50.0, 500.0])
def test_tiny_priors_and_large_tau_stay_finite(tau):
    priors = [1 - 2e-6, 1e-6, 1e-6]
    clf = LogitAdjustedClassifier(GaussianNB(), tau=tau, priors=priors)
    clf.fit(X_LT, Y_LT)
    proba = clf.predict_proba(X_LT)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all(np.isfinite(clf.decision_function(X_LT)))


def test_priors_are_weighted_by_sample_weight():
    rng = np.random.default_rng(0)
    sw = rng.uniform(0.1, 3, size=len(Y_LT))
    clf = LogitAdjustedClassifier(LogisticRegression()).fit(
        X_LT, Y_LT, sample_weight=sw
    )
    expected = np.bincount(Y_LT, weights=sw) / sw.sum()
    np.testing.assert_allclose(clf.priors_, expected)
    np.testing.assert_array_equal(clf.class_counts_, np.bincount(Y_LT))


def test_integer_sample_weight_equals_repeating_rows():
    sw = np.random.default_rng(0).integers(0, 3, size=len(Y_LT))
    weighted = LogitAdjustedClassifier(LogisticRegression(max_iter=1000))
    weighted.fit(X_LT, Y_LT, sample_weight=sw)
    repeated = LogitAdjustedClassifier(LogisticRegression(max_iter=1000))
    repeated.fit(np.repeat(X_LT, sw, axis=0), np.repeat(Y_LT, sw))
    np.testing.assert_allclose(weighted.priors_, repeated.priors_)
    np.testing.assert_array_equal(weighted.predict(X_LT), repeated.predict(X_LT))


def test_user_priors_are_normalised_so_counts_work():
    counts = np.bincount(Y_LT)
    from_counts = LogitAdjustedClassifier(GaussianNB(), priors=counts).fit(X_LT, Y_LT)
    default = LogitAdjustedClassifier(GaussianNB()).fit(X_LT, Y_LT)
    np.testing.assert_allclose(from_counts.priors_, default.priors_)
    np.testing.assert_array_equal(from_counts.predict(X_LT), default.predict(X_LT))


def test_known_target_prior_shifts_predictions_towards_it():
    q = np.array([0.05, 0.05, 0.9])
    clf = LogitAdjustedClassifier(GaussianNB(), target_priors=q).fit(X_LT, Y_LT)
    uniform = LogitAdjustedClassifier(GaussianNB()).fit(X_LT, Y_LT)
    np.testing.assert_allclose(clf.target_priors_, q)
    assert np.mean(clf.predict(X_LT) == 2) > np.mean(uniform.predict(X_LT) == 2)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"priors": [0.5, 0.5]}, "`priors` has length 2, expected n_classes=3"),
        ({"priors": [0.5, -0.1, 0.6]}, "`priors` must be strictly positive"),
        ({"priors": [0.5, 0.0, 0.5]}, "`priors` must be strictly positive"),
        ({"priors": [0.5, np.nan, 0.5]}, "`priors` must be finite"),
        ({"priors": "balanced"}, "'priors' parameter"),
        ({"target_priors": [1.0, 2.0]}, "`target_priors` has length 2"),
        ({"target_priors": [0.2, -0.1, 0.8]}, "`target_priors` must be non-negative"),
        ({"target_priors": [0.0, 0.0, 0.0]}, "`target_priors` must have at least one"),
        ({"tau": np.inf}, "'tau' parameter"),
        ({"tau": np.nan}, "'tau' parameter"),
        ({"tau": "one"}, "'tau' parameter"),
        ({"weight_power": 1.5}, "'weight_power' parameter"),
        ({"response_method": "predict"}, "'response_method' parameter"),
    ],
)
def test_bad_parameters_raise_naming_the_argument(params, match):
    clf = LogitAdjustedClassifier(GaussianNB(), **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X_LT, Y_LT)


@pytest.mark.parametrize(
    "y, match",
    [
        (np.zeros(len(Y_LT)), "needs at least 2 classes"),
        (np.linspace(0, 1, len(Y_LT)), "continuous"),
        (np.column_stack([Y_LT == 1, Y_LT == 2]).astype(int), "multilabel"),
    ],
)
def test_bad_targets_raise(y, match):
    with pytest.raises(ValueError, match=match):
        LogitAdjustedClassifier(GaussianNB()).fit(X_LT, y)


def test_estimator_without_scores_is_refused():
    with pytest.raises(ValueError, match="'estimator' parameter"):
        LogitAdjustedClassifier(LinearRegression()).fit(X_LT, Y_LT)


def test_forced_response_method_must_exist():
    with pytest.raises(ValueError, match="has no predict_proba"):
        LogitAdjustedClassifier(LinearSVC(), response_method="predict_proba").fit(
            X_LT, Y_LT
        )


def test_margin_classifier_is_refused_by_auto_pointing_to_calibration():
    with pytest.raises(ValueError, match="CalibratedClassifierCV"):
        LogitAdjustedClassifier(LinearSVC()).fit(X_LT, Y_LT)


def test_explicit_decision_function_is_used_as_log_probabilities():
    # The user asserts softmax(decision_function) is the posterior.
    clf = LogitAdjustedClassifier(
        LinearSVC(), tau=0.0, response_method="decision_function"
    ).fit(X_LT, Y_LT)
    assert clf.response_method_ == "decision_function"
    np.testing.assert_array_equal(clf.predict(X_LT), clf.estimator_.predict(X_LT))
    np.testing.assert_allclose(
        clf.predict_proba(X_LT), softmax(clf.estimator_.decision_function(X_LT), axis=1)
    )
    adjusted = LogitAdjustedClassifier(
        LinearSVC(), tau=1.0, response_method="decision_function"
    ).fit(X_LT, Y_LT)
    expected = clf.estimator_.decision_function(X_LT) - np.log(adjusted.priors_)
    np.testing.assert_array_equal(
        adjusted.predict(X_LT), adjusted.classes_[np.argmax(expected, axis=1)]
    )
    assert np.mean(adjusted.predict(X_LT) == 2) > np.mean(clf.predict(X_LT) == 2)


def test_works_in_pipeline_and_grid_search_over_tau():
    pipe = make_pipeline(
        StandardScaler(), LogitAdjustedClassifier(LogisticRegression())
    )
    search = GridSearchCV(
        pipe,
        {"logitadjustedclassifier__tau": [0.0, 0.5, 1.0, 1.5]},
        scoring="balanced_accuracy",
        cv=3,
    ).fit(X_LT, Y_LT)
    assert search.best_params_["logitadjustedclassifier__tau"] > 0
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] < scores.max()


def test_cross_val_score_and_predict():
    clf = LogitAdjustedClassifier(LogisticRegression(max_iter=1000))
    scores = cross_val_score(clf, X_LT, Y_LT, cv=3, scoring="balanced_accuracy")
    assert scores.shape == (3,) and np.all(scores > 0.5)
    proba = cross_val_predict(clf, X_LT, Y_LT, cv=3, method="predict_proba")
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.filterwarnings("ignore:Number of classes in training fold:RuntimeWarning")
def test_fold_missing_a_class_keeps_columns_aligned():
    # Class "c" has one sample; the fold that trains without it must behave like
    # scikit-learn's classifiers: classes_ from the fold, columns aligned by
    # cross_val_predict, never shifted.
    X, y = make_blobs(n_samples=200, centers=3, random_state=0)
    labels = np.array(["a", "b", "c"])[y]
    rare = np.flatnonzero(labels == "c")[1:]
    X, labels = np.delete(X, rare, axis=0), np.delete(labels, rare)
    clf = LogitAdjustedClassifier(LogisticRegression())
    fold_model = clone(clf).fit(X[labels != "c"], labels[labels != "c"])
    np.testing.assert_array_equal(fold_model.classes_, ["a", "b"])
    assert fold_model.predict_proba(X).shape == (len(X), 2)
    cv = StratifiedKFold(n_splits=2, shuffle=True, random_state=0)
    with pytest.warns(UserWarning, match="least populated class"):
        proba = cross_val_predict(clf, X, labels, cv=cv, method="predict_proba")
    assert proba.shape == (len(X), 3)
    predicted = np.array(["a", "b", "c"])[proba.argmax(axis=1)]
    assert (
        balanced_accuracy_score(labels[labels != "c"], predicted[labels != "c"]) > 0.9
    )


def test_pandas_input_and_string_categorical_labels():
    df = pd.DataFrame(X_LT, columns=[f"f{i}" for i in range(X_LT.shape[1])])
    labels = pd.Series(np.array(["common", "medium", "rare"])[Y_LT], dtype="category")
    clf = LogitAdjustedClassifier(LogisticRegression(max_iter=1000)).fit(df, labels)
    np.testing.assert_array_equal(clf.feature_names_in_, df.columns)
    assert clf.n_features_in_ == X_LT.shape[1]
    assert set(clf.predict(df)) <= {"common", "medium", "rare"}
    np.testing.assert_array_equal(clf.classes_, ["common", "medium", "rare"])
    np.testing.assert_allclose(clf.priors_, np.bincount(Y_LT) / len(Y_LT))


def test_binary_string_labels():
    X, y = long_tailed(weights=(0.9, 0.1))
    labels = np.where(y == 1, "yes", "no")
    clf = LogitAdjustedClassifier(
        RandomForestClassifier(n_estimators=20, random_state=0)
    )
    clf.fit(X, labels)
    assert set(np.unique(clf.predict(X))) == {"no", "yes"}


def test_clone_pickle_and_joblib_roundtrip(tmp_path):
    clf = LogitAdjustedClassifier(LogisticRegression(), tau=0.7).fit(X_LT, Y_LT)
    assert clone(clf).get_params()["tau"] == 0.7
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X_LT), clf.predict_proba(X_LT))
    path = tmp_path / "model.joblib"
    joblib.dump(clf, path)
    np.testing.assert_array_equal(joblib.load(path).predict(X_LT), clf.predict(X_LT))


def test_frozen_estimator_is_adjusted_without_refitting():
    base = LogisticRegression(max_iter=1000).fit(X_LT, Y_LT)
    coef = base.coef_.copy()
    clf = LogitAdjustedClassifier(FrozenEstimator(base)).fit(X_LT[:300], Y_LT[:300])
    np.testing.assert_array_equal(base.coef_, coef)
    np.testing.assert_allclose(clf.priors_, np.bincount(Y_LT[:300]) / 300)
    # With the priors given, y only needs labels the frozen model knows.
    given = LogitAdjustedClassifier(FrozenEstimator(base), priors=[8, 1.5, 0.5])
    given.fit(X_LT[:5], np.zeros(5, dtype=int))
    np.testing.assert_allclose(given.priors_, [0.8, 0.15, 0.05])


def test_frozen_estimator_with_class_missing_from_y_needs_priors():
    base = LogisticRegression().fit(X_LT, Y_LT)
    mask = Y_LT != 2
    with pytest.raises(ValueError, match=r"class \[2\] has no sample"):
        LogitAdjustedClassifier(FrozenEstimator(base)).fit(X_LT[mask], Y_LT[mask])


def _exact_balanced_error(clf):
    """Balanced error of a linear rule on the paper's Gaussians, in closed form."""
    # decision(x) = a.x + b; the positive class (+1) is classes_[1].
    b = clf.decision_function(np.zeros((1, 2)))[0]
    a = clf.decision_function(np.eye(2)) - b
    mu = np.array([1.0, 1.0])
    scale = np.linalg.norm(a)
    err_pos = norm.cdf(-(a @ mu + b) / scale)
    err_neg = norm.cdf((-(a @ mu) + b) / scale)
    return (err_pos + err_neg) / 2


@pytest.mark.parametrize("weight_power", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_family_is_consistent_on_the_paper_synthetic_data(weight_power):
    # Paper section 6.1: x ~ N(y * (1, 1), I), P(y = +1) = 5%; Bayes-optimal
    # balanced error Phi(-sqrt(2)). Every member of the family must reach it.
    rng = np.random.default_rng(0)
    y = np.where(rng.random(10_000) < 0.05, 1, -1)
    X = y[:, None] * np.ones(2) + rng.standard_normal((10_000, 2))
    clf = LogitAdjustedClassifier(LogisticRegression(), weight_power=weight_power)
    clf.fit(X, y)
    bayes = norm.cdf(-np.sqrt(2))
    assert _exact_balanced_error(clf) == pytest.approx(bayes, rel=0.01)
    erm = LogitAdjustedClassifier(LogisticRegression(), tau=0.0).fit(X, y)
    assert _exact_balanced_error(erm) > 1.1 * bayes


@pytest.mark.parametrize(
    "priors",
    [pd.Series({2: 0.1, 1: 0.2, 0: 0.7}), {2: 1, 0: 7, 1: 2}],
    ids=["series", "dict"],
)
def test_keyed_priors_are_aligned_by_label(priors):
    clf = LogitAdjustedClassifier(GaussianNB(), priors=priors).fit(X_LT, Y_LT)
    np.testing.assert_allclose(clf.priors_, [0.7, 0.2, 0.1])
    by_array = LogitAdjustedClassifier(GaussianNB(), priors=[0.7, 0.2, 0.1])
    np.testing.assert_array_equal(
        clf.predict(X_LT), by_array.fit(X_LT, Y_LT).predict(X_LT)
    )


def test_keyed_target_priors_are_aligned_by_label():
    q = {2: 0.9, 0: 0.05, 1: 0.05}
    clf = LogitAdjustedClassifier(GaussianNB(), target_priors=q).fit(X_LT, Y_LT)
    np.testing.assert_allclose(clf.target_priors_, [0.05, 0.05, 0.9])


@pytest.mark.parametrize("name", ["priors", "target_priors"])
@pytest.mark.parametrize("weight_power", [0.0, 0.5])
def test_an_array_prior_is_refused_for_a_base_with_unsorted_classes(name, weight_power):
    clf = LogitAdjustedClassifier(
        ReorderedClassifier(), weight_power=weight_power, **{name: [0.7, 0.2, 0.1]}
    )
    with pytest.raises(ValueError, match=rf"`{name}` is an array.*\[2, 0, 1\]"):
        clf.fit(X_LT, Y_LT)


@pytest.mark.parametrize("weight_power", [0.0, 0.5])
def test_base_with_unsorted_classes_gives_the_sorted_model_permuted(weight_power):
    kwargs = dict(weight_power=weight_power, tau=1.0)
    sorted_clf = LogitAdjustedClassifier(
        GaussianNB(), priors=[0.7, 0.2, 0.1], target_priors=[0.2, 0.3, 0.5], **kwargs
    ).fit(X_LT, Y_LT)
    unsorted = LogitAdjustedClassifier(
        ReorderedClassifier(),
        priors={0: 0.7, 1: 0.2, 2: 0.1},
        target_priors=pd.Series({2: 0.5, 1: 0.3, 0: 0.2}),
        **kwargs,
    )
    unsorted.fit(X_LT, Y_LT)
    np.testing.assert_array_equal(unsorted.classes_, [2, 0, 1])
    np.testing.assert_allclose(unsorted.priors_, [0.1, 0.7, 0.2])
    np.testing.assert_allclose(unsorted.target_priors_, [0.5, 0.2, 0.3])
    np.testing.assert_allclose(
        unsorted.predict_proba(X_LT), sorted_clf.predict_proba(X_LT)[:, [2, 0, 1]]
    )
    np.testing.assert_array_equal(unsorted.predict(X_LT), sorted_clf.predict(X_LT))


def test_train_priors_follow_a_base_with_unsorted_classes():
    sorted_clf = LogitAdjustedClassifier(GaussianNB()).fit(X_LT, Y_LT)
    unsorted = LogitAdjustedClassifier(ReorderedClassifier()).fit(X_LT, Y_LT)
    np.testing.assert_allclose(unsorted.priors_, sorted_clf.priors_[[2, 0, 1]])
    np.testing.assert_allclose(
        unsorted.predict_proba(X_LT), sorted_clf.predict_proba(X_LT)[:, [2, 0, 1]]
    )
    np.testing.assert_array_equal(unsorted.predict(X_LT), sorted_clf.predict(X_LT))


@pytest.mark.parametrize("target_priors", ["uniform", "estimate"])
def test_prediction_methods_write_no_state(target_priors):
    clf = LogitAdjustedClassifier(GaussianNB(), target_priors=target_priors)
    clf.fit(X_LT, Y_LT)
    before = pickle.dumps(clf)
    for method in ("predict", "predict_proba", "predict_log_proba"):
        getattr(clf, method)(X_TEST)
    clf.decision_function(X_TEST)
    clf.estimate_target_priors(X_TEST)
    assert pickle.dumps(clf) == before


@pytest.mark.parametrize(
    "params", [{"tau": True}, {"tau": np.bool_(False)}, {"weight_power": True}]
)
def test_a_bool_tau_or_weight_power_is_refused_not_read_as_a_number(params):
    clf = LogitAdjustedClassifier(GaussianNB(), **params)
    with pytest.raises(TypeError, match=f"'{next(iter(params))}' parameter"):
        clf.fit(X_LT, Y_LT)


def test_pickle_keeps_parameters_keyed_by_label_as_pandas_objects():
    labels = np.array(["head", "mid", "tail"])[Y_LT]
    priors = pd.Series({"tail": 0.1, "head": 0.6, "mid": 0.3})
    costs = pd.DataFrame(
        [[0, 1, 1], [1, 0, 1], [9, 9, 0]],
        index=["head", "mid", "tail"],
        columns=["head", "mid", "tail"],
    )
    clf = LogitAdjustedClassifier(GaussianNB(), priors=priors, cost_matrix=costs)
    clf.fit(X_LT, labels)
    state = clf.__getstate__()
    # No pandas object in the stored state (skops refuses them) ...
    assert not any(type(v).__module__.startswith("pandas") for v in state.values())
    loaded = pickle.loads(pickle.dumps(clf))
    # ... but the parameters come back as they were given.
    assert loaded.priors.equals(priors) and loaded.cost_matrix.equals(costs)
    np.testing.assert_array_equal(loaded.predict(X_LT), clf.predict(X_LT))
