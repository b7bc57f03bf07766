"""Per-class accuracy of one or several models, classes by training count (Display API).

The plot a long-tail user looks at first: which classes fail, and whether they
are the rare ones. Classes run from the most to the least frequent in
training, under their names and training counts, with the many-, medium- and
few-shot groups shaded, and the models compared side by side in each class.
Past 30 classes (``_MAX_CLASSES``), names no longer fit under the axis: the
classes are then pooled into bins of neighbouring training counts (never
across a group boundary), each bar the mean accuracy of its bin's classes.
"""

from collections.abc import Mapping

import numpy as np
from sklearn.utils._param_validation import validate_params
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted

from ..._validation import (
    _CLASS_COUNTS,
    _THRESHOLD,
    _check_class_counts,
    _check_labels_argument,
    _check_thresholds,
    _plain_list,
)
from .._classification import _GROUPS, _assign_groups, _per_class_accuracy
from .._scorers import _fitted_class_counts
from ._axes import _get_axes

# With more classes, kind="auto" draws bins: 30 rotated names is about what a
# figure 14 inches wide shows legibly.
_MAX_CLASSES = 30
# Bins drawn for many classes (fewer when the counts do not split that far).
_N_BINS = 12
_KINDS = ("auto", "classes", "bins")
_GROUP_TITLES = {"many": "many-shot", "medium": "medium-shot", "few": "few-shot"}
_GROUP_COLOURS = {"many": "#dbe8f4", "medium": "#ececec", "few": "#f8e1d4"}


def _count_text(count):
    """A training count as people write it: ``87``, ``1,250``, ``2.5``."""
    return f"{int(count):,}" if float(count).is_integer() else f"{count:g}"


def _check_threshold_pair(many_threshold, few_threshold):
    """The group thresholds, checked as :func:`group_accuracy` checks them."""
    for name, value in (
        ("many_threshold", many_threshold),
        ("few_threshold", few_threshold),
    ):
        if not _THRESHOLD[0].is_satisfied_by(value):
            raise ValueError(
                f"`{name}` must be a number of training samples, finite and >= 0; "
                f"got {value!r}."
            )
    _check_thresholds(many_threshold, few_threshold)


