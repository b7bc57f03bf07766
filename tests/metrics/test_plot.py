"""Tests of sklearn_la.metrics._plot: the displays and plot_per_class_accuracy."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.metrics import (
    PerClassAccuracyDisplay,
    TauCurveDisplay,
    per_class_recall,
    plot_per_class_accuracy,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _long_tailed_blobs(seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], [400, 60, 12])
    centers = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    return centers[y] + rng.normal(size=(y.size, 2)), y


@pytest.fixture(scope="module")
def search():
    X, y = _long_tailed_blobs()
    return LogitAdjustedClassifierCV(
        LogisticRegression(),
        taus=[0.0, 0.5, 1.0, 1.5],
        weight_powers=[0.0, 0.5],
        balances="weight",
        cv=3,
    ).fit(X, y)


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_import_does_not_import_matplotlib():
    code = "import sys, sklearn_la.metrics; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- PerClassAccuracyDisplay ------------------------------------------------------


def test_per_class_display_from_predictions_draws_recall_against_log_counts():
    display = PerClassAccuracyDisplay.from_predictions(
        [0, 0, 1, 1, 2, 2],
        [0, 0, 1, 0, 0, 0],
        class_counts={2: 5, 0: 500, 1: 50},
        name="ERM",
    )
    assert display.ax_.get_lines() == [display.line_]
    assert display.figure_ is display.ax_.figure
    np.testing.assert_allclose(display.line_.get_xdata(), [5, 50, 500])
    np.testing.assert_allclose(display.line_.get_ydata(), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(display.class_counts, [500, 50, 5])
    np.testing.assert_allclose(display.per_class_accuracy, [1.0, 0.5, 0.0])
    assert display.ax_.get_xscale() == "log"
    assert _legend_texts(display.ax_) == ["ERM"]


def test_per_class_display_without_name_has_no_legend_and_skips_zero_counts():
    display = PerClassAccuracyDisplay.from_predictions(
        [0, 1, 2], [0, 1, 1], class_counts=[10, 0, 3]
    )
    # A class with no training sample has no place on a log axis.
    np.testing.assert_allclose(display.line_.get_xdata(), [3, 10])
    np.testing.assert_allclose(display.line_.get_ydata(), [0.0, 1.0])
    assert display.ax_.get_legend() is None


def test_per_class_display_from_estimator_reads_class_counts_and_overlays():
    X, y = _long_tailed_blobs()
    adjusted = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    erm = LogisticRegression().fit(X, y)
    first = PerClassAccuracyDisplay.from_estimator(adjusted, X, y)
    second = PerClassAccuracyDisplay.from_estimator(
        erm, X, y, class_counts=adjusted.class_counts_, ax=first.ax_, name="ERM"
    )
    assert second.ax_ is first.ax_
    assert first.ax_.get_lines() == [first.line_, second.line_]
    assert _legend_texts(first.ax_) == ["LogitAdjustedClassifier", "ERM"]
    np.testing.assert_allclose(first.line_.get_xdata(), [12, 60, 400])
    np.testing.assert_allclose(
        first.line_.get_ydata(), per_class_recall(y, adjusted.predict(X))[::-1]
    )
    np.testing.assert_allclose(
        second.line_.get_ydata(), per_class_recall(y, erm.predict(X))[::-1]
    )


def test_per_class_display_from_estimator_looks_into_a_pipeline():
    X, y = _long_tailed_blobs()
    pipe = make_pipeline(
        StandardScaler(), LogitAdjustedClassifier(LogisticRegression())
    )
    display = PerClassAccuracyDisplay.from_estimator(pipe.fit(X, y), X, y)
    np.testing.assert_allclose(display.line_.get_xdata(), [12, 60, 400])
    assert _legend_texts(display.ax_) == ["Pipeline"]


def test_per_class_display_from_estimator_counts_unseen_labels_as_zero():
    X, y = _long_tailed_blobs()
    model = LogitAdjustedClassifier(LogisticRegression()).fit(X[y < 2], y[y < 2])
    display = PerClassAccuracyDisplay.from_estimator(model, X, y)
    np.testing.assert_allclose(display.class_counts, [400, 60, 0])
    assert display.per_class_accuracy[2] == 0.0
    assert display.line_.get_xdata().shape == (2,)


def test_per_class_display_passes_kwargs_and_draws_on_given_axes():
    _, ax = plt.subplots()
    display = PerClassAccuracyDisplay(
        class_counts=[100, 10], per_class_accuracy=[0.9, 0.4], name="model"
    ).plot(ax=ax, color="red", marker="s")
    assert display.ax_ is ax
    assert display.line_.get_color() == "red"
    assert display.line_.get_marker() == "s"


def test_per_class_display_refuses_unfitted_or_countless_estimators():
    X, y = _long_tailed_blobs()
    with pytest.raises(NotFittedError):
        PerClassAccuracyDisplay.from_estimator(
            LogitAdjustedClassifier(LogisticRegression()), X, y
        )
    erm = LogisticRegression().fit(X, y)
    with pytest.raises(TypeError, match=r"LogisticRegression does not have.*class_co"):
        PerClassAccuracyDisplay.from_estimator(erm, X, y)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"class_counts": {0: 3}}, ValueError, r"no training count for label\(s\)"),
        ({"class_counts": None}, TypeError, "`class_counts` must be a mapping"),
        ({"class_counts": [1, -1]}, ValueError, "`class_counts` must be non-negative"),
        ({"class_counts": [1, 2], "y_pred": [0]}, ValueError, "same length"),
    ],
)
def test_per_class_display_from_predictions_refuses_bad_input(kwargs, error, message):
    kwargs = {"y_true": [0, 1], "y_pred": [0, 1], **kwargs}
    with pytest.raises(error, match=message):
        PerClassAccuracyDisplay.from_predictions(**kwargs)


def test_per_class_display_plot_refuses_mismatched_values():
    display = PerClassAccuracyDisplay(class_counts=[1, 2], per_class_accuracy=[0.5])
    with pytest.raises(ValueError, match="one length"):
        display.plot()


def test_plot_per_class_accuracy_is_the_display_drawn_on_an_axes():
    _, ax = plt.subplots()
    returned = plot_per_class_accuracy(
        [0, 0, 1, 1, 2, 2],
        [0, 0, 1, 0, 0, 0],
        class_counts={2: 5, 0: 500, 1: 50},
        ax=ax,
        label="ERM",
    )
    assert returned is ax
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), [5, 50, 500])
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.0, 0.5, 1.0])
    assert ax.get_xscale() == "log"
    assert _legend_texts(ax) == ["ERM"]
    with pytest.raises(ValueError, match="no training count"):
        plot_per_class_accuracy([0, 1], [0, 1], class_counts={0: 3})
    with pytest.raises(TypeError, match="'label' parameter"):
        plot_per_class_accuracy([0, 1], [0, 1], class_counts=[3, 3], label=1)


# -- TauCurveDisplay -------------------------------------------------------------


def test_tau_display_from_estimator_draws_one_curve_per_weight_power(search):
    display = TauCurveDisplay.from_estimator(search)
    results = search.cv_results_
    assert len(display.lines_) == 2 and len(display.fill_between_) == 2
    assert display.errorbar_ is None
    for line, power in zip(display.lines_, [0.0, 0.5]):
        rows = results["param_weight_power"] == power
        np.testing.assert_allclose(line.get_xdata(), results["param_tau"][rows])
        np.testing.assert_allclose(line.get_ydata(), results["mean_test_score"][rows])
    band = display.fill_between_[0].get_paths()[0].vertices
    rows = results["param_weight_power"] == 0.0
    mean, std = results["mean_test_score"][rows], results["std_test_score"][rows]
    assert band[:, 1].max() == pytest.approx(np.max(mean + std))
    assert band[:, 1].min() == pytest.approx(np.min(mean - std))
    best = search.best_index_
    np.testing.assert_allclose(display.best_marker_.get_xdata(), [search.best_tau_])
    np.testing.assert_allclose(
        display.best_marker_.get_ydata(), [results["mean_test_score"][best]]
    )
    assert display.ax_.get_xlabel() == "tau"
    assert display.ax_.get_ylabel() == "mean CV balanced_accuracy"
    assert _legend_texts(display.ax_) == [
        "weight_power=0",
        "weight_power=0.5",
        f"chosen: tau={search.best_tau_:g}, weight_power={search.best_weight_power_:g}",
    ]


def test_tau_display_error_bars_or_means_only_on_a_given_axes(search):
    _, ax = plt.subplots()
    bars = TauCurveDisplay.from_estimator(search, std_display_style="errorbar", ax=ax)
    assert bars.ax_ is ax and len(bars.errorbar_) == 2 and bars.fill_between_ is None
    assert bars.lines_[0] is bars.errorbar_[0].lines[0]
    plain = TauCurveDisplay.from_estimator(search, std_display_style=None)
    assert plain.fill_between_ is None and plain.errorbar_ is None
    assert plain.ax_ is not ax and len(plain.lines_) == 2


def test_tau_display_from_estimator_refuses_unfitted_or_other_estimators():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        TauCurveDisplay.from_estimator(LogitAdjustedClassifierCV(LogisticRegression()))
    X, y = _long_tailed_blobs()
    with pytest.raises(TypeError, match="needs a fitted LogitAdjustedClassifierCV"):
        TauCurveDisplay.from_estimator(LogisticRegression().fit(X, y))


def test_tau_display_works_without_refit():
    X, y = _long_tailed_blobs()
    search = LogitAdjustedClassifierCV(
        LogisticRegression(), taus=3, weight_powers=[0.0], cv=3, refit=False
    ).fit(X, y)
    display = TauCurveDisplay.from_estimator(search)
    np.testing.assert_allclose(display.lines_[0].get_xdata(), [0.0, 1.0, 2.0])
    # One weight_power: the curve and the star are not labelled with it.
    assert _legend_texts(display.ax_) == [
        "mean CV score",
        f"chosen: tau={search.best_tau_:g}",
    ]


def test_tau_display_from_grid_search_cv_results():
    X, y = _long_tailed_blobs()
    grid = GridSearchCV(
        LogitAdjustedClassifier(LogisticRegression()),
        {"tau": [1.0, 0.0, 0.5]},
        scoring="balanced_accuracy",
        cv=3,
    ).fit(X, y)
    display = TauCurveDisplay.from_cv_results(
        grid.cv_results_,
        best_tau=grid.best_params_["tau"],
        score_name="balanced accuracy",
    )
    assert len(display.lines_) == 1
    # Candidates are drawn in increasing tau, whatever the grid's order.
    np.testing.assert_allclose(display.lines_[0].get_xdata(), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(display.best_marker_.get_ydata(), [grid.best_score_])


@pytest.mark.parametrize(
    "cv_results, kwargs, error, message",
    [
        ([1, 2], {}, TypeError, "`cv_results` must be a dict"),
        ({"param_tau": [0.0]}, {}, ValueError, r"has no \['mean_test_score'\]"),
        (
            {"param_tau": [0.0, 1.0], "mean_test_score": [0.5, 0.6]},
            {},
            ValueError,
            "needs `std_scores`",
        ),
        (
            {"param_tau": [0.0, 1.0], "mean_test_score": [0.5]},
            {"std_display_style": None},
            ValueError,
            "of one length",
        ),
        (
            {"param_tau": [0.0, 1.0], "mean_test_score": [0.5, 0.6]},
            {"std_display_style": None, "best_tau": 0.3},
            ValueError,
            "matches 0 candidates",
        ),
        (
            {"param_tau": [0.0, 1.0], "mean_test_score": [0.5, 0.6]},
            {"std_display_style": "band"},
            ValueError,
            "`std_display_style` must be",
        ),
    ],
)
def test_tau_display_from_cv_results_refuses_bad_input(
    cv_results, kwargs, error, message
):
    with pytest.raises(error, match=message):
        TauCurveDisplay.from_cv_results(cv_results, **kwargs)


def test_tau_curve_of_a_search_over_both_balances_draws_the_chosen_one():
    pytest.importorskip("matplotlib")
    from sklearn.datasets import make_classification
    from sklearn.naive_bayes import GaussianNB

    from sklearn_la import LogitAdjustedClassifierCV
    from sklearn_la.metrics import TauCurveDisplay

    X, y = make_classification(
        n_samples=400, n_classes=3, n_informative=4, weights=[0.8, 0.15, 0.05],
        random_state=0,
    )  # fmt: skip
    search = LogitAdjustedClassifierCV(
        GaussianNB(), weight_powers=[0.0, 1.0], taus=5, cv=3, random_state=0
    ).fit(X, y)
    display = TauCurveDisplay.from_estimator(search)
    assert len(display.lines_) == 2  # w = 0 and w = 1 of best_balance_
