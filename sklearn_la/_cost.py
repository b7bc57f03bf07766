"""Expected-cost decisions: the Bayes rule for a cost matrix.

With posteriors ``p(i|x)`` (for the package, the adjusted posteriors: the
softmax of ``log p(i|x) - tau * log(pi_i) + log(q_i)``) and a cost matrix
``C[i, j]``, the cost of predicting class ``j`` when the truth is ``i`` (rows
true, columns predicted, both in ``classes_`` order), the decision of least
expected cost is

    ``argmin_j  sum_i C[i, j] * p(i|x)``.

The 0-1 cost ``C = 1 - I`` gives ``argmin_j 1 - p(j|x)``, the argmax of post-hoc
logit adjustment (Menon et al., 2021, section 4). The rule is unchanged when
``C`` is multiplied by a positive number or when a constant is added to a row
(the truth's cost shifts every prediction's expected cost alike); adding a
constant to a column is a penalty on predicting that class, which changes it.

Ties go to the first class in ``classes_`` order among those of least expected
cost, as the package's argmax gives the first class among the maxima.
"""

import numpy as np
from sklearn.utils import gen_batches

from ._validation import _encode_labels, _is_keyed, _plain, _plain_list

# Rows per block of the cost computation: a block holds about this many
# entries, so the temporaries stay in cache and no n x K array is allocated.
_BLOCK_ENTRIES = 2**17


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


def _zero_one_scale(cost_matrix):
    """``a`` when ``C = a * (1 - I) + r 1^T`` with ``a > 0``, else None.

    Such a matrix (a positive multiple of the 0-1 cost, plus a cost per true
    class) has expected costs ``a * (1 - p_j) + sum_i r_i p_i``: its decision
    is the argmax of the posterior. The regrets ``C[i, j] - C[i, i]`` are
    compared up to 8 units in the last place of the largest cost, the
    rounding that building ``a * (1 - I) + r`` in floats leaves.
    """
    n_classes = cost_matrix.shape[0]
    if n_classes < 2:
        return None
    regret = cost_matrix - np.diag(cost_matrix)[:, None]
    off_diagonal = regret[~np.eye(n_classes, dtype=bool)]
    scale = off_diagonal[0]
    rounding = 8 * np.finfo(np.float64).eps * np.abs(cost_matrix).max()
    if scale > rounding and np.all(np.abs(off_diagonal - scale) <= rounding):
        return float(scale)
    return None


