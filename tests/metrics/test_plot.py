"""Tests of sklearn_la.metrics._plot: the displays and plot_per_class_accuracy."""

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
    group_accuracy,
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


# -- PerClassAccuracyDisplay ------------------------------------------------------


def _tick_texts(ax):
    return [label.get_text() for label in ax.get_xticklabels()]


def _heights(bars):
    return [patch.get_height() for patch in bars.patches]


def test_per_class_display_names_each_class_with_its_count_most_frequent_first():
    display = PerClassAccuracyDisplay.from_predictions(
        ["c", "c", "a", "a", "b", "b"],
        ["c", "a", "a", "a", "a", "a"],
        class_counts={"b": 5, "a": 500, "c": 50},
        name="ERM",
    )
    # The values are in label order; the drawing in decreasing training count.
    np.testing.assert_allclose(display.class_counts, [500, 5, 50])
    np.testing.assert_allclose(display.per_class_accuracy, [1.0, 0.0, 0.5])
    assert display.order_.tolist() == [0, 2, 1]
    assert _tick_texts(display.ax_) == ["a (500)", "c (50)", "b (5)"]
    assert display.kind_ == "classes" and display.bins_ is None
    assert len(display.bars_) == 1
    assert _heights(display.bars_[0]) == [1.0, 0.5, 0.0]
    assert display.figure_ is display.ax_.figure
    # Plain numbers under a linear axis, never log ticks such as 6x10^0.
    assert display.ax_.get_xscale() == "linear"
    assert _legend_texts(display.ax_) == ["ERM", "group mean"]


def test_per_class_display_compares_several_models_side_by_side():
    y_true = [0, 0, 1, 1, 2, 2]
    display = PerClassAccuracyDisplay.from_predictions(
        y_true,
        {"ERM": [0, 0, 1, 0, 0, 0], "adjusted": [0, 1, 1, 1, 2, 0]},
        class_counts=[500, 50, 5],
    )
    np.testing.assert_allclose(display.per_class_accuracy, [[1, 0.5, 0], [0.5, 1, 0.5]])
    assert display.name == ["ERM", "adjusted"]
    erm, adjusted = display.bars_
    assert _heights(erm) == [1.0, 0.5, 0.0] and _heights(adjusted) == [0.5, 1.0, 0.5]
    # Side by side: the second model's bar of each class is right of the first's.
    for left, right in zip(erm.patches, adjusted.patches):
        assert left.get_x() + left.get_width() == pytest.approx(right.get_x())
    assert _legend_texts(display.ax_) == ["ERM", "adjusted", "group mean"]


def test_per_class_display_shades_the_groups_and_draws_their_means():
    counts = {0: 400, 1: 300, 2: 60, 3: 30, 4: 10}
    y_true = np.repeat([0, 1, 2, 3, 4], 4)
    y_pred = np.where(np.arange(20) % 4 < np.repeat([4, 3, 2, 1, 0], 4), y_true, 0)
    display = PerClassAccuracyDisplay.from_predictions(
        y_true, y_pred, class_counts=counts, many_threshold=100, few_threshold=20
    )
    spans = {
        group: (patch.get_x(), patch.get_x() + patch.get_width())
        for group, patch in display.group_spans_.items()
    }
    assert spans == {
        "many": (-0.5, 1.5),
        "medium": (1.5, 3.5),
        "few": (3.5, 4.5),
    }
    texts = [text.get_text() for text in display.ax_.texts]
    assert "many-shot (> 100)\n2 classes" in texts
    assert "medium-shot (20–100)\n2 classes" in texts
    assert "few-shot (< 20)\n1 class" in texts
    # The dashed means are group_accuracy's numbers, over each group's span.
    expected = group_accuracy(y_true, y_pred, class_counts=counts)
    (segments,) = display.group_means_
    drawn = [(seg[0, 1], seg[0, 0], seg[1, 0]) for seg in segments.get_segments()]
    assert drawn == [
        (pytest.approx(expected["many"]), -0.45, 1.45),
        (pytest.approx(expected["medium"]), 1.55, 3.45),
        (pytest.approx(expected["few"]), 3.55, 4.45),
    ]


def test_per_class_display_ties_keep_label_order_and_counts_read_plainly():
    display = PerClassAccuracyDisplay(
        class_counts=[3, 12000, 3, 2.5],
        per_class_accuracy=[1.0, 0.5, 0.25, np.nan],
        labels=["wren", "robin", "jay", "owl"],
    ).plot()
    assert _tick_texts(display.ax_) == [
        "robin (12,000)",
        "wren (3)",
        "jay (3)",
        "owl (2.5)",
    ]
    # No evaluation sample: no bar, and "n/a" says why.
    assert _heights(display.bars_[0])[-1] == 0.0
    assert "n/a" in [text.get_text() for text in display.ax_.texts]
    # An unnamed model has no legend entry; the dashed means always have one.
    assert _legend_texts(display.ax_) == ["group mean"]


