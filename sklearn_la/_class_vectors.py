"""Per-class vectors aligned by label: priors, target priors, class counts.

Per-class vectors follow one rule: an array is read in ``classes_`` order,
while a pandas Series or a mapping keyed by label is aligned by label, never
read by position. A user's array ``priors`` or ``target_priors`` is read in
sorted-label order, which is ``classes_`` for every scikit-learn classifier;
with a base whose ``classes_`` are not sorted it is ambiguous and refused
(:func:`_check_unambiguous_order`). Like :mod:`._validation`, each check
refuses bad input with an error that names the argument, the value received
and what was expected.
"""

import numpy as np

from ._validation import _is_keyed, _plain, _plain_list


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

    Entries must be finite and strictly positive: a zero prior makes
    ``log(pi)`` infinite. Vectors that do not sum to one (class counts, for
    instance) are rescaled, so ``[90, 10]`` and ``[0.9, 0.1]`` mean the same.
    A pandas Series or a mapping is aligned by label (see
    :func:`_check_class_vector`). Priors so uneven that the smallest
    underflows to 0 after normalising are refused.
    """
    priors = _normalise(_check_class_vector(priors, classes, name=name))
    if np.any(priors <= 0):
        raise ValueError(
            f"`{name}` is too uneven to use: after normalising, some entries "
            f"underflow to 0 ({priors.tolist()!r})."
        )
    return priors


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
