"""Tests of sklearn_la.metrics: long-tail metrics, scorers and the per-class plot."""

import math
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier
from sklearn_la.metrics import (
    balanced_error,
    get_scorer,
    group_accuracy,
    make_group_scorer,
    per_class_recall,
    plot_per_class_accuracy,
    worst_class_accuracy,
)

label_pairs = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
    )
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


# -- balanced_error --------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(label_pairs)
def test_balanced_error_is_one_minus_balanced_accuracy_and_in_unit_interval(pair):
    y_true, y_pred = pair
    with warnings.catch_warnings():
        # sklearn warns when y_pred has labels y_true lacks; irrelevant here.
        warnings.simplefilter("ignore", UserWarning)
        expected = 1 - balanced_accuracy_score(y_true, y_pred)
        error = balanced_error(y_true, y_pred)
    assert 0.0 <= error <= 1.0
    assert error == pytest.approx(expected)


def test_balanced_error_weights_classes_equally_not_samples():
    y_true = [0] * 99 + [1]
    y_pred = [0] * 100
    assert balanced_error(y_true, y_pred) == pytest.approx(0.5)


def test_balanced_error_uses_sample_weight():
    y_true = [0, 0, 1, 1]
    y_pred = [0, 1, 1, 1]
    # Weighting the misclassified class-0 sample up raises class 0's error.
    assert balanced_error(y_true, y_pred, sample_weight=[1, 3, 1, 1]) == pytest.approx(
        0.375
    )


# -- per_class_recall and worst_class_accuracy ----------------------------------


@settings(max_examples=60, deadline=None)
@given(label_pairs)
def test_per_class_recall_matches_sklearn_recall_on_classes_of_y_true(pair):
    y_true, y_pred = pair
    labels = np.union1d(y_true, y_pred)
    recall = per_class_recall(y_true, y_pred)
    present = np.isin(labels, y_true)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = recall_score(y_true, y_pred, labels=labels[present], average=None)
    assert recall.shape == labels.shape
    np.testing.assert_allclose(recall[present], expected)
    assert np.all(np.isnan(recall[~present]))


def test_per_class_recall_follows_given_label_order_with_string_labels():
    y_true = ["cat", "cat", "dog", "emu"]
    y_pred = ["cat", "dog", "dog", "cat"]
    recall = per_class_recall(y_true, y_pred, labels=["emu", "dog", "cat", "yak"])
    np.testing.assert_allclose(recall, [0.0, 1.0, 0.5, np.nan])


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0, 0, 1], "must not repeat"),
        ([], "non-empty 1-D"),
        ("abc", "non-empty 1-D"),
        (["a", "b"], "same kind"),
    ],
)
def test_per_class_recall_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        per_class_recall([0, 1, 1], [0, 1, 0], labels=labels)


@pytest.mark.parametrize(
    "y_true, y_pred, message",
    [
        ([0.5, 1.5], [0, 1], r"`y_true` must hold class labels .*'continuous'"),
        ([0, 1], [0.1, 0.9], r"`y_pred` must hold class labels"),
        ([[0, 1], [1, 0]], [0, 1], r"`y_true` must be a 1-D"),
        ([0, 1, 1], [0, 1], "inconsistent numbers of samples"),
        ([], [], "empty"),
    ],
)
def test_label_metrics_reject_non_label_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        worst_class_accuracy(y_true, y_pred)