def _many_classes(n_classes, seed=0):
    rng = np.random.default_rng(seed)
    counts = np.maximum(1, (1000 * 0.95 ** np.arange(n_classes)).astype(int))
    return counts, rng.uniform(size=(2, n_classes))


def test_per_class_display_draws_classes_up_to_max_classes_then_bins():
    from sklearn_la.metrics._plot.per_class_accuracy import _MAX_CLASSES

    counts, accuracy = _many_classes(_MAX_CLASSES)
    display = PerClassAccuracyDisplay(
        class_counts=counts, per_class_accuracy=accuracy, name=["a", "b"]
    ).plot()
    assert display.kind_ == "classes"
    assert len(_tick_texts(display.ax_)) == _MAX_CLASSES

    counts, accuracy = _many_classes(_MAX_CLASSES + 1)
    display = PerClassAccuracyDisplay(
        class_counts=counts, per_class_accuracy=accuracy, name=["a", "b"]
    ).plot()
    assert display.kind_ == "bins"
    assert len(_tick_texts(display.ax_)) == len(display.bins_["n_classes"]) < 20
    forced = PerClassAccuracyDisplay(
        class_counts=counts[:5], per_class_accuracy=accuracy[:, :5], name=["a", "b"]
    ).plot(kind="bins")
    assert forced.kind_ == "bins"


def test_per_class_display_bins_pool_neighbouring_counts_within_a_group():
    counts, accuracy = _many_classes(100)
    accuracy[0, 7] = np.nan  # a class without evaluation sample
    display = PerClassAccuracyDisplay(
        class_counts=counts,
        per_class_accuracy=accuracy,
        name=["a", "b"],
        many_threshold=100,
        few_threshold=20,
    ).plot()
    bins = display.bins_
    assert bins["n_classes"].sum() == 100
    order = np.argsort(-counts, kind="stable")
    start = 0
    for i, size in enumerate(bins["n_classes"]):
        members = order[start : start + size]
        start += size
        assert bins["first"][i] == counts[members].max()
        assert bins["last"][i] == counts[members].min()
        # Every bin within one group; equal counts never split across bins.
        assert len(set(_group_of(counts[members]))) == 1
        assert bins["group"][i] == _group_of(counts[members])[0]
        np.testing.assert_allclose(
            bins["accuracy"][:, i], np.nanmean(accuracy[:, members], axis=1)
        )
        np.testing.assert_allclose(
            _heights(display.bars_[0])[i], bins["accuracy"][0, i]
        )
    ties = counts[order]
    boundaries = np.cumsum(bins["n_classes"])[:-1]
    assert np.all(ties[boundaries] != ties[boundaries - 1])
    first_tick = _tick_texts(display.ax_)[0]
    assert first_tick == (
        f"{bins['last'][0]:,.0f}–{bins['first'][0]:,.0f}\n"
        f"{bins['n_classes'][0]} classes"
    )
    # Group means stay means over classes, as group_accuracy's.
    few = counts < 20
    (segments, _) = display.group_means_
    assert segments.get_segments()[-1][0, 1] == pytest.approx(
        np.nanmean(accuracy[0, few])
    )


def _group_of(counts):
    return ["many" if c > 100 else "few" if c < 20 else "medium" for c in counts]


def test_per_class_display_from_estimator_compares_a_mapping_of_models():
    X, y = _long_tailed_blobs()
    adjusted = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    erm = LogisticRegression().fit(X, y)
    # Training counts come from whichever model has them (here the wrapper).
    display = PerClassAccuracyDisplay.from_estimator(
        {"plain": erm, "adjusted": adjusted}, X, y
    )
    np.testing.assert_allclose(display.class_counts, [400, 60, 12])
    np.testing.assert_allclose(
        display.per_class_accuracy,
        [per_class_recall(y, erm.predict(X)), per_class_recall(y, adjusted.predict(X))],
    )
    assert _legend_texts(display.ax_) == ["plain", "adjusted", "group mean"]
    assert _tick_texts(display.ax_) == ["0 (400)", "1 (60)", "2 (12)"]


def test_per_class_display_from_estimator_looks_into_a_pipeline():
    X, y = _long_tailed_blobs()
    pipe = make_pipeline(
        StandardScaler(), LogitAdjustedClassifier(LogisticRegression())
    )
    display = PerClassAccuracyDisplay.from_estimator(pipe.fit(X, y), X, y)
    np.testing.assert_allclose(display.class_counts, [400, 60, 12])
    assert _legend_texts(display.ax_) == ["Pipeline", "group mean"]


