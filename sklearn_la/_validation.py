"""Validation shared by every estimator: targets, labels, weights, priors, grids.

This module is the only home of these checks. Each refuses bad input with a
``TypeError`` (wrong type) or ``ValueError`` (wrong value) that names the
argument, the value received and what was expected, so no estimator of the
package ends in a NaN, an ``inf`` or a crash deep inside numpy.

Per-class vectors (priors, target priors, class counts) follow one rule: an
array is read in ``classes_`` order, while a pandas Series or a mapping keyed
by label is aligned by label, never read by position (:func:`_is_keyed`
tells them apart). A user's array ``priors`` or ``target_priors`` is read in
sorted-label order, which is ``classes_`` for every scikit-learn classifier;
with a base whose ``classes_`` are not sorted it is ambiguous and refused
(:func:`_check_unambiguous_order`). A cost matrix is a per-class matrix: an
array in ``classes_`` order, or a pandas DataFrame aligned by label on both
axes (:func:`_check_cost_matrix`).

Types are checked declaratively by the estimators' ``_parameter_constraints``
(``"array-like"``, ``StrOptions``); what this module checks is what those
cannot: values, lengths against the data, alignment with the classes.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d


def _is_option(value, option):
    """``value == option`` for a parameter that may also be an array."""
    return isinstance(value, str) and value == option


def _plain(value):
    """A numpy scalar as a Python value: messages say ``[3]``, not ``[np.int64(3)]``."""
    return value.item() if isinstance(value, np.generic) else value


def _plain_list(values):
    return [_plain(v) for v in values]


def _is_keyed(values):
    """Whether ``values`` is keyed by label: a mapping or a pandas Series.

    pandas is recognised by duck typing so that it stays an optional
    dependency.
    """
    return isinstance(values, Mapping) or (
        type(values).__name__ == "Series" and hasattr(values, "index")
    )


def _check_base_estimator(estimator):
    """Refuse an estimator class, and a frozen model that was never fitted.

    ``HasMethods`` lets a class through (its methods exist, unbound), and a
    ``FrozenEstimator`` of an unfitted model fails only deep inside its
    ``predict_proba``; both are named here, as ``GridSearchCV`` names a class.
    """
    if isinstance(estimator, type):
        raise TypeError(
            f"`estimator` must be an estimator instance ({estimator.__name__}()), "
            f"got the class {estimator.__name__} instead."
        )
    if isinstance(estimator, FrozenEstimator):
        inner = estimator.estimator
        check_is_fitted(
            estimator,
            msg=(
                f"`estimator` is a FrozenEstimator of an unfitted "
                f"{type(inner).__name__}: fit the model before freezing it, "
                f"as in FrozenEstimator({type(inner).__name__}().fit(X, y))."
            ),
        )


def _check_targets(y, owner, *, min_classes=2, name="y"):
    """Return ``y`` as 1-D single-output class labels, or refuse it clearly.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.

    owner : str
        Name of the estimator or function, for messages.

    min_classes : int, default=2
        Fewest distinct labels accepted (``1`` serves a frozen base model,
        which already knows its classes).

    name : str, default="y"
        Argument name used in messages.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        The labels, raveled from a column vector if need be.
    """
    if y is None:
        # The wording "requires y to be passed" is scikit-learn's; its
        # estimator checks look for it.
        raise ValueError(
            f"{owner} requires y to be passed, but the target y is None: `{name}` "
            "must be an array-like of class labels."
        )
    if isinstance(y, (list, tuple)):
        # numpy would read tuples as a 2-D array, scikit-learn as multi-label data.
        _refuse_tuple_labels(y, name)
    values = np.asarray(y)
    if values.ndim >= 1 and values.shape[0] == 0:
        raise ValueError(
            f"{owner} needs at least one sample; `{name}` is empty (0 samples)."
        )
    if values.dtype == object:
        _check_label_types(values.ravel(), name)
    if values.dtype.kind in "fc" and np.isnan(values).any():
        # Refused before type_of_target, whose cast to int warns first.
        raise ValueError(
            f"Input {name} contains NaN: `{name}` must hold a class label in "
            f"every row (row {int(np.argwhere(np.isnan(values))[0][0])} "
            "has none)."
        )
    y_type = type_of_target(y, input_name=name, raise_unknown=True)
    if y_type not in ("binary", "multiclass"):
        raise ValueError(
            f"{owner} supports binary or multiclass targets only; got `{name}` of "
            f"type {y_type!r}."
        )
    # A column vector is accepted with scikit-learn's DataConversionWarning.
    y = column_or_1d(y, warn=True)
    labels = np.unique(y)
    if labels.shape[0] < min_classes:
        raise ValueError(
            f"{owner} needs at least {min_classes} classes in `{name}`; got "
            f"{labels.shape[0]} class(es): {_plain_list(labels)!r}."
        )
    return y


def _is_missing(value):
    """None, NaN, or pandas' ``pd.NA`` / ``pd.NaT`` (duck-typed: pandas is optional)."""
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or type(value).__name__ in ("NAType", "NaTType")
    )