def _bins(counts, groups, n_bins):
    """Slices of the classes (sorted by decreasing count) into bins.

    Each group gets bins in proportion to its classes (at least one); within
    a group the bins hold about as many classes each, and classes of equal
    count share a bin, so that every bin reads as a range of counts.
    """
    slices, n_classes = [], len(counts)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    for start, stop in zip(starts, np.r_[starts[1:], n_classes], strict=True):
        size = stop - start
        wanted = max(1, round(n_bins * size / n_classes))
        cuts = [start + round(j * size / wanted) for j in range(1, wanted)]
        edges = [start]
        for cut in cuts:
            while cut < stop and counts[cut] == counts[cut - 1]:
                cut += 1
            if edges[-1] < cut < stop:
                edges.append(cut)
        edges.append(stop)
        slices += [slice(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return slices


class PerClassAccuracyDisplay:
    """Per-class accuracy of one or several models, classes ordered by training count.

    Which classes fail, and are they the rare ones? Under plain empirical
    risk minimisation accuracy falls with class frequency, and logit
    adjustment flattens that slope (Menon et al., 2021, section 6). The
    classes run from the most to the least frequent in training, named under
    the axis with their training count; the many-, medium- and few-shot
    groups (as in :func:`group_accuracy`) are shaded and labelled, with each
    model's group mean as a dashed line; several models are compared as
    side-by-side bars in each class. With more than 30 classes the
    classes are pooled into about a dozen bins of
    neighbouring training counts (never across a group boundary): each bar is
    the mean accuracy of its bin's classes, and each bin is labelled with its
    range of counts and its number of classes.

    Create it with :meth:`from_estimator` or :meth:`from_predictions`, giving
    several models as a mapping ``{name: estimator}`` or ``{name: y_pred}``.
    Needs matplotlib.

    Parameters
    ----------
    class_counts : array-like of shape (n_labels,)
        Training samples of each class.

    per_class_accuracy : array-like of shape (n_labels,) or (n_models, n_labels)
        Recall of each class on the evaluation data, one row per model; nan
        for a class without evaluation sample.

    labels : array-like of shape (n_labels,), default=None
        The class labels, shown under the axis; ``0, 1, ...`` when None.

    name : str or list of str, default=None
        Legend label of each model (one per row of ``per_class_accuracy``);
        a model without one is left out of the legend, which always keys the
        dashed group means.

    many_threshold : float, default=100
        Classes with more training samples than this are many-shot.

    few_threshold : float, default=20
        Classes with fewer training samples than this are few-shot.

    Attributes
    ----------
    bars_ : list of matplotlib BarContainer
        The bars of each model.

    group_means_ : list of matplotlib LineCollection
        The dashed group means of each model.

    group_spans_ : dict
        ``{group: Rectangle}``, the shaded band of each group drawn.

    kind_ : {"classes", "bins"}
        What was drawn: a bar per class, or per bin of classes.

    order_ : ndarray of shape (n_labels,)
        Indices of the classes in drawing order (decreasing training count,
        ties in label order).

    bins_ : dict or None
        With ``kind_="bins"``: ``"first"`` and ``"last"`` (largest and
        smallest training count of each bin), ``"n_classes"``, ``"group"``
        and ``"accuracy"`` (of shape (n_models, n_bins), the mean over the
        bin's classes with evaluation samples); None otherwise.

    ax_ : matplotlib Axes
        Axes drawn on.

    figure_ : matplotlib Figure
        Figure holding ``ax_``.

    See Also
    --------
    group_accuracy : The group means as numbers.
    plot_per_class_accuracy : A function drawing this display.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_la import LogitAdjustedClassifier
    >>> from sklearn_la.metrics import PerClassAccuracyDisplay
    >>> X, y = make_classification(n_samples=1000, n_classes=4, n_informative=4,
    ...                            weights=[0.7, 0.2, 0.07, 0.03], random_state=0)
    >>> erm = LogisticRegression().fit(X, y)
    >>> adjusted = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    >>> display = PerClassAccuracyDisplay.from_estimator(
    ...     {"plain": erm, "logit-adjusted": adjusted}, X, y,
    ...     many_threshold=200, few_threshold=50,
    ... )
    >>> [label.get_text() for label in display.ax_.get_xticklabels()]
    ['0 (695)', '1 (202)', '2 (72)', '3 (31)']
    >>> len(display.bars_), display.kind_
    (2, 'classes')
    """

    def __init__(
        self,
        *,
        class_counts,
        per_class_accuracy,
        labels=None,
        name=None,
        many_threshold=100,
        few_threshold=20,
    ):
        self.class_counts = class_counts
        self.per_class_accuracy = per_class_accuracy
        self.labels = labels
        self.name = name
        self.many_threshold = many_threshold
        self.few_threshold = few_threshold

    def _values(self, name):
        """Counts, accuracies (n_models, n_labels), label texts and model names."""
        counts = np.asarray(self.class_counts, dtype=float)
        accuracy = np.asarray(self.per_class_accuracy, dtype=float)
        if accuracy.ndim == 1:
            accuracy = accuracy[np.newaxis]
        if counts.ndim != 1 or accuracy.ndim != 2 or accuracy.shape[1] != counts.size:
            raise ValueError(
                "`class_counts` must be 1-D and `per_class_accuracy` 1-D or 2-D "
                "(one row per model), with one entry per class; got shapes "
                f"{np.shape(self.class_counts)} and "
                f"{np.shape(self.per_class_accuracy)}."
            )
        if counts.size == 0 or not np.all(np.isfinite(counts) & (counts >= 0)):
            raise ValueError(
                "`class_counts` must be non-empty, finite and non-negative; got "
                f"{counts.tolist()!r}."
            )
        _check_threshold_pair(self.many_threshold, self.few_threshold)
        if self.labels is None:
            labels = np.arange(counts.size)
        else:
            labels = _check_labels_argument(self.labels)
            if labels.shape[0] != counts.size:
                raise ValueError(
                    f"`labels` has {labels.shape[0]} entries, `class_counts` "
                    f"{counts.size}; one label per class."
                )
        names = self.name if name is None else name
        if names is None or isinstance(names, str):
            names = [names] * accuracy.shape[0]
        names = list(names)
        if len(names) != accuracy.shape[0] or (
            accuracy.shape[0] > 1 and not all(isinstance(n, str) for n in names)
        ):
            raise ValueError(
                f"`name` must give one string per model ({accuracy.shape[0]}); got "
                f"{names!r}."
            )
        return counts, accuracy, [str(label) for label in labels.tolist()], names

    def plot(self, ax=None, *, kind="auto", name=None, **kwargs):
        """Draw the per-class accuracy of each model.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on, without bars yet (compare models in one display,
            not by drawing displays over each other); a new figure, sized for
            the classes, when None.

        kind : {"auto", "classes", "bins"}, default="auto"
            A bar per class (``"classes"``) or per bin of classes of
            neighbouring training counts (``"bins"``); ``"auto"`` draws
            classes up to 30 classes, bins above.

        name : str or list of str, default=None
            Legend labels; ``self.name`` when None.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.bar` for every model.

        Returns
        -------
        display : PerClassAccuracyDisplay
            This display, with the attributes above set.
        """
        if kind not in _KINDS:
            raise ValueError(f"`kind` must be one of {list(_KINDS)!r}; got {kind!r}.")
        counts, accuracy, labels, names = self._values(name)
        self.order_ = np.lexsort((np.arange(counts.size), -counts))
        counts, accuracy = counts[self.order_], accuracy[:, self.order_]
        labels = [labels[i] for i in self.order_]
        groups = _assign_groups(counts, self.many_threshold, self.few_threshold)
        # Group means over classes (as group_accuracy), whatever is drawn.
        group_means = {
            group: [_mean_or_nan(row[groups == group]) for row in accuracy]
            for group in _GROUPS
            if np.any(groups == group)
        }
        if kind == "auto":
            kind = "classes" if counts.size <= _MAX_CLASSES else "bins"
        self.kind_ = kind
        if kind == "classes":
            self.bins_ = None
            heights = accuracy
            tick_labels = [
                f"{label} ({_count_text(count)})"
                for label, count in zip(labels, counts, strict=True)
            ]
            xlabel = "class (training samples), most frequent first"
            ylabel = "per-class accuracy (recall)"
        else:
            slices = _bins(counts, groups, _N_BINS)
            heights = np.array(
                [[_mean_or_nan(row[s]) for s in slices] for row in accuracy]
            )
            first = np.array([counts[s][0] for s in slices])
            last = np.array([counts[s][-1] for s in slices])
            sizes = np.array([s.stop - s.start for s in slices])
            groups = np.array([groups[s.start] for s in slices])
            self.bins_ = {
                "first": first,
                "last": last,
                "n_classes": sizes,
                "group": groups,
                "accuracy": heights,
            }
            tick_labels = [
                (
                    _count_text(hi)
                    if hi == lo
                    else f"{_count_text(lo)}–{_count_text(hi)}"
                )
                + f"\n{size} class{'es' if size > 1 else ''}"
                for hi, lo, size in zip(first, last, sizes, strict=True)
            ]
            xlabel = "training samples per class (bins of classes), most frequent first"
            ylabel = "mean per-class accuracy (recall)"
        if ax is not None and ax.containers:
            raise ValueError(
                "`ax` already holds bars; drawing more on it would hide them. To "
                "compare models, give them together, as a mapping {name: "
                "estimator} to from_estimator or {name: y_pred} to "
                "from_predictions."
            )
        size = _figure_size(len(tick_labels), len(names), kind)
        # Two-line tick labels, the group titles and the legend above overflow
        # matplotlib's default margins: a figure made here is laid out tight
        # when drawn (no cost before); a figure of the user's keeps its layout.
        ax = _get_axes(ax, f"{type(self).__name__}.plot", size=size, layout="tight")
        self._draw_groups(ax, groups, self.bins_)
        handles = self._draw_bars(ax, heights, groups, group_means, names, kwargs)
        positions = np.arange(len(tick_labels))
        rotate = kind == "classes" and (
            len(tick_labels) > 8 or max(map(len, tick_labels)) > 12
        )
        ax.set_xticks(
            positions,
            tick_labels,
            rotation=45 if rotate else 0,
            ha="right" if rotate else "center",
            rotation_mode="anchor" if rotate else "default",
        )
        ax.tick_params(axis="x", length=0)
        ax.set_xlim(-0.5, len(tick_labels) - 0.5)
        ax.set_ylim(0, 1.14)
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.grid(True, axis="y", alpha=0.3)
        ax.set_axisbelow(True)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(
            *handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=_legend_columns(ax, handles[1]),
            frameon=False,
        )
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _draw_groups(self, ax, groups, bins):
        """Shade and title the positions of each group."""
        self.group_spans_ = {}
        thresholds = {
            "many": f"> {_count_text(self.many_threshold)}",
            "medium": (
                f"{_count_text(self.few_threshold)}–{_count_text(self.many_threshold)}"
            ),
            "few": f"< {_count_text(self.few_threshold)}",
        }
        for group in _GROUPS:
            where = np.flatnonzero(groups == group)
            if where.size == 0:
                continue
            first, last = where[0] - 0.5, where[-1] + 0.5
            self.group_spans_[group] = ax.axvspan(
                first, last, color=_GROUP_COLOURS[group], zorder=0, linewidth=0
            )
            n_classes = where.size if bins is None else bins["n_classes"][where].sum()
            title = (
                f"{_GROUP_TITLES[group]} ({thresholds[group]})\n{n_classes} "
                f"class{'es' if n_classes > 1 else ''}"
            )
            if where.size == 1 and len(groups) > 6:
                # One narrow position: the short form fits above its bars.
                title = f"{group}\n{thresholds[group]}"
            ax.text(
                (first + last) / 2,
                1.07,
                title,
                ha="center",
                va="center",
                fontsize="small",
                color="0.25",
            )

    def _draw_bars(self, ax, heights, groups, group_means, names, kwargs):
        """Side-by-side bars and dashed group means; returns the legend handles."""
        from matplotlib.lines import Line2D

        n_models, n_positions = heights.shape
        width = 0.8 / n_models
        positions = np.arange(n_positions)
        self.bars_, self.group_means_ = [], []
        for m, (row, name) in enumerate(zip(heights, names, strict=True)):
            x = positions + (m - (n_models - 1) / 2) * width
            bars = ax.bar(
                x, np.nan_to_num(row), width, **{"label": name, "zorder": 2, **kwargs}
            )
            self.bars_.append(bars)
            for position in np.flatnonzero(np.isnan(row)):
                # No evaluation sample: no accuracy, which a 0 bar would hide.
                ax.text(
                    x[position],
                    0.01,
                    "n/a",
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize="x-small",
                    color="0.4",
                )
            means = [
                (group_means[g][m], np.flatnonzero(groups == g))
                for g in group_means
                if not np.isnan(group_means[g][m])
            ]
            self.group_means_.append(
                ax.hlines(
                    [mean for mean, _ in means],
                    [where[0] - 0.45 for _, where in means],
                    [where[-1] + 0.45 for _, where in means],
                    colors=[bars.patches[0].get_facecolor()],
                    linestyles="dashed",
                    linewidth=1.3,
                    zorder=3,
                )
            )
        mean = Line2D([], [], color="0.3", linestyle="dashed", linewidth=1.3)
        named = [i for i, name in enumerate(names) if name is not None]
        handles = [self.bars_[i] for i in named] + [mean]
        return handles, [names[i] for i in named] + ["group mean"]

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        class_counts,
        name=None,
        many_threshold=100,
        few_threshold=20,
        kind="auto",
        ax=None,
        **kwargs,
    ):
        """Plot per-class accuracy from true and predicted labels.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True class labels of the evaluation data.

        y_pred : array-like of shape (n_samples,) or mapping
            Predicted class labels, or ``{name: y_pred}`` to compare several
            models.

        class_counts : mapping, pandas Series or array-like of shape (n_labels,)
            Training samples per class, as in
            :func:`~sklearn_la.metrics.group_accuracy`. A class trained on
            but absent from ``y_true`` (predicted, or a key of a mapping with
            a positive count) is drawn at "n/a" in its place and group.

        name : str, default=None
            Legend label of a single model; no legend when None. With a
            mapping ``y_pred`` the names are its keys.

        many_threshold : float, default=100
            Classes with more training samples than this are many-shot.

        few_threshold : float, default=20
            Classes with fewer training samples than this are few-shot.

        kind : {"auto", "classes", "bins"}, default="auto"
            A bar per class or per bin of classes; see :meth:`plot`.

        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.bar`.

        Returns
        -------
        display : PerClassAccuracyDisplay
            The drawn display.
        """
        owner = f"{cls.__name__}.from_predictions"
        names, predictions = _named(y_pred, name, "y_pred", owner)
        labels, counts, recalls = None, None, []
        for prediction in predictions:
            found, found_counts, recall = _per_class_accuracy(
                y_true, prediction, class_counts, owner
            )
            if counts is not None and not np.array_equal(found_counts, counts):
                raise ValueError(
                    "`class_counts` is an array read in the order of the labels of "
                    "`y_true` and each `y_pred`, which differ between the models; "
                    "pass a mapping {label: training count}."
                )
            labels, counts = found, found_counts
            recalls.append(recall)
        labels, counts, recalls = _with_untested_classes(
            labels, counts, recalls, y_true, predictions, class_counts
        )
        display = cls(
            class_counts=counts,
            per_class_accuracy=np.array(recalls) if len(recalls) > 1 else recalls[0],
            labels=labels,
            name=names if len(names) > 1 else names[0],
            many_threshold=many_threshold,
            few_threshold=few_threshold,
        )
        return display.plot(ax=ax, kind=kind, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        class_counts=None,
        name=None,
        many_threshold=100,
        few_threshold=20,
        kind="auto",
        ax=None,
        **kwargs,
    ):
        """Plot per-class accuracy of fitted classifiers on ``(X, y)``.

        Parameters
        ----------
        estimator : estimator instance or mapping
            Fitted classifier (or pipeline ending in one), or ``{name:
            estimator}`` to compare several on the same data.

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Evaluation data.

        y : array-like of shape (n_samples,)
            True class labels of the evaluation data.

        class_counts : mapping, pandas Series or array-like, default=None
            Training samples per class, as in
            :func:`~sklearn_la.metrics.group_accuracy`. By default the
            ``class_counts_`` of the estimator(s) that have it (as a
            :class:`~sklearn_la.LogitAdjustedClassifier` does, alone or last
            in a pipeline), which must agree; a label of ``y`` an estimator
            was not trained on counts 0. A class trained on but absent from
            ``y`` is drawn at "n/a" in its place and group.

        name : str, default=None
            Legend label of a single estimator; its class name when None.
            With a mapping the names are its keys.

        many_threshold : float, default=100
            Classes with more training samples than this are many-shot.

        few_threshold : float, default=20
            Classes with fewer training samples than this are few-shot.

        kind : {"auto", "classes", "bins"}, default="auto"
            A bar per class or per bin of classes; see :meth:`plot`.

        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.bar`.

        Returns
        -------
        display : PerClassAccuracyDisplay
            The drawn display.
        """
        owner = f"{cls.__name__}.from_estimator"
        if not isinstance(estimator, Mapping) and name is None:
            name = type(estimator).__name__
        names, estimators = _named(estimator, name, "estimator", owner)
        for model in estimators:
            check_is_fitted(model)
        if class_counts is None:
            class_counts = _common_class_counts(estimators, names, y, owner)
        predictions = [model.predict(X) for model in estimators]
        return cls.from_predictions(
            y,
            dict(zip(names, predictions, strict=True))
            if isinstance(estimator, Mapping)
            else predictions[0],
            class_counts=class_counts,
            name=None if isinstance(estimator, Mapping) else name,
            many_threshold=many_threshold,
            few_threshold=few_threshold,
            kind=kind,
            ax=ax,
            **kwargs,
        )


def _legend_columns(ax, texts):
    """Entries per row of the legend above the axes: one row when it fits."""
    width = ax.get_position().width * ax.figure.get_figwidth()
    # About 0.08 inch per character at the legend's font size, plus the key.
    needed = sum(0.6 + 0.08 * len(text) for text in texts)
    return len(texts) if needed <= width else max(1, (len(texts) + 1) // 2)


def _mean_or_nan(values):
    """Mean of the non-nan values; nan when there are none (no warning)."""
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def _figure_size(n_positions, n_models, kind):
    """(width, height) in inches: room for each position's bars and label."""
    # A bin's label is two lines of up to 11 characters, never rotated.
    per_position = 0.3 + 0.12 * n_models if kind == "classes" else 0.85
    return (float(np.clip(2.0 + n_positions * per_position, 6.4, 14)), 4.8)


def _named(values, name, argument, owner):
    """``(names, values)`` of one model or of a mapping ``{name: value}``."""
    if not isinstance(values, Mapping):
        return [name], [values]
    if name is not None:
        raise TypeError(
            f"{owner}: with a mapping `{argument}` the names are its keys; "
            f"`name` must be None, got {name!r}."
        )
    if len(values) == 0 or not all(isinstance(key, str) for key in values):
        raise ValueError(
            f"{owner}: `{argument}` as a mapping needs at least one entry, keyed "
            f"by model name (str); got keys {list(values)!r}."
        )
    return list(values), list(values.values())


def _common_class_counts(estimators, names, y, owner):
    """The training counts the estimators with ``class_counts_`` agree on."""
    found, refusal = {}, None
    for model, name in zip(estimators, names, strict=True):
        try:
            found[name] = _fitted_class_counts(
                model, y, owner=owner, fix="pass `class_counts=`"
            )
        except TypeError as exc:
            refusal = refusal or exc
    if not found:
        raise refusal
    first = next(iter(found.values()))
    if any(counts != first for counts in found.values()):
        raise ValueError(
            f"{owner}: the estimators {list(found)!r} were trained on different "
            "class counts; pass the training counts as `class_counts=`."
        )
    return first


def _with_untested_classes(labels, counts, recalls, y_true, predictions, class_counts):
    """Add the classes with a positive training count but no evaluation row,
    at nan.

    The recalls cover the labels of ``y_true``; a class trained on but absent
    from it has no accuracy to show, but leaving it out would drop it from
    the plot and from its many/medium/few-shot group. A mapping names those
    classes; an array of counts is aligned with the sorted labels of
    ``y_true`` and the predictions, so it names the predicted ones.
    """
    counts_by_label = _check_class_counts(class_counts)
    if not isinstance(counts_by_label, dict):
        union = unique_labels(y_true, *predictions)
        if counts_by_label.shape[0] != union.shape[0]:
            return labels, counts, recalls  # read per model, as the recalls were
        counts_by_label = dict(zip(_plain_list(union), counts_by_label.tolist()))
    tested = set(_plain_list(labels))
    extra = [
        label
        for label, count in counts_by_label.items()
        if label not in tested and count > 0
    ]
    if not extra:
        return labels, counts, recalls
    # One dtype for all (numpy's inference: floats stay floats, ints ints),
    # so that the ticks print alike.
    labels = np.array(_plain_list(labels) + extra)
    counts = np.concatenate([counts, [counts_by_label[label] for label in extra]])
    recalls = [np.concatenate([r, np.full(len(extra), np.nan)]) for r in recalls]
    return labels, counts, recalls


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like", Mapping],
        "class_counts": _CLASS_COUNTS,
        "ax": "no_validation",
        "label": [str, None],
        "many_threshold": _THRESHOLD,
        "few_threshold": _THRESHOLD,
    },
    prefer_skip_nested_validation=True,
)
def plot_per_class_accuracy(
    y_true,
    y_pred,
    *,
    class_counts,
    ax=None,
    label=None,
    many_threshold=100,
    few_threshold=20,
):
    """Plot per-class accuracy, classes ordered by their number of training samples.

    A thin function over :class:`PerClassAccuracyDisplay`: it is
    ``PerClassAccuracyDisplay.from_predictions(y_true, y_pred,
    class_counts=class_counts, name=label, ...).ax_``. Needs matplotlib.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels of the evaluation data.

    y_pred : array-like of shape (n_samples,) or mapping
        Predicted class labels, or ``{name: y_pred}`` to compare models side
        by side.

    class_counts : mapping, pandas Series or array-like of shape (n_labels,)
        Training samples per class, as in :func:`group_accuracy`. A class
        trained on but absent from ``y_true`` is drawn at "n/a".

    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is created when None.

    label : str, default=None
        Legend label of a single model (adds a legend).

    many_threshold : float, default=100
        Classes with more training samples than this are many-shot.

    few_threshold : float, default=20
        Classes with fewer training samples than this are few-shot.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    PerClassAccuracyDisplay : The display object, with ``from_estimator``.
    group_accuracy : The group means as numbers.

    Examples
    --------
    >>> from sklearn_la.metrics import plot_per_class_accuracy
    >>> y_true = [0, 0, 1, 1, 2, 2]
    >>> y_pred = {"ERM": [0, 0, 1, 0, 0, 0], "adjusted": [0, 0, 1, 1, 2, 0]}
    >>> ax = plot_per_class_accuracy(
    ...     y_true, y_pred, class_counts={0: 500, 1: 50, 2: 5}
    ... )
    >>> [float(bar.get_height()) for bar in ax.containers[1]]  # adjusted, head first
    [1.0, 1.0, 0.5]
    """
    display = PerClassAccuracyDisplay.from_predictions(
        y_true,
        y_pred,
        class_counts=class_counts,
        ax=ax,
        name=label,
        many_threshold=many_threshold,
        few_threshold=few_threshold,
    )
    return display.ax_