def test_per_class_display_from_estimator_counts_unseen_labels_as_zero():
    X, y = _long_tailed_blobs()
    model = LogitAdjustedClassifier(LogisticRegression()).fit(X[y < 2], y[y < 2])
    display = PerClassAccuracyDisplay.from_estimator(model, X, y)
    np.testing.assert_allclose(display.class_counts, [400, 60, 0])
    assert display.per_class_accuracy[2] == 0.0
    assert _tick_texts(display.ax_)[-1] == "2 (0)"


def test_per_class_display_passes_kwargs_and_draws_on_given_axes():
    _, ax = plt.subplots()
    display = PerClassAccuracyDisplay(
        class_counts=[100, 10], per_class_accuracy=[0.9, 0.4], name="model"
    ).plot(ax=ax, color="red", hatch="//")
    assert display.ax_ is ax
    patch = display.bars_[0].patches[0]
    assert matplotlib.colors.to_hex(patch.get_facecolor()) == "#ff0000"
    assert patch.get_hatch() == "//"


def test_per_class_display_refuses_to_draw_over_bars():
    # Bars of a second display would sit on the first's: models go in one.
    first = PerClassAccuracyDisplay(
        class_counts=[100, 10], per_class_accuracy=[0.9, 0.4]
    ).plot()
    with pytest.raises(ValueError, match="already holds bars.*as a mapping"):
        PerClassAccuracyDisplay(
            class_counts=[100, 10], per_class_accuracy=[0.8, 0.6]
        ).plot(ax=first.ax_)


def test_per_class_display_figure_widens_with_the_classes():
    narrow = PerClassAccuracyDisplay(
        class_counts=[100, 10], per_class_accuracy=[0.9, 0.4]
    ).plot()
    counts, accuracy = _many_classes(25)
    wide = PerClassAccuracyDisplay(
        class_counts=counts, per_class_accuracy=accuracy[0]
    ).plot()
    assert wide.figure_.get_figwidth() > narrow.figure_.get_figwidth()


@pytest.mark.parametrize("n_classes", [5, 19, 40])
def test_per_class_display_keeps_its_labels_inside_its_own_figure(n_classes):
    # Binned ticks take two lines: the axis label fell below the figure.
    counts, accuracy = _many_classes(n_classes)
    display = PerClassAccuracyDisplay(
        class_counts=counts, per_class_accuracy=accuracy[0]
    ).plot()
    display.figure_.canvas.draw()  # where savefig puts them
    figure = display.figure_.bbox
    renderer = display.figure_.canvas.get_renderer()
    for label in (display.ax_.xaxis.label, display.ax_.yaxis.label):
        box = label.get_window_extent(renderer)
        assert box.y0 >= figure.y0 and box.x0 >= figure.x0, label.get_text()
        assert box.y1 <= figure.y1 and box.x1 <= figure.x1, label.get_text()
    # A figure of the user's keeps the layout the user gave it.
    fig, ax = plt.subplots()
    before = ax.get_position().bounds
    PerClassAccuracyDisplay(class_counts=counts, per_class_accuracy=accuracy[0]).plot(
        ax=ax
    )
    assert ax.get_position().bounds == before


def test_per_class_display_refuses_unfitted_or_countless_estimators():
    X, y = _long_tailed_blobs()
    with pytest.raises(NotFittedError):
        PerClassAccuracyDisplay.from_estimator(
            LogitAdjustedClassifier(LogisticRegression()), X, y
        )
    erm = LogisticRegression().fit(X, y)
    with pytest.raises(TypeError, match=r"LogisticRegression does not have.*class_co"):
        PerClassAccuracyDisplay.from_estimator(erm, X, y)
    with pytest.raises(TypeError, match=r"LogisticRegression does not have.*class_co"):
        PerClassAccuracyDisplay.from_estimator({"a": erm, "b": erm}, X, y)
    partial = LogitAdjustedClassifier(LogisticRegression()).fit(X[::2], y[::2])
    full = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="trained on different class counts"):
        PerClassAccuracyDisplay.from_estimator({"a": partial, "b": full}, X, y)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"class_counts": {0: 3}}, ValueError, r"no training count for label\(s\)"),
        ({"class_counts": None}, TypeError, "`class_counts` must be a mapping"),
        ({"class_counts": [1, -1]}, ValueError, "`class_counts` must be non-negative"),
        ({"class_counts": [1, 2], "y_pred": [0]}, ValueError, "same length"),
        ({"y_pred": {"a": [0, 1]}, "name": "b"}, TypeError, "names are its keys"),
        ({"y_pred": {1: [0, 1]}}, ValueError, "keyed by model name"),
        ({"y_pred": {}}, ValueError, "at least one entry"),
        ({"kind": "dots"}, ValueError, "`kind` must be one of"),
        ({"few_threshold": 50, "many_threshold": 10}, ValueError, "must not exceed"),
        ({"many_threshold": np.nan}, ValueError, "`many_threshold` must be a number"),
        ({"few_threshold": True}, ValueError, "`few_threshold` must be a number"),
    ],
)
def test_per_class_display_from_predictions_refuses_bad_input(kwargs, error, message):
    kwargs = {"y_true": [0, 1], "y_pred": [0, 1], "class_counts": [3, 3], **kwargs}
    with pytest.raises(error, match=message):
        PerClassAccuracyDisplay.from_predictions(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"per_class_accuracy": [0.5]}, "one entry per class"),
        ({"labels": ["a"]}, "`labels` has 1 entries, `class_counts` 2"),
        ({"labels": ["a", None]}, "Missing label None in `labels`"),
        ({"labels": ["a", 1]}, "Labels of mixed types"),
        ({"labels": ["a", "a"]}, "must not repeat"),
        ({"name": ["a", "b"]}, "one string per model"),
        ({"class_counts": [1, np.nan]}, "finite and non-negative"),
    ],
)
def test_per_class_display_plot_refuses_mismatched_values(kwargs, message):
    values = {"class_counts": [1, 2], "per_class_accuracy": [0.5, 0.5], **kwargs}
    with pytest.raises(ValueError, match=message):
        PerClassAccuracyDisplay(**values).plot()