def _refuse_tuple_labels(values, name):
    """Refuse tuples as labels: scikit-learn reads them as multi-label data."""
    example = next((v for v in values if isinstance(v, tuple)), None)
    if example is not None:
        raise ValueError(
            f"`{name}` holds tuples as labels (such as {example!r}), which are not "
            "supported: labels must be numbers or strings (scikit-learn reads a "
            "sequence of tuples as multi-label data). Encode each tuple as one "
            f'string first, e.g. `["-".join(map(str, label)) for label in {name}]`.'
        )


def _check_label_types(values, name):
    """Refuse tuples, missing labels and labels of mixed types in an object array."""
    _refuse_tuple_labels(values, name)
    _check_label_values(values, f"`{name}`")


def _encode_labels(y, classes, *, name="y"):
    """Positions of the labels ``y`` in ``classes`` (any order), as int64.

    ``classes`` need not be sorted (a net may be given ``classes=[2, 0, 1]``).
    Labels absent from ``classes`` are refused with the offending labels named.
    """
    classes = np.asarray(classes)
    y = np.asarray(y)
    sorter = np.argsort(classes, kind="stable")
    try:
        pos = np.searchsorted(classes, y, sorter=sorter)
    except TypeError as exc:
        raise ValueError(
            f"`{name}` holds labels of another type than the classes "
            f"{_plain_list(classes)!r}."
        ) from exc
    idx = sorter[np.clip(pos, 0, len(classes) - 1)]
    unknown = classes[idx] != y
    if np.any(unknown):
        raise ValueError(
            f"`{name}` contains labels {_plain_list(np.unique(y[unknown]))!r} that "
            f"are not among the classes {_plain_list(classes)!r}."
        )
    return idx.astype(np.int64)


