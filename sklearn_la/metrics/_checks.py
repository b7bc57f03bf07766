"""Input checks shared by the long-tail metrics, scorers and plots.

Every metric checks its label vectors the same way (:func:`_check_label_pair`)
and reads training class counts the same way (:func:`_check_class_counts`,
:func:`_counts_for_labels`), so a bad input gets the same error, naming the
argument, whichever metric, scorer or plot it is given to.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.utils.multiclass import unique_labels

from .._validation import (
    _check_class_vector,
    _check_targets,
    _is_keyed,
    _is_missing,
    _NumberInterval,
    _plain,
    _plain_list,
)

# Shared constraints of the public functions (metrics, scorers and plots). A
# bool threshold (``many_threshold=True``) would silently mean 1.
_THRESHOLD = [_NumberInterval(Real, 0, None, closed="left")]
_CLASS_COUNTS = [Mapping, "array-like"]


def _check_label_pair(y_true, y_pred, owner):
    """``y_true`` and ``y_pred`` as 1-D label arrays of one length and one kind."""
    y_true = _check_targets(y_true, owner, min_classes=1, name="y_true")
    y_pred = _check_targets(y_pred, owner, min_classes=1, name="y_pred")
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"`y_true` and `y_pred` must have the same length; got {y_true.shape[0]} "
            f"and {y_pred.shape[0]} samples."
        )
    try:
        unique_labels(y_true, y_pred)
    except ValueError as exc:
        raise ValueError(
            f"`y_true` and `y_pred` must hold labels of the same kind: {exc}"
        ) from exc
    return y_true, y_pred


def _check_thresholds(many_threshold, few_threshold):
    """Refuse a few-shot threshold above the many-shot one (types are checked)."""
    if few_threshold > many_threshold:
        raise ValueError(
            f"`few_threshold` ({few_threshold!r}) must not exceed `many_threshold` "
            f"({many_threshold!r}): few-shot classes have fewer training samples than "
            "many-shot ones."
        )


def _check_class_counts(class_counts):
    """``class_counts`` as ``{label: count}`` when keyed by label, else a 1-D array.

    A mapping or pandas Series is read by label (it may hold labels that the
    evaluation data lacks); an array is aligned later with the sorted labels
    (:func:`_counts_for_labels`). Counts must be finite and non-negative.
    """
    if _is_keyed(class_counts):
        keys = np.empty(len(class_counts), dtype=object)
        keys[:] = [_plain(key) for key in class_counts.keys()]
        _check_label_values(keys, "the labels (keys) of `class_counts`")
        counts = _check_class_vector(
            class_counts, keys, name="class_counts", positive=False
        )
        return dict(zip(keys.tolist(), counts.tolist()))
    if class_counts is None or isinstance(class_counts, (str, bytes)):
        raise TypeError(
            "`class_counts` must be a mapping {label: training count}, a pandas "
            "Series or an array of counts aligned with the sorted labels; got "
            f"{class_counts!r}."
        )
    try:
        shape = np.shape(class_counts)
    except ValueError:
        shape = None
    if shape is None or len(shape) != 1:
        raise ValueError(
            "`class_counts` must be a mapping {label: count}, a pandas Series or a "
            f"1-D array of counts; got {class_counts!r}."
        )
    return _check_class_vector(
        class_counts, np.arange(shape[0]), name="class_counts", positive=False
    )


def _counts_for_labels(counts, labels, all_labels):
    """Training count of each of ``labels`` from validated ``counts``.

    ``all_labels`` are the sorted labels of ``y_true`` and ``y_pred`` together,
    the order an array of counts is read in (``np.unique`` on the training
    labels gives it when every class occurs).
    """
    if isinstance(counts, dict):
        wanted = _plain_list(labels)
        missing = [label for label in wanted if label not in counts]
        if missing:
            raise ValueError(
                f"`class_counts` has no training count for label(s) {missing!r} "
                "found in `y_true`; give 0 for a class absent from training."
            )
        return np.array([counts[label] for label in wanted], dtype=float)
    if counts.shape[0] != all_labels.shape[0]:
        raise ValueError(
            f"`class_counts` has {counts.shape[0]} entries but `y_true` and `y_pred` "
            f"hold {all_labels.shape[0]} labels {_plain_list(all_labels)!r}; an array "
            "must be aligned with these sorted labels. Pass a mapping {label: "
            "training count} when some class is absent from the test data."
        )
    return counts[np.searchsorted(all_labels, labels)]


def _check_class_weights(y_true, sample_weight):
    """Refuse a class of ``y_true`` whose samples all weigh zero.

    Its error rate is 0/0; scikit-learn's balanced accuracy would drop the
    class from the mean with a warning about ``y_pred``, which is misleading.
    """
    classes, encoded = np.unique(y_true, return_inverse=True)
    totals = np.bincount(encoded, weights=sample_weight, minlength=len(classes))
    empty = classes[totals == 0]
    if empty.size:
        raise ValueError(
            f"`sample_weight` is zero for every sample of class(es) "
            f"{_plain_list(empty)!r} of `y_true`, so their error rate is "
            "undefined. Give them a positive weight, or drop their samples."
        )


def _check_label_values(values, name):
    """Refuse missing labels and labels of mixed types among ``values``.

    Checked on the values as given, before numpy turns ``["a", 1]`` into the
    strings ``["a", "1"]`` or fails to sort ``["a", None]``. ``name`` is how
    messages call the values (``"`labels`"``).
    """
    values = np.asarray(values, dtype=object).ravel()
    missing = [value for value in values if _is_missing(value)]
    if missing:
        raise ValueError(
            f"Missing label {missing[0]!r} in {name}; every entry must be a class "
            "label."
        )
    kinds = {"number" if isinstance(v, Real) else type(v).__name__ for v in values}
    if len(kinds) > 1:
        raise ValueError(
            f"Labels of mixed types {sorted(kinds)!r} in {name}; labels must be all "
            "numbers or all strings."
        )


def _check_labels_argument(labels, y_true=None, *, name="labels"):
    """``labels`` as a 1-D array of distinct class labels of one kind.

    With ``y_true``, its labels must also be of ``y_true``'s kind: comparing
    string labels with numeric ones would silently match nothing.
    """
    if np.ndim(labels) != 1 or len(labels) == 0:
        raise ValueError(
            f"`{name}` must be a non-empty 1-D array-like of class labels; got "
            f"{labels!r}."
        )
    _check_label_values(labels, f"`{name}`")
    labels = np.asarray(labels)
    if labels.dtype == object:
        # Uniform Python values (pandas' "string" dtype gives objects): a
        # plain numpy array sorts and compares them as y_true's are.
        labels = np.asarray(labels.tolist())
    if np.unique(labels).shape[0] != labels.shape[0]:
        raise ValueError(
            f"`{name}` must not repeat a label; got {_plain_list(labels)!r}."
        )
    if y_true is not None:
        try:
            unique_labels(labels, y_true)
        except ValueError as exc:
            raise ValueError(
                f"`{name}` and `y_true` must hold labels of the same kind: {exc}"
            ) from exc
    return labels