def test_plot_per_class_accuracy_is_the_display_drawn_on_an_axes():
    _, ax = plt.subplots()
    returned = plot_per_class_accuracy(
        [0, 0, 1, 1, 2, 2],
        {"ERM": [0, 0, 1, 0, 0, 0], "LA": [0, 0, 1, 1, 2, 2]},
        class_counts={2: 5, 0: 500, 1: 50},
        ax=ax,
        many_threshold=100,
        few_threshold=20,
    )
    assert returned is ax
    assert _heights(ax.containers[0]) == [1.0, 0.5, 0.0]
    assert _heights(ax.containers[1]) == [1.0, 1.0, 1.0]
    assert _legend_texts(ax) == ["ERM", "LA", "group mean"]
    single = plot_per_class_accuracy([0, 1], [0, 0], class_counts=[3, 3], label="ERM")
    assert _legend_texts(single) == ["ERM", "group mean"]
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


def test_tau_curve_after_a_race_draws_the_finalists_only():
    # Members dropped early have means over fewer splits, which do not
    # compare with the finalists'.
    pytest.importorskip("matplotlib")
    from sklearn.datasets import make_classification
    from sklearn.naive_bayes import GaussianNB

    X, y = make_classification(
        n_samples=400, n_classes=3, n_informative=4, weights=[0.8, 0.15, 0.05],
        random_state=0,
    )  # fmt: skip
    search = LogitAdjustedClassifierCV(GaussianNB(), taus=5, balances="weight")
    search.fit(X, y)
    results = search.cv_results_
    finalists = results["n_splits"] == results["n_splits"].max()
    assert not finalists.all()
    display = TauCurveDisplay.from_estimator(search)
    assert set(display.weight_powers) == set(results["param_weight_power"][finalists])
    assert len(display.taus) == finalists.sum()


def test_a_class_with_no_evaluation_row_keeps_its_place_at_nan():
    # Class 0, the largest in training and predicted, has no test row: it
    # stays on the axis (n/a) and in its many-shot group, not dropped.
    y_true = np.array([1, 1, 2, 2, 2, 3])
    y_pred = np.array([1, 0, 2, 2, 1, 3])
    for counts in ([50, 30, 10, 2], {0: 50, 1: 30, 2: 10, 3: 2, 4: 0}):
        display = PerClassAccuracyDisplay.from_predictions(
            y_true, y_pred, class_counts=counts, many_threshold=20, few_threshold=5
        )
        assert sorted(display.labels.tolist()) == [0, 1, 2, 3]
        untested = display.labels.tolist().index(0)
        assert np.isnan(display.per_class_accuracy[untested])
        assert display.class_counts[untested] == 50
        assert _tick_texts(display.ax_)[0] == "0 (50)"
        plt.close(display.figure_)


def test_tau_curve_names_the_score_the_search_maximised(search):
    assert (
        "balanced_accuracy" in TauCurveDisplay.from_estimator(search).ax_.get_ylabel()
    )
    at_train = LogitAdjustedClassifierCV(
        LogisticRegression(), weight_powers=[0.0], taus=5, cv=3, target_priors="train"
    ).fit(*_long_tailed_blobs())
    display = TauCurveDisplay.from_estimator(at_train)
    assert "negated error at target_priors" in display.ax_.get_ylabel()