def _check_sample_weight(sample_weight, n_samples):
    """Sample weights as a float64 vector: finite, non-negative, positive total.

    Negative weights would make class priors negative and every probability
    NaN, so they are refused here rather than downstream.
    """
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "`sample_weight` must be an array-like of numbers; got "
            f"{type(sample_weight).__name__}."
        ) from exc
    if weights.ndim == 0:
        weights = np.full(n_samples, float(weights))
    if weights.ndim != 1:
        raise ValueError(
            f"`sample_weight` must be 1-D; got an array of shape {weights.shape}."
        )
    if weights.shape[0] != n_samples:
        raise ValueError(
            f"`sample_weight` has {weights.shape[0]} entries, but the data has "
            f"{n_samples} samples; expected one weight per sample."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("`sample_weight` must be finite; it contains NaN or inf.")
    if np.any(weights < 0):
        raise ValueError(
            "`sample_weight` must be non-negative; got "
            f"{int(np.sum(weights < 0))} negative value(s), the smallest "
            f"{float(weights.min())!r}."
        )
    if not weights.sum() > 0:
        raise ValueError(
            "`sample_weight` sums to zero; expected a positive total (at least "
            "one non-zero weight)."
        )
    return weights


def _class_priors(y_encoded, n_classes, sample_weight=None):
    """Training priors ``pi``: each class's share of the (weighted) samples.

    The vector has ``n_classes`` entries even when a class has no sample (its
    prior is then 0; callers decide whether that is allowed), so it stays
    aligned with ``classes_``. ``sample_weight`` must have been validated by
    :func:`_check_sample_weight`.
    """
    counts = np.bincount(y_encoded, weights=sample_weight, minlength=n_classes)
    total = counts.sum()
    if not total > 0:
        raise ValueError(
            f"Cannot compute class priors: the total sample weight is {total!r}; "
            "expected a positive sum."
        )
    return counts / total


def _train_priors(y_encoded, classes, sample_weight=None):
    """Training priors from labels, refusing a class that ``y`` lacks.

    A class the base model knows (a frozen model's) that has no sample in
    ``y`` would get a prior of 0 although nothing says it is rare; it is
    refused by name, and the user can pass ``priors=`` explicitly instead. A
    class whose samples in ``y`` all weigh 0 (a bootstrap bag that drew none
    of its rows) keeps its prior of 0: the base learnt nothing of it, and the
    adjustment never predicts it (:func:`._adjust._log_offset`), as the CV
    estimator's folds do.
    """
    classes = np.asarray(classes)
    priors = _class_priors(y_encoded, len(classes), sample_weight)
    absent = np.bincount(y_encoded, minlength=len(classes)) == 0
    if np.any(absent):
        raise ValueError(
            f"class {_plain_list(classes[absent])!r} has no sample in the y given to "
            "fit, so nothing gives its training prior. Pass `priors=` explicitly, "
            "or fit on data with every class."
        )
    return priors


class _NumberInterval(Interval):
    """An :class:`~sklearn.utils._param_validation.Interval` that refuses bools.

    Python counts ``True`` as the integer 1, so ``tau=True`` would silently
    mean ``tau=1.0`` (and ``taus=True`` a one-value grid); a bool there is a
    mistake, refused with scikit-learn's ``InvalidParameterError`` (a
    ``TypeError`` and a ``ValueError``).
    """

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def _check_grid(values, name, *, low=None, high=None):
    """A non-empty 1-D float grid of finite values within ``[low, high]``.

    The type of a grid parameter is checked declaratively by
    ``_parameter_constraints``; this checks its entries: ``TypeError`` when
    they are not numbers, ``ValueError`` when they are out of range.
    """
    if isinstance(values, (str, bytes)) or any(
        map(_is_bool, np.ravel(np.asarray(values, dtype=object)))
    ):
        raise TypeError(f"`{name}` must be an array-like of numbers; got {values!r}.")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"`{name}` must be an array-like of numbers; got {values!r}."
        ) from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"`{name}` must be a non-empty 1-D array; got {values!r}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite; got {arr.tolist()!r}.")
    too_low = low is not None and np.any(arr < low)
    too_high = high is not None and np.any(arr > high)
    if too_low or too_high:
        raise ValueError(
            f"`{name}` entries must lie in [{low}, {high}]; got {arr.tolist()!r}."
        )
    return arr


# -- per-class vectors ----------------------------------------------------