@settings(max_examples=60, deadline=None)
@given(label_pairs)
def test_worst_class_accuracy_is_min_recall_and_bounds_balanced_accuracy(pair):
    y_true, y_pred = pair
    worst = worst_class_accuracy(y_true, y_pred)
    assert worst == pytest.approx(np.nanmin(per_class_recall(y_true, y_pred)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert worst <= balanced_accuracy_score(y_true, y_pred) + 1e-12


def test_worst_class_accuracy_ignores_classes_only_predicted():
    # Class 2 never occurs in y_true: its recall is undefined, not zero.
    assert worst_class_accuracy([0, 0, 1, 1], [0, 2, 1, 1]) == pytest.approx(0.5)


# -- group_accuracy ---------------------------------------------------------------


def test_group_accuracy_uses_literature_thresholds_by_default():
    y_true = [0, 0, 1, 1, 2, 2, 3, 3]
    y_pred = [0, 0, 1, 0, 2, 2, 0, 0]
    counts = {0: 101, 1: 100, 2: 20, 3: 19}
    result = group_accuracy(y_true, y_pred, class_counts=counts)
    # 101 is many; 100 and 20 are medium (inclusive bounds); 19 is few.
    assert list(result) == ["many", "medium", "few"]
    assert result["many"] == pytest.approx(1.0)
    assert result["medium"] == pytest.approx((0.5 + 1.0) / 2)
    assert result["few"] == pytest.approx(0.0)


def test_group_accuracy_thresholds_are_parameters():
    y_true = [0, 1, 2]
    y_pred = [0, 1, 0]
    result = group_accuracy(
        y_true, y_pred, class_counts=[30, 10, 2], many_threshold=20, few_threshold=5
    )
    assert result == {"many": 1.0, "medium": 1.0, "few": 0.0}


def test_group_accuracy_empty_group_is_nan():
    result = group_accuracy([0, 1], [0, 0], class_counts={0: 500, 1: 300})
    assert result["many"] == pytest.approx(0.5)
    assert math.isnan(result["medium"]) and math.isnan(result["few"])


@settings(max_examples=40, deadline=None)
@given(label_pairs)
def test_group_accuracy_with_one_group_equals_mean_per_class_recall(pair):
    y_true, y_pred = pair
    counts = {label: 1000 for label in range(6)}
    result = group_accuracy(y_true, y_pred, class_counts=counts)
    recall = per_class_recall(y_true, y_pred, labels=np.unique(y_true))
    assert result["many"] == pytest.approx(recall.mean())
    assert math.isnan(result["medium"]) and math.isnan(result["few"])


@pytest.mark.parametrize(
    "counts",
    [
        Counter(["a"] * 150 + ["b"] * 50 + ["c"] * 5),
        {"a": 150, "b": 50, "c": 5, "unused": 1000},
        np.array([150, 50, 5]),
        [150.0, 50.0, 5.0],
    ],
    ids=["counter", "dict-with-extra-class", "ndarray", "list"],
)
def test_group_accuracy_accepts_mappings_and_aligned_arrays(counts):
    y_true = ["a", "b", "b", "c"]
    y_pred = ["a", "b", "a", "a"]
    assert group_accuracy(y_true, y_pred, class_counts=counts) == {
        "many": 1.0,
        "medium": 0.5,
        "few": 0.0,
    }


def test_group_accuracy_accepts_pandas_value_counts():
    pd = pytest.importorskip("pandas")
    y_train = pd.Series(["a"] * 150 + ["b"] * 50 + ["c"] * 5)
    result = group_accuracy(
        pd.Series(["c", "b"]), ["c", "a"], class_counts=y_train.value_counts()
    )
    assert result["few"] == 1.0 and result["medium"] == 0.0
    assert math.isnan(result["many"])


@pytest.mark.parametrize(
    "counts, error, message",
    [
        (None, TypeError, "`class_counts` must be a mapping"),
        ("abc", TypeError, "`class_counts` must be a mapping"),
        ({0: 10}, ValueError, r"no training count for label\(s\) \[1\]"),
        ([10, 5, 1], ValueError, "has 3 entries but .* hold 2 labels"),
        ([[10, 5]], ValueError, "1-D array"),
        ({0: 10, 1: -1}, ValueError, "finite and non-negative"),
        ([10, np.nan], ValueError, "finite and non-negative"),
        ({0: "ten", 1: 2}, TypeError, "must hold numbers"),
    ],
)
def test_group_accuracy_rejects_bad_class_counts(counts, error, message):
    with pytest.raises(error, match=message):
        group_accuracy([0, 1], [0, 1], class_counts=counts)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"many_threshold": 10, "few_threshold": 20}, ValueError, "must not exceed"),
        ({"many_threshold": "100"}, TypeError, "`many_threshold` must be a real"),
        ({"few_threshold": np.nan}, TypeError, "`few_threshold` must be a real"),
        ({"few_threshold": True}, TypeError, "`few_threshold` must be a real"),
    ],
)
def test_group_accuracy_rejects_bad_thresholds(kwargs, error, message):
    with pytest.raises(error, match=message):
        group_accuracy([0, 1], [0, 1], class_counts=[5, 5], **kwargs)


# -- scorers ----------------------------------------------------------------------


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
    with pytest.raises(TypeError, match=r"takes no metadata; got \['sample_weight'\]"):
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
        (
            {"group": "tail"},
            ValueError,
            r"`group` must be one of \['many', 'medium', 'few'\]",
        ),
        ({"group": "few", "few_threshold": 200}, ValueError, "must not exceed"),
        ({"group": "few", "class_counts": [-1, 2]}, ValueError, "non-negative"),
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


# -- plot_per_class_accuracy ------------------------------------------------------


def test_plot_per_class_accuracy_draws_recall_against_log_class_frequency():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y_true = [0, 0, 1, 1, 2, 2]
    y_pred = [0, 0, 1, 0, 0, 0]
    _, ax = plt.subplots()
    try:
        returned = plot_per_class_accuracy(
            y_true, y_pred, class_counts={2: 5, 0: 500, 1: 50}, ax=ax, label="ERM"
        )
        assert returned is ax
        line = ax.get_lines()[0]
        np.testing.assert_allclose(line.get_xdata(), [5, 50, 500])
        np.testing.assert_allclose(line.get_ydata(), [0.0, 0.5, 1.0])
        assert ax.get_xscale() == "log"
        assert ax.get_legend().get_texts()[0].get_text() == "ERM"
    finally:
        plt.close("all")


def test_plot_per_class_accuracy_creates_axes_and_checks_class_counts():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        ax = plot_per_class_accuracy([0, 1], [0, 1], class_counts=[10, 0])
        # The class with no training sample has no place on a log axis.
        np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), [10])
        assert ax.get_legend() is None
        with pytest.raises(ValueError, match="no training count"):
            plot_per_class_accuracy([0, 1], [0, 1], class_counts={0: 3})
    finally:
        plt.close("all")