def _expected_cost_decision(scores, cost_matrix, *, log_scores=True):
    """Index of the class of least expected cost, for each row of ``scores``.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)
        Log-scores ``log p(i|x)`` up to a per-row constant (``-inf`` for an
        impossible class), or probabilities when ``log_scores=False`` (rows
        need not sum to one: the decision does not depend on a row's scale).
        Not modified.

    cost_matrix : ndarray of shape (n_classes, n_classes)
        Validated by :func:`_check_cost_matrix`.

    log_scores : bool, default=True
        Whether ``scores`` are log-scores or probabilities.

    Returns
    -------
    indices : ndarray of shape (n_samples,)
        ``argmin_j sum_i C[i, j] p(i|x)``, the first class among equal minima.

    Notes
    -----
    When ``C = a * (1 - I) + r 1^T`` (``a > 0``: the 0-1 cost, scaled, plus
    any cost per true class; up to float rounding), the result is ``np.argmax(scores,
    axis=1)``, computed on ``scores`` as given. Computing ``1 - p`` or
    ``p @ C`` would round distinct probabilities to equal costs (``1 - 1e-20``
    is ``1.0``) and so break ties differently from the argmax; the shortcut
    makes the 0-1 cost reproduce the argmax exactly, ties included. Pass it
    the very array the argmax would be taken of (the adjusted log-scores).

    Otherwise the expected costs are ``p @ C`` in blocks of rows, so that no
    n x K array is allocated; ``p`` is ``exp(scores - row max)`` (not
    normalised: the decision does not depend on a row's scale). A row with no
    positive probability (all ``-inf``, or all zero) carries no information
    and is decided as under a uniform posterior; with the 0-1 cost that is
    the first class, as the argmax gives. A row with NaN or ``+inf`` is
    refused.
    """
    scores = np.asarray(scores)
    n_classes = cost_matrix.shape[0]
    if scores.ndim != 2 or scores.shape[1] != n_classes:
        raise ValueError(
            f"`scores` must have shape (n_samples, {n_classes}) to match the cost "
            f"matrix; got shape {scores.shape}."
        )
    if _zero_one_scale(cost_matrix) is not None:
        return np.argmax(scores, axis=1)
    uniform_cost = cost_matrix.sum(axis=0)
    indices = np.empty(scores.shape[0], dtype=np.intp)
    batch_size = max(1, _BLOCK_ENTRIES // n_classes)
    for rows in gen_batches(scores.shape[0], batch_size):
        proba, empty = _block_probabilities(scores[rows], log_scores)
        costs = proba @ cost_matrix
        costs[empty] = uniform_cost
        indices[rows] = np.argmin(costs, axis=1)
    return indices


def _block_probabilities(block, log_scores):
    """Unnormalised probabilities of a block of rows, and its empty rows."""
    proba = np.array(block, dtype=np.float64)
    if log_scores:
        row_max = proba.max(axis=1)
        if np.any(np.isnan(row_max) | (row_max == np.inf)):
            raise ValueError(
                "`scores` must be log-scores without NaN or +inf; a row holds one."
            )
        empty = row_max == -np.inf
        row_max[empty] = 0.0
        proba -= row_max[:, None]
        np.exp(proba, out=proba)
        return proba, empty
    row_sum = proba.sum(axis=1)
    if not np.all(np.isfinite(row_sum)) or np.any(proba < 0):
        raise ValueError(
            "`scores` must be probabilities: finite and non-negative; a row is not."
        )
    return proba, row_sum == 0


def _binary_threshold(cost_matrix):
    """Threshold on ``p(classes_[1]|x)`` of the cost rule for two classes.

    With regrets ``d0 = C[0, 1] - C[0, 0]`` (a false positive) and
    ``d1 = C[1, 0] - C[1, 1]`` (a false negative), the rule predicts
    ``classes_[1]`` exactly when ``p1 * d1 > (1 - p1) * d0``, i.e. when
    ``p1 > d0 / (d0 + d1)``. That is the threshold a
    :class:`~sklearn.model_selection.FixedThresholdClassifier` on
    ``predict_proba`` needs; it predicts the positive class at equality, where
    this rule, breaking the tie towards the first class, does not.

    Parameters
    ----------
    cost_matrix : ndarray of shape (2, 2)
        Validated by :func:`_check_cost_matrix`.

    Returns
    -------
    threshold : float
        ``d0 / (d0 + d1)``; below 0 or above 1 when one class is always
        predicted.

    Raises
    ------
    ValueError
        If ``d0 + d1 <= 0``: the rule then predicts ``classes_[1]`` when
        ``p1`` is *small*, or never depends on ``p1``; no threshold of this
        form exists.
    """
    if cost_matrix.shape != (2, 2):
        raise ValueError(
            "A decision threshold exists for two classes only; `cost_matrix` has "
            f"shape {cost_matrix.shape}."
        )
    false_positive = cost_matrix[0, 1] - cost_matrix[0, 0]
    false_negative = cost_matrix[1, 0] - cost_matrix[1, 1]
    total = false_positive + false_negative
    if not total > 0:
        raise ValueError(
            "`cost_matrix` gives no threshold on p(classes_[1]|x): its regrets "
            f"C[0, 1] - C[0, 0] = {false_positive!r} and C[1, 0] - C[1, 1] = "
            f"{false_negative!r} must have a positive sum (an error must cost more "
            "than the right answer overall)."
        )
    return float(false_positive / total)


def _cost_decisions(scores, cost_matrix):
    """The cost rule's class indices, or None where it is the plain argmax.

    ``None`` for no cost matrix or a 0-1 one (see :func:`_zero_one_scale`):
    the caller then keeps its own argmax, so the prediction methods agree
    exactly as without a cost matrix, ties included.
    """
    if cost_matrix is None or _zero_one_scale(cost_matrix) is not None:
        return None
    return _expected_cost_decision(scores, cost_matrix)


def _deployment_cost_scorer(cost_matrix, classes, target):
    """Scorer of the negative expected cost at the deployment prior ``q``.

    The cost counterpart of balanced accuracy: the cost rule minimises the
    expected cost under ``q``, ``sum_i q_i E[C[i, h(x)] | y = i]``, so that is
    what validation measures, each class's mean cost weighted by ``q_i``.
    ``target`` is ``"uniform"`` (the class-balanced cost), ``"train"`` (the
    plain mean cost) or a vector in ``classes`` order. A class missing from
    a validation fold is left out and ``q`` renormalised over the others, as
    balanced accuracy does.
    """
    classes = np.asarray(classes)
    n_classes = classes.shape[0]
    if isinstance(target, str):
        q = None if target == "train" else np.full(n_classes, 1.0 / n_classes)
    else:
        q = np.asarray(target, dtype=np.float64)

    def deployment_cost(estimator, X, y):
        truth = _encode_labels(y, classes)
        costs = cost_matrix[truth, _encode_labels(estimator.predict(X), classes)]
        if q is None:
            return -float(costs.mean())
        counts = np.bincount(truth, minlength=n_classes)
        present = counts > 0
        mean_cost = np.bincount(truth, weights=costs, minlength=n_classes)[present]
        mean_cost /= counts[present]
        return -float(q[present] @ mean_cost / q[present].sum())

    return deployment_cost