def _check_class_vector(values, classes, *, name, positive=True):
    """A per-class vector in ``classes`` order, as float64.

    Parameters
    ----------
    values : array-like of shape (n_classes,), pandas Series or mapping
        An array is read in ``classes`` order; a Series or mapping is aligned
        by label and must hold exactly the labels of ``classes``.

    classes : ndarray of shape (n_classes,)
        Class labels, in the order of the result.

    name : str
        Argument name used in messages.

    positive : bool, default=True
        Require strictly positive entries (priors enter ``log``); otherwise
        non-negative ones (counts).

    Returns
    -------
    vector : ndarray of shape (n_classes,)
    """
    classes = np.asarray(classes)
    if _is_keyed(values):
        values = _align_by_label(values, classes, name)
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise ValueError(
            f"`{name}` must be a 1-D array-like of length n_classes={len(classes)} "
            f"(classes {_plain_list(classes)!r}), a pandas Series or a mapping "
            f"keyed by label; got {values!r}."
        )
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` must contain numbers; got {values!r}.") from exc
    if arr.shape[0] != len(classes):
        raise ValueError(
            f"`{name}` has length {arr.shape[0]}, expected n_classes={len(classes)} "
            f"(classes {_plain_list(classes)!r})."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite; got {arr.tolist()!r}.")
    if positive and np.any(arr <= 0):
        raise ValueError(
            f"`{name}` must be strictly positive (log(0) is undefined); got "
            f"{arr.tolist()!r}."
        )
    if not positive and np.any(arr < 0):
        raise ValueError(f"`{name}` must be non-negative; got {arr.tolist()!r}.")
    return arr


# A pandas parameter saved without pandas objects (skops stores no pandas
# types): a plain dict that says what to rebuild.
_SAVED_PANDAS = "__sklearn_la_pandas__"


def _pandas_to_plain(value):
    """A pandas Series or DataFrame parameter as plain lists, else unchanged.

    What an estimator's ``__getstate__`` stores, so that skops can save a
    parameter keyed by label (it refuses pandas objects) and pickle keeps no
    pandas types; :func:`_plain_to_pandas` rebuilds it exactly.
    """
    if _is_data_frame(value):
        return {
            _SAVED_PANDAS: "DataFrame",
            "index": _plain_list(value.index),
            "columns": _plain_list(value.columns),
            "values": value.to_numpy().tolist(),
        }
    if _is_keyed(value) and not isinstance(value, Mapping):
        return {
            _SAVED_PANDAS: "Series",
            "index": _plain_list(value.index),
            "values": value.to_numpy().tolist(),
            "name": value.name,
        }
    return value


def _plain_to_pandas(value):
    """The inverse of :func:`_pandas_to_plain` (other values unchanged)."""
    if not (isinstance(value, dict) and _SAVED_PANDAS in value):
        return value
    import pandas as pd

    if value[_SAVED_PANDAS] == "DataFrame":
        return pd.DataFrame(
            value["values"], index=value["index"], columns=value["columns"]
        )
    return pd.Series(value["values"], index=value["index"], name=value["name"])


def _align_by_label(values, classes, name):
    """The entries of a Series or mapping, ordered as ``classes``."""
    items = [(_plain(key), value) for key, value in values.items()]
    keys = [key for key, _ in items]
    if len(set(keys)) != len(keys):
        raise ValueError(f"`{name}` has duplicate labels: {keys!r}.")
    lookup = dict(items)
    class_list = _plain_list(classes)
    missing = [c for c in class_list if c not in lookup]
    extra = [k for k in keys if k not in set(class_list)]
    if missing or extra:
        raise ValueError(
            f"`{name}` is keyed by label, so its labels must be exactly the classes "
            f"{class_list!r}; missing {missing!r}, unknown {extra!r}."
        )
    return [lookup[c] for c in class_list]


def _normalise(vector):
    """``vector / vector.sum()`` without overflow (``[1e308, 1e308]`` included).

    The sum is used directly when it is finite, so a vector that already sums
    to one comes back unchanged (a saved ``priors_`` reloads bit for bit);
    only an overflowing sum is computed on the vector scaled by its maximum.
    """
    with np.errstate(over="ignore"):
        total = vector.sum()
    if np.isfinite(total):
        return vector / total
    scaled = vector / vector.max()
    return scaled / scaled.sum()


def _check_priors(priors, classes, *, name="priors"):
    """Validate a user-given prior vector and normalise it to sum to one.

    Training priors must be finite and strictly positive: a zero prior makes
    ``log(pi)`` infinite. A deployment prior (``name="target_priors"``) may
    hold zeros, at least one entry being positive: a class that never occurs
    there is never predicted (so what :meth:`estimate_target_priors` returns
    can be passed back). Vectors that do not sum to one (class counts, for
    instance) are rescaled, so ``[90, 10]`` and ``[0.9, 0.1]`` mean the same.
    A pandas Series or a mapping is aligned by label (see
    :func:`_check_class_vector`). Priors so uneven that a positive entry
    underflows to 0 after normalising are refused.
    """
    deployment = name == "target_priors"
    vector = _check_class_vector(priors, classes, name=name, positive=not deployment)
    if deployment and not np.any(vector > 0):
        raise ValueError(
            f"`{name}` must have at least one positive entry; got {vector.tolist()!r}."
        )
    normalised = _normalise(vector)
    if np.any((normalised <= 0) & (vector > 0)):
        raise ValueError(
            f"`{name}` is too uneven to use: after normalising, some entries "
            f"underflow to 0 ({normalised.tolist()!r})."
        )
    return normalised


def _check_unambiguous_order(values, classes, *, name):
    """Refuse an array per-class parameter when ``classes`` are not sorted.

    An array is read in sorted-label order (``np.unique(y)``), the order in
    which post-hoc estimators need the priors before the base model exists.
    A base whose ``classes_`` come in another order makes "the order of the
    classes" ambiguous; reading either way would silently give some users
    the wrong prior, so only a pandas Series or a mapping keyed by label is
    accepted then. Strings and keyed values pass.
    """
    if isinstance(values, str) or _is_keyed(values):
        return
    classes = np.asarray(classes)
    if np.array_equal(classes, np.sort(classes)):
        return
    class_list = _plain_list(classes)
    raise ValueError(
        f"`{name}` is an array, but the base estimator's classes_ "
        f"{class_list!r} are not sorted, so its order is ambiguous. Pass a "
        "pandas Series or a dict keyed by label instead ({label: prior})."
    )


def _by_label(values, classes, *, name):
    """A per-class parameter keyed by label, so that it survives a reordering.

    Post-hoc estimators sometimes need the priors before the base model (and
    so ``classes_``) exists: for the class-balancing weights and in every CV
    fold. There an array is read in the order of ``classes`` (the sorted
    labels, which is ``classes_`` for every scikit-learn classifier) and
    turned into a mapping, so the adjustment after the fit reads the same
    value for each label whatever order the base model gives its classes.
    Strings (``"train"``, ``"uniform"``...) are returned unchanged.
    """
    if isinstance(values, str):
        return values
    vector = _check_priors(values, classes, name=name)
    return dict(zip(_plain_list(classes), vector))


# -- cost matrices --------------------------------------------------------


def _is_data_frame(value):
    """A pandas DataFrame, recognised by duck typing (pandas stays optional)."""
    return (
        type(value).__name__ == "DataFrame"
        and hasattr(value, "index")
        and hasattr(value, "columns")
    )


def _short_repr(value, limit=200):
    """``repr`` of a possibly huge value, cut so that a message stays readable."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=16, edgeitems=2, separator=", ")
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _axis_positions(labels, classes, axis):
    """Position in ``labels`` of each class: a DataFrame axis read by label."""
    labels = [_plain(label) for label in labels]
    if len(set(labels)) != len(labels):
        raise ValueError(
            f"`cost_matrix` has duplicate labels in its {axis}: {labels!r}; each "
            "class must appear once."
        )
    class_list = _plain_list(classes)
    known = set(class_list)
    missing = [c for c in class_list if c not in set(labels)]
    extra = [label for label in labels if label not in known]
    if missing or extra:
        raise ValueError(
            f"`cost_matrix` is a DataFrame, so it is read by label: its {axis} must "
            f"hold exactly the classes {class_list!r}; missing {missing!r}, unknown "
            f"{extra!r}."
        )
    position = {label: i for i, label in enumerate(labels)}
    return np.array([position[c] for c in class_list], dtype=np.intp)


def _not_real(array):
    """Whether an array holds complex numbers, text or dates, not real costs."""
    if array.dtype.kind in "cUSmM":
        return True
    if array.dtype.kind == "O":
        return any(isinstance(v, (str, bytes, complex)) for v in array.ravel())
    return False


def _check_cost_matrix(cost_matrix, classes):
    """A cost matrix in ``classes`` order, validated, as float64.

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes) or DataFrame
        ``cost_matrix[i, j]`` is the cost of predicting class ``j`` when the
        true class is ``i``. An array is read in ``classes`` order; a pandas
        DataFrame is aligned by label, its index (true classes) and its
        columns (predicted classes) each holding exactly the labels of
        ``classes``, in any order.

    classes : array-like of shape (n_classes,)
        Class labels, in the order of the result (``classes_``).

    Returns
    -------
    cost_matrix : ndarray of shape (n_classes, n_classes)
        A new array: finite, non-negative, with at least one row that is not
        constant (for two classes or more).

    Raises
    ------
    TypeError
        If ``cost_matrix`` is a string, a mapping or a Series, or holds
        entries that are not numbers.
    ValueError
        If it is not a square matrix over ``classes``, holds NaN, infinite or
        negative entries, or does not distinguish any prediction.
    """
    classes = np.asarray(classes)
    n_classes = classes.shape[0]
    expected = (
        f"a {n_classes} x {n_classes} array of costs (rows: true class, columns: "
        f"predicted class, in the order of the classes {_plain_list(classes)!r}) "
        "or a pandas DataFrame indexed by label on both axes"
    )
    if isinstance(cost_matrix, (str, bytes)) or _is_keyed(cost_matrix):
        raise TypeError(
            f"`cost_matrix` must be {expected}; got "
            f"{type(cost_matrix).__name__} {_short_repr(cost_matrix)}."
        )
    rows = cols = None
    if _is_data_frame(cost_matrix):
        rows = _axis_positions(cost_matrix.index, classes, "index (true classes)")
        cols = _axis_positions(
            cost_matrix.columns, classes, "columns (predicted classes)"
        )
        values = cost_matrix.to_numpy()
    else:
        values = cost_matrix
    try:
        raw = np.asarray(values)
    except ValueError:  # ragged rows: reported below
        raw = None
    if raw is not None and _not_real(raw):
        # float64 would drop an imaginary part (with only a warning), parse
        # digits out of text or count nanoseconds: each is a mistake.
        raise TypeError(
            f"`cost_matrix` must contain real numbers; got {_short_repr(cost_matrix)} "
            f"of dtype {raw.dtype}."
        )
    try:
        matrix = np.array(values, dtype=np.float64)
    except TypeError as exc:
        raise TypeError(
            f"`cost_matrix` must contain numbers; got {_short_repr(cost_matrix)}."
        ) from exc
    except ValueError as exc:
        # numpy raises ValueError both for text ("abc") and for ragged rows.
        try:
            np.ndim(values)
        except ValueError:
            raise ValueError(
                f"`cost_matrix` must be {expected}; got rows of different lengths: "
                f"{_short_repr(cost_matrix)}."
            ) from exc
        raise TypeError(
            f"`cost_matrix` must contain numbers; got {_short_repr(cost_matrix)}."
        ) from exc
    if matrix.shape != (n_classes, n_classes):
        raise ValueError(
            f"`cost_matrix` must be {expected}; got an array of shape "
            f"{matrix.shape}: {_short_repr(matrix)}."
        )
    if rows is not None:
        matrix = matrix[np.ix_(rows, cols)]
    _check_cost_entries(matrix, classes)
    return matrix


def _check_cost_entries(matrix, classes):
    """Refuse non-finite or negative costs, naming the first offending entry."""
    for bad, what in ((~np.isfinite(matrix), "finite"), (matrix < 0, "non-negative")):
        if np.any(bad):
            i, j = np.argwhere(bad)[0]
            value = float(matrix[i, j])
            raise ValueError(
                f"`cost_matrix` must be {what}; got {int(bad.sum())} entry(ies) that "
                f"are not, the first cost_matrix[{i}, {j}] = {value!r} (true class "
                f"{_plain(classes[i])!r}, predicted {_plain(classes[j])!r})."
            )
    if matrix.shape[0] > 1 and np.all(matrix == matrix[:, :1]):
        raise ValueError(
            "`cost_matrix` does not distinguish any prediction: every row is "
            "constant (all zero, for instance), so every class has the same "
            f"expected cost. Got {_short_repr(matrix)}; expected a row with "
            "different costs, such as 1 - I for the 0-1 loss."
        )


# -- metric inputs (labels, thresholds, class counts) ---------------------


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
            "label (drop or impute those rows first)."
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
