"""Per-class accuracy against training class frequency (Display API)."""

import numpy as np
from sklearn.utils._param_validation import validate_params
from sklearn.utils.validation import check_is_fitted

from .._checks import _CLASS_COUNTS
from .._classification import _per_class_accuracy
from .._scorers import _fitted_class_counts
from ._axes import _get_axes


class PerClassAccuracyDisplay:
    """Per-class accuracy against the number of training samples per class.

    The picture behind the many/medium/few split: under plain empirical risk
    minimisation accuracy falls with class frequency, and logit adjustment
    flattens that slope (Menon et al., 2021, section 6). Create it with
    :meth:`from_estimator` or :meth:`from_predictions`; to compare models
    (before and after adjustment, say), pass the first display's ``ax_`` as
    ``ax`` of the next. Needs matplotlib.

    Parameters
    ----------
    class_counts : array-like of shape (n_labels,)
        Training samples of each class. Classes with a count of 0 have no
        place on the logarithmic axis and are not drawn.

    per_class_accuracy : array-like of shape (n_labels,)
        Recall of each class on the evaluation data.

    labels : array-like of shape (n_labels,), default=None
        The class labels, for reference.

    name : str, default=None
        Legend label of the curve; no legend when None.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The curve, classes sorted by training count.

    ax_ : matplotlib Axes
        Axes drawn on.

    figure_ : matplotlib Figure
        Figure holding ``ax_``.

    See Also
    --------
    group_accuracy : The same accuracies averaged by frequency group.
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
    >>> display = PerClassAccuracyDisplay.from_estimator(adjusted, X, y)
    >>> display = PerClassAccuracyDisplay.from_estimator(
    ...     erm, X, y, class_counts=adjusted.class_counts_, ax=display.ax_
    ... )
    >>> display.line_.get_xdata().shape
    (4,)
    """

    def __init__(self, *, class_counts, per_class_accuracy, labels=None, name=None):
        self.class_counts = class_counts
        self.per_class_accuracy = per_class_accuracy
        self.labels = labels
        self.name = name

    def plot(self, ax=None, *, name=None, **kwargs):
        """Draw per-class accuracy against training class frequency.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on (another display's ``ax_`` overlays the curves); a
            new figure is created when None.

        name : str, default=None
            Legend label; ``self.name`` when None.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : PerClassAccuracyDisplay
            This display, with ``line_``, ``ax_`` and ``figure_`` set.
        """
        counts = np.asarray(self.class_counts, dtype=float)
        accuracy = np.asarray(self.per_class_accuracy, dtype=float)
        if counts.ndim != 1 or counts.shape != accuracy.shape:
            raise ValueError(
                "`class_counts` and `per_class_accuracy` must be 1-D of one length; "
                f"got shapes {counts.shape} and {accuracy.shape}."
            )
        ax = _get_axes(ax, f"{type(self).__name__}.plot")
        name = self.name if name is None else name
        shown = counts > 0
        order = np.argsort(counts[shown], kind="stable")
        (self.line_,) = ax.plot(
            counts[shown][order],
            accuracy[shown][order],
            **{"marker": "o", "label": name, **kwargs},
        )
        ax.set_xscale("log")
        ax.set_xlabel("training samples per class")
        ax.set_ylabel("per-class accuracy (recall)")
        ax.set_ylim(-0.02, 1.02)
        ax.grid(True, which="major", alpha=0.3)
        if name is not None:
            ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(
        cls, y_true, y_pred, *, class_counts, name=None, ax=None, **kwargs
    ):
        """Plot per-class accuracy from true and predicted labels.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True class labels of the evaluation data.

        y_pred : array-like of shape (n_samples,)
            Predicted class labels.

        class_counts : mapping, pandas Series or array-like of shape (n_labels,)
            Training samples per class, as in
            :func:`~sklearn_la.metrics.group_accuracy`.

        name : str, default=None
            Legend label of the curve; no legend when None.

        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : PerClassAccuracyDisplay
            The drawn display.
        """
        labels, counts, recall = _per_class_accuracy(
            y_true, y_pred, class_counts, f"{cls.__name__}.from_predictions"
        )
        display = cls(
            class_counts=counts, per_class_accuracy=recall, labels=labels, name=name
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, class_counts=None, name=None, ax=None, **kwargs
    ):
        """Plot per-class accuracy of a fitted classifier on ``(X, y)``.

        Parameters
        ----------
        estimator : estimator instance
            Fitted classifier (or pipeline ending in one).

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Evaluation data.

        y : array-like of shape (n_samples,)
            True class labels of the evaluation data.

        class_counts : mapping, pandas Series or array-like, default=None
            Training samples per class, as in
            :func:`~sklearn_la.metrics.group_accuracy`. By default the
            estimator's ``class_counts_`` (as a
            :class:`~sklearn_la.LogitAdjustedClassifier` has, alone or last in
            a pipeline); a label of ``y`` it was not trained on counts 0.

        name : str, default=None
            Legend label; the estimator's class name when None.

        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : PerClassAccuracyDisplay
            The drawn display.
        """
        caller = f"{cls.__name__}.from_estimator"
        check_is_fitted(estimator)
        if class_counts is None:
            class_counts = _fitted_class_counts(
                estimator, y, owner=caller, fix="pass `class_counts=`"
            )
        return cls.from_predictions(
            y,
            estimator.predict(X),
            class_counts=class_counts,
            name=type(estimator).__name__ if name is None else name,
            ax=ax,
            **kwargs,
        )


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "class_counts": _CLASS_COUNTS,
        "ax": "no_validation",
        "label": [str, None],
    },
    prefer_skip_nested_validation=True,
)
def plot_per_class_accuracy(y_true, y_pred, *, class_counts, ax=None, label=None):
    """Plot per-class accuracy against the number of training samples per class.

    A thin function over :class:`PerClassAccuracyDisplay`, kept for existing
    code: it is ``PerClassAccuracyDisplay.from_predictions(y_true, y_pred,
    class_counts=class_counts, ax=ax, name=label).ax_``. Needs matplotlib.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels of the evaluation data.

    y_pred : array-like of shape (n_samples,)
        Predicted class labels.

    class_counts : mapping, pandas Series or array-like of shape (n_labels,)
        Training samples per class, as in :func:`group_accuracy`. Classes with
        a count of 0 have no place on the logarithmic axis and are left out.

    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is created when None.

    label : str, default=None
        Legend label of this curve (adds a legend), to compare models on one
        Axes.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    PerClassAccuracyDisplay : The display object, with ``from_estimator``.
    group_accuracy : The same accuracies averaged by frequency group.

    Examples
    --------
    >>> from sklearn_la.metrics import plot_per_class_accuracy
    >>> y_true = [0, 0, 1, 1, 2, 2]
    >>> y_pred = [0, 0, 1, 0, 0, 0]
    >>> ax = plot_per_class_accuracy(
    ...     y_true, y_pred, class_counts={0: 500, 1: 50, 2: 5}, label="ERM"
    ... )
    >>> ax.get_lines()[0].get_ydata().tolist()
    [0.0, 0.5, 1.0]
    """
    display = PerClassAccuracyDisplay.from_predictions(
        y_true, y_pred, class_counts=class_counts, ax=ax, name=label
    )
    return display.ax_
